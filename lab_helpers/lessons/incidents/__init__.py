"""Incidents: a hidden fault in a small world, diagnosed from its symptom alone (``lab.incident(kind, seed)``).

The registry (:data:`KINDS`) is one table of :class:`~.engine.Kind` rows gathered from the family modules
(``routing``, ``filtering``, ``nat``, ``endpoints``, ``connectivity``, ``dns``, ``metadata``); ``vpclab incidents``
prints it. :func:`incident` builds the world, injects the fault and returns the :class:`~.engine.Incident`.
"""
from __future__ import annotations

import secrets
from typing import Optional

from lab_helpers.errors import UnknownIncidentError
from lab_helpers.lessons.incidents import (
           connectivity,
           dns,
           endpoints,
           filtering,
           lattice,
           metadata,
           nat,
           placement,
           routing,
           tgw,
)
from lab_helpers.lessons.incidents.engine import Incident, Kind, rng_for

FAMILIES = (routing, filtering, nat, endpoints, connectivity, tgw, dns, placement, metadata, lattice)
KINDS: dict[str, Kind] = {k.kind: k for family in FAMILIES for k in family.KINDS}


def table() -> list[dict]:
    """The registry as rows of exactly kind, lab, title, difficulty (``vpclab incidents --json``)."""
    return [k.row() for k in sorted(KINDS.values(), key=lambda k: (k.lab, k.kind))]


def markdown_table() -> str:
    """The registry as the docs site's table (docs/INCIDENTS.md holds this text; a test keeps them equal)."""
    lines = ["| kind | lab | title | difficulty |", "|---|---|---|---|"]
    lines += [f"| `{r['kind']}` | {r['lab']} | {r['title']} | {r['difficulty']} |" for r in table()]
    return "\n".join(lines)


def kinds_for(lab_number: str) -> list[str]:
    return [k.kind for k in KINDS.values() if k.lab == lab_number]


def pick(seed: int, count: int, labs: Optional[list[str]] = None) -> list[str]:
    """``count`` different kinds chosen by ``seed`` (from ``labs`` when given): the on-call lab's shift."""
    pool = sorted(k.kind for k in KINDS.values() if labs is None or k.lab in labs)
    return rng_for("pick", seed).sample(pool, min(count, len(pool)))


def incident(lab, kind: Optional[str] = None, seed: Optional[int] = None, solutions: bool = False,
             from_lab: Optional[str] = None) -> Incident:
    """Build and inject one incident. ``kind=None`` lets the seed choose one (among lab ``from_lab``'s kinds when
    given, so a lab can hand out a fault of its own topic without naming it); ``seed=None`` draws a fresh seed."""
    seed = secrets.randbelow(10**6) if seed is None else int(seed)
    named = kind is not None
    if kind is None:
        if from_lab is not None and not kinds_for(from_lab):
            raise UnknownIncidentError(f"No incident kind belongs to lab {from_lab!r}: `vpclab incidents` lists them.")
        kind = pick(seed, 1, labs=None if from_lab is None else [from_lab])[0]
    if kind not in KINDS:
        raise UnknownIncidentError(f"No incident kind {kind!r}: `vpclab incidents` lists the {len(KINDS)} kinds.")
    spec = KINDS[kind]
    before = {v["VpcId"] for region in lab.regions for v in lab.raw_client("ec2", region).describe_vpcs()["Vpcs"]}
    case = spec.build(lab, rng_for(kind, seed))
    made = [v for v in case.vpcs if v not in before]  # close() removes only these: a reused VPC is the lab's
    return Incident(lab, spec, seed, case, solutions=solutions, made_vpcs=made, named=named)


__all__ = ["incident", "Incident", "Kind", "KINDS", "table", "markdown_table", "kinds_for", "pick"]
