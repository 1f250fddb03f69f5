"""Teaching with the labs: an instructor's copy with the answers in place, a seminar timing sheet, and progress.

    from lab_helpers import classroom
    classroom.instructor("01", "build/classroom")      # build/classroom/{instructor,student}/01_vpc_basics.ipynb
    print(classroom.timing_sheet(start="14:00"))        # Markdown; fmt="csv" for a spreadsheet
    classroom.progress_report(["alice/progress.json", "bob/progress.json"])   # one summary table

The same from a shell: ``vpclab instructor 01``, ``vpclab timing``, ``vpclab progress FILES...``.

How the instructor copy is made: a lab's exercise cell defines a stub (``raise NotImplementedError``) and then
``if SOLUTIONS: name = lab.solution("name")``. The instructor copy replaces the stub with the reference solution's
own source from ``labs/solutions/<lab>.py`` (``inspect.getsource``, plus the imports, constants and helpers it
uses) and drops the ``if SOLUTIONS:`` lines, so the answer is *read* on the projector, not loaded by magic.
The student copy drops the ``if SOLUTIONS:`` lines too: with no answers to switch on, it is the exercise alone.
Both copies have their outputs cleared.
"""
from __future__ import annotations

import ast
import csv
import importlib.util
import inspect
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from lab_helpers.core import catalog
from lab_helpers.errors import LabError

SOLUTION_CALL = "solution"  # lab.solution("name")


# -- instructor and student copies ------------------------------------------------------------------------------
@dataclass
class Copies:
    """Where :func:`instructor` wrote the two copies, and which exercises it filled in."""

    lab: str
    instructor: Path
    student: Path
    solved: list = field(default_factory=list)  # exercise names replaced by their solution
    missing: list = field(default_factory=list)  # exercises whose solution was not found

    def __str__(self) -> str:
        text = (f"Instructor copy: {self.instructor}\nStudent copy:    {self.student}\n"
                f"Solutions shown: {', '.join(self.solved) or 'none (this lab has no exercises)'}")
        if self.missing:
            text += f"\n⚠️ No solution found for: {', '.join(self.missing)} (left as exercises)"
        return text


def _load_solutions(lab: str, directory: Path):
    path = directory / "solutions" / f"{lab}.py"
    if not path.exists():
        return None, None
    spec = importlib.util.spec_from_file_location(f"vpclab_solutions_{lab}_classroom", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, path.read_text()


def _solution_calls(node: ast.If) -> Optional[list[tuple[str, str]]]:
    """``if SOLUTIONS: a = lab.solution("a")`` → [("a", "a")]; None if the block does anything else."""
    test = node.test
    if not (isinstance(test, ast.Name) and test.id == "SOLUTIONS") or node.orelse:
        return None
    pairs = []
    for stmt in node.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute)
                and stmt.value.func.attr == SOLUTION_CALL and stmt.value.args
                and isinstance(stmt.value.args[0], ast.Constant)):
            return None
        pairs.append((stmt.targets[0].id, stmt.value.args[0].value))
    return pairs


def _module_parts(source: str) -> dict[str, tuple[int, str]]:
    """Top-level names of a solutions module → (line, source of the statement that defines them)."""
    tree = ast.parse(source)
    parts = {}
    for stmt in tree.body:
        text = ast.get_source_segment(source, stmt)
        if stmt.decorator_list if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)) else False:
            text = "\n".join(source.splitlines()[stmt.decorator_list[0].lineno - 1:stmt.end_lineno])
        names = []
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            names = [(a.asname or a.name).split(".")[0] for a in stmt.names]
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [stmt.name]
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            names = [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
        for name in names:
            parts[name] = (stmt.lineno, text)
    return parts


def _with_dependencies(func_name: str, module_source: str, already: set[str]) -> str:
    """The solution's source preceded by the module-level imports, constants and helpers it uses."""
    parts = _module_parts(module_source)
    needed, queue = {}, [func_name]
    while queue:
        name = queue.pop()
        if name in needed or name not in parts:
            continue
        needed[name] = parts[name]
        body = parts[name][1]
        try:
            used = {n.id for n in ast.walk(ast.parse(body)) if isinstance(n, ast.Name)}
        except SyntaxError:
            used = set()
        queue += [u for u in used if u in parts and u not in needed]
    blocks = {}
    for name, (line, text) in needed.items():
        if name != func_name and name not in already:
            blocks[line] = text
            already.add(name)
    head = [blocks[line] for line in sorted(blocks)]
    return "\n".join(head + ([""] if head else []) + [parts[func_name][1]])


def _keep_docstring(text: str, name: str, stub) -> str:
    """Solutions are bare; the stub's docstring is the exercise's statement, so the answer keeps it."""
    doc = ast.get_docstring(stub, clean=False) if stub is not None else None
    if not doc:
        return text
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    func = next((n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name),
                None)
    if func is None or ast.get_docstring(func) is not None:
        return text
    lines = text.splitlines()
    first = func.body[0]
    indent = " " * first.col_offset
    if first.lineno == func.lineno:  # a one-line def: leave it be
        return text
    quoted = [indent + line if i else indent + '"""' + line for i, line in enumerate(doc.split("\n"))]
    quoted[-1] += '"""'
    lines[first.lineno - 1:first.lineno - 1] = quoted
    return "\n".join(lines)


def _rewrite_cell(source: str, solutions, module_source: Optional[str], lab: str, shown: set[str],
                  solved: list, missing: list, instructor: bool) -> str:
    """Replace stubs with solutions (instructor) or just drop the ``if SOLUTIONS:`` switch (student)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source  # IPython magics (``!aws ...``): leave the cell alone
    lines = source.splitlines()
    edits = []  # (first_line, last_line, replacement_lines), 1-based inclusive
    defs = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for node in tree.body:
        pairs = _solution_calls(node) if isinstance(node, ast.If) else None
        if pairs is None:
            continue
        # the switch goes in both copies; trailing blank lines before it go too
        edits.append((node.lineno, node.end_lineno, []))
        if not instructor:
            continue
        for target, name in pairs:
            func = getattr(solutions, name, None) if solutions is not None else None
            if func is None:
                missing.append(name)
                continue
            try:
                text = _with_dependencies(name, module_source, shown) if module_source else inspect.getsource(func)
            except (OSError, TypeError, KeyError):
                text = inspect.getsource(func)
            stub = defs.get(target)
            text = _keep_docstring(text, name, stub)
            banner = f"# ✅ Reference solution (labs/solutions/{lab}.py: {name})"
            replacement = [banner] + text.splitlines() + ([f"{target} = {name}"] if target != name else [])
            if stub is not None:
                first = stub.decorator_list[0].lineno if stub.decorator_list else stub.lineno
                edits.append((first, stub.end_lineno, replacement))
            else:
                edits.append((node.lineno, node.lineno - 1, replacement))  # insert where the switch was
            solved.append(name)
    for first, last, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[first - 1:last] = replacement
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def _copy(nb, lab: str, solutions, module_source, instructor: bool) -> tuple:
    import copy

    nb = copy.deepcopy(nb)
    solved, missing, shown = [], [], set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if "parameters" in cell.metadata.get("tags", []):
                if instructor:
                    cell.source = re.sub(r"(?m)^SOLUTIONS\s*=\s*False\b", "SOLUTIONS = True", cell.source)
                continue
            if "SOLUTIONS" in cell.source:
                cell.source = _rewrite_cell(cell.source, solutions, module_source, lab, shown, solved, missing,
                                            instructor)
    nb.metadata.setdefault("vpclab", {})["copy"] = "instructor" if instructor else "student"
    return nb, solved, missing


def instructor(lab_name: str, out_dir="build/classroom", labs_dir: Optional[Path] = None) -> Copies:
    """Write ``out_dir/instructor/<lab>.ipynb`` (answers shown) and ``out_dir/student/<lab>.ipynb`` (without).

    The instructor copy opens with a note saying it holds the answers, so it is not handed out by mistake.
    """
    import nbformat
    from nbformat.v4 import new_markdown_cell

    info = catalog.find(lab_name, labs_dir)
    directory = Path(labs_dir or catalog.labs_dir())
    solutions, module_source = _load_solutions(info.name, directory)
    nb = nbformat.read(str(info.path), as_version=4)
    teacher, solved, missing = _copy(nb, info.name, solutions, module_source, instructor=True)
    teacher.cells.insert(0, new_markdown_cell(
        f"> **Instructor copy of lab {info.number} — the answers are in it.** Each exercise's stub is replaced by "
        f"the reference solution from `labs/solutions/{info.name}.py`. Hand learners the student copy."))
    student, _, _ = _copy(nb, info.name, None, None, instructor=False)
    out = Path(out_dir)
    paths = []
    for kind, book in (("instructor", teacher), ("student", student)):
        (out / kind).mkdir(parents=True, exist_ok=True)
        path = out / kind / f"{info.name}.ipynb"
        nbformat.write(book, str(path))
        paths.append(path)
    if solutions is None and solved == [] and any("SOLUTIONS" in c.source and "solution(" in c.source
                                                   for c in nb.cells if c.cell_type == "code"):
        missing.append(f"(no labs/solutions/{info.name}.py)")
    return Copies(info.name, paths[0], paths[1], solved, missing)


# -- timing sheet -----------------------------------------------------------------------------------------------
@dataclass
class Section:
    lab: str
    title: str
    minutes: int
    kind: str  # "intro", "concept", "exercise", "wrap-up"
    start: str = ""  # clock time "14:05", or "+0:05" from the start


_HEADING = re.compile(r"^(#{1,2})\s+(.+?)\s*$", re.M)


def _weight(cell) -> float:
    """How long a cell takes in a seminar, relative to a plain code cell: exercises and predictions take longer."""
    text = cell.source
    if cell.cell_type == "code":
        if "YOUR CODE HERE" in text or "NotImplementedError" in text:
            return 4.0
        return 1.0
    if re.search(r"(?i)predict|write (yes|no)|before you run", text):
        return 1.5
    return 0.5 + min(len(text), 1500) / 1500  # reading time grows with prose


def lab_sections(info) -> list[Section]:
    """A lab's level-2 sections (``## ...``) with minutes shared out by how much each holds (sums to the total)."""
    import nbformat

    nb = nbformat.read(str(info.path), as_version=4)
    groups: list[list] = [["Introduction and setup", 0.0, False]]
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            continue
        heading = _HEADING.findall(cell.source) if cell.cell_type == "markdown" else []
        level2 = [title for hashes, title in heading if len(hashes) == 2]
        if level2:
            groups.append([level2[0], 0.0, False])
        groups[-1][1] += _weight(cell)
        if cell.cell_type == "code" and ("YOUR CODE HERE" in cell.source or "NotImplementedError" in cell.source):
            groups[-1][2] = True
    groups = [g for g in groups if g[1] > 0]
    minutes = _share(info.minutes, [g[1] for g in groups])
    sections = []
    for i, ((title, _, has_exercise), mins) in enumerate(zip(groups, minutes)):
        title = re.sub(r"[*_`]", "", title)
        kind = "intro" if i == 0 else "exercise" if has_exercise else \
            "wrap-up" if re.match(r"(?i)(\d+\.\s*)?(key points|clean|teardown|what it costs)", title) else "concept"
        sections.append(Section(info.name, title, mins, kind))
    return sections


def _share(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` whole minutes in proportion to ``weights`` (largest remainder, so the sum is exact)."""
    if not weights:
        return []
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    floor = [int(x) for x in exact]
    left = total - sum(floor)
    for i in sorted(range(len(exact)), key=lambda i: exact[i] - floor[i], reverse=True)[:left]:
        floor[i] += 1
    return floor


def _clock(start: Optional[str], offset: int) -> str:
    if start:
        hours, minutes = (int(x) for x in start.split(":"))
        total = hours * 60 + minutes + offset
        return f"{(total // 60) % 24:02d}:{total % 60:02d}"
    return f"+{offset // 60}:{offset % 60:02d}"


def timing_sheet(labs: Optional[Iterable[str]] = None, fmt: str = "markdown", start: Optional[str] = None,
                 break_every: int = 0, break_minutes: int = 10, labs_dir: Optional[Path] = None) -> str:
    """A seminar plan: each lab's sections with minutes and start times, from notebook metadata and headings.

    ``labs`` names or numbers (default: every lab); ``fmt`` "markdown" or "csv"; ``start`` a clock time ("14:00")
    or None for offsets (+0:25); ``break_every`` inserts a break once that many minutes have run (0: none).
    Minutes come from each lab's ``vpclab.minutes``; they are shared among its ``##`` sections by how much each
    holds (exercises count four times a plain cell), so the sheet sums to the lab's own estimate.
    """
    if fmt not in ("markdown", "csv"):
        raise LabError(f"timing_sheet fmt must be 'markdown' or 'csv', not {fmt!r}.")
    if start and not re.fullmatch(r"\d{1,2}:\d\d", start):
        raise LabError(f"start must be a clock time like '14:00', not {start!r}.")
    infos = [catalog.find(name, labs_dir) for name in labs] if labs else catalog.discover(labs_dir)
    rows, clock, since_break = [], 0, 0
    for info in infos:
        for section in lab_sections(info):
            if break_every and since_break >= break_every:
                rows.append(Section("", "Break", break_minutes, "break", _clock(start, clock)))
                clock += break_minutes
                since_break = 0
            section.start = _clock(start, clock)
            rows.append(section)
            clock += section.minutes
            since_break += section.minutes
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["start", "lab", "section", "kind", "minutes"])
        for r in rows:
            writer.writerow([r.start, r.lab, r.title, r.kind, r.minutes])
        return buffer.getvalue()
    total = sum(r.minutes for r in rows)
    out = [f"# Seminar timing sheet ({len(infos)} lab{'s' if len(infos) != 1 else ''}, {total} minutes"
           f"{'' if not start else f', {start}–{_clock(start, total)}'})", "",
           "| start | lab | section | kind | minutes |", "| --- | --- | --- | --- | ---: |"]
    for r in rows:
        title = r.title.replace("|", "\\|")
        out.append(f"| {r.start} | {r.lab} | {title} | {r.kind} | {r.minutes} |")
    out.append(f"| | | **total** | | **{total}** |")
    return "\n".join(out) + "\n"


# -- progress ---------------------------------------------------------------------------------------------------
def learner_name(path: Path) -> str:
    """``alice.json`` → alice; ``alice/progress.json`` or ``alice/.vpclab/progress.json`` → alice."""
    path = Path(path)
    if path.stem != "progress":
        return path.stem
    parent = path.parent
    return parent.parent.name if parent.name == ".vpclab" else parent.name or "learner"


@dataclass
class ProgressReport:
    """Checks passed per learner and lab. ``str()`` is a Markdown table; ``to_csv()`` for a spreadsheet."""

    learners: dict  # learner -> {lab: {check title: {"passed": bool, "at": str}}}
    labs: list  # lab names in order
    problems: list = field(default_factory=list)  # files that could not be read, with why

    def counts(self, learner: str, lab: str) -> tuple[int, int]:
        checks = self.learners.get(learner, {}).get(lab, {})
        return sum(1 for c in checks.values() if c.get("passed")), len(checks)

    def cell(self, learner: str, lab: str) -> str:
        passed, seen = self.counts(learner, lab)
        if not seen:
            return "—"
        return f"{'✅' if passed == seen else '🟡'} {passed}/{seen}"

    def detail(self, learner: str) -> str:
        """One learner's checks, lab by lab: what passed and what to look at again."""
        lines = [f"## {learner}"]
        for lab in self.labs:
            checks = self.learners.get(learner, {}).get(lab)
            if not checks:
                continue
            passed, seen = self.counts(learner, lab)
            lines.append(f"\n**{lab}** — {passed}/{seen} checks passed")
            for title, result in checks.items():
                lines.append(f"- {'✅' if result.get('passed') else '❌'} {title} ({result.get('at', '?')})")
        if len(lines) == 1:
            lines.append("\nNo checks recorded yet.")
        return "\n".join(lines)

    def table(self) -> str:
        names = sorted(self.learners)
        head = "| learner | " + " | ".join(lab[:2] for lab in self.labs) + " | checks passed |"
        rule = "| --- | " + " | ".join("---" for _ in self.labs) + " | ---: |"
        rows = [head, rule]
        for name in names:
            passed = sum(self.counts(name, lab)[0] for lab in self.labs)
            seen = sum(self.counts(name, lab)[1] for lab in self.labs)
            rows.append(f"| {name} | " + " | ".join(self.cell(name, lab) for lab in self.labs) +
                        f" | {passed}/{seen} |")
        legend = "Cells: passed/recorded checks (✅ all passed, 🟡 some failing, — not started). Labs: " + \
            ", ".join(self.labs)
        return "\n".join(rows + ["", legend])

    def __str__(self) -> str:
        text = self.detail(next(iter(self.learners))) if len(self.learners) == 1 else self.table()
        if self.problems:
            text += "\n\n" + "\n".join(f"⚠️ {p}" for p in self.problems)
        return text

    def _repr_markdown_(self) -> str:
        return str(self)

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["learner", "lab", "check", "passed", "at"])
        for name in sorted(self.learners):
            for lab in self.labs:
                for title, result in self.learners[name].get(lab, {}).items():
                    writer.writerow([name, lab, title, bool(result.get("passed")), result.get("at", "")])
        return buffer.getvalue()


def progress_report(paths: Optional[Iterable] = None, labs_dir: Optional[Path] = None) -> ProgressReport:
    """Read progress files (default: this learner's ``$VPCLAB_HOME/progress.json``) into one report.

    One file: ``str(report)`` lists that learner's checks. Many (an instructor collected ``alice.json``,
    ``bob/progress.json``...): a table with one row per learner and one column per lab. A file that cannot be
    read is reported, never fatal — one learner's broken file must not hide the class's progress.
    """
    from lab_helpers.teach import progress

    own = not paths
    paths = [Path(p) for p in (paths or [progress.path()])]
    learners, problems, seen_labs = {}, [], []
    for path in paths:
        name = "you" if own else learner_name(path)
        if name in learners:  # two files called progress.json under different folders of the same name
            name = f"{name} ({path})"
        try:
            data = json.loads(path.read_text())
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except FileNotFoundError:
            problems.append(f"{path}: no such file (has this learner run a check yet?)")
            continue
        except (OSError, ValueError) as err:
            problems.append(f"{path}: cannot read it ({err})")
            continue
        learners[name] = {lab: checks for lab, checks in data.items() if isinstance(checks, dict)}
        seen_labs += [lab for lab in learners[name] if lab not in seen_labs]
    order = [lab.name for lab in catalog.discover(labs_dir)]
    labs = [lab for lab in order if lab in seen_labs] + sorted(lab for lab in seen_labs if lab not in order)
    if not learners and not problems:
        problems.append("no progress files given")
    return ProgressReport(learners, labs, problems)


# -- command line (wired into lab_helpers/cli.py) ---------------------------------------------------------------
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
    p.add_argument("--out", default="build/classroom", help="folder for instructor/ and student/ (default: %(default)s)")
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
