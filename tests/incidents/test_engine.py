"""The engine's contract: seeds reproduce across processes, each kind has variants, answers stay locked in a
learner's copy, hints escalate, the explanation opens after a ✅, and the registry's CLI shape."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lab_helpers import cli
from lab_helpers.errors import IncidentSolutionLocked, LabError, UnknownIncidentError
from lab_helpers.lessons import incidents

ROOT = Path(__file__).resolve().parents[2]
IDS = re.compile(r"\b(?:i|vpc|subnet|rtb|sg|acl|nat|igw|pcx|tgw|tgw-attach|tgw-rtb|vpce|rslvr-fw|rslvr-rr|eni)-[0-9a-f]+\b"
                 r"|\b[A-Z0-9]{10,32}\b")
SAMPLE = ["igw-route-missing", "nacl-deny-first", "tgw-blackhole", "record-in-wrong-zone", "imds-hop-limit"]

SCRIPT = """
import json, sys, lab_helpers
lab = lab_helpers.start_lab("01_vpc_basics", quiet=True)
out = {}
for kind in sys.argv[2:]:
    inc = lab.incident(kind, seed=int(sys.argv[1]), solutions=True)
    out[kind] = inc.symptom + " | " + inc.explain()
    inc.close()  # a new account's five VPCs per Region: one incident's world at a time
lab.teardown()
print("RESULT" + json.dumps(out))
"""


def masked(text: str) -> str:
    """Resource ids are moto's random choice, not the seed's: compare everything else."""
    return IDS.sub("<id>", text)


def _run(seed: int, kinds, hashseed: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": hashseed, "PYTHONPATH": str(ROOT)}
    env.pop("VPCLAB_STRICT", None)
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(seed), *kinds], capture_output=True, text=True,
                          env=env, timeout=300, cwd=ROOT)
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT"))
    return {k: masked(v) for k, v in json.loads(line[len("RESULT"):]).items()}


def test_same_seed_same_incident_across_processes():
    """Different PYTHONHASHSEEDs: no hash() randomness reaches the choice of resource, rule or port."""
    assert _run(42, SAMPLE, "1") == _run(42, SAMPLE, "999")


@pytest.mark.parametrize("kind", sorted(incidents.KINDS))
def test_every_kind_has_three_variants(kind, fresh_lab):
    """Three seeds give three different incidents (symptom and fault, ids aside): which resource, rule,
    port or address differs, so answers cannot be passed around a class."""
    seen = set()
    for seed in range(3):  # variant_of walks options[seed % n]: seeds 0-2 give three
        incident = fresh_lab.incident(kind, seed=seed, solutions=True)
        seen.add(masked(incident.symptom + " | " + incident.explain()))
        incident.close()  # one world at a time, as a learner's lab does
    assert len(seen) >= 3, seen


def test_solve_is_locked_in_a_learners_copy(fresh_lab):
    incident = fresh_lab.incident("igw-route-missing", seed=1)
    with pytest.raises(IncidentSolutionLocked, match="SOLUTIONS = True") as caught:
        incident.solve()
    assert isinstance(caught.value, LabError)
    assert not incident.symptom_gone()


def test_hints_escalate_and_explain_opens_after_the_fix(fresh_lab):
    incident = fresh_lab.incident("nat-route-missing", seed=3)
    hints = [incident.hint() for _ in range(4)]
    assert [h.split(":")[0] for h in hints] == ["Hint 1/3", "Hint 2/3", "Hint 3/3", "Hint 3/3"]
    assert len(set(hints[:3])) == 3 and incident.hints_used == 3
    assert "Fix it first" in incident.explain()
    fresh_lab.client("ec2").create_route(RouteTableId=incident.resources["private_route_table"],
                                         DestinationCidrBlock="0.0.0.0/0", NatGatewayId=incident.resources["nat"])
    assert incident.check().passed
    text = incident.explain()
    assert "Fault:" in text and "AWS rule:" in text and "https://docs.aws.amazon.com/" in text
    assert incident.score() == {"kind": "nat-route-missing", "seed": 3, "solved": True, "hints": 3,
                                "minutes": incident.minutes, "refused": 0}


def test_unknown_kind_is_a_clear_error(fresh_lab):
    with pytest.raises(UnknownIncidentError, match="vpclab incidents"):
        fresh_lab.incident("no-such-kind", seed=1)


def test_seed_alone_picks_a_kind(fresh_lab):
    incident = fresh_lab.incident(seed=5)
    assert incident.kind == incidents.pick(5, 1)[0]


def test_a_lab_filter_draws_from_that_lab_and_hides_the_kind(fresh_lab):
    """Lab 02 hands out one of its own faults by seed; the display must not name it (the name is the answer)."""
    lab02 = set(incidents.kinds_for("02"))
    drawn = {incidents.pick(seed, 1, labs=["02"])[0] for seed in range(12)}
    assert drawn <= lab02 and len(drawn) > 1  # the seed really chooses, and only among lab 02's kinds
    incident = fresh_lab.incident(seed=7, lab="02", solutions=True)
    assert incident.kind == incidents.pick(7, 1, labs=["02"])[0] and incident.lab_number == "02"
    shown = str(incident) + incident.check().title
    assert incident.kind not in shown and incident.title not in shown
    assert incident.kind in incident.explain()  # named once the answer is open
    with pytest.raises(UnknownIncidentError, match="lab '99'"):
        fresh_lab.incident(seed=1, lab="99")


def test_registry_covers_labs_01_to_08_with_30_kinds():
    labs = {k.lab for k in incidents.KINDS.values()}
    assert len(incidents.KINDS) >= 30
    assert {"01", "02", "03", "04", "05", "06", "07", "08"} <= labs


def test_cli_json_has_exactly_the_four_keys(capsys):
    assert cli.main(["incidents", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(incidents.KINDS)
    assert all(set(r) == {"kind", "lab", "title", "difficulty"} for r in rows)
    assert {r["difficulty"] for r in rows} <= {"easy", "medium", "hard"}


def test_cli_table_filters_by_lab(capsys):
    assert cli.main(["incidents", "--lab", "4"]) == 0
    out = capsys.readouterr().out
    assert "tgw-blackhole" in out and "igw-route-missing" not in out


def test_docs_page_lists_every_kind():
    """The site's table is the registry's: regenerate it with incidents.markdown_table() when a kind changes."""
    assert incidents.markdown_table() in (ROOT / "docs" / "INCIDENTS.md").read_text()
