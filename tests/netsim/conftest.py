"""The netsim suite's shared sandbox: one lab per test module (scenarios in a module share its world).

Helpers (builders and ``verify``, which asserts a scenario through both faces of the engine) live in
``netsim_builders.py``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import lab_helpers  # noqa: E402
from lab_helpers.testing import raise_quotas  # noqa: E402


@pytest.fixture(scope="module")
def lab():
    lab = lab_helpers.start_lab("01_vpc_basics", quiet=True)
    # A module's scenarios share one world, more VPCs than a new account may hold: ask, as an owner would.
    raise_quotas(lab, ["us-east-1", "us-west-2", "eu-west-1"])
    yield lab
    lab.teardown()


def pytest_collection_modifyitems(items):
    """Scenarios in one module share that module's world: keep each module on one xdist worker."""
    for item in items:
        if f"{Path(__file__).parent}" in str(item.path):
            item.add_marker(pytest.mark.xdist_group(f"netsim-{item.path.stem}"))
