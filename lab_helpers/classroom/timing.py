"""A seminar timing sheet: each lab's sections with minutes and start times.

    from lab_helpers import classroom
    print(classroom.timing_sheet(start="14:00"))        # Markdown; fmt="csv" for a spreadsheet

The same from a shell: ``vpclab timing``. Minutes come from each lab's ``vpclab.minutes`` metadata and are shared
among its ``##`` sections by how much each holds (:func:`share`), so the sheet sums to the lab's own estimate.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from lab_helpers.core import catalog
from lab_helpers.errors import LabError


@dataclass
class Section:
    lab: str
    title: str
    minutes: int
    kind: str  # "intro", "concept", "exercise", "wrap-up"
    start: str = ""  # clock time "14:05", or "+0:05" from the start


_HEADING = re.compile(r"^(#{1,2})\s+(.+?)\s*$", re.M)


def _weight(cell) -> float:
    """How long a cell takes in a seminar, relative to a plain code cell: exercises and predictions take longer."""
    text = cell.source
    if cell.cell_type == "code":
        if "YOUR CODE HERE" in text or "NotImplementedError" in text:
            return 4.0
        return 1.0
    if re.search(r"(?i)predict|write (yes|no)|before you run", text):
        return 1.5
    return 0.5 + min(len(text), 1500) / 1500  # reading time grows with prose


def lab_sections(info) -> list[Section]:
    """A lab's level-2 sections (``## ...``) with minutes shared out by how much each holds (sums to the total)."""
    import nbformat

    nb = nbformat.read(str(info.path), as_version=4)
    groups: list[list] = [["Introduction and setup", 0.0, False]]
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            continue
        heading = _HEADING.findall(cell.source) if cell.cell_type == "markdown" else []
        level2 = [title for hashes, title in heading if len(hashes) == 2]
        if level2:
            groups.append([level2[0], 0.0, False])
        groups[-1][1] += _weight(cell)
        if cell.cell_type == "code" and ("YOUR CODE HERE" in cell.source or "NotImplementedError" in cell.source):
            groups[-1][2] = True
    groups = [g for g in groups if g[1] > 0]
    minutes = share(info.minutes, [g[1] for g in groups])
    sections = []
    for i, ((title, _, has_exercise), mins) in enumerate(zip(groups, minutes)):
        title = re.sub(r"[*_`]", "", title)
        kind = "intro" if i == 0 else "exercise" if has_exercise else \
            "wrap-up" if re.match(r"(?i)(\d+\.\s*)?(key points|clean|teardown|what it costs)", title) else "concept"
        sections.append(Section(info.name, title, mins, kind))
    return sections


def share(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` whole minutes in proportion to ``weights`` (largest remainder, so the sum is exact)."""
    if not weights:
        return []
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    floor = [int(x) for x in exact]
    left = total - sum(floor)
    for i in sorted(range(len(exact)), key=lambda i: exact[i] - floor[i], reverse=True)[:left]:
        floor[i] += 1
    return floor


def _clock(start: Optional[str], offset: int) -> str:
    if start:
        hours, minutes = (int(x) for x in start.split(":"))
        total = hours * 60 + minutes + offset
        return f"{(total // 60) % 24:02d}:{total % 60:02d}"
    return f"+{offset // 60}:{offset % 60:02d}"


def timing_sheet(labs: Optional[Iterable[str]] = None, fmt: str = "markdown", start: Optional[str] = None,
                 break_every: int = 0, break_minutes: int = 10, labs_dir: Optional[Path] = None) -> str:
    """A seminar plan: each lab's sections with minutes and start times, from notebook metadata and headings.

    ``labs`` names or numbers (default: every lab); ``fmt`` "markdown" or "csv"; ``start`` a clock time ("14:00")
    or None for offsets (+0:25); ``break_every`` inserts a break once that many minutes have run (0: none).
    Minutes come from each lab's ``vpclab.minutes``; they are shared among its ``##`` sections by how much each
    holds (exercises count four times a plain cell), so the sheet sums to the lab's own estimate.
    """
    if fmt not in ("markdown", "csv"):
        raise LabError(f"timing_sheet fmt must be 'markdown' or 'csv', not {fmt!r}.")
    if start and not re.fullmatch(r"\d{1,2}:\d\d", start):
        raise LabError(f"start must be a clock time like '14:00', not {start!r}.")
    infos = [catalog.find(name, labs_dir) for name in labs] if labs else catalog.discover(labs_dir)
    rows, clock, since_break = [], 0, 0
    for info in infos:
        for section in lab_sections(info):
            if break_every and since_break >= break_every:
                rows.append(Section("", "Break", break_minutes, "break", _clock(start, clock)))
                clock += break_minutes
                since_break = 0
            section.start = _clock(start, clock)
            rows.append(section)
            clock += section.minutes
            since_break += section.minutes
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["start", "lab", "section", "kind", "minutes"])
        for r in rows:
            writer.writerow([r.start, r.lab, r.title, r.kind, r.minutes])
        return buffer.getvalue()
    total = sum(r.minutes for r in rows)
    out = [f"# Seminar timing sheet ({len(infos)} lab{'s' if len(infos) != 1 else ''}, {total} minutes"
           f"{'' if not start else f', {start}–{_clock(start, total)}'})", "",
           "| start | lab | section | kind | minutes |", "| --- | --- | --- | --- | ---: |"]
    for r in rows:
        title = r.title.replace("|", "\\|")
        out.append(f"| {r.start} | {r.lab} | {title} | {r.kind} | {r.minutes} |")
    out.append(f"| | | **total** | | **{total}** |")
    return "\n".join(out) + "\n"
