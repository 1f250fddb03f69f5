"""Local record of passed and failed checks, so a learner (or an instructor collecting files) sees progress.

Stored in ``$VPCLAB_HOME/progress.json`` (default ``~/.vpclab``). Recording never breaks a lab: errors writing
the file are ignored, because a read-only home must not fail an exercise.
"""
from __future__ import annotations

import json
import time

from lab_helpers import config
from lab_helpers.core.ledger import vpclab_home


def path():
    return vpclab_home() / "progress.json"


def record(lab: str, result) -> None:
    """Record ``result`` (a check's) under lab ``lab`` in the progress file."""
    if not config.record_progress():
        return
    try:
        data = json.loads(path().read_text()) if path().exists() else {}
        entry = data.setdefault(lab, {})
        entry[result.title] = {"passed": result.passed, "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        path().parent.mkdir(parents=True, exist_ok=True)
        tmp = path().with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False))
        tmp.replace(path())
    except (OSError, ValueError):
        pass


INCIDENTS = "_incidents"  # a list, not a dict: readers that take every dict value for a lab skip it


def record_incident(lab: str, score: dict) -> None:
    """Record (or update) one incident's score — kind, seed, solved, hints, minutes, refused — under ``lab``."""
    if not config.record_progress():
        return
    try:
        data = json.loads(path().read_text()) if path().exists() else {}
        scores = data.setdefault(INCIDENTS, [])
        entry = {"lab": lab, **score, "at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        same = [i for i, s in enumerate(scores) if (s.get("lab"), s.get("kind"), s.get("seed"))
                == (lab, score.get("kind"), score.get("seed"))]
        if same:
            scores[same[0]] = entry
        else:
            scores.append(entry)
        path().parent.mkdir(parents=True, exist_ok=True)
        tmp = path().with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False))
        tmp.replace(path())
    except (OSError, ValueError):
        pass


def incidents(data: dict) -> list[dict]:
    """The incident scores of a progress record (``load()`` or a collected file)."""
    scores = data.get(INCIDENTS, []) if isinstance(data, dict) else []
    return [s for s in scores if isinstance(s, dict)]


def load() -> dict:
    try:
        return json.loads(path().read_text())
    except (OSError, ValueError):
        return {}
