"""Many learners, one machine: ten sandbox kernels at once, and none sees another's VPC.

Each kernel creates a VPC named after its learner, waits (bounded) until all ten exist at the same moment, then
lists the VPCs it can see. Isolation holds if every kernel sees exactly its own VPC (plus its own default VPC).
Memory per kernel is measured by benchmarks/concurrency.py and never asserted here.
"""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import concurrency  # noqa: E402

KERNELS = int(os.environ.get("VPCLAB_CONCURRENCY_KERNELS", "10"))


@pytest.mark.notebook
@pytest.mark.xdist_group("publish-heavy")
def test_ten_sandbox_kernels_at_once_do_not_see_each_other(tmp_path):
    results = concurrency.run_many(KERNELS, tmp_path)
    assert len(results) == KERNELS
    assert len({r["pid"] for r in results}) == KERNELS  # separate kernel processes
    learners = {r["learner"] for r in results}
    assert len(learners) == KERNELS
    for r in results:
        own = [v for v in r["seen"] if not v["default"]]
        assert [v["id"] for v in own] == [r["mine"]], f"{r['learner']} saw {own}"
        assert own[0]["name"] == r["learner"]
        assert len([v for v in r["seen"] if v["default"]]) == 1  # its own default VPC, nobody else's
        assert not ({v["name"] for v in r["seen"]} & (learners - {r["learner"]}))
    # the worlds really existed together: at least one kernel listed its VPCs after all had created theirs
    assert max(r["together"] for r in results) == KERNELS


def test_the_pool_is_bounded(tmp_path):
    with pytest.raises(ValueError, match="between 1 and 10"):
        concurrency.run_many(11, tmp_path)
