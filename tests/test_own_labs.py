"""Your own notebook on the sandbox: start_lab with a name of yours, `vpclab run path.ipynb`, `vpclab labs --copy`."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

import lab_helpers
from lab_helpers import cli
from lab_helpers.core import catalog, session
from lab_helpers.core.resources import LAB_TAG, RUN_TAG
from lab_helpers.errors import DestinationNotEmpty, LabNameError, NotebookNotFound, SolutionNotFound, UnknownLabError

ROOT = Path(__file__).resolve().parents[1]


def _tags(vpc: dict) -> dict:
    return {t["Key"]: t["Value"] for t in vpc.get("Tags", [])}


def test_an_uncatalogued_name_opens_a_tagged_sandbox_torn_down_the_same_way(capsys):
    session._NOTED_OWN.discard("our-network-notes")
    lab = lab_helpers.start_lab("our-network-notes", mode="sandbox")
    out = capsys.readouterr().out
    assert "Sandbox lab our-network-notes" in out and "not one of the course's" in out
    assert lab.name == "our-network-notes" and not lab.course and lab.mode == "sandbox"
    ec2 = lab.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    tags = _tags(ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0])
    assert tags[LAB_TAG] == "our-network-notes" and tags[RUN_TAG] == lab.run_id
    report = lab.teardown()
    assert report.clean and lab.closed


def test_the_own_lab_note_is_said_once_per_kernel(capsys):
    session._NOTED_OWN.discard("scratch")
    lab_helpers.start_lab("scratch").teardown()
    lab_helpers.start_lab("scratch").teardown()
    assert capsys.readouterr().out.count("not one of the course's") == 1


def test_own_lab_has_no_course_solutions():
    with lab_helpers.start_lab("scratch", quiet=True) as lab:
        with pytest.raises(SolutionNotFound, match="your own lab.*SOLUTIONS = False"):
            lab.solution("usable_addresses")


@pytest.mark.parametrize("name", ["01_vpc_basic", "01-vpc-basics", "42", "07_metadata"])
def test_near_misses_of_course_labs_are_still_refused_with_a_suggestion(name):
    with pytest.raises(UnknownLabError, match="vpclab list"):
        lab_helpers.start_lab(name)


def test_near_miss_names_the_course_lab():
    with pytest.raises(UnknownLabError, match="Did you mean '01_vpc_basics'"):
        catalog.resolve("01-vpc-basics")


@pytest.mark.parametrize("name", ["our notes", "a/b", "-notes", "x" * 65, "", "   ", "ünïcode"])
def test_a_name_that_cannot_be_a_tag_value_is_refused_clearly(name):
    with pytest.raises(LabNameError, match="letters, digits|needs a name"):
        lab_helpers.start_lab(name)


def test_a_refused_name_suggests_a_usable_one():
    with pytest.raises(LabNameError, match="'our-notes'"):
        catalog.resolve("our notes")


def test_course_labs_still_resolve_as_course_labs():
    info = catalog.resolve("1")
    assert info.name == "01_vpc_basics" and info.course


# --- vpclab run path.ipynb -------------------------------------------------------------------------------------

def own_notebook(path: Path, body: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('MODE = "sandbox"\nREGION = None\nSOLUTIONS = False')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


@pytest.mark.notebook
def test_vpclab_run_executes_any_notebook_with_the_labs_parameters(tmp_path, capsys):
    body = ("import json, lab_helpers\n"
            "lab = lab_helpers.start_lab('our-network-notes', mode=MODE, region=REGION)\n"
            "vpc = lab.client('ec2').create_vpc(CidrBlock='10.30.0.0/16')['Vpc']['VpcId']\n"
            "import socket\n"
            "try:\n    socket.create_connection(('192.0.2.1', 443), timeout=1); guard = 'open'\n"
            "except ConnectionRefusedError as err:\n    guard = 'vpc-labs test guard' in str(err)\n"
            "print('SEEN ' + json.dumps({'mode': MODE, 'region': lab.region, 'solutions': SOLUTIONS, 'guard': guard}))\n"
            "lab.teardown()")
    notebook = own_notebook(tmp_path / "our-network-notes.ipynb", body)
    out = tmp_path / "runs"
    assert cli.main(["run", str(notebook), "--region", "eu-west-1", "--out", str(out), "--no-progress"]) == 0
    assert "✅ our-network-notes ran to the end." in capsys.readouterr().out
    executed = nbformat.read(out / "our-network-notes.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    seen = json.loads(next(line for line in text.splitlines() if line.startswith("SEEN "))[5:])
    assert seen == {"mode": "sandbox", "region": "eu-west-1", "solutions": False, "guard": True}  # guard in the kernel
    assert "not one of the course's" in text


@pytest.mark.notebook
def test_vpclab_run_reports_the_failing_cell_of_your_notebook(tmp_path, capsys):
    notebook = own_notebook(tmp_path / "broken.ipynb", "raise RuntimeError('our subnet is missing')")
    assert cli.main(["run", str(notebook), "--out", str(tmp_path / "runs"), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "broken stopped at cell" in err and "our subnet is missing" in err


def test_vpclab_run_of_a_missing_notebook_says_what_to_give(tmp_path, capsys):
    assert cli.main(["run", str(tmp_path / "nowhere.ipynb")]) == 2
    assert "No notebook at" in capsys.readouterr().err
    with pytest.raises(NotebookNotFound):
        cli.cmd_run(cli.parser().parse_args(["run", str(tmp_path / "nowhere.ipynb")]))


# --- vpclab labs --copy DIR ------------------------------------------------------------------------------------

def test_labs_copy_from_the_checkout(tmp_path, capsys):
    assert cli.main(["labs", "--copy", str(tmp_path / "mine")]) == 0
    names = sorted(p.name for p in (ROOT / "labs").glob("[0-9][0-9]_*.ipynb"))
    assert f"Copied {len(names)} lab notebook(s)" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "mine").glob("*.ipynb")) == names
    assert (tmp_path / "mine" / "solutions" / "01_vpc_basics.py").read_text() == \
        (ROOT / "labs" / "solutions" / "01_vpc_basics.py").read_text()


def test_labs_copy_from_the_installed_package(tmp_path, monkeypatch, capsys):
    """No labs folder (a wheel install): the copy comes from lab_helpers/data/labs, solutions unpacked."""
    monkeypatch.setenv("VPCLAB_LABS_DIR", str(tmp_path / "no-labs-here"))
    assert cli.main(["labs", "--copy", str(tmp_path / "mine")]) == 0
    assert "from the installed package" in capsys.readouterr().out
    copied = tmp_path / "mine" / "01_vpc_basics.ipynb"
    assert copied.read_text() == (ROOT / "labs" / "01_vpc_basics.ipynb").read_text()
    assert (tmp_path / "mine" / "solutions" / "09_capstone.py").read_text() == \
        (ROOT / "labs" / "solutions" / "09_capstone.py").read_text()
    monkeypatch.setenv("VPCLAB_LABS_DIR", str(tmp_path / "mine"))  # the copy is a labs folder: lab 01 by number
    assert catalog.find("01").path == copied


def test_labs_copy_never_overwrites_your_work_unless_forced(tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "01_vpc_basics.ipynb").write_text("my answers")
    assert cli.main(["labs", "--copy", str(mine), "--no-solutions"]) == 2
    assert "--force" in capsys.readouterr().err and (mine / "01_vpc_basics.ipynb").read_text() == "my answers"
    from lab_helpers.core.course_files import copy_labs

    with pytest.raises(DestinationNotEmpty):
        copy_labs(mine)
    report = copy_labs(mine, solutions=False, force=True)
    assert not report.solutions and not (mine / "solutions").exists()
    assert (mine / "01_vpc_basics.ipynb").read_text() != "my answers"


def test_labs_without_copy_says_what_to_give(capsys):
    assert cli.main(["labs"]) == 2
    assert "--copy DIR" in capsys.readouterr().err
