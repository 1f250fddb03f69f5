"""Lab 10's shift: six incidents from across the course, one after another, with the clock running.

``Shift(lab, seed)`` picks six kinds from six different labs (the seed decides; ``vpclab instructor 10 --seed N``
gives a whole class the same shift), hands them out with :meth:`Shift.next`, and :meth:`Shift.score` adds up
solved incidents, hints used, minutes and over-broad fixes refused, and records them in the progress file.
"""
from __future__ import annotations

import html
import secrets
import time
from dataclasses import dataclass, field
from typing import Optional

from lab_helpers.lessons import incidents as registry
from lab_helpers.lessons.incidents.engine import Incident, rng_for
from lab_helpers.teach import progress

SHIFT_LABS = ("01", "02", "03", "04", "05", "06", "07")


def roster(seed: int, size: int = 6) -> list[str]:
    """The shift's kinds: ``size`` labs drawn by the seed, one kind from each, easiest labs first."""
    rng = rng_for("on-call", seed)
    labs = sorted(rng.sample([n for n in SHIFT_LABS if registry.kinds_for(n)], size))
    return [rng.choice(sorted(registry.kinds_for(n))) for n in labs]


@dataclass
class Score:
    seed: int
    results: list = field(default_factory=list)  # Incident.score() dicts, in order
    minutes: float = 0.0

    @property
    def solved(self) -> int:
        return sum(1 for r in self.results if r["solved"])

    @property
    def hints(self) -> int:
        return sum(r["hints"] for r in self.results)

    @property
    def refused(self) -> int:
        return sum(r["refused"] for r in self.results)

    def __str__(self) -> str:
        lines = [f"On-call shift (seed {self.seed}): {self.solved}/{len(self.results)} solved, {self.hints} hint(s), "
                 f"{self.refused} over-broad fix(es) refused, {self.minutes} min"]
        for n, r in enumerate(self.results, 1):
            took = f"{r['minutes']} min" if r["minutes"] is not None else "not solved"
            lines.append(f"  {n}. {'✅' if r['solved'] else '❌'} {r['kind']:<28} hints {r['hints']}  refused "
                         f"{r['refused']}  {took}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(str(self))}</pre>"


class Shift:
    def __init__(self, lab, seed: Optional[int] = None, size: int = 6, solutions: bool = False):
        self.lab, self.solutions = lab, solutions
        self.seed = secrets.randbelow(10**6) if seed is None else int(seed)
        self.kinds = roster(self.seed, size)
        self.handed: list[Incident] = []
        self.started = time.monotonic()

    def next(self) -> Incident:
        """The next incident of the shift (its own clock starts now)."""
        if len(self.handed) >= len(self.kinds):
            raise IndexError(f"The shift has {len(self.kinds)} incidents and all were handed out: see .score().")
        kind = self.kinds[len(self.handed)]
        if self.handed:
            self.handed[-1].close()  # the last incident's world goes first: the Region's VPC quota is the account's
        incident = registry.incident(self.lab, kind, seed=self.seed + len(self.handed), solutions=self.solutions)
        self.handed.append(incident)
        return incident

    def score(self) -> Score:
        """Add up the shift and record it in the progress file (``vpclab progress`` shows it)."""
        result = Score(self.seed, [i.score() for i in self.handed],
                       round((time.monotonic() - self.started) / 60, 1))
        progress.record_incident(getattr(self.lab, "name", ""), {
            "kind": "on-call shift", "seed": self.seed, "solved": result.solved == len(self.kinds),
            "hints": result.hints, "minutes": result.minutes, "refused": result.refused,
            "incidents": [r["kind"] for r in result.results], "solved_count": result.solved})
        return result

    def __str__(self) -> str:
        return (f"🚨 On-call shift, seed {self.seed}: {len(self.kinds)} incidents from labs "
                f"{', '.join(registry.KINDS[k].lab for k in self.kinds)}. The clock is running.")

    __repr__ = __str__
