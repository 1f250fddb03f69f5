import pytest

from lab_helpers import start_lab


@pytest.fixture
def lab(monkeypatch, tmp_path):
    monkeypatch.setenv("VPCLAB_HOME", str(tmp_path))
    monkeypatch.delenv("VPCLAB_MODE", raising=False)
    lab = start_lab("01_vpc_basics", quiet=True)
    yield lab
    lab.teardown()
