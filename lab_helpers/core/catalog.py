"""The labs, discovered from ``labs/NN_topic.ipynb`` (never listed by hand), with their title and minutes.

A notebook declares itself in its metadata: ``{"vpclab": {"title": "...", "minutes": 45, "objectives": [...]}}``.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from lab_helpers import config
from lab_helpers.errors import UnknownLabError

LAB_FILE = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")


def repo_root() -> Path:
    """The checkout this package runs from (``lab_helpers/`` sits in it); for a wheel install, site-packages."""
    return Path(__file__).resolve().parents[2]


def labs_dir() -> Path:
    return config.labs_dir(repo_root() / "labs")


@dataclass(frozen=True)
class LabInfo:
    name: str
    path: Path
    title: str
    minutes: int
    objectives: tuple = field(default=())

    @property
    def number(self) -> str:
        return self.name[:2]


def discover(directory: Path | None = None) -> list[LabInfo]:
    directory = Path(directory or labs_dir())
    found = []
    for path in sorted(directory.glob("*.ipynb")):
        if not LAB_FILE.match(path.name):
            continue
        meta = json.loads(path.read_text()).get("metadata", {}).get("vpclab", {})
        found.append(LabInfo(path.stem, path, meta.get("title", path.stem), int(meta.get("minutes", 0)),
                             tuple(meta.get("objectives", ()))))
    return found


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
    raise UnknownLabError(f"There is no lab called '{name}'.{hint} The labs are: {', '.join(names) or '(none found in ' + str(directory or labs_dir()) + ')'}. "
                          "Run `vpclab list` to see them.")
