"""VPCs and subnets: the CIDR sizes EC2 accepts, and what must go before a VPC can.

moto accepts a /29 subnet (and other sizes AWS refuses); AWS allows /16 to /28 for both a VPC and a subnet, and
canonicalises host bits. Source: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html

DeleteVpc: "You must detach or delete all gateways and resources that are associated with the VPC before you can
delete it", instances and security groups other than the default one included
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpc.html). moto refuses only for subnets,
route tables and VPN gateways: it deletes a VPC with an internet gateway still attached, or with a group of its
own, and leaves that group behind, in no VPC. A teardown that works in the sandbox must work in AWS.
"""
from __future__ import annotations

import ipaddress
from typing import Optional

from lab_helpers.data.aws_docs import sourced
from lab_helpers.fidelity.base import Refusal, Shim, refuse, request_region


# -- rules -------------------------------------------------------------------------------------------------------
def parse_cidr(cidr: str, parameter: str = "cidrBlock"):
    """Parse an IPv4 CIDR the way EC2 does: host bits set are canonicalised (AWS docs: vpc-cidr-blocks), junk is
    refused."""
    try:
        return ipaddress.IPv4Network(cidr, strict=False), None
    except (ValueError, TypeError):
        return None, Refusal("InvalidParameterValue",
                             f"Value ({cidr}) for parameter {parameter} is invalid. This is not a valid CIDR block. "
                             "Write it as a.b.c.d/n, for example 10.0.0.0/16.")


def vpc_cidr_size(cidr: str) -> Optional[Refusal]:
    """AWS docs: vpc-cidr-blocks: a VPC IPv4 CIDR is between /16 and /28."""
    net, err = parse_cidr(cidr)
    if err:
        return err
    if not 16 <= net.prefixlen <= 28:
        return Refusal("InvalidVpc.Range",
                       f"The CIDR '{cidr}' is invalid. A VPC CIDR block must be between /16 (65,536 addresses) "
                       "and /28 (16 addresses).")
    return None


def subnet_cidr_size(cidr: str) -> Optional[Refusal]:
    """AWS docs: vpc-cidr-blocks: a subnet IPv4 CIDR is between /16 and /28 (moto accepts /29 and smaller)."""
    net, err = parse_cidr(cidr)
    if err:
        return err
    if not 16 <= net.prefixlen <= 28:
        return Refusal("InvalidSubnet.Range",
                       f"The CIDR '{cidr}' is invalid. A subnet must be between /16 and /28; a /28 is the smallest "
                       "(16 addresses, 11 usable after the 5 AWS reserves).")
    return None


def vpc_dependencies(vpc_id: str, igws: list, egress_only: list, groups: list) -> Optional[Refusal]:
    """AWS docs: delete-vpc: gateways still attached and security groups other than the default block the delete."""
    attached = [g["InternetGatewayId"] for g in igws
                if any(a.get("VpcId") == vpc_id for a in g.get("Attachments", []))]
    attached += [g["EgressOnlyInternetGatewayId"] for g in egress_only
                 if any(a.get("VpcId") == vpc_id for a in g.get("Attachments", []))]
    own_groups = [g["GroupId"] for g in groups if g.get("VpcId") == vpc_id and g.get("GroupName") != "default"]
    if not (attached or own_groups):
        return None
    what = ", ".join(attached + own_groups)
    return Refusal("DependencyViolation",
                   f"The vpc '{vpc_id}' has dependencies and cannot be deleted. Detach (or delete) its gateways and "
                   f"delete its security groups (other than default) first: {what}.")


# -- handlers ----------------------------------------------------------------------------------------------------
def create_vpc(params, ctx, **_):
    return refuse(vpc_cidr_size(params.get("CidrBlock", ""))) if "CidrBlock" in params else None


def create_subnet(params, ctx, **_):
    return refuse(subnet_cidr_size(params.get("CidrBlock", ""))) if "CidrBlock" in params else None


def delete_vpc(params, ctx, context=None, **_):
    vpc_id = params.get("VpcId", "")
    ec2 = ctx.raw_client("ec2", request_region(context))
    # Every gateway and group read whole and matched here: moto ignores some of the filters that would narrow them.
    igws = ec2.describe_internet_gateways()["InternetGateways"]
    egress_only = ec2.describe_egress_only_internet_gateways()["EgressOnlyInternetGateways"]
    groups = ec2.describe_security_groups()["SecurityGroups"]
    return refuse(vpc_dependencies(vpc_id, igws, egress_only, groups))


SHIMS = [
    Shim("ec2", "CreateVpc", "call", sourced("VPC CIDR /16-/28, valid CIDR", "vpc-cidr-blocks"),
         create_vpc),
    Shim("ec2", "CreateSubnet", "call", sourced("Subnet CIDR /16-/28 (moto accepts /29)", "vpc-cidr-blocks"),
         create_subnet),
    Shim("ec2", "DeleteVpc", "call", sourced("A VPC with gateways attached or groups of its own cannot be deleted",
                                             "delete-vpc"), delete_vpc),
]
