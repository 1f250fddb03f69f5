"""The incident engine: one fault, hidden in a small world, and the checks that prove it is really fixed.

A *kind* (:class:`Kind`) is a row of the registry: its name, the lab it belongs to, a title and a difficulty, and a
``build(lab, rng)`` function. ``build`` creates the world and injects the fault through ordinary AWS API calls,
then returns a :class:`Case`: what the user reports, the ids the learner may need, the probe that shows the
symptom, the probes of what worked before, the reference fix, three hints and the explanation.

:class:`Incident` is what the learner holds. ``check()`` is ✅ only when the symptom probe passes, every
"worked before" probe still passes, and no over-broad change was made (:mod:`.guards` compares the world with the
baseline taken right after the fault was injected).

Seeds: ``random.Random(f"{kind}:{seed}")`` seeds from a string through SHA-512, never ``hash()``, so the same seed
gives the same incident in every process and on every machine.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Optional

from lab_helpers.errors import IncidentSolutionLocked
from lab_helpers.lessons.incidents import guards
from lab_helpers.teach import check, progress


@dataclass(frozen=True)
class Probe:
    """One observable fact: ``text`` says what it proves, ``test()`` is True when it holds."""

    text: str
    test: Callable[[], bool]

    def holds(self) -> bool:
        try:
            return bool(self.test())
        except Exception:  # a probe that cannot run (a deleted resource…) does not hold; the learner sees which
            return False


@dataclass
class Case:
    """What a kind's ``build`` returns: the world as injected, and everything the incident needs to judge it."""

    symptom: str
    resources: dict
    symptom_probe: Probe  # holds once the fault is fixed
    healthy: list[Probe]  # held before the fault and must hold after the fix
    fix: Callable[[], Any]
    hints: tuple[str, str, str]
    fault: str
    rule: str
    doc: str
    vpcs: list[str] = field(default_factory=list)  # where the over-broad guards look
    guards: list[Callable[[], Optional[str]]] = field(default_factory=list)  # kind-specific over-broad checks
    exempt: set = field(default_factory=set)  # ids the reference fix is meant to change (a public route table)


@dataclass(frozen=True)
class Kind:
    kind: str
    lab: str  # "01".."08"
    title: str
    difficulty: str  # easy | medium | hard
    build: Callable[[Any, Seeded], Case] = field(repr=False, compare=False)

    def row(self) -> dict:
        return {"kind": self.kind, "lab": self.lab, "title": self.title, "difficulty": self.difficulty}


class Seeded(random.Random):
    """The kind's random source. ``variant_of(options)`` is the kind's main variant axis: ``options[seed % n]``,
    so consecutive seeds walk through every variant; the rest of the world (names, CIDRs) is drawn at random."""

    def __init__(self, kind: str, seed: int):
        super().__init__(f"{kind}:{seed}")  # str seeds hash with SHA-512: stable across processes, unlike hash()
        self.seed_number = seed

    def variant_of(self, options):
        options = tuple(options)
        return options[self.seed_number % len(options)]


def rng_for(kind: str, seed: int) -> Seeded:
    return Seeded(kind, seed)


@dataclass
class Verdict:
    passed: bool
    detail: str
    over_broad: bool = False


class Incident:
    """A hidden fault in the lab's world. ``symptom`` says what users see; fix it, then ``check()``."""

    def __init__(self, lab, kind: Kind, seed: int, case: Case, solutions: bool = False,
                 made_vpcs: Optional[list] = None, named: bool = True):
        self.lab, self.kind, self.seed, self.title = lab, kind.kind, seed, kind.title
        self.made_vpcs = list(made_vpcs or [])  # the VPCs this incident built for its world
        # a kind the seed drew stays unnamed until explain(): its name would give the fault away
        self.label = kind.kind if named else f"from lab {kind.lab}"
        self.lab_number, self.difficulty = kind.lab, kind.difficulty
        self.symptom, self.resources = case.symptom, dict(case.resources)
        self.solutions = solutions
        self._case = case
        self._baseline = guards.baseline(lab, case.vpcs, case.exempt)
        self.hints_used = 0
        self.refused = 0  # checks that found an over-broad fix
        self.solved = False
        self.started = time.monotonic()
        self.minutes: Optional[float] = None

    def close(self) -> None:
        """Remove the world this incident built (its VPCs and what they hold), keeping the lab's own.

        A new account holds five VPCs per Region, so a lab frees an incident's world before it builds on.
        """
        for vpc in self.made_vpcs:
            region = next((r for r in self.lab.regions if self.lab.raw_client("ec2", r).describe_vpcs(
                Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Vpcs"]), None)
            if region is not None:
                self.lab.release(vpc, region=region)
        self.made_vpcs = []

    # -- judging ----------------------------------------------------------------------------------------------
    @property
    def vpcs(self) -> list[str]:
        """The VPCs the incident built (the over-broad guards look at these)."""
        return list(self._case.vpcs)

    def symptom_gone(self) -> bool:
        """True when the probe behind the symptom passes (a trace, a resolve, an IMDS read…)."""
        return self._case.symptom_probe.holds()

    def broken_before_fix(self) -> list[str]:
        """The "worked before" probes that do not hold now (empty when nothing else is broken)."""
        return [p.text for p in self._case.healthy if not p.holds()]

    def verify(self) -> Verdict:
        """The verdict without reporting it (the tests and the on-call score use this)."""
        too_broad = guards.over_broad(self.lab, self._case.vpcs, self._baseline) + [
            m for m in (g() for g in self._case.guards) if m]
        if too_broad:
            return Verdict(False, "That is not a fix: " + " ".join(too_broad), over_broad=True)
        if not self.symptom_gone():
            return Verdict(False, f"the symptom is still there: {self._case.symptom_probe.text} does not hold yet")
        broken = self.broken_before_fix()
        if broken:
            return Verdict(False, "the symptom is gone, but something that worked before broke: "
                           + "; ".join(broken))
        return Verdict(True, f"{self._case.symptom_probe.text}, and everything that worked before still works")

    def check(self):
        """✅ when the symptom is gone, nothing else broke and the fix is not over-broad; ❌ with why otherwise."""
        verdict = self.verify()
        if verdict.over_broad:
            self.refused += 1
        if verdict.passed and not self.solved:
            self.solved, self.minutes = True, round((time.monotonic() - self.started) / 60, 1)
        hint = "Call .hint() for a clue." if not verdict.over_broad else \
            "Undo the broad change and find the one rule, route or setting that is wrong."
        result = check.that(f"Incident {self.label} (seed {self.seed})", lambda: _passes(verdict), hint=hint,
                            detail=verdict.detail if verdict.passed else "")
        progress.record_incident(getattr(self.lab, "name", ""), self.score())  # for `vpclab progress`
        return result

    # -- help ---------------------------------------------------------------------------------------------------
    def hint(self) -> str:
        """The next of three hints: where to look, which resource, which rule."""
        text = self._case.hints[min(self.hints_used, 2)]
        self.hints_used = min(self.hints_used + 1, 3)
        return Note(f"Hint {self.hints_used}/3: {text}")

    def explain(self):
        """The fault, the AWS rule behind it and the AWS documentation — after a ✅, or with SOLUTIONS."""
        if not (self.solved or self.solutions):
            return Note("Fix it first: .explain() opens after .check() says ✅ (or call .hint()).")
        named = "" if self.label == self.kind else f"Incident kind: {self.kind}\n"
        return Note(f"{named}Fault: {self._case.fault}\nAWS rule: {self._case.rule}\n"
                    f"AWS documentation: {self._case.doc}")

    def solve(self):
        """Apply the reference fix — only with SOLUTIONS=True (instructor copies, the tests)."""
        if not self.solutions:
            raise IncidentSolutionLocked(
                f"Incident {self.label} has no visible answer in a learner's copy: diagnose it from the symptom "
                "(lab.trace / lab.resolve / lab.imds / lab.http, .hint()), or open the lab with SOLUTIONS = True.")
        self._case.fix()
        return self

    def score(self) -> dict:
        return {"kind": self.kind, "seed": self.seed, "solved": self.solved, "hints": self.hints_used,
                "minutes": self.minutes, "refused": self.refused}

    def __str__(self) -> str:
        ids = "\n".join(f"  {k}: {v}" for k, v in self.resources.items())
        return f"🚨 Incident {self.label} (lab {self.lab_number}, {self.difficulty}, seed {self.seed})\n" \
               f"  {self.symptom}\n resources:\n{ids}"

    __repr__ = __str__


class Note(str):
    """A hint or an explanation: a string that prints as itself in a notebook (no quotes)."""

    def __repr__(self) -> str:
        return str(self)


def _passes(verdict: Verdict) -> bool:
    if not verdict.passed:
        raise AssertionError(verdict.detail)
    return True
