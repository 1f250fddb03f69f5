"""How a Lattice listener rule matches a request: method, path (exact or *string* prefix), headers."""
from __future__ import annotations


def describe_match(http: dict) -> str:
    parts = []
    pm = http.get("pathMatch", {}).get("match", {})
    if "exact" in pm:
        parts.append(f"path = {pm['exact']}")
    elif "prefix" in pm:
        parts.append(f"path prefix {pm['prefix']}")
    if http.get("method"):
        parts.append(f"method {http['method']}")
    for h in http.get("headerMatches", []):
        parts.append(f"header {h['name']}={next(iter(h['match'].values()))}")
    return ", ".join(parts) or "any request"


def http_matches(http: dict, method: str, path: str, headers: dict) -> bool:
    """Lattice's rule match: method, path (exact or *string* prefix), headers (exact/prefix/contains)."""
    if http.get("method") and http["method"].upper() != method:
        return False
    pm = http.get("pathMatch")
    if pm:
        sensitive = pm.get("caseSensitive", False)
        have = path if sensitive else path.lower()
        match = pm["match"]
        if "exact" in match and have != (match["exact"] if sensitive else match["exact"].lower()):
            return False
        if "prefix" in match and not have.startswith(match["prefix"] if sensitive else match["prefix"].lower()):
            return False
    for hm in http.get("headerMatches", []):
        value = headers.get(hm["name"].lower())
        if value is None:
            return False
        sensitive = hm.get("caseSensitive", False)
        value = value if sensitive else value.lower()
        kind, want = next(iter(hm["match"].items()))
        want = want if sensitive else want.lower()
        if not {"exact": value == want, "prefix": value.startswith(want), "contains": want in value}[kind]:
            return False
    return True
