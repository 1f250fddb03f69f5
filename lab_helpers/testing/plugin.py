"""The pytest plugin (entry point ``pytest11`` named ``vpclab``): the ``vpc_sandbox`` and ``aws_rules`` fixtures.

Installed with vpc-labs, pytest loads it in every run, so it stays light: nothing heavier than pytest is imported
until a test asks for ``vpc_sandbox``. Without the install (a checkout on ``PYTHONPATH``), load it by module:
``pytest -p lab_helpers.testing.plugin``. Turn it off with ``-p no:vpclab``.

    @pytest.mark.vpc_sandbox(name="our-network", region="eu-west-1")   # optional; defaults below
    def test_something(vpc_sandbox):
        ec2 = vpc_sandbox.client("ec2")   # tagged vpclab:run / vpclab:lab, recorded for teardown
"""
from __future__ import annotations

import re

import pytest

MARKER = "vpc_sandbox"
OPTIONS = ("name", "region", "server")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", f"{MARKER}(name=None, region=None, server=False): how the vpc_sandbox "
                                       "fixture opens its lab (a lab name of yours, a Region, a loopback moto server "
                                       "for `aws` CLI subprocesses)")


def lab_name_for(nodeid_name: str) -> str:
    """A tag-safe lab name for a test: ``pytest-`` and its name (``test_db[5432]`` -> ``pytest-test_db-5432``)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", nodeid_name).strip("-")
    return f"pytest-{cleaned}"[:64].rstrip("-._")


@pytest.fixture
def vpc_sandbox(request):
    """A lab session in the sandbox (moto in this process, the fidelity layer on, nothing beyond 127.0.0.1),
    torn down after the test. Always the sandbox: ``VPCLAB_MODE=live`` never sends a test suite to an account."""
    from lab_helpers import start_lab
    from lab_helpers.errors import LabInputError

    marker = request.node.get_closest_marker(MARKER)
    options = dict(marker.kwargs) if marker else {}
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown or (marker and marker.args):
        raise LabInputError(f"@pytest.mark.vpc_sandbox takes only keyword options {', '.join(OPTIONS)}; got "
                            f"{', '.join(unknown) or marker.args}.")
    lab = start_lab(options.get("name") or lab_name_for(request.node.name), mode="sandbox",
                    region=options.get("region"), server=bool(options.get("server")), quiet=True)
    try:
        yield lab
    finally:
        if not lab.closed:
            lab.teardown()


@pytest.fixture
def aws_rules():
    """AWS's rules (the fidelity layer) for your own ``@mock_aws`` tests: plain boto3 clients meet them too."""
    from lab_helpers.testing import aws_rules as rules_on

    with rules_on() as layer:
        yield layer
