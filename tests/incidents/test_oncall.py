"""Lab 10's shift: six kinds from six labs, the same for a seed; the score and the incidents reach the progress
file and ``vpclab progress``; ``vpclab instructor 10 --seed N`` writes SEED into both copies."""
from __future__ import annotations

import json

import nbformat

from lab_helpers import cli
from lab_helpers.lessons import incidents
from lab_helpers.lessons.incidents import oncall
from lab_helpers.teach import progress


def test_roster_is_six_labs_and_reproducible():
    kinds = oncall.roster(17)
    assert kinds == oncall.roster(17) and len(kinds) == 6
    assert len({incidents.KINDS[k].lab for k in kinds}) == 6
    assert oncall.roster(18) != kinds or oncall.roster(19) != kinds


def test_a_shift_scores_and_records(fresh_lab, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("VPCLAB_HOME", str(tmp_path))
    monkeypatch.delenv("VPCLAB_NO_PROGRESS", raising=False)
    shift = oncall.Shift(fresh_lab, seed=5, size=2, solutions=True)
    first = shift.next()
    first.hint()
    first.solve()
    assert first.check().passed
    second = shift.next()
    assert not second.check().passed  # left unsolved
    score = shift.score()
    assert (score.solved, score.hints, len(score.results)) == (1, 1, 2)
    recorded = progress.incidents(progress.load())
    kinds = [r["kind"] for r in recorded]
    assert first.kind in kinds and second.kind in kinds and "on-call shift" in kinds
    assert cli.main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "**Incidents**" in out and f"✅ 01_vpc_basics: {first.kind}" in out


def test_instructor_seed_goes_into_both_copies(tmp_path):
    copies = cli.main(["instructor", "10", "--out", str(tmp_path), "--seed", "42"])
    assert copies == 0
    for kind in ("instructor", "student"):
        nb = nbformat.read(str(tmp_path / kind / "10_on_call.ipynb"), as_version=4)
        params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        assert "SEED = 42" in params.source
        assert ("SOLUTIONS = True" in params.source) == (kind == "instructor")


def test_progress_report_skips_the_incident_list_as_a_lab(tmp_path):
    record = {"01_vpc_basics": {"a check": {"passed": True, "at": "x"}},
              progress.INCIDENTS: [{"lab": "10_on_call", "kind": "nat-blackhole", "seed": 1, "solved": True,
                                    "hints": 2, "minutes": 3.5, "refused": 1}]}
    path = tmp_path / "alice.json"
    path.write_text(json.dumps(record))
    from lab_helpers.classroom.class_progress import progress_report

    report = progress_report([path, path])
    assert report.labs == ["01_vpc_basics"]
    assert "| 1/1 |" in report.table()
