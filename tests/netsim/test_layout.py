"""The topology layout is pure data: boxes for every VPC and subnet, computed without matplotlib."""
import subprocess
import sys
from pathlib import Path

from lab_helpers.sim.netsim import Snapshot, trace
from lab_helpers.teach.draw import layout

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "lab_helpers" / "data" / "snapshots" / "public_private_nat.json"


def test_one_box_per_vpc_and_subnet_coloured_by_its_route():
    snap = Snapshot.load(EXAMPLE)
    topo = layout.topology(snap)
    assert [b.id for b in topo.vpcs] == list(snap.vpcs)
    (box,) = topo.vpcs
    assert sorted(s.id for s in box.subnets) == sorted(snap.subnets)
    kinds = {snap.subnets[s.id].name: s.kind for s in box.subnets}
    assert kinds == {"public-a": "public", "private-a": "nat"}
    for s in box.subnets:  # every subnet box sits inside its VPC box, coloured by its kind
        assert box.x < s.x and s.x + s.w < box.x + box.w and box.y < s.y and s.y + s.h < box.y + box.h
        assert (s.fill, s.edge) == (layout.FILL[s.kind], layout.EDGE[s.kind])
    assert box.igw is not None and box.igw.shape == "^"
    assert [m.label.text for m in box.endpoints] == ["S3 gateway endpoint"]
    assert {"internet", box.id, box.igw.id} <= set(topo.positions)
    assert all(i in topo.positions for i in snap.instances)


def test_trace_path_runs_through_placed_components():
    snap = Snapshot.load(EXAMPLE)
    private = next(i for i in snap.instances.values() if snap.subnets[i.subnet_id].name == "private-a")
    topo = layout.topology(snap)
    path = layout.trace_path(topo, trace(None, private.id, "internet", snapshot=snap))
    assert path.reachable and path.stop is None
    assert path.points[0] == topo.positions[private.id] and path.points[-1] == topo.positions["internet"]
    assert len(path.points) >= 4  # instance -> NAT -> IGW -> internet


def test_layout_does_not_import_matplotlib():
    code = ("import sys\n"
            "from lab_helpers.sim.netsim import Snapshot\n"
            "from lab_helpers.teach.draw import layout\n"
            f"topo = layout.topology(Snapshot.load({str(EXAMPLE)!r}))\n"
            "assert topo.vpcs and topo.vpcs[0].subnets\n"
            "assert 'matplotlib' not in sys.modules, 'layout imported matplotlib'\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
