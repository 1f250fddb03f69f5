"""VPCs and subnets: the CIDR sizes EC2 accepts (AWS docs: vpc-cidr-blocks).

moto accepts a /29 subnet (and other sizes AWS refuses); AWS allows /16 to /28 for both a VPC and a subnet, and
canonicalises host bits. Source: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html
"""
from __future__ import annotations

import ipaddress
from typing import Optional

from lab_helpers.data.aws_docs import sourced
from lab_helpers.fidelity.base import Refusal, Shim, refuse


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


# -- handlers ----------------------------------------------------------------------------------------------------
def create_vpc(params, ctx, **_):
    return refuse(vpc_cidr_size(params.get("CidrBlock", ""))) if "CidrBlock" in params else None


def create_subnet(params, ctx, **_):
    return refuse(subnet_cidr_size(params.get("CidrBlock", ""))) if "CidrBlock" in params else None


SHIMS = [
    Shim("ec2", "CreateVpc", "call", sourced("VPC CIDR /16-/28, valid CIDR", "vpc-cidr-blocks"),
         create_vpc),
    Shim("ec2", "CreateSubnet", "call", sourced("Subnet CIDR /16-/28 (moto accepts /29)", "vpc-cidr-blocks"),
         create_subnet),
]
