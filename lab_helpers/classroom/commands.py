"""The classroom's ``vpclab`` subcommands (``instructor``, ``progress``, ``timing``, ``classroom serve``), wired into
:mod:`lab_helpers.cli`."""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from lab_helpers.classroom.class_progress import progress_report
from lab_helpers.classroom.copies import instructor
from lab_helpers.classroom.timing import timing_sheet


def cmd_instructor(args) -> int:
    print(instructor(args.lab, args.out, seed=args.seed))
    return 0


def cmd_progress(args) -> int:
    if args.hub:
        from lab_helpers.classroom.hub_client import hub_progress_report

        token = args.token or os.environ.get("JUPYTERHUB_API_TOKEN")
        if not token:
            print("--hub needs the instructor's token: --token T (see build/hub/instructor-token).", file=sys.stderr)
            return 2
        report = hub_progress_report(args.hub, token)
    else:
        report = progress_report(args.files or None)
    if args.csv:
        print(report.to_csv(), end="")
    else:
        print(report)
    return 0 if report.learners else 1


def cmd_timing(args) -> int:
    print(timing_sheet(args.labs or None, fmt="csv" if args.csv else "markdown", start=args.start,
                       break_every=args.break_every), end="")
    return 0


def cmd_classroom_serve(args) -> int:
    """Run a JupyterHub for the class in the foreground until Ctrl-C, then stop it and every learner's server."""
    from lab_helpers.classroom.hub import Classroom, learner_names

    room = Classroom(Path(args.dir).resolve(), learner_names(args.users), port=args.port,
                     solutions=not args.no_solutions)
    if args.password:
        room.password = args.password
    hub = room.start(log=sys.stderr if args.verbose else None)
    # A SIGTERM (a service manager, `timeout`) must stop the hub too, not leave it running without us.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        hub.wait_ready()
        print(f"JupyterHub for {len(room.users)} learners: {room.url}\n"
              f"  learners:        {room.users[0]} … {room.users[-1]}\n"
              f"  shared password: {room.password}   (seminar-room security: anyone with it can log in as any "
              "learner)\n"
              f"  homes:           {room.root / 'homes'}/<learner> (labs/ copied in, progress in .vpclab/)\n"
              f"  progress:        vpclab progress --hub {room.url} --token $(cat {room.root / 'instructor-token'})\n"
              "Ctrl-C stops the hub and every learner's server.", flush=True)
        hub.process.wait()
    except KeyboardInterrupt:
        print("Stopping the hub…")
    finally:
        hub.stop()
    return 0


def add_classroom_commands(subparsers) -> None:
    """Add ``instructor``, ``progress``, ``timing`` and ``classroom`` to the ``vpclab`` command's subparsers."""
    p = subparsers.add_parser("instructor", help="write an instructor copy (answers shown) and a student copy")
    p.add_argument("lab", help="lab name or number, e.g. 01")
    p.add_argument("--out", default="build/classroom",
                   help="folder for instructor/ and student/ (default: %(default)s)")
    p.add_argument("--seed", type=int, help="SEED for both copies: the same incidents for the whole class (lab 10)")
    p.set_defaults(func=cmd_instructor)
    p = subparsers.add_parser("progress", help="checks passed: yours, or a class's from collected progress files")
    p.add_argument("files", nargs="*", help="progress.json files (default: $VPCLAB_HOME/progress.json)")
    p.add_argument("--csv", action="store_true", help="one row per check, for a spreadsheet")
    p.add_argument("--hub", metavar="URL", help="read every learner's record live through this JupyterHub")
    p.add_argument("--token", help="the instructor's hub API token (default: $JUPYTERHUB_API_TOKEN)")
    p.set_defaults(func=cmd_progress)
    p = subparsers.add_parser("timing", help="a seminar timing sheet from each lab's minutes and sections")
    p.add_argument("labs", nargs="*", help="lab names or numbers (default: all)")
    p.add_argument("--start", help="clock time the seminar starts, e.g. 14:00")
    p.add_argument("--break-every", type=int, default=0, metavar="MIN", help="a 10-minute break after MIN minutes")
    p.add_argument("--csv", action="store_true")
    p.set_defaults(func=cmd_timing)
    room = subparsers.add_parser("classroom", help="a JupyterHub for a class on this machine")
    serve = room.add_subparsers(dest="action", required=True).add_parser(
        "serve", help="start JupyterHub on 127.0.0.1: one server and home per learner, the labs in each home")
    serve.add_argument("--users", type=int, required=True, metavar="N", help="learners learner01 … learnerNN")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--password", help="the shared password (8+ characters; default: a random one, printed)")
    serve.add_argument("--dir", default="build/hub", help="folder for homes, the hub's database and token "
                       "(default: %(default)s)")
    serve.add_argument("--no-solutions", action="store_true", help="leave labs/solutions/ out of the homes")
    serve.add_argument("--verbose", action="store_true", help="show JupyterHub's log")
    serve.set_defaults(func=cmd_classroom_serve)
