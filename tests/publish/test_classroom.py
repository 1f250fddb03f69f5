"""Classroom tools: instructor/student copies that run, a timing sheet that adds up, one table of a class's progress."""
import csv
import io
import json
from pathlib import Path

import nbformat
import pytest

from lab_helpers import classroom, cli
from lab_helpers.classroom import timing
from lab_helpers.core import catalog
from lab_helpers.core.notebook_kernels import execute_notebook
from lab_helpers.errors import LabError, UnknownLabError

ROOT = Path(__file__).resolve().parents[2]


def _code(path):
    return "\n".join(c.source for c in nbformat.read(str(path), as_version=4).cells if c.cell_type == "code")


def test_instructor_copy_shows_the_solution_source_and_student_copy_does_not(toy_labs, tmp_path):
    copies = classroom.instructor("01", tmp_path / "class")
    assert copies.solved == ["build_vpc"] and copies.missing == []
    teacher, student = _code(copies.instructor), _code(copies.student)
    assert 'ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]' in teacher  # the answer, as source
    assert "NotImplementedError" not in teacher and "lab.solution(" not in teacher
    assert "Create the 10.0.0.0/16 VPC and return its id." in teacher  # the solution's own docstring wins
    assert "NotImplementedError" in student and "lab.solution(" not in student and "create_vpc(" not in student
    first = nbformat.read(str(copies.instructor), as_version=4).cells[0]
    assert "Instructor copy" in first.source and "answers" in first.source


@pytest.mark.notebook
def test_instructor_copy_passes_every_check_and_student_copy_runs_to_the_end(toy_labs, tmp_path, monkeypatch):
    copies = classroom.instructor("01_toy_vpc", tmp_path / "class")
    monkeypatch.setenv("VPCLAB_STRICT", "1")  # a failed check raises: the instructor copy must solve them all
    execute_notebook(str(copies.instructor), str(tmp_path / "teacher.ipynb"), cwd=str(toy_labs),
                     kernel_name="python3", progress_bar=False)
    monkeypatch.delenv("VPCLAB_STRICT")
    out = execute_notebook(str(copies.student), str(tmp_path / "student.ipynb"), cwd=str(toy_labs),
                           kernel_name="python3", progress_bar=False)
    text = json.dumps(out["cells"])
    assert "not done yet" in text  # the check printed ❌ for the unsolved exercise


def test_instructor_copy_brings_the_imports_and_constants_a_solution_uses(tmp_path):
    """Lab 01's usable_addresses uses `ipaddress` and a module constant: the copy must define both."""
    info = next((lab for lab in catalog.discover() if lab.name == "01_vpc_basics"), None)
    if info is None:
        pytest.skip("lab 01 is not on this branch")
    copies = classroom.instructor("01", tmp_path)
    teacher = _code(copies.instructor)
    assert "import ipaddress" in teacher and "AWS_RESERVED_PER_SUBNET = 5" in teacher
    compile(teacher.replace("!", "#"), "instructor", "exec")  # the rewritten cells are valid Python


@pytest.mark.notebook
def test_instructor_copies_of_the_real_labs_have_no_stubs_left(tmp_path):
    for info in catalog.discover():
        copies = classroom.instructor(info.name, tmp_path)
        if (info.path.parent / "solutions" / f"{info.name}.py").exists():
            assert copies.missing == [], f"{info.name}: no solution for {copies.missing}"
            assert "raise NotImplementedError" not in _code(copies.instructor), info.name
        for cell in nbformat.read(str(copies.instructor), as_version=4).cells:
            if cell.cell_type == "code" and "Reference solution" in cell.source:
                compile(cell.source, f"{info.name} instructor cell", "exec")  # the inlined answer is valid Python


def test_unknown_lab_is_a_clear_error(toy_labs, tmp_path):
    with pytest.raises(UnknownLabError, match="01_toy_vpc"):
        classroom.instructor("01_toy", tmp_path)


def test_timing_sheet_sums_to_each_labs_minutes_with_start_times_and_breaks(toy_labs):
    rows = list(csv.DictReader(io.StringIO(classroom.timing_sheet(fmt="csv", start="09:30", break_every=15))))
    by_lab = {}
    for row in rows:
        by_lab[row["lab"]] = by_lab.get(row["lab"], 0) + int(row["minutes"])
    assert by_lab == {"01_toy_vpc": 20, "02_toy_widgets": 10, "": 10}  # "" is the one break
    assert rows[0]["start"] == "09:30" and rows[0]["kind"] == "intro"
    assert [r["section"] for r in rows if r["lab"] == "01_toy_vpc"][1:] == ["1. A picture", "2. Exercise — build it",
                                                                           "3. Clean up"]
    kinds = {r["section"]: r["kind"] for r in rows}
    assert kinds["2. Exercise — build it"] == "exercise" and kinds["3. Clean up"] == "wrap-up"
    assert kinds["Break"] == "break"
    # start times follow each other: the next section starts when the previous one ends
    minutes = [int(h) * 60 + int(m) for h, m in (r["start"].split(":") for r in rows)]
    assert all(b - a == int(r["minutes"]) for a, b, r in zip(minutes, minutes[1:], rows))
    markdown = classroom.timing_sheet(["02"])
    assert "| +0:00 | 02_toy_widgets |" in markdown and "**10**" in markdown


def test_timing_sheet_refuses_bad_input(toy_labs):
    with pytest.raises(LabError, match="14:00"):
        classroom.timing_sheet(start="2pm")
    with pytest.raises(LabError, match="csv"):
        classroom.timing_sheet(fmt="xlsx")


def test_share_is_exact_and_proportional():
    assert timing.share(60, [1, 1, 1]) == [20, 20, 20]
    assert sum(timing.share(17, [0.5, 3, 1.2, 4])) == 17
    assert timing.share(10, [9, 1]) == [9, 1]


def _progress(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path


def test_progress_report_of_one_learner_and_of_a_class(toy_labs, tmp_path):
    at = "2026-11-21T10:00:00"
    alice = _progress(tmp_path / "alice" / "progress.json", {
        "01_toy_vpc": {"Exercise 1.1 — a VPC": {"passed": True, "at": at}}})
    bob = _progress(tmp_path / "bob.json", {
        "01_toy_vpc": {"Exercise 1.1 — a VPC": {"passed": False, "at": at}},
        "02_toy_widgets": {"Clicked": {"passed": True, "at": at}}})
    broken = tmp_path / "carol.json"
    broken.write_text("{not json")
    one = classroom.progress_report([alice])
    assert "## alice" in str(one) and "✅ Exercise 1.1 — a VPC" in str(one) and "1/1 checks passed" in str(one)
    report = classroom.progress_report([alice, bob, broken, tmp_path / "dave.json"])
    assert report.labs == ["01_toy_vpc", "02_toy_widgets"]  # catalog order
    assert report.counts("bob", "01_toy_vpc") == (0, 1) and report.counts("bob", "02_toy_widgets") == (1, 1)
    table = str(report)
    assert "| alice | ✅ 1/1 | — | 1/1 |" in table and "| bob | 🟡 0/1 | ✅ 1/1 | 1/2 |" in table
    assert "carol.json: cannot read it" in table and "dave.json: no such file" in table
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert {(r["learner"], r["lab"], r["passed"]) for r in rows} == {
        ("alice", "01_toy_vpc", "True"), ("bob", "01_toy_vpc", "False"), ("bob", "02_toy_widgets", "True")}


def test_progress_report_reads_the_learners_own_file_by_default(toy_labs, tmp_path, monkeypatch):
    from lab_helpers.core import kernel
    from lab_helpers.teach import check
    monkeypatch.setattr(kernel, "current_lab_name", lambda: "01_toy_vpc")  # as if the lab were open
    monkeypatch.delenv("VPCLAB_NO_PROGRESS", raising=False)
    check.that("a true thing", lambda: True)
    report = classroom.progress_report()
    assert report.counts("you", "01_toy_vpc") == (1, 1)


def test_cli_subcommands(toy_labs, tmp_path, capsys):
    assert cli.main(["instructor", "01", "--out", str(tmp_path / "c")]) == 0
    assert (tmp_path / "c" / "instructor" / "01_toy_vpc.ipynb").exists()
    assert cli.main(["timing", "--start", "14:00"]) == 0
    assert "| 14:00 | 01_toy_vpc |" in capsys.readouterr().out
    learner = _progress(tmp_path / "ann.json", {"01_toy_vpc": {"x": {"passed": True, "at": "t"}}})
    assert cli.main(["progress", str(learner), "--csv"]) == 0
    assert "ann,01_toy_vpc,x,True,t" in capsys.readouterr().out
    assert cli.main(["progress", str(tmp_path / "nobody.json")]) == 1


def test_a_classroom_folder_has_a_home_per_learner_with_the_labs(tmp_path, monkeypatch):
    from lab_helpers.classroom import hub

    monkeypatch.setattr(hub, "find_proxy", lambda: "/usr/bin/true")
    room = hub.Classroom(tmp_path / "room", hub.learner_names(2), password="seminar-room")
    config = room.write()
    for user in ("learner01", "learner02"):
        assert (tmp_path / "room" / "homes" / user / "labs" / "01_vpc_basics.ipynb").exists()
        assert (tmp_path / "room" / "homes" / user / ".vpclab").is_dir()
    assert (tmp_path / "room" / "instructor-token").stat().st_mode & 0o077 == 0  # the token is the instructor's
    assert "from lab_helpers.classroom.hub import configure" in config.read_text()
    with pytest.raises(LabError, match="at least 8"):
        hub.Classroom(tmp_path / "r2", ["learner01"], password="short").settings()
    with pytest.raises(LabError, match="between 1 and 200"):
        hub.learner_names(0)
    monkeypatch.setattr(hub, "find_proxy", lambda: None)
    with pytest.raises(LabError, match="make classroom"):
        room.settings()


def test_progress_from_a_hub_needs_the_instructors_token(capsys, monkeypatch):
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    assert cli.main(["progress", "--hub", "http://127.0.0.1:9"]) == 2
    assert "instructor's token" in capsys.readouterr().err
    assert cli.main(["progress", "--hub", "http://127.0.0.1:9", "--token", "t"]) == 2  # nothing listens: a LabError
    assert "127.0.0.1:9" in capsys.readouterr().err
