"""Incident tests: every kind gets a fresh sandbox (worlds pile up in a shared one and every trace reads them all)."""
from __future__ import annotations

import pytest

import lab_helpers


@pytest.fixture
def fresh_lab(monkeypatch):
    monkeypatch.delenv("VPCLAB_STRICT", raising=False)  # a ❌ must come back as a result, not raise
    lab = lab_helpers.start_lab("01_vpc_basics", quiet=True)
    yield lab
    lab.teardown()
