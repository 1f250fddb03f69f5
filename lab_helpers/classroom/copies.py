"""Instructor and student copies of a lab.

    from lab_helpers import classroom
    classroom.instructor("01", "build/classroom")      # build/classroom/{instructor,student}/01_vpc_basics.ipynb

The same from a shell: ``vpclab instructor 01``.

How the instructor copy is made: a lab's exercise cell defines a stub (``raise NotImplementedError``) and then
``if SOLUTIONS: name = lab.solution("name")``. The instructor copy replaces the stub with the reference solution's
own source from ``labs/solutions/<lab>.py`` (``inspect.getsource``, plus the imports, constants and helpers it
uses) and drops the ``if SOLUTIONS:`` lines, so the answer is *read* on the projector, not loaded by magic.
The student copy drops the ``if SOLUTIONS:`` lines too: with no answers to switch on, it is the exercise alone.
Both copies have their outputs cleared.
"""
from __future__ import annotations

import ast
import importlib.util
import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from lab_helpers.core import catalog

SOLUTION_CALL = "solution"  # lab.solution("name")


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
    assert spec is not None and spec.loader is not None, f"{path} is a .py file, which has a source loader"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, path.read_text()


def _solution_calls(node: ast.If) -> Optional[list[tuple[str, str]]]:
    """``if SOLUTIONS: a = lab.solution("a")`` → [("a", "a")]; None if the block does anything else."""
    test = node.test
    if not (isinstance(test, ast.Name) and test.id == "SOLUTIONS") or node.orelse:
        return None
    pairs: list[tuple[str, str]] = []
    for stmt in node.body:
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute)
                and stmt.value.func.attr == SOLUTION_CALL and stmt.value.args
                and isinstance(stmt.value.args[0], ast.Constant) and isinstance(stmt.value.args[0].value, str)):
            return None
        pairs.append((stmt.targets[0].id, stmt.value.args[0].value))
    return pairs


def _module_parts(source: str) -> dict[str, tuple[int, str]]:
    """Top-level names of a solutions module → (line, source of the statement that defines them)."""
    tree = ast.parse(source)
    parts: dict[str, tuple[int, str]] = {}
    for stmt in tree.body:
        text = ast.get_source_segment(source, stmt)
        assert text is not None, "a statement parsed from source knows where it is in that source"
        if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)) and stmt.decorator_list:
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


def _end_line(node: ast.stmt) -> int:
    assert node.end_lineno is not None, "ast.parse sets every statement's end line (the type allows None)"
    return node.end_lineno


def _rewrite_cell(source: str, solutions, module_source: Optional[str], lab: str, shown: set[str],
                  solved: list, missing: list, instructor: bool) -> str:
    """Replace stubs with solutions (instructor) or just drop the ``if SOLUTIONS:`` switch (student)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source  # IPython magics (``!aws ...``): leave the cell alone
    lines = source.splitlines()
    edits: list[tuple[int, int, list[str]]] = []  # (first_line, last_line, replacement_lines), 1-based inclusive
    defs = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for node in tree.body:
        pairs = _solution_calls(node) if isinstance(node, ast.If) else None
        if pairs is None:
            continue
        # the switch goes in both copies; trailing blank lines before it go too
        edits.append((node.lineno, _end_line(node), []))
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
                edits.append((first, _end_line(stub), replacement))
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
    solved: list[str] = []
    missing: list[str] = []
    shown: set[str] = set()
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


def instructor(lab_name: str, out_dir="build/classroom", labs_dir: Optional[Path] = None,
               seed: Optional[int] = None) -> Copies:
    """Write ``out_dir/instructor/<lab>.ipynb`` (answers shown) and ``out_dir/student/<lab>.ipynb`` (without).

    The instructor copy opens with a note saying it holds the answers, so it is not handed out by mistake.
    ``seed`` sets ``SEED = seed`` in both copies' parameters (lab 10: the whole class gets the same incidents).
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
    if seed is not None:
        for book in (teacher, student):
            for cell in book.cells:
                if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
                    cell.source = re.sub(r"(?m)^SEED\s*=\s*None\b", f"SEED = {int(seed)}", cell.source)
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
