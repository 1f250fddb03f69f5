"""Headless kernels talk over Unix sockets, so two starting at once can never race for a TCP port."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import nbrun
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from lab_helpers.core import notebook_kernels
from lab_helpers.core.notebook_kernels import IPCKernelManager

ROOT = Path(__file__).resolve().parents[1]
# Every place that starts a notebook kernel: the tests, the concurrency benchmark, the site builder, `vpclab run`.
RUNNERS = ["tests/nbrun.py", "tests/publish/test_classroom.py", "benchmarks/concurrency.py",
           "benchmarks/notebooks.py", "tools/build_site.py", "lab_helpers/cli.py"]

PROBE = ("import json, ipykernel.connect as c\n"
         "info = c.get_connection_info(unpack=True)\n"
         "print(json.dumps({k: info[k] for k in ('transport', 'ip', 'shell_port', 'iopub_port')}))")


def test_the_manager_defaults_to_ipc_with_a_folder_of_its_own():
    first, second = IPCKernelManager(), IPCKernelManager()
    assert first.transport == second.transport == "ipc"
    folders = {Path(first.ip).parent, Path(second.ip).parent}
    assert len(folders) == 2 and all(f.is_dir() and f.name.startswith("vpclab-kernel-") for f in folders)
    assert len(first.ip) < 90  # Unix socket paths stop at ~107 bytes, and "-<n>" is appended per channel
    for folder in folders:  # never started: nothing will shut them down
        notebook_kernels.release(folder)
    assert not any(f.exists() for f in folders)


def _a_workers_kernel_dir(_) -> str:
    return str(notebook_kernels.kernel_dir())  # and never released: the worker's exit must remove it


def test_a_folder_never_released_goes_with_its_pool_worker_though_it_ends_with_os_exit():
    # The classroom and site builders run labs in a ProcessPoolExecutor, whose workers skip atexit: every
    # `make test` used to leave ~15 empty folders in /tmp.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    mine = notebook_kernels.kernel_dir()
    try:
        for method in ("fork", "spawn"):
            with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context(method)) as pool:
                theirs = Path(pool.submit(_a_workers_kernel_dir, None).result())
                assert theirs.is_dir(), method
            assert not theirs.exists(), f"a {method} worker left {theirs}"
        assert mine.is_dir()  # a forked worker inherits our table of folders, and leaves ours alone
    finally:
        notebook_kernels.release(mine)


@pytest.mark.parametrize("runner", RUNNERS)
def test_every_runner_starts_its_kernels_through_the_ipc_path(runner):
    tree = ast.parse((ROOT / runner).read_text())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and n.func.attr == "execute_notebook"]
    assert not calls, f"{runner} calls papermill.execute_notebook directly (TCP ports can race)"
    assert "lab_helpers.core.notebook_kernels" in (ROOT / runner).read_text()


@pytest.mark.notebook
def test_a_kernel_started_the_way_the_suite_does_listens_on_unix_sockets(tmp_path, capfd):
    nb = new_notebook(cells=[new_code_cell(PROBE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    (tmp_path / "src").mkdir()
    nbformat.write(nb, str(tmp_path / "src" / "probe.ipynb"))
    out = nbrun.run(tmp_path / "src" / "probe.ipynb", tmp_path, {})  # the path every lab test takes
    info = json.loads(out.cells[0].outputs[0]["text"])
    assert info["transport"] == "ipc", info
    assert Path(info["ip"]).parent.name.startswith("vpclab-kernel-")
    # the kernel's folder went with the kernel, not with this process (which pytest-xdist may kill at exit)
    assert not Path(info["ip"]).parent.exists()
    # the "ports" are socket-file suffixes; no TCP port was ever picked
    assert {info["shell_port"], info["iopub_port"]} <= set(range(1, 6))
    # the kernel process writes its log to the stderr it inherited: no unencrypted-TCP warning there
    assert "without encryption" not in capfd.readouterr().err


def _three_cells(tmp_path: Path, last: str = "c = 3") -> Path:
    nb = new_notebook(cells=[new_code_cell("a = 1"), new_code_cell("b = 2\nprint('b', b)"), new_code_cell(last)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "three.ipynb"
    nbformat.write(nb, str(path))
    return path


@pytest.mark.notebook
def test_the_output_notebook_is_written_at_the_ends_not_twice_per_cell(tmp_path, monkeypatch):
    import papermill.engines

    written = []
    real = papermill.engines.write_ipynb
    monkeypatch.setattr(papermill.engines, "write_ipynb", lambda nb, path: (written.append(path), real(nb, path)))
    out = notebook_kernels.execute_notebook(str(_three_cells(tmp_path)), str(tmp_path / "out.ipynb"),
                                            kernel_name="python3", progress_bar=False)
    # papermill's own engine writes 2 + 2 per cell = 8 here; ours the start and the end
    assert len(written) == 2, written
    saved = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4)
    assert saved.cells[1].outputs[0]["text"] == "b 2\n"
    assert all(c.metadata.papermill["status"] == "completed" for c in saved.cells)
    assert [c.metadata.papermill["duration"] is not None for c in out.cells] == [True] * 3


@pytest.mark.notebook
def test_a_failed_run_still_leaves_its_traceback_in_the_output(tmp_path):
    import papermill

    with pytest.raises(papermill.PapermillExecutionError):
        notebook_kernels.execute_notebook(str(_three_cells(tmp_path, last="1 / 0")), str(tmp_path / "out.ipynb"),
                                          kernel_name="python3", progress_bar=False)
    saved = nbformat.read(str(tmp_path / "out.ipynb"), as_version=4)
    failed = [c for c in saved.cells if c.get("outputs") and c.outputs[-1].get("ename") == "ZeroDivisionError"]
    assert failed and failed[0].metadata.papermill["status"] == "failed"


def test_a_kernel_is_not_interrupted_on_its_way_out():
    import asyncio

    manager = IPCKernelManager()
    with pytest.raises(RuntimeError, match="No kernel is running"):  # an interrupt asked for outside a shutdown
        asyncio.run(manager._async_interrupt_kernel())
    manager.shutting_down = True  # what jupyter_client sets just before it interrupts, then asks for shutdown
    asyncio.run(manager._async_interrupt_kernel())
