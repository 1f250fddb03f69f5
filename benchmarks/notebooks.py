"""Per-notebook execution time next to an empty notebook through the same papermill path.

A script, not a test: machines are shared and noisy, so it prints ratios for a human to read and never asserts.

    python benchmarks/notebooks.py [--repeat 3] [LAB ...]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from lab_helpers.core.notebook_kernels import execute_notebook

ROOT = Path(__file__).resolve().parent.parent
LABS = ROOT / "labs"


def empty_notebook(directory: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("MODE = None\nREGION = None\nSOLUTIONS = False")
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell("pass")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = directory / "empty.ipynb"
    nbformat.write(nb, path)
    return path


def timed(notebook: Path, out: Path, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        execute_notebook(str(notebook), str(out), parameters={"SOLUTIONS": True}, cwd=str(LABS),
                         kernel_name="python3", progress_bar=False)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labs", nargs="*")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    notebooks = [LABS / f"{name}.ipynb" for name in args.labs] or sorted(LABS.glob("[0-9][0-9]_*.ipynb"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        baseline = timed(empty_notebook(tmp), tmp / "out.ipynb", args.repeat)
        print(f"{'notebook':<28} {'seconds':>8} {'× empty':>8}")
        print(f"{'(empty notebook)':<28} {baseline:8.2f} {1.0:8.1f}")
        for nb in notebooks:
            seconds = timed(nb, tmp / nb.name, args.repeat)
            print(f"{nb.stem:<28} {seconds:8.2f} {seconds / baseline:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
