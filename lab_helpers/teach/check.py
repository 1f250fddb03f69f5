"""Exercise checks: a clear ✅ or ❌ with a hint — never a bare traceback.

    from lab_helpers.teach import check
    check.that("The VPC is a /16", lambda: vpc["CidrBlock"].endswith("/16"),
               hint="Pass CidrBlock='10.0.0.0/16' to create_vpc.")

A check's predicate may return a bool, or raise (``AssertionError``, ``KeyError``, a botocore ``ClientError``…):
the exception's message becomes the ❌ line, so a learner sees *what* is wrong, not a stack. With
``VPCLAB_STRICT=1`` (the test suite sets it) a failed check raises :class:`~lab_helpers.errors.CheckFailed`, so CI
proves every exercise is solvable.
"""
from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Optional

from lab_helpers import config
from lab_helpers.core import kernel
from lab_helpers.errors import CheckFailed


@dataclass(frozen=True)
class Result:
    title: str
    passed: bool
    detail: str = ""
    hint: str = ""

    def __str__(self) -> str:
        if self.passed:
            return f"✅ {self.title}" + (f" — {self.detail}" if self.detail else "")
        text = f"❌ {self.title}"
        if self.detail:
            text += f"\n   what we saw: {self.detail}"
        if self.hint:
            text += f"\n   💡 hint: {self.hint}"
        return text

    def _ipython_display_(self) -> None:
        """Show once: the check already displayed itself, so a check that ends a cell is not shown twice."""
        if getattr(self, "_shown", False):
            return
        object.__setattr__(self, "_shown", True)
        from IPython.display import HTML, display

        display(HTML(self._repr_html_()))

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.passed else "#cf222e"
        body = f"<b style='color:{colour}'>{'✅' if self.passed else '❌'} {html.escape(self.title)}</b>"
        if self.detail:
            body += f"<br><span style='margin-left:1.5em'>{'' if self.passed else 'what we saw: '}" \
                    f"{html.escape(self.detail)}</span>"
        if self.hint and not self.passed:
            body += f"<br><span style='margin-left:1.5em'>💡 hint: {html.escape(self.hint)}</span>"
        return f"<div style='font-family:sans-serif;margin:.3em 0'>{body}</div>"


def strict() -> bool:
    return config.strict()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, NotImplementedError):
        return "the exercise is not done yet (the cell still raises NotImplementedError)"
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and "Error" in response:
        err = response["Error"]
        return f"AWS said {err.get('Code')}: {err.get('Message')}"
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if isinstance(exc, (KeyError, TypeError, IndexError)) else text


def _report(result: Result) -> Result:
    try:
        from IPython import get_ipython
        from IPython.display import display
        if get_ipython() is not None:
            display(result)  # marks it shown; see Result._ipython_display_
        else:
            print(result)
    except ImportError:
        print(result)
    from lab_helpers.teach import progress  # record for `vpclab progress`; never fails a check

    progress.record(kernel.current_lab_name(), result)
    if strict() and not result.passed:
        raise CheckFailed(str(result))
    return result


def that(title: str, predicate: Callable[[], Any] | bool, hint: str = "", detail: str = "") -> Result:
    """Pass when ``predicate()`` is truthy; an exception inside it is a failure with its message shown."""
    try:
        outcome = predicate() if callable(predicate) else predicate
    except Exception as exc:  # the learner's code: anything can go wrong, and we explain it instead
        return _report(Result(title, False, _describe(exc), hint))
    return _report(Result(title, bool(outcome), detail if outcome else (detail or "the condition was false"),
                          hint))


def equal(title: str, actual: Callable[[], Any] | Any, expected: Any, hint: str = "") -> Result:
    """Pass when the value (or ``actual()``) equals ``expected``; show both when it does not."""
    try:
        value = actual() if callable(actual) else actual
    except Exception as exc:
        return _report(Result(title, False, _describe(exc), hint))
    if value == expected:
        return _report(Result(title, True, f"{value!r}"))
    return _report(Result(title, False, f"got {value!r}, expected {expected!r}", hint))


def raises(title: str, action: Callable[[], Any], code: Optional[str] = None, hint: str = "") -> Result:
    """Pass when ``action()`` fails with an AWS error (``code`` if given): for "AWS refuses this" exercises."""
    try:
        action()
    except Exception as exc:
        got = getattr(exc, "response", {}).get("Error", {}).get("Code")
        if code is None or got == code:
            return _report(Result(title, True, _describe(exc)))
        return _report(Result(title, False, f"it failed, but with {got or type(exc).__name__}, not {code}", hint))
    return _report(Result(title, False, "the call succeeded, but AWS would refuse it", hint))


def run(title: str, exercise: Callable[..., Any], *args, hint: str = "", **kwargs) -> Any:
    """Call the learner's exercise function; ✅ and its return value, or ❌ with why and ``None``.

    Later checks then test what it built; when it failed they fail too, each with its own hint.
    """
    try:
        value = exercise(*args, **kwargs)
    except Exception as exc:
        _report(Result(title, False, _describe(exc), hint or "Read the exercise text again, fix the cell, re-run."))
        return None
    _report(Result(title, True, "ran without errors"))
    return value
