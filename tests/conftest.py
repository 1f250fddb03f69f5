"""Suite-wide safety: fake credentials, a private VPCLAB_HOME, and no network beyond 127.0.0.0/8.

Every child process (papermill kernels, moto servers, the CLI) inherits the guard through
tests/netguard/sitecustomize.py on PYTHONPATH.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
sys.path.insert(0, str(TESTS))

from netguard_impl import install  # noqa: E402

os.environ["VPCLAB_NETWORK_GUARD"] = "1"
os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(TESTS / "netguard"), os.environ.get("PYTHONPATH", "")])
for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "VPCLAB_MODE", "VPCLAB_LIVE_OK"):
    os.environ.pop(key, None)
os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                   "AWS_DEFAULT_REGION": "us-east-1", "MPLBACKEND": "Agg"})
install()


@pytest.fixture(autouse=True)
def _no_endpoint_left_behind():
    """A test must not leave AWS_ENDPOINT_URL pointing at a server that is gone: every later test (and its child
    processes) would send its requests there. A sandbox's own value is restored when it closes; a
    ``monkeypatch.setenv`` of it made while the sandbox was open is restored *after* the close, so it leaks.
    (Torn down last, after monkeypatch has undone its changes.)"""
    from lab_helpers.core import kernel

    before = os.environ.get("AWS_ENDPOINT_URL")
    yield
    after = os.environ.get("AWS_ENDPOINT_URL")
    lab = kernel.current_lab()
    if after != before and after is not None and (lab is None or lab.closed):
        os.environ.pop("AWS_ENDPOINT_URL")  # so the next test is not the one that fails
        pytest.fail(f"this test left AWS_ENDPOINT_URL={after} set with no sandbox open", pytrace=False)


@pytest.fixture(autouse=True)
def _private_home(tmp_path, monkeypatch):
    """Ledgers and progress files go to a temporary home, never the developer's ~/.vpclab."""
    monkeypatch.setenv("VPCLAB_HOME", str(tmp_path / "vpclab-home"))


@pytest.fixture
def lab():
    """An open sandbox lab (lab 01's name), torn down after the test."""
    import lab_helpers

    opened = lab_helpers.start_lab("01_vpc_basics", mode="sandbox", quiet=True)
    yield opened
    if not opened.closed:
        opened.teardown()


@pytest.fixture
def ec2(lab):
    return lab.client("ec2")


@pytest.fixture
def r53(lab):
    return lab.client("route53")
