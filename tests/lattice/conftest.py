"""Fixtures for the Lattice model: a sandbox lab in Seoul and the seminar's world."""
from __future__ import annotations

import pytest
from lattice_world import build_world

import lab_helpers


@pytest.fixture
def lab():
    lab = lab_helpers.start_lab("01_vpc_basics", region="ap-northeast-2", quiet=True)
    yield lab
    if not lab.closed:
        lab.teardown()


@pytest.fixture
def world(lab):
    return build_world(lab)
