"""lab_helpers.testing: the vpc_sandbox fixture (in a child pytest, as a project would load it) and the
assertions (here, on this suite's ``lab``), whose failure messages are the trace or the Resolver's steps."""
from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from pathlib import Path

import pytest
from pluginrun import PLUGIN, run_pytest

from lab_helpers.errors import TraceInputError
from lab_helpers.testing import (
    assert_does_not_resolve,
    assert_not_reachable,
    assert_reachable,
    assert_reachable_only_from,
    assert_resolves,
)
from lab_helpers.testing.plugin import lab_name_for

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "ci-network-docs"


def example_network():
    spec = importlib.util.spec_from_file_location("ournet_network", EXAMPLE / "network.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def net(lab):
    return example_network().build(lab)


# --- the assertions --------------------------------------------------------------------------------------------

def test_reachable_returns_the_trace(lab, net):
    result = assert_reachable(lab, net.app, net.db, 5432)
    assert result.reachable and result.port == 5432


def test_reachable_fails_with_the_trace_and_why(lab, net):
    with pytest.raises(AssertionError) as failure:
        assert_reachable(lab, net.batch, net.db, 5432)
    message = str(failure.value)
    assert f"expected {net.batch} to reach {net.db} on tcp/5432" in message
    assert "security-group" in message and "Why:" in message


def test_not_reachable_fails_with_the_path_that_lets_it_through(lab, net):
    assert_not_reachable(lab, net.app, net.db, 22)
    with pytest.raises(AssertionError) as failure:
        assert_not_reachable(lab, net.app, net.db, 5432)
    message = str(failure.value)
    assert "NOT to reach" in message and "✅ reachable" in message and "inbound tcp port 5432" in message


def test_only_from_names_each_wrong_source_after_a_rule_is_widened(lab, net):
    assert_reachable_only_from(lab, net.db, 5432, allowed=[net.app], among=[net.app, net.batch])
    lab.client("ec2").authorize_security_group_ingress(GroupId=net.db_sg, IpProtocol="tcp", FromPort=5432,
                                                       ToPort=5432, CidrIp="10.40.0.0/16")
    with pytest.raises(AssertionError) as failure:
        assert_reachable_only_from(lab, net.db, 5432, allowed=[net.app], among=[net.app, net.batch])
    message = str(failure.value)
    assert message.startswith(f"1 source(s) wrong for {net.db} on tcp/5432")
    assert f"{net.batch} reaches {net.db}" in message and "10.40.0.0/16" in message


def test_resolves_one_value_a_set_or_anything(lab, net):
    name = "db.ournet.internal"
    assert assert_resolves(lab, name, net.vpc).ok
    assert_resolves(lab, name, net.vpc, net.db_ip)
    assert_resolves(lab, name, net.vpc, [net.db_ip])
    with pytest.raises(AssertionError, match=r"(?s)to answer 10\.9\.9\.9:.*NOERROR.*why:.*private hosted zone"):
        assert_resolves(lab, name, net.vpc, "10.9.9.9")
    with pytest.raises(AssertionError, match="exactly"):
        assert_resolves(lab, name, net.vpc, [net.db_ip, "10.9.9.9"])
    with pytest.raises(AssertionError, match="NXDOMAIN"):
        assert_resolves(lab, "nope.ournet.internal", net.vpc)
    assert_does_not_resolve(lab, "nope.ournet.internal", net.vpc)
    with pytest.raises(AssertionError, match="NOT to resolve"):
        assert_does_not_resolve(lab, name, net.vpc)


def test_a_source_the_engine_cannot_find_is_a_clear_input_error(lab, net):
    with pytest.raises(TraceInputError, match="i-0000000000000000f"):
        assert_reachable(lab, "i-0000000000000000f", net.db, 5432)


def test_lab_names_for_tests_are_tag_safe():
    assert lab_name_for("test_db[5432-tcp]") == "pytest-test_db-5432-tcp"
    assert len(lab_name_for("test_" + "x" * 100)) == 64


# --- the fixture, in a child pytest ----------------------------------------------------------------------------

CHILD_TESTS = '''
import pytest
from lab_helpers.testing import assert_reachable

SEEN = {}

def test_a_sandbox_tagged_with_the_tests_name(vpc_sandbox):
    ec2 = vpc_sandbox.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    tags = {t["Key"]: t["Value"] for t in ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Tags"]}
    assert tags["vpclab:lab"] == "pytest-test_a_sandbox_tagged_with_the_tests_name"
    assert vpc_sandbox.mode == "sandbox" and not vpc_sandbox.course
    SEEN["lab"] = vpc_sandbox

def test_the_previous_sandbox_was_torn_down():
    assert SEEN["lab"].closed

@pytest.mark.vpc_sandbox(name="our-network", region="eu-west-1")
def test_marker_names_the_lab_and_region(vpc_sandbox):
    assert (vpc_sandbox.name, vpc_sandbox.region) == ("our-network", "eu-west-1")

@pytest.mark.vpc_sandbox(mode="live")
def test_marker_refuses_unknown_options(vpc_sandbox):
    pass

def test_live_mode_in_the_environment_never_reaches_a_test(vpc_sandbox, monkeypatch):
    assert vpc_sandbox.mode == "sandbox" and vpc_sandbox.backend == "moto"

def test_the_suites_socket_guard_holds_here(vpc_sandbox):
    import socket
    with pytest.raises(ConnectionRefusedError, match="vpc-labs test guard"):
        socket.create_connection(("192.0.2.1", 443), timeout=1)

def test_failure_shows_the_trace(vpc_sandbox):
    ec2 = vpc_sandbox.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.8.1.0/24")["Subnet"]["SubnetId"]
    from lab_helpers.teach.compute import launch
    assert_reachable(vpc_sandbox, launch(vpc_sandbox, subnet, "web"), "8.8.8.8", 443)
'''


def test_the_fixture_in_a_project_of_its_own(tmp_path, monkeypatch):
    (tmp_path / "test_ours.py").write_text(CHILD_TESTS)
    monkeypatch.setenv("VPCLAB_MODE", "live")  # a CI machine's setting must not send tests to an account
    done = run_pytest(tmp_path)
    out = done.stdout + done.stderr
    assert "1 failed, 5 passed, 1 error" in out, out[-4000:]
    assert "FAILED test_ours.py::test_failure_shows_the_trace" in out
    assert "expected i-" in out and "8.8.8.8" in out and "Why:" in out, out[-4000:]
    assert "ERROR test_ours.py::test_marker_refuses_unknown_options" in out and "keyword options" in out


def test_the_plugin_beside_this_suites_own_fixtures():
    """Loaded in this repository's suite (as the entry point will be), nothing clashes with conftest's ``lab``."""
    done = run_pytest(ROOT, "tests/test_session.py", "tests/test_tagging.py", "--fixtures")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert re.search(r"^vpc_sandbox\b", done.stdout, re.M) and re.search(r"^lab\b", done.stdout, re.M), done.stdout
    done = run_pytest(ROOT, "tests/test_session.py", "tests/test_tagging.py")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_pyproject_declares_the_entry_point():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["entry-points"]["pytest11"] == {"vpclab": PLUGIN}


def test_loading_the_plugin_does_not_start_moto_or_draw(tmp_path):
    import subprocess

    probe = f"import {PLUGIN}, sys; print(sorted(m for m in ('moto', 'matplotlib', 'ipywidgets') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
