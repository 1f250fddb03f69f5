"""One AWS behind every client: each rule and served operation answers the same through ``lab.client``, a plain
``boto3.client`` and the real AWS CLI (a subprocess against the sandbox's loopback server).

The fidelity layer runs in moto's request dispatch, so these three doors share one world and one set of rules.
Each refusal is a row: the request (service, operation, parameters, Region) and AWS's error code.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from lab_helpers import start_lab

pytestmark = pytest.mark.xdist_group("every-door")  # one sandbox server per worker, shared by the module
DOORS = ["lab.client", "boto3", "aws-cli"]
AWS = shutil.which("aws", path=str(Path(sys.executable).parent)) or shutil.which("aws")


@pytest.fixture(scope="module")
def world():
    """A small world every row refers to: two overlapping VPCs with a gateway each, a custom NACL, a private zone,
    an instance."""
    lab = start_lab("every-door", server=True, quiet=True)
    ec2 = lab.client("ec2")
    a = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    b = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=a, CidrBlock="10.40.1.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=a)
    nacl = ec2.create_network_acl(VpcId=a)["NetworkAcl"]["NetworkAclId"]
    ec2.attach_internet_gateway(InternetGatewayId=ec2.create_internet_gateway()["InternetGateway"][
        "InternetGatewayId"], VpcId=b)
    route53 = lab.client("route53")
    route53.create_hosted_zone(Name="corp.internal", CallerReference="world-ref",
                               VPC={"VPCRegion": "us-east-1", "VPCId": a})
    west = lab.client("ec2", "us-west-2")
    for i in range(4):  # with the default VPC: the five a new account may hold in us-west-2
        west.create_vpc(CidrBlock=f"10.{60 + i}.0.0/16")
    image = ec2.describe_images()["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][0]["InstanceId"]
    yield {"lab": lab, "a": a, "b": b, "subnet": subnet, "nacl": nacl, "instance": instance}
    lab.teardown()


def call(door: str, lab, service: str, operation: str, params: dict, region: str = "us-east-1") -> dict:
    """Make one request through ``door``; an AWS error comes back as ``{"Error": code}``."""
    if door == "aws-cli":
        return _cli(service, operation, params, region)
    client = lab.client(service, region) if door == "lab.client" else boto3.client(service, region_name=region)
    try:
        return getattr(client, xform_name(operation))(**params)
    except ClientError as err:
        return {"Error": err.response["Error"]["Code"]}


def _cli(service: str, operation: str, params: dict, region: str) -> dict:
    assert AWS, "the AWS CLI (awscli, pinned in the lab extra) must be installed"
    assert os.environ["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:"), "the CLI must talk to the sandbox"
    done = subprocess.run([AWS, service, xform_name(operation, "-"), "--cli-input-json", json.dumps(params),
                           "--region", region, "--output", "json"], capture_output=True, text=True, timeout=120)
    if done.returncode == 0:
        return json.loads(done.stdout or "{}")
    found = re.search(r"An error occurred \((.+?)\) when calling", done.stderr)
    assert found, f"the CLI failed without an AWS error: {done.stderr[-500:]}"
    return {"Error": found.group(1)}


def _unique() -> str:
    return uuid.uuid4().hex[:8]


# (row id, build the request from the world, AWS's error code)
REFUSALS = [
    ("subnet smaller than /28", lambda w: ("ec2", "CreateSubnet", {"VpcId": w["a"], "CidrBlock": "10.40.0.0/29"}),
     "InvalidSubnet.Range"),
    ("peering overlapping VPCs", lambda w: ("ec2", "CreateVpcPeeringConnection", {"VpcId": w["a"], "PeerVpcId": w["b"]}),
     "InvalidParameterValue"),
    ("NACL rule number 32767", lambda w: ("ec2", "CreateNetworkAclEntry", {
        "NetworkAclId": w["nacl"], "RuleNumber": 32767, "Protocol": "-1", "RuleAction": "allow", "Egress": False,
        "CidrBlock": "0.0.0.0/0"}), "InvalidParameterValue"),
    ("private DNS while DNS hostnames are off", lambda w: ("ec2", "CreateVpcEndpoint", {
        "VpcId": w["a"], "ServiceName": "com.amazonaws.us-east-1.ecr.api", "VpcEndpointType": "Interface",
        "SubnetIds": [w["subnet"]], "PrivateDnsEnabled": True}), "InvalidParameter"),
    ("gateway endpoint to another Region's S3", lambda w: ("ec2", "CreateVpcEndpoint", {
        "VpcId": w["a"], "ServiceName": "com.amazonaws.eu-west-1.s3", "VpcEndpointType": "Gateway"}),
     "InvalidServiceName"),
    ("hop limit above 64", lambda w: ("ec2", "ModifyInstanceMetadataOptions", {
        "InstanceId": w["instance"], "HttpPutResponseHopLimit": 65}), "InvalidParameterValue"),
    ("second private zone of one name on a VPC", lambda w: ("route53", "CreateHostedZone", {
        "Name": "corp.internal", "CallerReference": _unique(), "VPC": {"VPCRegion": "us-east-1", "VPCId": w["a"]}}),
     "ConflictingDomainExists"),
    ("reused caller reference", lambda w: ("route53", "CreateHostedZone", {
        "Name": f"z{_unique()}.example.com", "CallerReference": "world-ref"}), "HostedZoneAlreadyExists"),
    # b has no subnet (moto refuses that case itself), only a gateway still attached: moto would delete it
    ("VPC with its internet gateway attached", lambda w: ("ec2", "DeleteVpc", {"VpcId": w["b"]}),
     "DependencyViolation"),
    ("Lattice operation the sandbox does not serve", lambda w: ("vpc-lattice", "ListResourceConfigurations", {}),
     "InvalidAction"),
]


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("row", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_every_door_gets_awss_refusal(world, door, row):
    _, build, code = row
    service, operation, params = build(world)
    assert call(door, world["lab"], service, operation, params) == {"Error": code}


@pytest.mark.parametrize("door", DOORS)
def test_the_sixth_vpc_of_a_region_is_over_the_default_quota(world, door):
    answer = call(door, world["lab"], "ec2", "CreateVpc", {"CidrBlock": "10.99.0.0/16"}, "us-west-2")
    assert answer == {"Error": "VpcLimitExceeded"}


@pytest.mark.parametrize("door", DOORS)
def test_a_second_internet_gateway_cannot_join_a_vpc(world, door):
    igw = world["lab"].client("ec2").create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    answer = call(door, world["lab"], "ec2", "AttachInternetGateway", {"InternetGatewayId": igw, "VpcId": world["a"]})
    assert answer == {"Error": "Resource.AlreadyAssociated"}


@pytest.mark.parametrize("door", DOORS)
def test_a_new_custom_nacl_denies_everything_in_the_requests_region(world, door):
    vpc = world["lab"].client("ec2", "us-west-2").describe_vpcs(
        Filters=[{"Name": "cidr", "Values": ["10.60.0.0/16"]}])["Vpcs"][0]["VpcId"]
    made = call(door, world["lab"], "ec2", "CreateNetworkAcl", {"VpcId": vpc}, "us-west-2")
    entries = made["NetworkAcl"]["Entries"]
    assert {(e["RuleNumber"], e["RuleAction"], e["Egress"]) for e in entries} == \
        {(32767, "deny", True), (32767, "deny", False)}


@pytest.mark.parametrize("door", DOORS)
def test_served_operations_answer_in_awss_shape(world, door):
    name = f"pg-{door.replace('.', '-')}-{_unique()}"
    made = call(door, world["lab"], "ec2", "CreatePlacementGroup", {"GroupName": name, "Strategy": "spread"},
                "us-west-2")
    assert made["PlacementGroup"]["GroupName"] == name
    again = call(door, world["lab"], "ec2", "CreatePlacementGroup", {"GroupName": name, "Strategy": "spread"},
                 "us-west-2")
    assert again == {"Error": "InvalidPlacementGroup.Duplicate"}
    # the same name is free in another Region, and every door sees the group where it was made
    assert call(door, world["lab"], "ec2", "CreatePlacementGroup", {"GroupName": name, "Strategy": "spread"},
                "eu-west-1")["PlacementGroup"]["GroupName"] == name
    seen = call("boto3", world["lab"], "ec2", "DescribePlacementGroups", {"GroupNames": [name]}, "us-west-2")
    assert [g["GroupName"] for g in seen["PlacementGroups"]] == [name]


@pytest.mark.parametrize("door", DOORS)
def test_a_zone_created_with_a_vpc_is_private(world, door):
    made = call(door, world["lab"], "route53", "CreateHostedZone", {
        "Name": f"app{_unique()}.internal", "CallerReference": _unique(),
        "VPC": {"VPCRegion": "us-east-1", "VPCId": world["b"]}})
    assert made["HostedZone"]["Config"]["PrivateZone"] is True


@pytest.mark.parametrize("door", DOORS)
def test_lattice_is_the_labs_own_through_every_door(world, door):
    name = f"net-{_unique()}"
    made = call(door, world["lab"], "vpc-lattice", "CreateServiceNetwork", {"name": name})
    assert made["name"] == name and made["id"].startswith("sn-")
    listed = call("aws-cli" if door != "aws-cli" else "boto3", world["lab"], "vpc-lattice", "ListServiceNetworks", {})
    assert name in [n["name"] for n in listed["items"]]


def test_what_any_door_creates_is_in_the_ledger(world):
    lab = world["lab"]
    made = call("aws-cli", lab, "ec2", "CreateSecurityGroup", {"GroupName": f"cli-{_unique()}", "Description": "x",
                                                                "VpcId": world["a"]})
    tags = {t["Key"]: t["Value"] for t in lab.client("ec2").describe_security_groups(
        GroupIds=[made["GroupId"]])["SecurityGroups"][0].get("Tags", [])}
    assert tags.get("vpclab:run") == lab.run_id
    assert made["GroupId"] in [e.resource_id for e in lab.ledger.alive()]


def test_a_moto_gap_is_an_aws_error_not_a_traceback(world):
    answer = call("aws-cli", world["lab"], "ec2", "DescribeCapacityBlockExtensionOfferings",
                  {"CapacityReservationId": "cr-0123456789abcdef0", "CapacityBlockExtensionDurationHours": 24})
    assert answer == {"Error": "InvalidAction"}


@pytest.mark.parametrize("door", DOORS)
def test_a_malformed_lattice_identifier_is_a_validation_error(world, door):
    answer = call(door, world["lab"], "vpc-lattice", "GetService", {"serviceIdentifier": "not a service id!!"})
    assert answer == {"Error": "ValidationException"}


def test_served_lattice_resources_are_in_the_tagging_api(world):
    lab = world["lab"]
    made = lab.client("vpc-lattice").create_service_network(name=f"tagged-{_unique()}", tags={"team": "payments"})
    found = call("aws-cli", lab, "resourcegroupstaggingapi", "GetResources",
                 {"TagFilters": [{"Key": "team", "Values": ["payments"]}]})
    assert made["arn"] in [m["ResourceARN"] for m in found["ResourceTagMappingList"]]


def test_a_cli_made_interface_endpoint_has_its_interfaces_in_its_subnet(world):
    lab = world["lab"]
    ec2 = lab.client("ec2")
    group = ec2.create_security_group(GroupName=f"ep-{_unique()}", Description="443", VpcId=world["a"])["GroupId"]
    made = call("aws-cli", lab, "ec2", "CreateVpcEndpoint", {
        "VpcId": world["a"], "ServiceName": "com.amazonaws.us-east-1.sts", "VpcEndpointType": "Interface",
        "SubnetIds": [world["subnet"]], "SecurityGroupIds": [group], "PrivateDnsEnabled": False})["VpcEndpoint"]
    enis = ec2.describe_network_interfaces(NetworkInterfaceIds=made["NetworkInterfaceIds"])["NetworkInterfaces"]
    assert enis and all(e["PrivateIpAddress"].startswith("10.40.1.") for e in enis)  # inside 10.40.1.0/24
    # ... at an address nothing else holds, and not one of the five AWS reserves (.0-.3 and .255)
    taken = ec2.describe_instances(InstanceIds=[world["instance"]])["Reservations"][0]["Instances"][0][
        "PrivateIpAddress"]
    assert all(e["PrivateIpAddress"] != taken and 3 < int(e["PrivateIpAddress"].rsplit(".", 1)[1]) < 255
               for e in enis)
    assert all([g["GroupId"] for g in e["Groups"]] == [group] for e in enis)


def test_a_cli_made_gateway_endpoint_defaults_to_gateway_and_deletes(world):
    lab = world["lab"]
    made = call("aws-cli", lab, "ec2", "CreateVpcEndpoint", {"VpcId": world["a"],
                                                            "ServiceName": "com.amazonaws.us-east-1.dynamodb"})
    assert made["VpcEndpoint"]["VpcEndpointType"] == "Gateway"
    gone = call("aws-cli", lab, "ec2", "DeleteVpcEndpoints", {"VpcEndpointIds": [made["VpcEndpoint"]["VpcEndpointId"]]})
    assert gone.get("Unsuccessful", []) == []


def test_rules_read_state_in_the_requests_region(world):
    lab = world["lab"]
    west = lab.client("ec2", "us-west-2")
    subnet_vpc = west.describe_vpcs(Filters=[{"Name": "cidr", "Values": ["10.61.0.0/16"]}])["Vpcs"][0]["VpcId"]
    subnet = west.create_subnet(VpcId=subnet_vpc, CidrBlock="10.61.1.0/24")["Subnet"]["SubnetId"]
    image = west.describe_images()["Images"][0]["ImageId"]
    instance = west.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][0]["InstanceId"]
    answer = call("aws-cli", lab, "ec2", "ModifyInstanceMetadataOptions",
                  {"InstanceId": instance, "HttpTokens": "required", "HttpPutResponseHopLimit": 2}, "us-west-2")
    assert answer["InstanceMetadataOptions"]["HttpTokens"] == "required"
