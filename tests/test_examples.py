"""examples/ci-network-docs end to end, as its CI would run it: the project's own tests through the pytest plugin
(in a child pytest, on a copy of the folder), and its documentation notebook through `vpclab run`."""
from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
import yaml
from pluginrun import run_pytest

from lab_helpers import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ci-network-docs"
DB_RULE = '"UserIdGroupPairs": [{"GroupId": app_sg, "Description": "app to PostgreSQL"}]'


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy, as a project of its own would hold it: nothing written into this checkout."""
    return Path(shutil.copytree(EXAMPLE, tmp_path / "ci-network-docs",
                                ignore=shutil.ignore_patterns("__pycache__", "build", ".ipynb_checkpoints")))


def test_the_examples_tests_pass_on_the_sandbox(project):
    done = run_pytest(project)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "7 passed" in done.stdout


def test_a_widened_rule_fails_them_with_the_trace_that_gets_through(project):
    script = project / "network.py"
    assert DB_RULE in script.read_text(), "the example's db rule changed: update DB_RULE here"
    script.write_text(script.read_text().replace(DB_RULE, '"IpRanges": [{"CidrIp": CIDR}]'))
    done = run_pytest(project)
    out = done.stdout
    assert done.returncode == 1, out[-4000:]
    assert "FAILED tests/test_network.py::test_nothing_else_reaches_db_on_5432" in out, out[-4000:]
    assert "1 source(s) wrong" in out and "inbound tcp port 5432 from 10.40.0.0/16" in out
    assert "1 failed, 6 passed" in out


@pytest.mark.notebook
def test_the_examples_notebook_documents_the_network(project, capsys):
    out = project / "build" / "docs"
    assert cli.main(["run", str(project / "network_notes.ipynb"), "--out", str(out), "--html", "--no-progress"]) == 0
    said = capsys.readouterr().out
    assert "Running network_notes (Our network: ournet)" in said and "✅ network_notes ran to the end." in said
    executed = nbformat.read(out / "network_notes.ipynb", as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "ci-network-docs is your own lab" in text and "Reachability on tcp/5432" in text
    assert "db.ournet.internal" in text and "Nothing tagged with this run is left." in text
    assert (out / "network_notes.html").stat().st_size > 10_000


def test_the_example_notebook_is_committed_clean():
    nb = nbformat.read(EXAMPLE / "network_notes.ipynb", as_version=4)
    assert not [c for c in nb.cells if c.cell_type == "code" and (c.outputs or c.execution_count)]
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and "MODE =" in params[0].source and "REGION =" in params[0].source
    assert 'start_lab("ci-network-docs"' in "".join(c.source for c in nb.cells)


def test_the_examples_ci_workflow_runs_both():
    workflow = yaml.safe_load((EXAMPLE / ".github" / "workflows" / "network-docs.yml").read_text())
    commands = "\n".join(step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"])
    assert "pytest" in commands and "vpclab run network_notes.ipynb" in commands
    assert "vpc-labs" in commands and "AWS_ACCESS_KEY_ID" not in commands
