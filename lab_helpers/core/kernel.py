"""The one rule about kernels: **one open sandbox per kernel process**, and which lab that is.

moto's in-process backends are per process, so a second sandbox lab would share (and its teardown would wipe) the
first one's world. This module is the only place that remembers the open lab. Checks read the lab's name from here
to record progress (:func:`current_lab_name`), so the name is passed, not smuggled through the environment.
"""
from __future__ import annotations

import weakref
from typing import Any, Optional

_current: Optional[weakref.ref] = None  # the lab most recently opened in this process (sandbox or live)


def open_lab(lab: Any) -> None:
    """Make ``lab`` this kernel's lab, closing a previous *sandbox* lab first (it would share moto's state)."""
    global _current
    previous = _current() if _current is not None else None
    if previous is not None and not previous.closed and previous.mode == "sandbox" and lab.mode == "sandbox":
        print(f"ℹ️ Closing the sandbox of {previous.name} (run {previous.run_id}) first: one sandbox per kernel.")
        previous.close()
    _current = weakref.ref(lab)


def closed(lab: Any) -> None:
    """Forget ``lab`` if it is the current one (its teardown ran)."""
    global _current
    if _current is not None and _current() is lab:
        _current = None


def current_lab() -> Optional[Any]:
    return _current() if _current is not None else None


def current_lab_name() -> str:
    """The name of the lab open in this kernel, or ``"unknown"`` when a check runs outside any lab."""
    lab = current_lab()
    return lab.name if lab is not None else "unknown"
