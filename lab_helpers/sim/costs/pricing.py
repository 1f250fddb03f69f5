"""Prices as data: every number carries its source and date; a price nobody has sourced is ``unknown``.

The tables live in ``lab_helpers/data/pricing/<region>.json``. Nothing here guesses: :meth:`Price.usd` is ``None``
when unknown, and code that multiplies must handle that (see :mod:`lab_helpers.sim.costs`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Optional

from lab_helpers import data


def pricing_dir():
    return data.path("pricing")


@dataclass(frozen=True)
class Price:
    item: str
    region: str
    usd: Optional[float]
    unit: str
    source: str
    date: Optional[str]
    note: str = ""
    tiers: tuple = ()

    @property
    def known(self) -> bool:
        return self.usd is not None

    def __str__(self) -> str:
        if not self.known:
            return f"{self.item} in {self.region}: unknown ({self.source})"
        return f"${self.usd:g} per {self.unit} ({self.region}; source {self.source}, {self.date})"


def regions() -> list[str]:
    return sorted(p.name.removesuffix(".json") for p in pricing_dir().iterdir() if p.name.endswith(".json"))


@cache  # the files are read-only data shipped with the package
def _table(region: str) -> dict:
    path = pricing_dir() / f"{region}.json"
    return json.loads(path.read_text()) if path.is_file() else {"prices": {}, "sources": {}}


def price(item: str, region: str) -> Price:
    """The price of ``item`` in ``region``; ``Price.usd is None`` (unknown) when no source gives it."""
    table = _table(region)
    row = table["prices"].get(item)
    if row is None:
        return Price(item, region, None, "", f"no price table row for {item!r} in {region}", None)
    source = table["sources"].get(row["source"], row["source"])
    return Price(item, region, row["usd"], row["unit"], f"{row['source']}: {source}" if source != row["source"]
                 else source, row.get("date"), row.get("note", ""), tuple(tuple(t) for t in row.get("tiers", ())))
