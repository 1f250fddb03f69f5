"""Many learners on one machine: N sandbox kernels at once, each isolated, and what each costs in memory.

On a JupyterHub every learner's notebook is its own kernel process, and the sandbox is moto *inside* that
process, so isolation comes from the operating system, not from anything we share. This script proves it and
measures the price:

1. it writes a probe notebook that opens lab 01 in the sandbox, creates a VPC named after its learner, waits at a
   barrier until every kernel has created its own (so all N worlds exist at the same time), then lists the VPCs
   it can see and records its peak resident memory (``ru_maxrss``);
2. it runs N copies with papermill in a process pool (at most N processes, N ≤ 10 by default), each with its own
   ``VPCLAB_HOME``;
3. it prints, per kernel, the VPCs seen (must be only its own) and the peak RSS, next to an empty kernel's peak RSS
   measured the same way, so the sandbox's share is visible.

A script, not a test (tests/publish/test_concurrency.py asserts the isolation; memory is only printed):

    python benchmarks/concurrency.py [--kernels 10]
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
MAX_KERNELS = 10  # a bound, not a target: a shared 2-core machine must not be flooded

PROBE = '''
import json, os, resource, time
from pathlib import Path
from lab_helpers import start_lab

lab = start_lab(LAB, mode="sandbox", quiet=True)
ec2 = lab.client("ec2")
mine = ec2.create_vpc(CidrBlock="10.0.0.0/16",
                      TagSpecifications=[{"ResourceType": "vpc",
                                          "Tags": [{"Key": "Name", "Value": LEARNER}]}])["Vpc"]["VpcId"]
barrier = Path(BARRIER)
(barrier / f"{LEARNER}.created").touch()
# Wait (bounded) until every kernel has made its VPC, so all the worlds exist at the same moment.
deadline = time.monotonic() + WAIT_SECONDS
while len(list(barrier.glob("*.created"))) < KERNELS and time.monotonic() < deadline:
    time.sleep(0.2)
together = len(list(barrier.glob("*.created")))
seen = [{"id": v["VpcId"], "default": v.get("IsDefault", False),
         "name": {t["Key"]: t["Value"] for t in v.get("Tags", [])}.get("Name")}
        for v in ec2.describe_vpcs()["Vpcs"]]
lab.teardown()
result = {"learner": LEARNER, "pid": os.getpid(), "mine": mine, "seen": seen, "together": together,
          "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
(barrier / f"{LEARNER}.json").write_text(json.dumps(result))
'''

EMPTY = '''
import json, os, resource
from pathlib import Path
Path(BARRIER, f"{LEARNER}.json").write_text(json.dumps(
    {"learner": LEARNER, "pid": os.getpid(), "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
'''


def probe_notebook(path: Path, body: str = PROBE) -> Path:
    params = new_code_cell('LAB = "01_vpc_basics"\nLEARNER = "learner"\nBARRIER = "."\nKERNELS = 1\n'
                           'WAIT_SECONDS = 120')
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[params, new_code_cell(body.strip())])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def _run_one(args) -> dict:
    notebook, out, params, home = args
    from lab_helpers.core.notebook_kernels import execute_notebook

    os.environ["VPCLAB_HOME"] = home  # one learner, one home: as on a JupyterHub
    os.environ.pop("VPCLAB_STRICT", None)
    started = time.monotonic()
    # Ten kernels starting at once on two cores can take minutes to answer: a readiness limit, not a measurement.
    execute_notebook(notebook, out, parameters=params, kernel_name="python3", progress_bar=False,
                     log_output=False, cwd=str(Path(notebook).parent), start_timeout=600)
    result = json.loads(Path(params["BARRIER"], f"{params['LEARNER']}.json").read_text())
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def run_many(kernels: int, workdir: Path, lab: str = "01_vpc_basics", body: str = PROBE,
             wait_seconds: int = 120) -> list[dict]:
    """Run ``kernels`` probe notebooks at once (each its own kernel process); return each kernel's result."""
    if not 1 <= kernels <= MAX_KERNELS:
        raise ValueError(f"kernels must be between 1 and {MAX_KERNELS} (got {kernels})")
    workdir = Path(workdir)
    barrier = workdir / "barrier"
    barrier.mkdir(parents=True, exist_ok=True)
    notebook = probe_notebook(workdir / "probe.ipynb", body)
    tag = secrets.token_hex(3)
    work = []
    for i in range(kernels):
        learner = f"learner-{i:02d}-{tag}"
        params = {"LAB": lab, "LEARNER": learner, "BARRIER": str(barrier), "KERNELS": kernels,
                  "WAIT_SECONDS": wait_seconds}
        home = workdir / "homes" / learner
        home.mkdir(parents=True, exist_ok=True)
        work.append((str(notebook), str(workdir / f"{learner}.ipynb"), params, str(home)))
    with ProcessPoolExecutor(max_workers=kernels) as pool:
        return list(pool.map(_run_one, work))


def full_lab_peak_rss(lab: str, workdir: Path) -> float | None:
    """Peak RSS (MiB) of one kernel that runs a whole real lab with its solutions; None if the lab failed."""
    from lab_helpers.core.notebook_kernels import execute_notebook

    source = ROOT / "labs" / f"{lab}.ipynb"
    if not source.exists():
        return None
    nb = nbformat.read(str(source), as_version=4)
    record = Path(workdir) / f"{lab}.rss"
    nb.cells.append(new_code_cell(f"import resource, pathlib\npathlib.Path({str(record)!r}).write_text(str("
                                  "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))"))
    copy = Path(workdir) / f"{lab}.ipynb"
    nbformat.write(nb, str(copy))
    try:
        execute_notebook(str(copy), str(Path(workdir) / f"{lab}.out.ipynb"), kernel_name="python3",
                         parameters={"SOLUTIONS": True}, cwd=str(ROOT / "labs"), progress_bar=False,
                         start_timeout=600)
    except Exception as err:  # a lab in progress may fail: report, do not hide the other figures
        print(f"({lab} did not run to the end: {type(err).__name__}: {str(err)[:120]})")
        return None
    return int(record.read_text()) / 1024


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernels", type=int, default=MAX_KERNELS)
    parser.add_argument("--full-lab", action="append", default=None,
                        help="also run this whole lab once and print its kernel's peak RSS (default: 01_vpc_basics)")
    args = parser.parse_args(argv)
    args.full_lab = args.full_lab or ["01_vpc_basics"]
    with tempfile.TemporaryDirectory(prefix="vpclab-concurrency-") as tmp:
        empty = run_many(1, Path(tmp) / "empty", body=EMPTY)[0]
        started = time.monotonic()
        results = run_many(args.kernels, Path(tmp) / "labs")
        wall = time.monotonic() - started
        whole = {lab: full_lab_peak_rss(lab, Path(tmp)) for lab in args.full_lab}
    isolated = all([v["id"] for v in r["seen"] if not v["default"]] == [r["mine"]] for r in results)
    print(f"{'learner':<20} {'pid':>7} {'together':>8} {'VPCs seen (non-default)':<32} {'peak RSS':>9} {'time':>7}")
    for r in results:
        own = [v["name"] for v in r["seen"] if not v["default"]]
        print(f"{r['learner']:<20} {r['pid']:>7} {r['together']:>8} {', '.join(own):<32} "
              f"{r['peak_rss_kib'] / 1024:>7.0f} MiB {r['seconds']:>6.1f}s")
    rss = [r["peak_rss_kib"] / 1024 for r in results]
    base = empty["peak_rss_kib"] / 1024
    print(f"\nkernels at once: {len(results)}; all {len(results)} worlds alive together: "
          f"{all(r['together'] == len(results) for r in results)}; isolated (each saw only its own VPC): {isolated}")
    print(f"peak RSS per sandbox kernel: median {statistics.median(rss):.0f} MiB, max {max(rss):.0f} MiB "
          f"(an empty kernel: {base:.0f} MiB, so the sandbox adds ~{statistics.median(rss) - base:.0f} MiB)")
    print(f"for {len(results)} learners: ~{sum(rss) / 1024:.2f} GiB of kernels; wall time {wall:.0f} s on "
          f"{os.cpu_count()} cores (ratio to one kernel's own time: "
          f"{wall / statistics.median([r['seconds'] for r in results]):.2f})")
    for lab, mib in whole.items():
        print(f"one kernel running all of {lab} (solutions on): peak RSS "
              f"{'n/a' if mib is None else f'{mib:.0f} MiB'}")
    return 0 if isolated else 1


if __name__ == "__main__":
    sys.exit(main())
