"""The minutes a learner is promised agree everywhere: each lab's metadata (what `vpclab list` and the timing
sheet read, through the catalog) and the README's table."""
import json
import re
from pathlib import Path

from lab_helpers.classroom import timing

ROOT = Path(__file__).resolve().parent.parent


def readme_minutes() -> dict[str, int]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^\| (\d\d) \| (\d+) \|", text, re.M)}


def catalog_minutes() -> dict[str, int]:
    rows = json.loads((ROOT / "lab_helpers" / "data" / "catalog.json").read_text(encoding="utf-8"))
    rows = rows["labs"] if isinstance(rows, dict) else rows
    return {row["name"][:2]: int(row["minutes"]) for row in rows}


def test_readme_table_matches_every_lab_metadata():
    assert readme_minutes() == catalog_minutes()


def test_timing_sheet_totals_the_same_minutes():
    csv_sheet = timing.timing_sheet(fmt="csv").splitlines()[1:]
    assert sum(int(line.rsplit(",", 1)[1]) for line in csv_sheet) == sum(catalog_minutes().values())
