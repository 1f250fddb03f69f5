"""Every lab runs top to bottom in the sandbox: with solutions under strict checks (CI proves each exercise is
solvable), and as a learner's first run (no solutions, checks print ❌ but nothing crashes)."""
import pytest
from nbrun import SEEDS, lab_notebooks, run
from output_scan import notebook_offenders

NOTEBOOKS = lab_notebooks()


def test_there_are_labs_to_run():
    assert len(NOTEBOOKS) >= 2, "labs/ should hold at least labs 00 and 01"


@pytest.mark.notebook
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_lab_with_solutions_passes_every_check(notebook, tmp_path):
    executed = run(notebook, tmp_path, {"MODE": "sandbox", "SOLUTIONS": True, **SEEDS}, env={"VPCLAB_STRICT": "1"})
    shown = notebook_offenders(executed)
    assert not shown, f"{notebook.name} presents loopback/private addresses as public: {shown[:5]}"


@pytest.mark.notebook
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_lab_first_run_without_solutions_runs_to_the_end(notebook, tmp_path):
    run(notebook, tmp_path, {"MODE": "sandbox", "SOLUTIONS": False, **SEEDS}, env={"VPCLAB_STRICT": None})
