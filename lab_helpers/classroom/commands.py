"""The classroom's ``vpclab`` subcommands (``instructor``, ``progress``, ``timing``), wired into
:mod:`lab_helpers.cli`."""
from __future__ import annotations

from lab_helpers.classroom.class_progress import progress_report
from lab_helpers.classroom.copies import instructor
from lab_helpers.classroom.timing import timing_sheet


def cmd_instructor(args) -> int:
    print(instructor(args.lab, args.out))
    return 0


def cmd_progress(args) -> int:
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


def add_classroom_commands(subparsers) -> None:
    """Add ``instructor``, ``progress`` and ``timing`` to the ``vpclab`` command's subparsers."""
    p = subparsers.add_parser("instructor", help="write an instructor copy (answers shown) and a student copy")
    p.add_argument("lab", help="lab name or number, e.g. 01")
    p.add_argument("--out", default="build/classroom",
                   help="folder for instructor/ and student/ (default: %(default)s)")
    p.set_defaults(func=cmd_instructor)
    p = subparsers.add_parser("progress", help="checks passed: yours, or a class's from collected progress files")
    p.add_argument("files", nargs="*", help="progress.json files (default: $VPCLAB_HOME/progress.json)")
    p.add_argument("--csv", action="store_true", help="one row per check, for a spreadsheet")
    p.set_defaults(func=cmd_progress)
    p = subparsers.add_parser("timing", help="a seminar timing sheet from each lab's minutes and sections")
    p.add_argument("labs", nargs="*", help="lab names or numbers (default: all)")
    p.add_argument("--start", help="clock time the seminar starts, e.g. 14:00")
    p.add_argument("--break-every", type=int, default=0, metavar="MIN", help="a 10-minute break after MIN minutes")
    p.add_argument("--csv", action="store_true")
    p.set_defaults(func=cmd_timing)
