"""The course's notebooks and reference solutions as files you can take away: ``vpclab labs --copy DIR``.

From a checkout they come from ``labs/`` (or ``VPCLAB_LABS_DIR``). A wheel has no ``labs/``: there they come from
``lab_helpers/data/labs/``, copies that ``tools/build_notebooks.py`` writes (tests/test_notebook_hygiene.py keeps
them equal to ``labs/``). The solutions ship as one JSON, ``solutions.json`` (file name -> source), because ``.py``
files inside the package would be taken for modules of it (linted, type-checked, imported by tools).

The copy is laid out as ``labs/`` is (``DIR/NN_topic.ipynb``, ``DIR/solutions/NN_topic.py``), so
``VPCLAB_LABS_DIR=DIR`` makes ``vpclab run 01`` and ``SOLUTIONS=True`` work from it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from lab_helpers import data
from lab_helpers.core import catalog
from lab_helpers.errors import DestinationNotEmpty, LabInputError

PACKAGED_LABS = "labs"
SOLUTIONS_BUNDLE = "solutions.json"


@dataclass
class CopiedLabs:
    """What :func:`copy_labs` wrote and where it read it from."""

    destination: Path
    source: str
    notebooks: list[str] = field(default_factory=list)
    solutions: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        answers = f", {len(self.solutions)} solution file(s) in solutions/" if self.solutions else ""
        return (f"Copied {len(self.notebooks)} lab notebook(s){answers} from {self.source} to {self.destination}.\n"
                f"Open them with `jupyter lab {self.destination}`, or run one with "
                f"`VPCLAB_LABS_DIR={self.destination} vpclab run 01`.")


def solutions_bundle_text(directory: Path) -> str:
    """``solutions.json``'s exact text for ``directory/solutions/*.py`` (stable, so a no-op rebuild changes nothing)."""
    files = {p.name: p.read_text(encoding="utf-8") for p in sorted((directory / "solutions").glob("[0-9][0-9]_*.py"))}
    return json.dumps({"solutions": files}, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def _sources() -> tuple[str, dict[str, str], dict[str, str]]:
    """(where, notebooks name -> text, solutions name -> text): the checkout's labs folder, else the package's."""
    folder = catalog.labs_dir()
    if folder.is_dir():
        notebooks = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.ipynb"))
                     if catalog.LAB_FILE.match(p.name)}
        solutions = {p.name: p.read_text(encoding="utf-8") for p in sorted((folder / "solutions").glob("*.py"))}
        return str(folder), notebooks, solutions
    packaged = data.path(PACKAGED_LABS)
    notebooks = {p.name: p.read_text(encoding="utf-8") for p in sorted(packaged.iterdir(), key=lambda p: p.name)
                 if catalog.LAB_FILE.match(p.name)} if packaged.is_dir() else {}
    bundle = packaged.joinpath(SOLUTIONS_BUNDLE)
    solutions = json.loads(bundle.read_text(encoding="utf-8"))["solutions"] if bundle.is_file() else {}
    return "the installed package", notebooks, solutions


def copy_labs(destination, *, solutions: bool = True, force: bool = False) -> CopiedLabs:
    """Write the course's notebooks (and, unless ``solutions=False``, their solutions) into ``destination``.

    Refuses to overwrite a notebook already there (it may hold a learner's work) unless ``force=True``.
    """
    target = Path(destination).expanduser()
    if target.exists() and not target.is_dir():
        raise LabInputError(f"{target} is a file; `vpclab labs --copy` needs a folder (new or existing) to write to.")
    where, notebooks, answers = _sources()
    if not notebooks:
        raise LabInputError(f"No lab notebooks found in {where}: reinstall vpc-labs, or set VPCLAB_LABS_DIR to a "
                            "checkout's labs/ folder.")
    clash = sorted(name for name in notebooks if (target / name).exists())
    if clash and not force:
        raise DestinationNotEmpty(f"{target} already has {', '.join(clash)}: they may hold your work. Copy to a new "
                                  "folder, or pass --force to overwrite them.")
    target.mkdir(parents=True, exist_ok=True)
    report = CopiedLabs(target, where)
    for name, text in notebooks.items():
        (target / name).write_text(text, encoding="utf-8")
        report.notebooks.append(name)
    if solutions and answers:
        (target / "solutions").mkdir(exist_ok=True)
        for name, text in answers.items():
            (target / "solutions" / name).write_text(text, encoding="utf-8")
            report.solutions.append(name)
    return report


def write_packaged_copies(labs: Path, packaged: Path) -> list[Path]:
    """Make ``packaged`` (``lab_helpers/data/labs``) hold what ``labs`` holds; return the files that changed."""
    packaged.mkdir(parents=True, exist_ok=True)
    wanted = {p.name: p.read_text(encoding="utf-8") for p in sorted(labs.glob("*.ipynb"))
              if catalog.LAB_FILE.match(p.name)}
    wanted[SOLUTIONS_BUNDLE] = solutions_bundle_text(labs)
    changed = []
    for stale in packaged.iterdir():
        if stale.name not in wanted and stale.is_file():
            stale.unlink()
            changed.append(stale)
    for name, text in wanted.items():
        path = packaged / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed

