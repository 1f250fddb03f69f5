"""Internet gateways: at most one attached to a VPC (AWS docs: internet-gateway); moto attaches a second.

Source: https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html
"""
from __future__ import annotations

from typing import Optional

from lab_helpers.data.aws_docs import sourced
from lab_helpers.fidelity.base import Refusal, Shim, refuse, request_region


def second_internet_gateway(vpc_id: str, attached_igw: Optional[str]) -> Optional[Refusal]:
    """AWS docs: internet-gateway: only one internet gateway per VPC at a time."""
    if attached_igw:
        return Refusal("Resource.AlreadyAssociated",
                       f"resource {vpc_id} is already attached to network gateway {attached_igw}. "
                       "A VPC has at most one internet gateway; reuse it or detach it first.")
    return None


def attach_internet_gateway(params, ctx, context=None, **_):
    vpc_id = params["VpcId"]
    found = ctx.raw_client("ec2", request_region(context)).describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]
    attached = [g["InternetGatewayId"] for g in found if g["InternetGatewayId"] != params["InternetGatewayId"]]
    return refuse(second_internet_gateway(vpc_id, attached[0] if attached else None))


SHIMS = [
    Shim("ec2", "AttachInternetGateway", "call", sourced("One internet gateway per VPC", "internet-gateway"),
         attach_internet_gateway),
]
