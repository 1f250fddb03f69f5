"""VPC peering: no connection between VPCs whose CIDRs overlap (AWS docs: peering-limitations), across Regions too.

moto accepts (and activates) such a peering. Source:
https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Optional

from lab_helpers.data.aws_docs import sourced
from lab_helpers.fidelity.base import Refusal, Shim, refuse, request_region


# -- rules -------------------------------------------------------------------------------------------------------
def overlapping_cidrs(requester: Iterable[str], accepter: Iterable[str]) -> Optional[tuple[str, str]]:
    """AWS docs: peering-limitations: any overlap between any CIDR of either VPC blocks peering, even if unused."""
    for a in requester:
        for b in accepter:
            if ipaddress.ip_network(a, strict=False).overlaps(ipaddress.ip_network(b, strict=False)):
                return a, b
    return None


def peering_overlap(requester_vpc: str, requester_cidrs, accepter_vpc: str, accepter_cidrs) -> Optional[Refusal]:
    clash = overlapping_cidrs(requester_cidrs, accepter_cidrs)
    if clash:
        return Refusal("InvalidParameterValue",
                       f"The CIDR '{clash[0]}' of {requester_vpc} overlaps with the CIDR '{clash[1]}' of "
                       f"{accepter_vpc}. VPC peering needs non-overlapping address ranges: re-create one VPC with a "
                       "different CIDR, or connect them with PrivateLink instead.")
    return None


# -- handlers ----------------------------------------------------------------------------------------------------
def vpc_cidrs(ctx, vpc_id: str, region: str) -> list[str]:
    """Every IPv4 CIDR associated with ``vpc_id`` (the primary and any secondary blocks)."""
    vpc = ctx.raw_client("ec2", region).describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    blocks = [a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet", [])
              if a.get("CidrBlockState", {}).get("State", "associated") in ("associated", "associating")]
    return blocks or [vpc["CidrBlock"]]


def create_vpc_peering_connection(params, ctx, context=None, **_):
    if params.get("PeerOwnerId"):
        return None  # another account's VPC cannot be described from here; AWS then fails the peering later
    requester, accepter = params["VpcId"], params.get("PeerVpcId")
    if not accepter:
        return None
    region = request_region(context)
    try:
        mine = vpc_cidrs(ctx, requester, region)
        theirs = vpc_cidrs(ctx, accepter, params.get("PeerRegion") or region)
    except Exception:  # unknown VPC ids: let the backend give its own NotFound error
        return None
    return refuse(peering_overlap(requester, mine, accepter, theirs))


SHIMS = [
    Shim("ec2", "CreateVpcPeeringConnection", "call",
         sourced("No peering between overlapping CIDRs", "peering-limitations"),
         create_vpc_peering_connection),
]
