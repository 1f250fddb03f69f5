"""moto's instance-type offerings, read per Region on first use: the answers moto gives, without 141 MiB at import.

Each check runs in a fresh interpreter, because the point is what happens when moto's EC2 models are first imported.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

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
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240)
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
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "['OfferingsByRegion']" in done.stdout.splitlines()
