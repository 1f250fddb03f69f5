"""lab.draw / draw.trace / draw.matrix: the topology and the path overlay are drawn from the describe-based snapshot."""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from lab_helpers.sim.netsim import Snapshot, trace  # noqa: E402
from lab_helpers.teach import draw  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "lab_helpers" / "data" / "snapshots" / "public_private_nat.json"


def _texts(ax):
    return " ".join(t.get_text() for t in ax.texts)


def _markers(ax):
    return [line.get_marker() for line in ax.lines]


def test_topology_shows_subnet_kinds_and_gateways(tmp_path):
    snap = Snapshot.load(EXAMPLE)
    ax = draw.vpc(None, snapshot=snap)
    words = _texts(ax)
    assert "public-a" in words and "private-a" in words and "egress via NAT" in words
    assert "IGW" in words and "S3 gateway endpoint" in words and "NAT" in words
    assert "^" in _markers(ax) and "D" in _markers(ax)  # IGW and NAT gateway symbols
    ax.figure.savefig(tmp_path / "topology.png")
    assert (tmp_path / "topology.png").stat().st_size > 10_000


def test_trace_overlay_marks_where_it_stops():
    snap = Snapshot.load(EXAMPLE)
    public = next(i for i in snap.instances.values() if snap.subnets[i.subnet_id].name == "public-a")
    private = next(i for i in snap.instances.values() if snap.subnets[i.subnet_id].name == "private-a")
    blocked = draw.trace(trace(None, public.id, private.id, port=443, snapshot=snap))
    assert "X" in _markers(blocked) and "ENI_SG_RULES_MISMATCH" in _texts(blocked)
    ok = draw.trace(trace(None, private.id, "internet", snapshot=snap))
    assert "X" not in _markers(ok) and ok.texts and "reachable" in ok.get_title()
    assert len([t for t in ok.texts if getattr(t, "arrow_patch", None)]) >= 3  # inst->NAT->IGW->internet


def test_lab_draw_uses_the_live_sandbox(lab):
    from netsim_builders import igw, route_table, subnet, vpc

    ec2 = lab.client("ec2")
    v = vpc(ec2, "10.77.0.0/16", "drawn")
    s = subnet(ec2, v, "10.77.1.0/24", "us-east-1a")
    ec2.create_route(RouteTableId=route_table(ec2, v, s), DestinationCidrBlock="0.0.0.0/0", GatewayId=igw(ec2, v))
    ax = lab.draw()
    assert "drawn" in _texts(ax) and "10.77.1.0/24" in _texts(ax)
