"""Which HTTPRoute rule *should* win according to the Gateway API spec — to compare with what Lattice does.

The spec orders matches by specificity: an Exact path beats any prefix, a longer PathPrefix beats a shorter one,
then a method match, then more header matches; only ties fall back to list order. PathPrefix is segment-wise:
``/v1`` matches ``/v1`` and ``/v1/health`` but not ``/v10``.

The AWS controller instead gives rule *i* Lattice priority *i+1* and Lattice takes the first match by priority, so
a broad rule listed first (``/``) shadows every rule after it.
"""
from __future__ import annotations

from typing import Optional


def _path_matches(path_match: Optional[dict], path: str) -> Optional[tuple[int, int]]:
    """(kind rank, length) when it matches: Exact=2, PathPrefix=1."""
    pm = path_match or {"type": "PathPrefix", "value": "/"}
    value = pm.get("value", "/")
    if pm.get("type") == "Exact":
        return (2, len(value)) if path == value else None
    prefix = value.rstrip("/")
    if prefix == "" or path == prefix or path.startswith(prefix + "/"):
        return (1, len(prefix))
    return None


def spec_choice(route_spec: dict, path: str, method: str = "GET", headers: Optional[dict] = None) -> Optional[int]:
    """Index of the rule the Gateway API spec picks for this request (None: no match → 404)."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    best, best_key = None, None
    for i, rule in enumerate(route_spec.get("rules", [])):
        for m in rule.get("matches") or [{}]:
            rank = _path_matches(m.get("path"), path.split("?")[0])
            if rank is None:
                continue
            if m.get("method") and m["method"].upper() != method.upper():
                continue
            if any(headers.get(h["name"].lower()) != h["value"] for h in m.get("headers", [])):
                continue
            key = (rank[0], rank[1], 1 if m.get("method") else 0, len(m.get("headers", [])), -i)
            if best_key is None or key > best_key:
                best, best_key = i, key
    return best


def lattice_choice(route_spec: dict, path: str, method: str = "GET") -> Optional[int]:
    """Index of the rule the controller + Lattice pick: the first one in list order whose match fits."""
    for i, rule in enumerate(route_spec.get("rules", [])):
        m = (rule.get("matches") or [{}])[0]
        pm = m.get("path") or {"type": "PathPrefix", "value": "/"}
        value = pm.get("value", "/")
        ok = path == value if pm.get("type") == "Exact" else path.startswith(value)
        if ok and (not m.get("method") or m["method"].upper() == method.upper()):
            return i
    return None
