"""The ``vpclab`` command: list the labs, run one, clean up a live run, and check this machine.

    vpclab list
    vpclab run 01 [--mode live --region us-east-1] [--solutions] [--html]
    vpclab run path/to/our-network-notes.ipynb         # your own notebook, the same parameters injected
    vpclab labs --copy DIR [--no-solutions] [--force]  # the course's notebooks (+ solutions) into DIR
    vpclab cleanup --run-id 01-20261121-101500-ab12        # dry run: shows what would be deleted
    vpclab cleanup --all-vpclab --region us-east-1 --yes   # deletes every resource tagged vpclab:run
    vpclab doctor
    vpclab incidents [--json] [--lab 04]            # the incident kinds: kind, lab, title, difficulty
    vpclab instructor 01 [--out build/classroom]   # answers-shown copy + student copy
    vpclab progress [alice.json bob/progress.json ...]
    vpclab timing [--start 14:00]
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Optional

from lab_helpers import config
from lab_helpers.core import catalog, course_files, live
from lab_helpers.core import regions as known_regions
from lab_helpers.core.ledger import Ledger, vpclab_home
from lab_helpers.core.teardown import TeardownReport, delete_entries, sweep_region, tagged_ec2
from lab_helpers.errors import LabError, LedgerError, NotebookNotFound
from lab_helpers.teach import progress

BUILD = Path("build")


def cmd_list(args) -> int:
    labs = catalog.discover()
    if not labs:
        print(f"No labs found in {catalog.source_of()}.")
        return 1
    done = progress.load()
    print(f"{'lab':<28} {'minutes':>7}  status        title")
    for lab in labs:
        checks = done.get(lab.name, {})
        passed = sum(1 for c in checks.values() if c.get("passed"))
        status = "not started" if not checks else f"{passed}/{len(checks)} checks"
        print(f"{lab.name:<28} {lab.minutes:>7}  {status:<13} {lab.title}")
    print(f"{'total':<28} {sum(lab.minutes for lab in labs):>7}")
    return 0


def cmd_run(args) -> int:
    """A course lab by name or number, or any notebook by path: executed alike, reported alike."""
    if _is_notebook_path(args.lab):
        notebook = Path(args.lab).expanduser()
        if not notebook.is_file() or notebook.suffix != ".ipynb":
            raise NotebookNotFound(f"No notebook at {notebook}. Give the path of an .ipynb file, or a course lab's "
                                   "name or number (`vpclab list`).")
        return _execute(notebook.resolve(), notebook.stem, _heading(notebook) or "your notebook", args)
    info = catalog.find(args.lab)
    if info.path is None:
        raise LabError(f"`vpclab run` needs {info.name}'s notebook, and this install has no labs folder "
                       f"({catalog.labs_dir()}). Copy the labs out with `vpclab labs --copy DIR`, then run "
                       f"`VPCLAB_LABS_DIR=DIR vpclab run {info.number}` (or run the notebook with Jupyter).")
    return _execute(info.path, info.name, info.title, args)


def _is_notebook_path(arg: str) -> bool:
    """``path/x.ipynb`` or ``x.ipynb`` that exists here: a notebook; ``01`` or ``01_vpc_basics``: a course lab."""
    return arg.endswith(".ipynb") and (os.sep in arg or "/" in arg or Path(arg).exists())


def _heading(notebook: Path) -> str:
    """The notebook's first Markdown heading (its title, as a lab's metadata gives one), or ``""``."""
    import json

    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        return ""
    for cell in cells:
        source = "".join(cell.get("source", "")) if cell.get("cell_type") == "markdown" else ""
        for line in source.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return ""


def _execute(notebook: Path, name: str, title: str, args) -> int:
    import papermill

    from lab_helpers.core.notebook_kernels import execute_notebook

    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{name}.ipynb"
    params = {"SOLUTIONS": args.solutions}
    if args.mode:
        params["MODE"] = args.mode
    if args.region:
        params["REGION"] = args.region
    print(f"Running {name} ({title}) -> {out}")
    try:
        execute_notebook(str(notebook), str(out), parameters=params, cwd=str(notebook.parent),
                         kernel_name=args.kernel, progress_bar=args.progress)
    except papermill.PapermillExecutionError as err:
        print(f"❌ {name} stopped at cell {err.cell_index}: {err.ename}: {err.evalue}\n"
              f"   Open {out} to see the cell and its output.", file=sys.stderr)
        return 1
    if args.html:
        html = _to_html(out)
        print(f"HTML: {html}")
    print(f"✅ {name} ran to the end.")
    return 0


def cmd_labs(args) -> int:
    if not args.copy:
        print("Say where to copy the course's notebooks: vpclab labs --copy DIR", file=sys.stderr)
        return 2
    print(course_files.copy_labs(args.copy, solutions=not args.no_solutions, force=args.force))
    return 0


def _to_html(notebook: Path) -> Path:
    import nbformat
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(nbformat.read(notebook, as_version=4))
    target = notebook.with_suffix(".html")
    target.write_text(body, encoding="utf-8")
    return target


def _live_client_factory():
    import boto3

    session = boto3.Session()
    live.require_credentials(session)  # a clear "sign in first", not botocore's NoCredentialsError traceback
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    clients = {}

    def client_for(service, region):
        if (service, region) not in clients:
            clients[(service, region)] = session.client(service, region_name=region, endpoint_url=endpoint)
        return clients[(service, region)]
    return client_for


def _readable_ledger(path: Path) -> Optional[Ledger]:
    """The run's ledger, or None (with a warning) when the file is corrupt: the tag sweep still finds the run."""
    try:
        return Ledger.load(path)
    except LedgerError as err:
        print(f"⚠️ {err} Going on with the tag sweep only.", file=sys.stderr)
        return None


def cmd_cleanup(args) -> int:
    if not args.run_id and not args.all_vpclab:
        print("Say what to clean up: --run-id RUN_ID (printed when the lab started) or --all-vpclab.",
              file=sys.stderr)
        return 2
    ledger_path = vpclab_home() / "ledgers" / f"{args.run_id}.json" if args.run_id else None
    ledger = _readable_ledger(ledger_path) if ledger_path and ledger_path.exists() else None
    regions = args.region or sorted({e.region for e in ledger.entries if e.service == "ec2"} if ledger else set()) \
        or [r for r in (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"),) if r]
    if not regions:
        print("Which region? Pass --region us-east-1 (repeat it for several regions).", file=sys.stderr)
        return 2
    for region in regions:
        known_regions.require_known(region, "vpclab cleanup")
    client_for = _live_client_factory()
    run_id = None if args.all_vpclab else args.run_id
    found = [(region, kind, rid) for region in regions for kind, rid in tagged_ec2(client_for("ec2", region), run_id)]
    pending = ledger.alive() if ledger else []
    label = "every vpclab run" if args.all_vpclab else f"run {args.run_id}"
    if not found and not pending:
        print(f"Nothing tagged vpclab:run for {label} in {', '.join(regions)}.")
        return 0
    print(f"Resources of {label}:")
    for region, kind, rid in found:
        print(f"  {region:<15} {kind:<28} {rid}")
    for entry in pending:
        if (entry.region, entry.kind, entry.resource_id) not in found:
            print(f"  {entry.region:<15} {entry.kind:<28} {entry.resource_id}  (from the ledger)")
    if not args.yes:
        print("Dry run: nothing deleted. Add --yes to delete these.")
        return 0
    report = TeardownReport(args.run_id or "all-vpclab")
    if ledger:
        delete_entries(ledger.in_teardown_order(), client_for, report, ledger.mark_deleted)
    for region in regions:
        sweep_region(run_id, region, client_for, report)
    report.leftovers = [(r, k, i) for r in regions for k, i in tagged_ec2(client_for("ec2", r), run_id)]
    print(report)
    return 0 if report.clean else 1


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def cmd_doctor(args) -> int:
    print(f"python       {platform.python_version()} ({sys.executable})")
    for dist in ("boto3", "botocore", "moto", "jupyterlab", "papermill", "ipywidgets", "matplotlib"):
        print(f"{dist:<12} {_version(dist)}")
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        spec = KernelSpecManager().get_kernel_spec("python3")
        print(f"kernel       python3 -> {spec.argv[0]}")
    except Exception as err:
        print(f"kernel       ❌ no python3 kernel ({err}); run `make lab` once to install everything")
    print(f"mode         {config.mode()} (from {config.mode_source()})")
    print(f"live consent {f'given ({config.CONSENT_VAR}=yes)' if config.live_consent() else 'not given'}")
    print(f"endpoint     {os.environ.get('AWS_ENDPOINT_URL') or 'AWS (no AWS_ENDPOINT_URL)'}")
    print(f"credentials  {_credential_summary()}")
    print(f"labs         {len(catalog.discover())} in {catalog.source_of()}")
    print(f"home         {vpclab_home()} (ledgers, progress)")
    return 0


def _credential_summary() -> str:
    """Where credentials would come from — never the keys themselves."""
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        creds = boto3.Session().get_credentials()
    except BotoCoreError as err:
        return f"unreadable ({type(err).__name__})"
    if creds is None:
        return "none visible (fine for the sandbox; live mode needs some)"
    profile = os.environ.get("AWS_PROFILE")
    return f"visible, from {creds.method}" + (f" (profile {profile})" if profile else "") + \
        "; the sandbox never uses them"


def cmd_serve(args) -> int:
    from lab_helpers.serve import serve

    serve(args.region, args.port, args.verbose)
    return 0


def cmd_incidents(args) -> int:
    """The incident registry, as a table or (``--json``) a list of {kind, lab, title, difficulty} objects."""
    import json

    from lab_helpers.lessons import incidents

    rows = [r for r in incidents.table() if not args.lab or r["lab"] == args.lab.zfill(2)]
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    width = max(len(r["kind"]) for r in rows) if rows else 4
    print(f"{'kind':<{width}}  lab  difficulty  title")
    for r in rows:
        print(f"{r['kind']:<{width}}  {r['lab']:<3}  {r['difficulty']:<10}  {r['title']}")
    print(f"\n{len(rows)} kinds. In a lab: incident = lab.incident('{rows[0]['kind'] if rows else 'kind'}', seed=1)")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vpclab", description="AWS VPC networking labs: sandbox or live.")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the labs, their minutes and your progress").set_defaults(func=cmd_list)
    run = sub.add_parser("run", help="execute a lab, or any notebook, with papermill into build/")
    run.add_argument("lab", help="lab name or number (01, 01_vpc_basics), or a notebook's path (notes/ours.ipynb)")
    run.add_argument("--mode", choices=["sandbox", "live"])
    run.add_argument("--region")
    run.add_argument("--solutions", action="store_true", help="fill in every exercise with its solution")
    run.add_argument("--html", action="store_true", help="also write an HTML copy")
    run.add_argument("--out", default=str(BUILD / "runs"))
    run.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar (CI logs)")
    run.add_argument("--kernel", default="python3",
                     help="Jupyter kernel to run it with (default python3: this Python; `jupyter kernelspec list`)")
    run.set_defaults(func=cmd_run)
    labs = sub.add_parser("labs", help="copy the course's notebooks (and solutions) into a folder of yours")
    labs.add_argument("--copy", metavar="DIR", help="folder to write NN_topic.ipynb and solutions/ into")
    labs.add_argument("--no-solutions", action="store_true", help="leave the reference solutions out")
    labs.add_argument("--force", action="store_true", help="overwrite notebooks already in DIR")
    labs.set_defaults(func=cmd_labs)
    clean = sub.add_parser("cleanup", help="delete live resources tagged vpclab:run (dry run unless --yes)")
    which = clean.add_mutually_exclusive_group()
    which.add_argument("--run-id")
    which.add_argument("--all-vpclab", action="store_true")
    clean.add_argument("--region", action="append", help="repeat for several regions")
    clean.add_argument("--yes", action="store_true", help="really delete")
    clean.set_defaults(func=cmd_cleanup)
    sub.add_parser("doctor", help="versions, kernel, mode, credentials (never secrets)").set_defaults(func=cmd_doctor)
    srv = sub.add_parser("serve", help="the sandbox as a local AWS endpoint for the AWS CLI, Terraform or any SDK")
    srv.add_argument("--port", type=int, default=4566, help="port on 127.0.0.1 (0: any free port)")
    srv.add_argument("--region", help="the default Region (requests may name any)")
    srv.add_argument("-v", "--verbose", action="store_true", help="list each request as it comes")
    srv.set_defaults(func=cmd_serve)
    inc = sub.add_parser("incidents", help="the hidden-fault incidents: kind, lab, title, difficulty")
    inc.add_argument("--json", action="store_true", help="a JSON list of {kind, lab, title, difficulty}")
    inc.add_argument("--lab", help="only the kinds of one lab (04)")
    inc.set_defaults(func=cmd_incidents)
    from lab_helpers.classroom import add_classroom_commands  # instructor, progress, timing

    add_classroom_commands(sub)
    return p


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except LabError as err:
        print(f"❌ {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
