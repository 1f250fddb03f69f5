"""The promises network.py makes, checked on the vpc-labs sandbox (no AWS account, no cost, nothing leaves the
machine). A failure prints the hop-by-hop trace: which route, security group or NACL rule decided."""
import network
import pytest

from lab_helpers.testing import (
    assert_does_not_resolve,
    assert_not_reachable,
    assert_reachable,
    assert_reachable_only_from,
    assert_resolves,
)


@pytest.fixture
def net(vpc_sandbox):
    return network.build(vpc_sandbox)


def test_app_reaches_db_on_5432(vpc_sandbox, net):
    assert_reachable(vpc_sandbox, net.app, net.db, network.DB_PORT)


def test_nothing_else_reaches_db_on_5432(vpc_sandbox, net):
    assert_reachable_only_from(vpc_sandbox, net.db, network.DB_PORT, allowed=[net.app], among=[net.app, net.batch])


@pytest.mark.parametrize("port", [22, 80, 3306])
def test_app_reaches_db_on_no_other_port(vpc_sandbox, net, port):
    assert_not_reachable(vpc_sandbox, net.app, net.db, port)


def test_db_has_no_way_to_the_internet(vpc_sandbox, net):
    assert_not_reachable(vpc_sandbox, net.db, "8.8.8.8", 443)


def test_db_name_resolves_inside_the_vpc_only(vpc_sandbox, net):
    assert_resolves(vpc_sandbox, f"db.{network.ZONE}", net.vpc, net.db_ip)
    other = vpc_sandbox.client("ec2").create_vpc(CidrBlock="10.41.0.0/16")["Vpc"]["VpcId"]
    assert_does_not_resolve(vpc_sandbox, f"db.{network.ZONE}", other)
