"""The public switch: a team's own @mock_aws tests get AWS's rules through plain boto3, and lose them after."""
import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from lab_helpers.testing import aws_rules


@mock_aws
def test_the_context_manager_turns_the_rules_on_and_off():
    ec2 = boto3.client("ec2", region_name="eu-west-1")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    with aws_rules():
        with pytest.raises(ClientError) as refused:
            ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/29")
        assert refused.value.response["Error"]["Code"] == "InvalidSubnet.Range"
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/29")  # plain moto again: it accepts what AWS refuses


@mock_aws
def test_the_fixture_serves_what_moto_lacks(aws_rules):
    ec2 = boto3.client("ec2", region_name="us-east-1")
    ec2.create_placement_group(GroupName="spread-1", Strategy="spread")
    assert [g["GroupName"] for g in ec2.describe_placement_groups()["PlacementGroups"]] == ["spread-1"]
