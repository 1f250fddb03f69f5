"""Package data: prices (``pricing/<region>.json``), the seminar's manifests and example snapshots.

Read through :func:`path` (``importlib.resources``), so a wheel install finds them as well as a checkout.
"""
from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable


def path(*parts: str) -> Traversable:
    """The packaged file or folder ``parts`` below ``lab_helpers/data/``, e.g. ``path("pricing", "us-east-1.json")``."""
    return files(__name__).joinpath(*parts)
