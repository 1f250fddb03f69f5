"""moto's instance-type offerings, read per Region on first use: the answers moto gives, without 141 MiB at import.

Each check runs in a fresh interpreter, because the point is what happens when moto's EC2 models are first imported.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def _python(code: str) -> subprocess.CompletedProcess:
    """``code`` in a fresh interpreter with no AWS_* variables: a sandbox open in this worker (its endpoint, its
    credentials) must not reach the child."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240, env=env)

QUERY = """
import json, sys, boto3
{prelude}
from moto import mock_aws
out = {{}}
with mock_aws():
    for region in ("us-east-1", "eu-west-2"):
        ec2 = boto3.client("ec2", region_name=region, aws_access_key_id="x", aws_secret_access_key="x")
        for location_type in ("region", "availability-zone", "availability-zone-id"):
            pages = ec2.get_paginator("describe_instance_type_offerings").paginate(
                LocationType=location_type, Filters=[{{"Name": "instance-type", "Values": ["t3.micro", "m5.large"]}}])
            out[region + " " + location_type] = sorted(
                (o["InstanceType"], o["Location"]) for p in pages for o in p["InstanceTypeOfferings"])
    subnet = ec2.create_subnet(VpcId=ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"],
                               CidrBlock="10.0.0.0/24")["Subnet"]
    try:
        ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="t3.micro",
                          Placement={{"AvailabilityZone": "us-east-1a"}}, SubnetId=subnet["SubnetId"])
    except Exception as err:
        out["wrong zone"] = type(err).__name__ + ": " + str(err)
{epilogue}
print(json.dumps(out))
"""
LAZY = "from lab_helpers.core import moto_data\nassert moto_data.load_lazily()"
READ = """import moto.ec2.models.instance_types as it
out["read"] = sorted((lt, r) for lt, by in it.INSTANCE_TYPE_OFFERINGS.items() for r in dict.keys(by))"""


def _run(prelude: str = "", epilogue: str = "") -> dict:
    code = QUERY.format(prelude=prelude, epilogue=epilogue)
    done = _python(code)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def as_moto_answers():
    return _run()


def test_every_answer_is_the_one_moto_gives_with_its_whole_table(as_moto_answers):
    lazy = _run(LAZY)
    assert lazy == as_moto_answers
    assert len(as_moto_answers["us-east-1 availability-zone"]) > 2  # the query found something to compare
    assert "wrong zone" in as_moto_answers  # a zone of another Region is still refused (the run is in eu-west-2)


def test_only_the_regions_asked_about_were_read():
    lazy = _run(LAZY, READ)
    assert {r for _, r in lazy["read"]} == {"us-east-1", "eu-west-2"}, lazy["read"]


def test_a_second_call_changes_nothing():
    lazy = _run(LAZY + "\nassert moto_data.load_lazily()", READ)
    assert lazy["us-east-1 region"]


def test_a_sandbox_lab_starts_moto_with_the_lazy_table():
    code = ("import lab_helpers\n"
            "lab = lab_helpers.start_lab('01_vpc_basics', quiet=True)\n"
            "lab.client('ec2').describe_vpcs()\n"
            "import moto.ec2.models.instance_types as it\n"
            "print(sorted({type(v).__name__ for v in it.INSTANCE_TYPE_OFFERINGS.values()}))\n"
            "lab.teardown()")
    done = _python(code)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "['OfferingsByRegion']" in done.stdout.splitlines()


TAGS = """
import json, boto3
from moto import mock_aws
from lab_helpers.core import moto_data

def world_answers(ec2):
    out = {}
    for op, key in [("describe_vpcs", "Vpcs"), ("describe_subnets", "Subnets"),
                    ("describe_security_groups", "SecurityGroups"), ("describe_route_tables", "RouteTables"),
                    ("describe_internet_gateways", "InternetGateways"), ("describe_network_interfaces",
                    "NetworkInterfaces"), ("describe_transit_gateways", "TransitGateways")]:
        out[op] = getattr(ec2, op)()[key]
    out["instances"] = [i for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]]
    out["tags"] = ec2.describe_tags()["Tags"]
    out["by tag"] = ec2.describe_vpcs(Filters=[{"Name": "tag:team", "Values": ["net*"]}])["Vpcs"]
    out["by key"] = ec2.describe_subnets(Filters=[{"Name": "tag-key", "Values": ["Name"]}])["Subnets"]
    return json.loads(json.dumps(out, default=str))

with mock_aws():
    ec2 = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    def tagged(kind, name):
        return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}, {"Key": "team", "Value": "network"}]}]
    for n in range(3):
        vpc = ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16", TagSpecifications=tagged("vpc", f"v{n}"))["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.1.0/24",
                                   TagSpecifications=tagged("subnet", f"s{n}"))["Subnet"]["SubnetId"]
        ec2.create_security_group(GroupName=f"g{n}", Description="g", VpcId=vpc,
                                  TagSpecifications=tagged("security-group", f"g{n}"))
        ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet,
                          TagSpecifications=tagged("instance", f"i{n}"))
        ec2.create_tags(Resources=[vpc, subnet], Tags=[{"Key": "later", "Value": str(n)}])
    ec2.create_transit_gateway(TagSpecifications=tagged("transit-gateway", "hub"))
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "team"}])
    moto_way = world_answers(ec2)
    assert moto_data.index_tags()
    ours = world_answers(ec2)
print(json.dumps({"same": moto_way == ours, "tags": len(moto_way["tags"]), "by tag": len(ours["by tag"])}))
"""


def test_tags_found_by_id_are_the_tags_moto_finds_by_scanning():
    done = _python(TAGS)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["same"], "describe answers changed when tags were looked up by resource id"
    assert seen["tags"] > 20 and seen["by tag"] == 2  # the last VPC lost its team tag
