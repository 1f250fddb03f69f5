"""The package's layout is its architecture (docs/ARCHITECTURE.md): these tests keep the two the same.

They read every module of ``lab_helpers`` with :mod:`ast` (nothing is imported), so a rule broken anywhere —
even by an import inside a function — fails here with the module and line that broke it.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from lab_helpers import config

PACKAGE = Path(__file__).resolve().parents[1] / "lab_helpers"

# Lowest first. A module may import its own layer and the ones below, never one above.
LAYERS = [
    ("foundation", ("lab_helpers.errors", "lab_helpers.config", "lab_helpers.data")),
    ("core", ("lab_helpers.core",)),
    ("sim", ("lab_helpers.sim",)),
    ("fidelity", ("lab_helpers.fidelity",)),
    ("teach", ("lab_helpers.teach",)),
    ("lessons", ("lab_helpers.lessons",)),
    ("classroom", ("lab_helpers.classroom",)),
    # testing/ (the pytest plugin and its assertions) opens labs through the facade's start_lab, like a user would.
    ("facade", ("lab_helpers.lab", "lab_helpers.cli", "lab_helpers.testing", "lab_helpers")),
]
DISPLAY_LIBRARIES = ("matplotlib", "ipywidgets")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the module imported (a submodule when ``from pkg import sub`` names one)
    line: int


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


MODULES = all_modules()


def imports_of(name: str, path: Path) -> list[Import]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [Import(name, a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.append(Import(name, sub if sub in MODULES else node.module, node.lineno))
    return found


IMPORTS = [i for name, path in MODULES.items() for i in imports_of(name, path)]


def layer_of(module: str) -> int:
    best, rank = -1, None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), index
    assert rank is not None, f"{module} belongs to no layer: add it to LAYERS and docs/ARCHITECTURE.md"
    return rank


def test_every_module_belongs_to_a_layer():
    for name in MODULES:
        layer_of(name)


def test_no_layer_imports_a_higher_one():
    upward = [f"{i.module}:{i.line} imports {i.target} ({LAYERS[layer_of(i.module)][0]} -> "
              f"{LAYERS[layer_of(i.target)][0]})"
              for i in IMPORTS if i.target.startswith("lab_helpers") and i.target in MODULES
              and layer_of(i.target) > layer_of(i.module)]
    assert not upward, "a lower layer imports a higher one:\n" + "\n".join(upward)


def _cycles() -> list[list[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for i in IMPORTS:
        if i.target in MODULES and i.target != i.module:
            graph[i.module].add(i.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles():
    # A package's __init__ that re-exports its submodules is not a circle with them unless they import it back.
    cycles = _cycles()
    assert not cycles, "modules that import each other (directly or round a loop):\n" + \
        "\n".join(" <-> ".join(c) for c in cycles)


def test_pictures_and_widgets_only_in_the_teaching_layer():
    teach = LAYERS.index(next(layer for layer in LAYERS if layer[0] == "teach"))
    outside = [f"{i.module}:{i.line} imports {i.target}" for i in IMPORTS
               if i.target.split(".")[0] in DISPLAY_LIBRARIES and layer_of(i.module) != teach]
    assert not outside, "display code outside lab_helpers.teach:\n" + "\n".join(outside)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_focused(name):
    lines = len(MODULES[name].read_text().splitlines())
    assert lines <= MAX_MODULE_LINES, f"{name} has {lines} lines (> {MAX_MODULE_LINES}): split it by concept"


def _long_functions(path: Path) -> list[str]:
    source = path.read_text().splitlines()
    long = []
    for node in ast.walk(ast.parse("\n".join(source))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            body = node.body[0].lineno  # a comment may also open the body, before the first statement
            said = "#" in source[node.lineno - 1] or (first >= 2 and source[first - 2].strip().startswith("#")) or \
                any(line.strip().startswith("#") for line in source[node.lineno:body - 1])
            if length > MAX_FUNCTION_LINES and not said:
                long.append(f"{node.name} (line {node.lineno}, {length} lines)")
    return long


def test_long_functions_say_why():
    found = {name: _long_functions(path) for name, path in MODULES.items()}
    found = {k: v for k, v in found.items() if v}
    assert not found, (f"functions over {MAX_FUNCTION_LINES} lines with no comment on the def line (or the line "
                       f"above) saying why: {found}")


def test_private_names_stay_in_their_module():
    crossing = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lab_helpers"):
                crossing += [f"{name}:{node.lineno} imports {node.module}.{a.name}" for a in node.names
                             if a.name.startswith("_") and not a.name.startswith("__")]
    assert not crossing, "helpers used across modules must be public:\n" + "\n".join(crossing)


def test_vpclab_settings_are_read_only_in_config():
    readers = []
    for name, path in MODULES.items():
        if name == "lab_helpers.config":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in config.VARIABLES:
                readers.append(f"{name}:{node.lineno} names {node.value}")
    assert not readers, "read VPCLAB_* settings through lab_helpers.config:\n" + "\n".join(readers)


def test_the_architecture_note_names_every_package():
    note = (PACKAGE.parent / "docs" / "ARCHITECTURE.md").read_text()
    packages = sorted({n for n, p in MODULES.items() if p.name == "__init__.py" and n != "lab_helpers"})
    missing = [p for p in packages if p.rsplit(".", 1)[-1] + "/" not in note]
    assert not missing, f"docs/ARCHITECTURE.md does not mention: {missing}"


def test_the_rules_above_can_fail():
    """Each detector finds the fault it is for, on made-up input (so a green run means something)."""
    assert layer_of("lab_helpers.core.session") < layer_of("lab_helpers.sim.netsim.trace")
    assert layer_of("lab_helpers.fidelity.ec2.vpcs") > layer_of("lab_helpers.sim.netsim")
    with pytest.raises(AssertionError):
        layer_of("lab_helpers_elsewhere.module")
