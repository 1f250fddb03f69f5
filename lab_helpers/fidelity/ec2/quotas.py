"""A new account's default quotas, refused with AWS's error codes, so a lab that fits the sandbox fits a real account.

The defaults are per Region (NAT gateways: per Availability Zone) and adjustable through Service Quotas; a lab
that needed more would stop halfway in live mode (``VpcLimitExceeded`` after its fifth VPC), so the sandbox stops it
at the same point. Sources: quotas https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html and
https://docs.aws.amazon.com/vpc/latest/userguide/elastic-ip-addresses-eip.html#using-instance-addressing-limit ,
error codes https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html .
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from lab_helpers.fidelity.base import Refusal, Shim, refuse, request_region
from lab_helpers.fidelity.service_quotas import applied_value

QUOTAS_DOC = "https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html"


@dataclass(frozen=True)
class Quota:
    """One default quota: what it counts, its default, its Service Quotas code, and AWS's error when it is hit."""

    name: str
    default: int
    service_code: str
    quota_code: str
    error: str


VPCS = Quota("VPCs per Region (the default VPC counts)", 5, "vpc", "L-F678F1CE", "VpcLimitExceeded")
ELASTIC_IPS = Quota("Elastic IP addresses per Region", 5, "ec2", "L-0263D0A3", "AddressLimitExceeded")
INTERNET_GATEWAYS = Quota("Internet gateways per Region", 5, "vpc", "L-A4707A72", "InternetGatewayLimitExceeded")
NAT_GATEWAYS = Quota("NAT gateways per Availability Zone", 5, "vpc", "L-FE5A380F", "NatGatewayLimitExceeded")
TRANSIT_GATEWAYS = Quota("Transit gateways per Region", 5, "ec2", "L-A2478D36", "TransitGatewayLimitExceeded")
DEFAULTS = [VPCS, ELASTIC_IPS, INTERNET_GATEWAYS, NAT_GATEWAYS, TRANSIT_GATEWAYS]


def quota_refusal(quota: Quota, used: int, where: str, applied: Optional[float] = None) -> Optional[Refusal]:
    """Refuse one more when ``used`` already reaches the quota (the default, or an ``applied`` increase)."""
    limit = int(applied) if applied is not None else quota.default
    if used < limit:
        return None
    which = f"an increased {limit}" if applied is not None else f"a default {limit}"
    return Refusal(quota.error,
                   f"The maximum number of {quota.name.split(' per ')[0]} has been reached in {where}: "
                   f"{used} of {which} ({quota.name}). Delete one you no longer need, or ask for more with "
                   f"Service Quotas (request-service-quota-increase --service-code {quota.service_code} "
                   f"--quota-code {quota.quota_code}); see {QUOTAS_DOC}")


def _refusal(ctx, quota: Quota, used: int, region: str, where: Optional[str] = None):
    applied = applied_value(ctx, region, quota.service_code, quota.quota_code)
    return refuse(quota_refusal(quota, used, where or region, applied))


# -- glue -------------------------------------------------------------------------------------------------------
def _ec2(ctx, context):
    region = request_region(context)
    return ctx.raw_client("ec2", region), region


def vpc_quota(params, ctx, context=None, **_):
    ec2, region = _ec2(ctx, context)
    return _refusal(ctx, VPCS, len(ec2.describe_vpcs()["Vpcs"]), region)


def address_quota(params, ctx, context=None, **_):
    ec2, region = _ec2(ctx, context)
    return _refusal(ctx, ELASTIC_IPS, len(ec2.describe_addresses()["Addresses"]), region)


def internet_gateway_quota(params, ctx, context=None, **_):
    ec2, region = _ec2(ctx, context)
    return _refusal(ctx, INTERNET_GATEWAYS, len(ec2.describe_internet_gateways()["InternetGateways"]), region)


def nat_gateway_quota(params, ctx, context=None, **_):
    ec2, region = _ec2(ctx, context)
    subnets = ec2.describe_subnets(SubnetIds=[params["SubnetId"]])["Subnets"] if params.get("SubnetId") else []
    if not subnets:
        return None  # moto answers the missing subnet with its own InvalidSubnetID.NotFound
    az = subnets[0]["AvailabilityZone"]
    live = [n for n in ec2.describe_nat_gateways()["NatGateways"] if n.get("State") not in ("deleted", "deleting")]
    in_az = [n for n in live if n.get("SubnetId") and
             ec2.describe_subnets(SubnetIds=[n["SubnetId"]])["Subnets"][0]["AvailabilityZone"] == az]
    return _refusal(ctx, NAT_GATEWAYS, len(in_az), region, az)


def transit_gateway_quota(params, ctx, context=None, **_):
    ec2, region = _ec2(ctx, context)
    live = [t for t in ec2.describe_transit_gateways()["TransitGateways"] if t.get("State") != "deleted"]
    return _refusal(ctx, TRANSIT_GATEWAYS, len(live), region)


SHIMS = [
    Shim("ec2", "CreateVpc", "call", f"Default quota: {VPCS.name} = {VPCS.default} ({QUOTAS_DOC})", vpc_quota),
    Shim("ec2", "AllocateAddress", "call", f"Default quota: {ELASTIC_IPS.name} = {ELASTIC_IPS.default}",
         address_quota),
    Shim("ec2", "CreateInternetGateway", "call",
         f"Default quota: {INTERNET_GATEWAYS.name} = {INTERNET_GATEWAYS.default}", internet_gateway_quota),
    Shim("ec2", "CreateNatGateway", "call", f"Default quota: {NAT_GATEWAYS.name} = {NAT_GATEWAYS.default}",
         nat_gateway_quota),
    Shim("ec2", "CreateTransitGateway", "call",
         f"Default quota: {TRANSIT_GATEWAYS.name} = {TRANSIT_GATEWAYS.default}", transit_gateway_quota),
]
