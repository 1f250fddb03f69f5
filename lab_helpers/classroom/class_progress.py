"""A class's progress: checks passed per learner and lab, from the progress files learners hand in.

    from lab_helpers import classroom
    classroom.progress_report(["alice/progress.json", "bob/progress.json"])   # one summary table

The same from a shell: ``vpclab progress FILES...``. With no files, the learner's own
``$VPCLAB_HOME/progress.json`` (:func:`lab_helpers.teach.progress.path`, which reads the home through
:func:`lab_helpers.config.home`).
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from lab_helpers.core import catalog
from lab_helpers.teach import predict, progress


def learner_name(path: Path) -> str:
    """``alice.json`` → alice; ``alice/progress.json`` or ``alice/.vpclab/progress.json`` → alice."""
    path = Path(path)
    if path.stem != "progress":
        return path.stem
    parent = path.parent
    return parent.parent.name if parent.name == ".vpclab" else parent.name or "learner"


@dataclass
class ProgressReport:
    """Checks passed per learner and lab. ``str()`` is a Markdown table; ``to_csv()`` for a spreadsheet."""

    learners: dict  # learner -> {lab: {check title: {"passed": bool, "at": str}}}
    labs: list  # lab names in order
    problems: list = field(default_factory=list)  # files that could not be read, with why
    incidents: dict = field(default_factory=dict)  # learner -> [incident scores] (teach.progress.record_incident)
    predictions: dict = field(default_factory=dict)  # learner -> [predictions] (teach.predict.reveal)

    def counts(self, learner: str, lab: str) -> tuple[int, int]:
        checks = self.learners.get(learner, {}).get(lab, {})
        return sum(1 for c in checks.values() if c.get("passed")), len(checks)

    def cell(self, learner: str, lab: str) -> str:
        passed, seen = self.counts(learner, lab)
        if not seen:
            return "—"
        return f"{'✅' if passed == seen else '🟡'} {passed}/{seen}"

    def detail(self, learner: str) -> str:
        """One learner's checks, lab by lab: what passed and what to look at again."""
        lines = [f"## {learner}"]
        for lab in self.labs:
            checks = self.learners.get(learner, {}).get(lab)
            if not checks:
                continue
            passed, seen = self.counts(learner, lab)
            lines.append(f"\n**{lab}** — {passed}/{seen} checks passed")
            for title, result in checks.items():
                lines.append(f"- {'✅' if result.get('passed') else '❌'} {title} ({result.get('at', '?')})")
        scores = self.incidents.get(learner, [])
        if scores:
            lines.append(f"\n**Incidents** — {sum(1 for s in scores if s.get('solved'))}/{len(scores)} solved")
            for s in scores:
                minutes = f", {s['minutes']} min" if s.get("minutes") is not None else ""
                lines.append(f"- {'✅' if s.get('solved') else '❌'} {s.get('lab', '?')}: {s.get('kind')} (seed "
                             f"{s.get('seed')}) — hints {s.get('hints', 0)}, over-broad fixes refused "
                             f"{s.get('refused', 0)}{minutes}")
        guesses = self.predictions.get(learner, [])
        if guesses:
            answered = [g for g in guesses if g.get("answered")]
            lines.append(f"\n**Predictions** — {sum(1 for g in answered if g.get('right'))}/{len(answered)} right, "
                         f"{len(guesses) - len(answered)} not answered")
        if len(lines) == 1:
            lines.append("\nNo checks recorded yet.")
        return "\n".join(lines)

    def table(self) -> str:
        names = sorted(self.learners)
        head = "| learner | " + " | ".join(lab[:2] for lab in self.labs) + " | checks passed | incidents solved |"
        rule = "| --- | " + " | ".join("---" for _ in self.labs) + " | ---: | ---: |"
        rows = [head, rule]
        for name in names:
            passed = sum(self.counts(name, lab)[0] for lab in self.labs)
            seen = sum(self.counts(name, lab)[1] for lab in self.labs)
            scores = self.incidents.get(name, [])
            solved = sum(1 for s in scores if s.get("solved"))
            rows.append(f"| {name} | " + " | ".join(self.cell(name, lab) for lab in self.labs) +
                        f" | {passed}/{seen} | {solved}/{len(scores)} |")
        legend = "Cells: passed/recorded checks (✅ all passed, 🟡 some failing, — not started). Labs: " + \
            ", ".join(self.labs)
        return "\n".join(rows + ["", legend])

    def __str__(self) -> str:
        if not self.learners:
            text = "No learner's progress could be read."
        else:
            text = self.detail(next(iter(self.learners))) if len(self.learners) == 1 else self.table()
        if self.problems:
            text += "\n\n" + "\n".join(f"⚠️ {p}" for p in self.problems)
        return text

    def _repr_markdown_(self) -> str:
        return str(self)

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["learner", "lab", "check", "passed", "at"])
        for name in sorted(self.learners):
            for lab in self.labs:
                for title, result in self.learners[name].get(lab, {}).items():
                    writer.writerow([name, lab, title, bool(result.get("passed")), result.get("at", "")])
        return buffer.getvalue()


def progress_report(paths: Optional[Iterable] = None, labs_dir: Optional[Path] = None) -> ProgressReport:
    """Read progress files (default: this learner's ``$VPCLAB_HOME/progress.json``) into one report.

    One file: ``str(report)`` lists that learner's checks. Many (an instructor collected ``alice.json``,
    ``bob/progress.json``...): a table with one row per learner and one column per lab. A file that cannot be
    read is reported, never fatal — one learner's broken file must not hide the class's progress.
    """
    own = not paths
    paths = [Path(p) for p in (paths or [progress.path()])]
    records, origin, problems = {}, {}, []
    for path in paths:
        name = "you" if own else learner_name(path)
        if name in records:  # two files called progress.json under different folders of the same name
            name = f"{name} ({path})"
        try:
            records[name], origin[name] = json.loads(path.read_text()), path
        except FileNotFoundError:
            problems.append(f"{path}: no such file (has this learner run a check yet?)")
        except (OSError, ValueError) as err:
            problems.append(f"{path}: cannot read it ({err})")
    return report_from_records(records, problems, labs_dir, where=lambda name: origin[name])


def report_from_records(records: dict, problems: Optional[list] = None, labs_dir: Optional[Path] = None,
                        where=str) -> ProgressReport:
    """One report from learners' progress records already read (``{learner: parsed progress.json}``), wherever
    they came from: files (:func:`progress_report`) or a JupyterHub (:mod:`lab_helpers.classroom.hub_client`).
    ``where(name)`` says where a learner's record came from, for the problem list."""
    learners, problems, seen_labs, scores, guesses = {}, list(problems or []), [], {}, {}
    for name, data in records.items():
        if not isinstance(data, dict):
            problems.append(f"{where(name)}: cannot read it (not a JSON object)")
            continue
        learners[name] = {lab: checks for lab, checks in data.items() if isinstance(checks, dict)}
        scores[name] = progress.incidents(data)
        guesses[name] = predict.recorded(data)
        seen_labs += [lab for lab in learners[name] if lab not in seen_labs]
    order = [lab.name for lab in catalog.discover(labs_dir)]
    labs = [lab for lab in order if lab in seen_labs] + sorted(lab for lab in seen_labs if lab not in order)
    if not learners and not problems:
        problems.append("no progress files given")
    return ProgressReport(learners, labs, problems, scores, guesses)
