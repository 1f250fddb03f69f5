"""The curriculum, lab by lab: through papermill, inside the kernel, the first cell, and the kernel's peak memory.

A script, not a test: machines are shared and noisy, so it prints ratios for a human to read and never asserts.

    python benchmarks/notebooks.py [--repeat 3] [--no-explain] [LAB ...]

For each lab (and an empty notebook through the same path, the floor):

* ``total`` — wall seconds of one papermill run (kernel start, every cell, kernel stop), and ``× empty``;
* ``in kernel`` — the sum of papermill's per-cell durations: the lab's own work. ``total − in kernel`` is what
  papermill and the kernel's start and stop cost, which no lab code can cut;
* ``first cell`` — the cell with the lab's imports and ``start_lab`` (the first code cell after the parameters),
  wall seconds against the 1 s target, and the kernel's CPU seconds for it (less distorted by a busy machine);
* ``peak MiB`` — the kernel process's peak resident set (``ru_maxrss``, read by a cell appended to a temporary copy),
  against the 300 MiB target. A lab over it is run once more under ``tracemalloc`` and its largest live allocations
  at the end are named by package (``--no-explain`` skips that run).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from lab_helpers.core.notebook_kernels import execute_notebook

ROOT = Path(__file__).resolve().parent.parent
LABS = ROOT / "labs"
FIRST_CELL_TARGET_S = 1.0
PEAK_TARGET_MIB = 300.0
MARK = "VPCLAB_BENCH "

PEAK_CELL = f"""import json as _j, resource as _r
print({MARK!r} + _j.dumps({{"peak_mib": _r.getrusage(_r.RUSAGE_SELF).ru_maxrss / 1024}}))"""

TRACE_START = "import tracemalloc as _tm\n_tm.start(1)"
CPU_BEFORE = "import time as _t\n_cpu0 = _t.process_time()"
CPU_AFTER = f"print({MARK!r} + __import__('json').dumps({{'first_cell_cpu': _t.process_time() - _cpu0}}))"
BENCH_TAG = "vpclab-bench"  # cells this script adds: not the lab's
TRACE_END = f"""import json as _j, tracemalloc as _tm, collections as _c
_by = _c.Counter()
for _s in _tm.take_snapshot().statistics("filename"):
    _f = _s.traceback[0].filename
    _key = _f.split("site-packages/")[-1].split("/")[0] if "site-packages/" in _f else \\
        ("lab_helpers/" + _f.split("lab_helpers/")[-1].split("/")[0]) if "lab_helpers/" in _f else _f.rsplit("/", 1)[-1]
    _by[_key] += _s.size
print({MARK!r} + _j.dumps({{"traced_peak_mib": _tm.get_traced_memory()[1] / 2**20,
                           "top": [[k, v / 2**20] for k, v in _by.most_common(8)]}}))"""


def empty_notebook(directory: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("MODE = None\nREGION = None\nSOLUTIONS = False")
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell("pass")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = directory / "empty.ipynb"
    nbformat.write(nb, path)
    return path


def _ours(source: str):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = [BENCH_TAG]
    return cell


def instrumented(notebook: Path, directory: Path, explain: bool) -> Path:
    """A temporary copy with the first cell's CPU time taken and the peak-memory cell appended (and tracemalloc
    around the lab when ``explain``)."""
    nb = nbformat.read(notebook, as_version=4)
    at = next((i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), 0)
    first = next((i for i in range(at, len(nb.cells)) if nb.cells[i].cell_type == "code"), None)
    if first is not None:
        nb.cells.insert(first + 1, _ours(CPU_AFTER))
        nb.cells.insert(first, _ours(CPU_BEFORE))
    if explain:
        nb.cells.insert(at, _ours(TRACE_START))
        nb.cells.append(_ours(TRACE_END))
    nb.cells.append(_ours(PEAK_CELL))
    path = directory / (notebook.stem + (".explain" if explain else "") + ".ipynb")
    nbformat.write(nb, path)
    return path


def measurements(executed: Path) -> dict:
    nb = nbformat.read(executed, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    durations = [c.metadata.get("papermill", {}).get("duration") or 0.0 for c in code]
    tags = [c.metadata.get("tags", []) for c in code]
    lab_cells = [i for i, t in enumerate(tags) if BENCH_TAG not in t]
    after_parameters = [i for i in lab_cells if "parameters" not in tags[i] and "injected-parameters" not in tags[i]]
    out: dict = {"in_kernel": sum(durations[i] for i in lab_cells),
                 "first_cell": durations[after_parameters[0]] if after_parameters else 0.0, "first_cell_cpu": 0.0}
    for cell in code:
        for output in cell.get("outputs", []):
            for line in output.get("text", "").splitlines():
                if line.startswith(MARK):
                    out.update(json.loads(line[len(MARK):]))
    return out


def run(notebook: Path, out: Path) -> dict:
    start = time.perf_counter()
    execute_notebook(str(notebook), str(out), parameters={"SOLUTIONS": True}, cwd=str(LABS), kernel_name="python3",
                     progress_bar=False)
    return {"total": time.perf_counter() - start, **measurements(out)}


def median_of(runs: list[dict]) -> dict:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0] if isinstance(runs[0][key], float)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labs", nargs="*", help="lab names, e.g. 01_vpc_basics (default: every lab)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-explain", action="store_true", help="do not re-run a lab over the memory target")
    args = parser.parse_args(argv)
    notebooks = [LABS / f"{name}.ipynb" for name in args.labs] or sorted(LABS.glob("[0-9][0-9]_*.ipynb"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        empty = instrumented(empty_notebook(tmp), tmp, explain=False)
        floor = median_of([run(empty, tmp / "out.ipynb") for _ in range(args.repeat)])
        print(f"{'notebook':<26} {'total s':>8} {'× empty':>8} {'in kernel':>10} {'papermill':>10} "
              f"{'first cell':>11} {'× 1 s':>6} {'(cpu s)':>8} {'peak MiB':>9} {'× 300':>6}")
        row(" (empty notebook)", floor, floor)
        over = []
        for nb in notebooks:
            m = median_of([run(instrumented(nb, tmp, explain=False), tmp / nb.name) for _ in range(args.repeat)])
            row(nb.stem, m, floor)
            if m.get("peak_mib", 0) > PEAK_TARGET_MIB:
                over.append(nb)
        for nb in over if not args.no_explain else []:
            traced = run(instrumented(nb, tmp, explain=True), tmp / f"{nb.stem}.explain.out.ipynb")
            top = ", ".join(f"{name} {mib:.0f}" for name, mib in traced.get("top", []))
            print(f"{nb.stem} is over {PEAK_TARGET_MIB:.0f} MiB; live Python allocations at its end "
                  f"(traced peak {traced.get('traced_peak_mib', 0):.0f} MiB), MiB by package: {top}")
    return 0


def row(name: str, m: dict, floor: dict) -> None:
    print(f"{name:<26} {m['total']:8.2f} {m['total'] / floor['total']:8.1f} {m['in_kernel']:10.2f} "
          f"{m['total'] - m['in_kernel']:10.2f} {m['first_cell']:11.2f} {m['first_cell'] / FIRST_CELL_TARGET_S:6.2f} "
          f"{m['first_cell_cpu']:8.2f} {m.get('peak_mib', 0):9.0f} {m.get('peak_mib', 0) / PEAK_TARGET_MIB:6.2f}")


if __name__ == "__main__":
    sys.exit(main())
