"""The rack/host model: deterministic layout and blast radius per strategy (AWS docs: placement-rules)."""
import matplotlib
import pytest
from placement_world import launch, subnets

from lab_helpers.sim import hardware
from lab_helpers.teach import draw

matplotlib.use("Agg")


@pytest.fixture
def world(lab, ec2):
    sn = subnets(ec2)
    ec2.create_placement_group(GroupName="hpc", Strategy="cluster")
    ec2.create_placement_group(GroupName="kafka", Strategy="partition", PartitionCount=3)
    ec2.create_placement_group(GroupName="critical", Strategy="spread")
    ids = {
        "hpc": launch(ec2, sn["us-east-1a"], "hpc", n=4),
        "kafka": launch(ec2, sn["us-east-1a"], "kafka", n=6),
        "critical": launch(ec2, sn["us-east-1a"], "critical", n=3),
        "default": launch(ec2, sn["us-east-1a"], n=8),
    }
    return ids


def test_strategies_shape_the_layout(lab, world):
    slots = {s.instance_id: s for s in hardware.layout(lab)}
    racks = lambda group: {slots[i].rack for i in world[group]}
    assert len(racks("hpc")) == 1  # cluster: one rack
    assert len(racks("critical")) == 3  # spread: a rack each
    kafka = [slots[i] for i in world["kafka"]]
    by_part = {}
    for s in kafka:
        by_part.setdefault(s.partition, set()).add(s.rack)
    assert sorted(by_part) == [1, 2, 3]
    assert len(set().union(*by_part.values())) == 3  # partitions never share racks
    assert len(racks("default")) > 1 and len(racks("default")) < 8  # spread out, but shared racks happen
    group_racks = racks("hpc") | racks("kafka") | racks("critical")
    assert not group_racks & racks("default")


def test_layout_is_deterministic(lab, world):
    assert hardware.layout(lab) == hardware.layout(lab)


def test_rack_failure_blast_radius(lab, world):
    slots = hardware.layout(lab)
    hpc_rack = next(s.rack for s in slots if s.instance_id == world["hpc"][0])
    hit = hardware.fail(lab, rack=hpc_rack, slots=slots)
    assert hit.by_group()["hpc"] == (4, 4)  # the whole cluster group goes
    kafka_rack = next(s.rack for s in slots if s.instance_id == world["kafka"][0])
    assert hardware.fail(lab, rack=kafka_rack, slots=slots).by_group()["kafka"] == (2, 6)  # one partition of three
    spread_rack = next(s.rack for s in slots if s.instance_id == world["critical"][0])
    assert hardware.fail(lab, rack=spread_rack, slots=slots).by_group()["critical"] == (1, 3)
    assert "lost" in str(hit)


def test_host_failure_is_smaller_than_rack(lab, world):
    slots = hardware.layout(lab)
    first = next(s for s in slots if s.instance_id == world["hpc"][0])
    host_hit = hardware.fail(lab, host=first.host, slots=slots)
    assert 0 < len(host_hit.lost) < hardware.fail(lab, rack=first.rack, slots=slots).by_group()["hpc"][0] + 1


def test_bad_failure_target_is_a_clear_error(lab, world):
    with pytest.raises(ValueError, match="exactly one"):
        hardware.fail(lab)
    with pytest.raises(ValueError, match="No instance runs"):
        hardware.fail(lab, rack="us-east-1a-rack99")


def test_plot_draws(lab, world):
    hit = hardware.fail(lab, rack=hardware.layout(lab)[0].rack)
    ax = draw.failure(hit)
    assert len(ax.patches) == sum(len(v) for v in world.values()) + 1  # one box each, plus the failed-rack band


def test_terminated_instances_leave_the_model(lab, ec2, world):
    ec2.terminate_instances(InstanceIds=world["hpc"])
    assert not {s.instance_id for s in hardware.layout(lab)} & set(world["hpc"])


def test_draw_placement_draws_every_time(lab, world):
    # A second call once broke: a submodule named like the function hid it from the package's lazy lookup.
    for _ in range(2):
        ax = draw.placement(hardware.layout(lab))
        assert len(ax.patches) == sum(len(v) for v in world.values())


def test_the_models_import_no_plotting_or_widgets():
    import ast
    import inspect

    from lab_helpers.sim import nat

    for module in (hardware, nat):
        tree = ast.parse(inspect.getsource(module))
        names = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                 for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])}
        assert not names & {"matplotlib", "ipywidgets", "IPython"}, module.__name__
