"""Build labs/NN_topic.ipynb from labs/src/NN_topic.py (jupytext percent format), outputs stripped, and the catalog.

The .py sources are what we review and diff; the notebooks are what learners open. `make notebooks` runs this;
tests/test_notebook_hygiene.py fails when a notebook is out of date with its source.

It also writes lab_helpers/data/catalog.json (each lab's name, title, minutes and objectives, as the notebooks
declare them): a wheel install has no labs/ folder, and that file is how it still finds a lab by name.
And it copies the built notebooks (and labs/solutions/ as one solutions.json) into lab_helpers/data/labs/, so a
wheel ships the course for `vpclab labs --copy DIR`.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "lab_helpers" / "data" / "catalog.json"
PACKAGED_LABS = ROOT / "lab_helpers" / "data" / "labs"


def build(src: Path) -> nbformat.NotebookNode:
    nb = jupytext.read(src)
    nb.metadata.pop("jupytext", None)
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    nb.metadata.setdefault("language_info", {"name": "python"})
    for index, cell in enumerate(nb.cells):
        # Stable ids (position + content), not nbformat's random ones: a rebuild changes only the cells that changed.
        digest = hashlib.sha1(f"{src.stem}\n{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:8]
        cell.id = f"c{index:03d}-{digest}"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("lines_to_next_cell", None)
    return nb


def target(src: Path) -> Path:
    return src.parent.parent / f"{src.stem}.ipynb"


def main(argv: list[str]) -> int:
    sources = [Path(a).resolve() for a in argv] or sorted((ROOT / "labs" / "src").glob("[0-9][0-9]_*.py"))
    for src in sources:
        nbformat.write(build(src), target(src))
        print(f"built {target(src).relative_to(ROOT)}")
    write_catalog()
    write_packaged_labs()
    return 0


def write_catalog() -> None:
    """Every built notebook's declaration, not only the ones just rebuilt: the catalog always lists all labs."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # this checkout's catalog code, not whichever vpc-labs the venv installed
    from lab_helpers.core.catalog import catalog_text, declarations

    text = catalog_text(declarations(ROOT / "labs"))
    if not CATALOG.exists() or CATALOG.read_text(encoding="utf-8") != text:
        CATALOG.write_text(text, encoding="utf-8")
        print(f"wrote {CATALOG.relative_to(ROOT)}")


def write_packaged_labs() -> None:
    """The wheel's copy of the course (every notebook and solution, not only the ones just rebuilt)."""
    from lab_helpers.core.course_files import write_packaged_copies

    for path in write_packaged_copies(ROOT / "labs", PACKAGED_LABS):
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
