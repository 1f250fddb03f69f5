"""Run a lab notebook with papermill and turn a failure into one line naming the notebook and the cell."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import papermill
import pytest

from lab_helpers.core.notebook_kernels import execute_notebook

ROOT = Path(__file__).resolve().parent.parent
LABS = ROOT / "labs"


def lab_notebooks() -> list[Path]:
    """Discovered, never listed by hand: a new lab is tested the moment it exists."""
    return sorted(LABS.glob("[0-9][0-9]_*.ipynb"))


@contextmanager
def environment(**values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update({k: str(v) for k, v in values.items() if v is not None})
    for k, v in values.items():
        if v is None:
            os.environ.pop(k, None)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# Labs that draw incidents by seed (lab 02's INCIDENT_SEED, lab 10's SEED) get fixed ones: a test run is the same
# every time (every kind is proven on its own in tests/incidents). A notebook without them ignores the extra names.
SEEDS = {"INCIDENT_SEED": 3, "SEED": 3}


def run(notebook: Path, out_dir: Path, parameters: dict, env: dict | None = None, timeout: int = 300):
    """Execute ``notebook``; on error fail the test with the cell number, its first line and the error."""
    out = out_dir / notebook.name
    with environment(**(env or {})):
        try:
            return execute_notebook(str(notebook), str(out), parameters=parameters, cwd=str(LABS),
                                    kernel_name="python3", progress_bar=False, execution_timeout=timeout,
                                    log_output=False, start_timeout=300)  # a loaded CI machine
        except papermill.PapermillExecutionError as err:
            source = _cell_source(out, err.exec_count)
            pytest.fail(f"{notebook.relative_to(ROOT)} cell {err.cell_index} (In [{err.exec_count}]) "
                        f"`{source}` raised {err.ename}: {err.evalue}", pytrace=False)


def run_until_refused(notebook: Path, out_dir: Path, parameters: dict, env: dict | None = None,
                      timeout: int = 300) -> str:
    """Execute ``notebook`` expecting it to stop with a lab error; returns the error's class name."""
    out = out_dir / notebook.name
    with environment(**(env or {})):
        try:
            execute_notebook(str(notebook), str(out), parameters=parameters, cwd=str(LABS), kernel_name="python3",
                             progress_bar=False, execution_timeout=timeout, log_output=False, start_timeout=300)
        except papermill.PapermillExecutionError as err:
            return err.ename
    pytest.fail(f"{notebook.relative_to(ROOT)} ran to the end; it should have stopped", pytrace=False)


def _cell_source(executed: Path, exec_count) -> str:
    """The failing cell's first line, found by its execution count (papermill adds a banner cell on error)."""
    import nbformat

    try:
        cells = nbformat.read(executed, as_version=4).cells
        cell = next(c for c in cells if c.cell_type == "code" and c.get("execution_count") == exec_count)
        return cell.source.strip().splitlines()[0][:80] if cell.source.strip() else "(empty)"
    except Exception:
        return "?"
