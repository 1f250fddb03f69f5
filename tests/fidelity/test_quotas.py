"""A new account's default quotas, and the Service Quotas increase that lifts them (approved at once here)."""
import pytest
from botocore.exceptions import ClientError

from lab_helpers.fidelity.ec2.quotas import ELASTIC_IPS, NAT_GATEWAYS, VPCS, quota_refusal


def test_the_rule_counts_against_the_default_or_the_applied_value():
    assert quota_refusal(VPCS, 4, "us-east-1") is None
    refused = quota_refusal(VPCS, 5, "us-east-1")
    assert refused.code == "VpcLimitExceeded" and "L-F678F1CE" in refused.message
    assert quota_refusal(VPCS, 5, "us-east-1", applied=6.0) is None
    assert quota_refusal(VPCS, 6, "us-east-1", applied=6.0).code == "VpcLimitExceeded"


def _code(action) -> str:
    with pytest.raises(ClientError) as refused:
        action()
    return refused.value.response["Error"]["Code"]


def test_elastic_ips_and_nat_gateways_per_az(lab):
    ec2 = lab.client("ec2", "eu-west-1")
    for _ in range(ELASTIC_IPS.default):
        ec2.allocate_address(Domain="vpc")
    assert _code(lambda: ec2.allocate_address(Domain="vpc")) == "AddressLimitExceeded"
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="eu-west-1a")["Subnet"]["SubnetId"]
    other_az = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24",
                                 AvailabilityZone="eu-west-1b")["Subnet"]["SubnetId"]
    for _ in range(NAT_GATEWAYS.default):
        ec2.create_nat_gateway(SubnetId=subnet, ConnectivityType="private")
    assert _code(lambda: ec2.create_nat_gateway(SubnetId=subnet, ConnectivityType="private")) == \
        "NatGatewayLimitExceeded"
    ec2.create_nat_gateway(SubnetId=other_az, ConnectivityType="private")  # the quota is per Availability Zone


def test_an_approved_increase_lifts_the_vpc_quota(lab):
    ec2 = lab.client("ec2", "ap-northeast-2")
    for i in range(VPCS.default - 1):  # the default VPC is the fifth
        ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")
    assert _code(lambda: ec2.create_vpc(CidrBlock="10.9.0.0/16")) == "VpcLimitExceeded"
    quotas = lab.client("service-quotas", "ap-northeast-2")
    asked = quotas.request_service_quota_increase(ServiceCode="vpc", QuotaCode="L-F678F1CE", DesiredValue=6)
    assert asked["RequestedQuota"]["Status"] == "APPROVED"
    assert quotas.get_service_quota(ServiceCode="vpc", QuotaCode="L-F678F1CE")["Quota"]["Value"] == 6
    ec2.create_vpc(CidrBlock="10.9.0.0/16")
    assert _code(lambda: ec2.create_vpc(CidrBlock="10.10.0.0/16")) == "VpcLimitExceeded"
