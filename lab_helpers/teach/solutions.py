"""Reference solutions live in ``labs/solutions/<lab>.py`` as plain functions, one per exercise.

A notebook cell uses them only when the ``SOLUTIONS`` parameter is true (the test suite sets it), so CI proves
each exercise can be solved while a learner's copy shows the exercise, not the answer.
"""
from __future__ import annotations

import importlib.util

from lab_helpers.core.catalog import labs_dir
from lab_helpers.errors import SolutionNotFound


def load(lab: str, name: str):
    path = labs_dir() / "solutions" / f"{lab}.py"
    if not path.exists():
        raise SolutionNotFound(f"Lab {lab} has no solutions file ({path}). Reference solutions come with the "
                               "repository's labs/solutions/ (not with an installed package): set SOLUTIONS = False "
                               "to do the exercise yourself, or set VPCLAB_LABS_DIR to a checkout's labs/ folder.")
    spec = importlib.util.spec_from_file_location(f"vpclab_solutions_{lab}", path)
    if spec is None or spec.loader is None:
        raise SolutionNotFound(f"Lab {lab}'s solutions file {path} cannot be loaded as Python.")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not hasattr(module, name):
        raise SolutionNotFound(f"Lab {lab} has no solution called {name!r} in {path.name}. Check the name the "
                               f"cell asks for against the functions in {path}, or set SOLUTIONS = False.")
    return getattr(module, name)
