"""Pure AWS EC2 rules: functions of request values that return an (error code, message) or None.

Kept free of botocore so each rule is testable on its own and readable as a statement of AWS behaviour.
Rule numbers refer to ../shared/reference/aws-network-rules.md.
"""
from __future__ import annotations

import ipaddress
from typing import Iterable, Optional

Refusal = Optional[tuple[str, str]]


def parse_cidr(cidr: str, parameter: str = "cidrBlock"):
    """Parse an IPv4 CIDR the way EC2 does: host bits set are canonicalised (rule 69), junk is refused."""
    try:
        return ipaddress.IPv4Network(cidr, strict=False), None
    except (ValueError, TypeError):
        return None, ("InvalidParameterValue",
                      f"Value ({cidr}) for parameter {parameter} is invalid. This is not a valid CIDR block. "
                      "Write it as a.b.c.d/n, for example 10.0.0.0/16.")


def vpc_cidr_size(cidr: str) -> Refusal:
    """Rule 69: a VPC IPv4 CIDR is between /16 and /28."""
    net, err = parse_cidr(cidr)
    if err:
        return err
    if not 16 <= net.prefixlen <= 28:
        return ("InvalidVpc.Range",
                f"The CIDR '{cidr}' is invalid. A VPC CIDR block must be between /16 (65,536 addresses) "
                "and /28 (16 addresses).")
    return None


def subnet_cidr_size(cidr: str) -> Refusal:
    """Rule 69: a subnet IPv4 CIDR is between /16 and /28 (moto accepts /29 and smaller)."""
    net, err = parse_cidr(cidr)
    if err:
        return err
    if not 16 <= net.prefixlen <= 28:
        return ("InvalidSubnet.Range",
                f"The CIDR '{cidr}' is invalid. A subnet must be between /16 and /28; a /28 is the smallest "
                "(16 addresses, 11 usable after the 5 AWS reserves).")
    return None


def overlapping_cidrs(requester: Iterable[str], accepter: Iterable[str]) -> Optional[tuple[str, str]]:
    """Rule 45: any overlap between any CIDR of either VPC blocks peering, even if unused."""
    for a in requester:
        for b in accepter:
            if ipaddress.ip_network(a, strict=False).overlaps(ipaddress.ip_network(b, strict=False)):
                return a, b
    return None


def peering_overlap(requester_vpc: str, requester_cidrs, accepter_vpc: str, accepter_cidrs) -> Refusal:
    clash = overlapping_cidrs(requester_cidrs, accepter_cidrs)
    if clash:
        return ("InvalidParameterValue",
                f"The CIDR '{clash[0]}' of {requester_vpc} overlaps with the CIDR '{clash[1]}' of {accepter_vpc}. "
                "VPC peering needs non-overlapping address ranges: re-create one VPC with a different CIDR, "
                "or connect them with PrivateLink instead.")
    return None


def second_internet_gateway(vpc_id: str, attached_igw: Optional[str]) -> Refusal:
    """Rule 17: only one internet gateway per VPC at a time."""
    if attached_igw:
        return ("Resource.AlreadyAssociated",
                f"resource {vpc_id} is already attached to network gateway {attached_igw}. "
                "A VPC has at most one internet gateway; reuse it or detach it first.")
    return None


NACL_RULE_MIN, NACL_RULE_MAX = 1, 32766


def nacl_rule_number(rule_number: int) -> Refusal:
    """Rule 30: NACL rule numbers run from 1 to 32766; 32767 is AWS's own final '*' deny."""
    if not NACL_RULE_MIN <= int(rule_number) <= NACL_RULE_MAX:
        return ("InvalidParameterValue",
                f"Value ({rule_number}) for parameter ruleNumber is invalid. Rule numbers must be between "
                f"{NACL_RULE_MIN} and {NACL_RULE_MAX}; AWS evaluates them lowest first.")
    return None


HOP_LIMIT_MIN, HOP_LIMIT_MAX = 1, 64
METADATA_FIELDS = ("HttpTokens", "HttpPutResponseHopLimit", "HttpEndpoint", "HttpProtocolIpv6",
                   "InstanceMetadataTags")


def merged_metadata_options(current: dict, requested: dict) -> dict:
    """ModifyInstanceMetadataOptions changes only the fields it is given; the rest keep their values.

    moto replaces the whole block instead, so changing only the hop limit silently drops HttpTokens=required.
    """
    merged = {k: current[k] for k in METADATA_FIELDS if k in current}
    merged.update({k: v for k, v in requested.items() if k in METADATA_FIELDS})
    return merged


def hop_limit(value) -> Refusal:
    """Rule 67: the PUT response hop limit is 1-64."""
    if value is not None and not HOP_LIMIT_MIN <= int(value) <= HOP_LIMIT_MAX:
        return ("InvalidParameterValue",
                f"Value ({value}) for parameter httpPutResponseHopLimit is invalid. Use 1 to 64 "
                "(2 lets containers on the instance reach IMDSv2).")
    return None


def default_deny_entries() -> list[dict]:
    """Rule 30: a new custom network ACL denies everything, both ways, with the final '*' rule (number 32767)."""
    return [{"CidrBlock": "0.0.0.0/0", "Egress": egress, "Protocol": "-1", "RuleAction": "deny",
             "RuleNumber": 32767} for egress in (True, False)]
