"""lab.trace reuses its snapshot until a write changes the world, and only then reads it again."""
from __future__ import annotations

import importlib

import pytest

trace_api = importlib.import_module("lab_helpers.sim.netsim.trace")  # the module: the package exports trace()


@pytest.fixture
def world(lab, ec2):
    """A VPC with an internet gateway attached but no route to it: an instance cannot reach the internet yet."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    iid = ec2.run_instances(ImageId="ami-12c6146b", InstanceType="t3.micro", MinCount=1, MaxCount=1,
                            SubnetId=subnet)["Instances"][0]["InstanceId"]
    rtb = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]
    return {"vpc": vpc, "igw": igw, "instance": iid, "rtb": rtb["RouteTableId"]}


class CountingCaptures:
    def __init__(self, monkeypatch):
        self.count = 0
        real = trace_api.capture_with_state

        def counted(*args, **kwargs):
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(trace_api, "capture_with_state", counted)


def test_traces_share_one_snapshot_until_a_route_is_added(lab, ec2, world, monkeypatch):
    captures = CountingCaptures(monkeypatch)
    before = lab.trace(world["instance"], "internet", port=443)
    again = lab.trace(world["instance"], "internet", port=80)
    assert not before.reachable and not again.reachable
    assert captures.count == 1 and again.snapshot is before.snapshot  # nothing changed: nothing re-read
    ec2.describe_vpcs()  # a read does not invalidate
    lab.reachability_matrix([world["instance"]])
    assert captures.count == 1
    ec2.create_route(RouteTableId=world["rtb"], DestinationCidrBlock="0.0.0.0/0", GatewayId=world["igw"])
    after = lab.trace(world["instance"], "internet", port=443)
    assert after.reachable, after  # the write was seen
    assert captures.count == 2 and after.snapshot is not before.snapshot


def test_a_write_through_the_raw_client_invalidates_too(lab, world, monkeypatch):
    captures = CountingCaptures(monkeypatch)
    assert not lab.trace(world["instance"], "internet").reachable
    lab.raw_client("ec2").create_route(RouteTableId=world["rtb"], DestinationCidrBlock="0.0.0.0/0",
                                       GatewayId=world["igw"])
    assert lab.trace(world["instance"], "internet").reachable
    assert captures.count == 2


def test_refresh_forgets_the_snapshot(lab, world, monkeypatch):
    captures = CountingCaptures(monkeypatch)
    lab.trace(world["instance"], "internet")
    lab.refresh()
    lab.trace(world["instance"], "internet")
    assert captures.count == 2


def test_live_snapshots_expire_and_server_sandboxes_never_cache(lab):
    from lab_helpers.core import session

    assert lab.snapshot_ttl is None  # the in-process sandbox sees every write
    live = session.LabSession("x", "live", "us-east-1", "r", lab.session, "aws")
    assert live.snapshot_ttl == session.LIVE_SNAPSHOT_TTL
    lab._sandbox.server = True  # `!aws` cells would write past the lab's sessions
    try:
        assert lab.snapshot_ttl == 0.0
    finally:
        lab._sandbox.server = False
