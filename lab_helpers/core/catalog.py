"""The labs, discovered from ``labs/NN_topic.ipynb`` (never listed by hand), with their title and minutes.

A notebook declares itself in its metadata: ``{"vpclab": {"title": "...", "minutes": 45, "objectives": [...]}}``.

A wheel install has no ``labs/`` folder: there the same declarations come from ``lab_helpers/data/catalog.json``,
which ``tools/build_notebooks.py`` writes from the notebooks (tests/test_notebook_hygiene.py keeps the two equal).
So a learner's own copy of a notebook, opened from any folder, still finds its lab by name.

:func:`resolve` is what ``start_lab`` asks: a course lab by name or number, or else *your own* notebook's name
(``start_lab("our-network-notes")``), which opens the same sandbox or live session without being a course lab.
Names that look like a course lab (``01_vpc_basic``, ``42``) are still refused with a suggestion, because a typo
must not silently become a private scratch lab.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from lab_helpers import config, data
from lab_helpers.errors import LabNameError, UnknownLabError

LAB_FILE = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")
PACKAGED_CATALOG = "catalog.json"
# An own lab's name becomes the vpclab:lab tag's value and part of its run id and ledger file name: AWS tag
# characters that are also safe in a file name, starting with a letter or digit.
OWN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
COURSE_LIKE = re.compile(r"^\d+$|^\d\d_")  # "42", "01_vpc": numbers and NN_ prefixes belong to the course
NEAR_MISS = 0.8  # difflib ratio above which a name is taken for a mistyped course lab


def repo_root() -> Path:
    """The checkout this package runs from (``lab_helpers/`` sits in it); for a wheel install, site-packages."""
    return Path(__file__).resolve().parents[2]


def labs_dir() -> Path:
    return config.labs_dir(repo_root() / "labs")


@dataclass(frozen=True)
class LabInfo:
    """One lab. ``path`` is its notebook, or ``None`` when it comes from the packaged catalog (no notebook here)."""

    name: str
    path: Optional[Path]
    title: str
    minutes: int
    objectives: tuple = field(default=())
    course: bool = True  # False for your own notebook's lab (see :func:`resolve`)

    @property
    def number(self) -> str:
        return self.name[:2]


def declarations(directory: Path) -> list[dict]:
    """What each ``NN_topic.ipynb`` in ``directory`` declares, sorted by name: the rows of ``catalog.json``."""
    rows = []
    for path in sorted(Path(directory).glob("*.ipynb")):
        if not LAB_FILE.match(path.name):
            continue
        meta = json.loads(path.read_text()).get("metadata", {}).get("vpclab", {})
        rows.append({"name": path.stem, "title": meta.get("title", path.stem), "minutes": int(meta.get("minutes", 0)),
                     "objectives": list(meta.get("objectives", ()))})
    return rows


def catalog_text(rows: list[dict]) -> str:
    """``catalog.json``'s exact text: stable formatting, so a rebuild that changes nothing changes no byte."""
    return json.dumps({"labs": sorted(rows, key=lambda row: row["name"])}, indent=2, ensure_ascii=False) + "\n"


def packaged() -> list[dict]:
    """The rows shipped in the package (empty if this build has none)."""
    source = data.path(PACKAGED_CATALOG)
    return json.loads(source.read_text(encoding="utf-8"))["labs"] if source.is_file() else []


def discover(directory: Path | None = None) -> list[LabInfo]:
    """The labs in ``directory``; by default :func:`labs_dir`, or the packaged catalog when that folder is absent."""
    if _installed_only(directory):
        return [LabInfo(row["name"], None, row["title"], int(row["minutes"]), tuple(row["objectives"]))
                for row in packaged()]
    directory = Path(directory or labs_dir())
    return [LabInfo(row["name"], directory / f"{row['name']}.ipynb", row["title"], row["minutes"],
                    tuple(row["objectives"])) for row in declarations(directory)]


def _installed_only(directory: Path | None) -> bool:
    """No folder was asked for and the default one is missing: a wheel install run away from any checkout."""
    return directory is None and not labs_dir().is_dir()


def source_of(directory: Path | None = None) -> str:
    """Where :func:`discover` reads the labs from, in words (for ``vpclab list`` and ``vpclab doctor``)."""
    if _installed_only(directory):
        return f"the installed package's catalog ({labs_dir()} does not exist)"
    return str(directory or labs_dir())


def find(name: str, directory: Path | None = None) -> LabInfo:
    """Look a lab up by full name (``01_vpc_basics``) or number (``01``/``1``); a clear error otherwise."""
    labs = discover(directory)
    key = name.removesuffix(".ipynb")
    for lab in labs:
        if key in (lab.name, lab.number) or (key.isdigit() and int(key) == int(lab.number)):
            return lab
    names = [lab.name for lab in labs]
    close = difflib.get_close_matches(key, names, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise UnknownLabError(f"There is no lab called '{name}'.{hint} The labs are: "
                          f"{', '.join(names) or '(none found in ' + source_of(directory) + ')'}. "
                          "Run `vpclab list` to see them.")


def resolve(name: str, directory: Path | None = None) -> LabInfo:
    """A course lab (as :func:`find`), or your own lab called ``name`` (``course=False``, no notebook, no minutes).

    Refused, each with what to do instead: a name that is not a safe tag value (:class:`LabNameError`), and a name
    that is one of the course's by shape or nearly so (:class:`UnknownLabError`, naming the lab it is closest to).
    """
    if not isinstance(name, str) or not name.strip():
        raise LabNameError(f"A lab needs a name, got {name!r}. Pass the course lab's number (start_lab('01')) or "
                           "a name of your own (start_lab('our-network-notes')).")
    try:
        return find(name, directory)
    except UnknownLabError:
        key = name.removesuffix(".ipynb")
        names = [lab.name for lab in discover(directory)]
        if COURSE_LIKE.match(key) or difflib.get_close_matches(key, names, n=1, cutoff=NEAR_MISS):
            raise
    if not OWN_NAME.match(key):
        raise LabNameError(f"'{name}' cannot name a lab: it becomes the vpclab:lab tag and part of the run id, so "
                           "use 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit "
                           f"(e.g. '{_suggest_name(key)}').")
    return LabInfo(key, None, key, 0, (), course=False)


def _suggest_name(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-._")[:64]
    return cleaned if cleaned and cleaned[0].isalnum() else "my-network-notes"
