"""Predictions that count: write down what you expect before the run, and the cell after says whether you were right.

    from lab_helpers.teach import predict
    guess = predict.answer("usable addresses in a /28", MY_GUESS)     # before the run; None = not answered yet
    ...run the cell...
    predict.reveal(guess, actual)                                      # ✅ right / ❌ it was ..., recorded

A prediction left as ``None`` is not wrong: ``reveal`` shows the answer and records "not answered", so a learner's
first run (``SOLUTIONS = False``) runs to the end. Both the guess and the outcome go to the progress file, under the
lab, next to the checks, so an instructor sees who predicted what.
"""
from __future__ import annotations

import html
import json
import time
from dataclasses import dataclass
from typing import Any, Optional

from lab_helpers import config
from lab_helpers.core import kernel
from lab_helpers.teach import progress

PREDICTIONS = "_predictions"  # a list in the progress record, beside the checks


@dataclass
class Prediction:
    question: str
    guess: Any

    def __str__(self) -> str:
        said = "not answered yet" if self.guess is None else repr(self.guess)
        return f"🔮 {self.question}: you predict {said}"

    __repr__ = __str__


@dataclass(frozen=True)
class Outcome:
    question: str
    guess: Any
    actual: Any

    @property
    def answered(self) -> bool:
        return self.guess is not None

    @property
    def right(self) -> bool:
        return self.answered and _same(self.guess, self.actual)

    def __str__(self) -> str:
        if not self.answered:
            return f"🔮 {self.question}: it is {self.actual!r} (you did not predict; next time, write it down first)"
        mark = "✅ right" if self.right else f"❌ it is {self.actual!r}"
        return f"🔮 {self.question}: you said {self.guess!r} — {mark}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.right else ("#9a6700" if not self.answered else "#cf222e")
        return f"<div style='font-family:sans-serif;color:{colour}'>{html.escape(str(self))}</div>"

    def _ipython_display_(self) -> None:
        """Show once: reveal() already displayed it, so a reveal that ends a cell is not shown twice."""
        if getattr(self, "_shown", False):
            return
        object.__setattr__(self, "_shown", True)
        from IPython.display import HTML, display

        display(HTML(self._repr_html_()))


def _show(outcome: Outcome) -> None:
    try:
        from IPython import get_ipython
        from IPython.display import display
        if get_ipython() is not None:
            display(outcome)
            return
    except ImportError:
        pass
    print(outcome)


def _same(guess, actual) -> bool:
    if isinstance(guess, str) and isinstance(actual, str):
        return guess.strip().lower() == actual.strip().lower()
    if isinstance(guess, (list, tuple)) and isinstance(actual, (list, tuple)):
        return len(guess) == len(actual) and all(_same(g, a) for g, a in zip(guess, actual))
    return guess == actual


def answer(question: str, guess: Any) -> Prediction:
    """Record what the learner expects (``None``: not answered) before the run."""
    return Prediction(question, guess)


def reveal(prediction: Prediction, actual: Any) -> Outcome:
    """Compare the prediction with what happened, show it, and record both in the progress file."""
    outcome = Outcome(prediction.question, prediction.guess, actual)
    _show(outcome)  # shown even mid-cell, like a check
    _record(kernel.current_lab_name(), outcome)
    return outcome


def _record(lab: str, outcome: Outcome) -> None:
    if not config.record_progress():
        return
    try:
        data = json.loads(progress.path().read_text()) if progress.path().exists() else {}
        entries = data.setdefault(PREDICTIONS, [])
        entry = {"lab": lab, "question": outcome.question, "guess": _plain(outcome.guess),
                 "actual": _plain(outcome.actual), "right": outcome.right, "answered": outcome.answered,
                 "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        entries[:] = [e for e in entries if (e.get("lab"), e.get("question")) != (lab, outcome.question)] + [entry]
        progress.path().parent.mkdir(parents=True, exist_ok=True)
        tmp = progress.path().with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False))
        tmp.replace(progress.path())
    except (OSError, ValueError):
        pass


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        value = list(value)
    return value if isinstance(value, (str, int, float, bool, type(None), list)) else repr(value)


def recorded(data: Optional[dict] = None) -> list[dict]:
    """The predictions in a progress record (default: this learner's)."""
    data = progress.load() if data is None else data
    entries = data.get(PREDICTIONS, []) if isinstance(data, dict) else []
    return [e for e in entries if isinstance(e, dict)]
