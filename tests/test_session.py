"""Starting labs: modes, bad input with messages that say what to do."""
import pytest

import lab_helpers
from lab_helpers.errors import LabError, LiveModeRefused, UnknownLabError


def test_unknown_lab_names_the_labs_and_suggests(monkeypatch):
    with pytest.raises(UnknownLabError) as e:
        lab_helpers.start_lab("01_vpc_basic")
    assert "Did you mean '01_vpc_basics'" in str(e.value) and "vpclab list" in str(e.value)


def test_lab_by_number():
    lab = lab_helpers.start_lab("1", quiet=True)
    assert lab.name == "01_vpc_basics" and lab.mode == "sandbox" and lab.region == "us-east-1"
    lab.teardown()


def test_mode_from_environment_and_unknown_mode(monkeypatch):
    monkeypatch.setenv("VPCLAB_MODE", "staging")
    with pytest.raises(LabError, match="sandbox"):
        lab_helpers.start_lab("01")


def test_live_mode_refused_without_consent(monkeypatch):
    with pytest.raises(LiveModeRefused, match="VPCLAB_LIVE_OK=yes"):
        lab_helpers.start_lab("01", mode="live", region="us-east-1")


def test_live_mode_refused_without_region(monkeypatch):
    monkeypatch.setenv("VPCLAB_LIVE_OK", "yes")
    for var in ("AWS_REGION", "AWS_DEFAULT_REGION", "VPCLAB_REGION"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(LiveModeRefused, match="region"):
        lab_helpers.start_lab("01", mode="live")


def test_context_manager_tears_down_and_closes():
    with lab_helpers.start_lab("01", quiet=True) as lab:
        lab.client("ec2").create_vpc(CidrBlock="10.3.0.0/16")
    assert lab.closed
    with pytest.raises(LabError, match="closed"):
        lab.client("ec2")


def test_second_sandbox_closes_the_first(capsys):
    first = lab_helpers.start_lab("01", quiet=True)
    second = lab_helpers.start_lab("00", quiet=True)
    assert first.closed and not second.closed
    assert "one sandbox per kernel" in capsys.readouterr().out
    second.teardown()


def test_sandbox_announces_itself(capsys):
    lab = lab_helpers.start_lab("01")
    assert "Sandbox lab 01_vpc_basics" in capsys.readouterr().out
    lab.teardown()
