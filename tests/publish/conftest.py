"""Fixtures for the publishing tests: throwaway labs so the tests work whichever real labs exist."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))

from toy_labs import make_toy_labs  # noqa: E402


@pytest.fixture
def toy_labs(tmp_path, monkeypatch):
    """A labs directory with two small labs (a figure, an exercise with a solution, a widget); VPCLAB_LABS_DIR set."""
    labs = make_toy_labs(tmp_path)
    monkeypatch.setenv("VPCLAB_LABS_DIR", str(labs))
    monkeypatch.setenv("VPCLAB_HOME", str(tmp_path / "home"))
    return labs
