"""Network ACLs: rule numbers 1-32766, and a new custom ACL that denies everything (AWS docs: nacl-rules).

moto accepts rule number 32767 and above, and creates a custom NACL with no entries at all (so nothing is denied).
Source: https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html
"""
from __future__ import annotations

from typing import Optional

from lab_helpers.data.aws_docs import sourced
from lab_helpers.fidelity.base import Refusal, Shim, refuse, request_region

NACL_RULE_MIN, NACL_RULE_MAX = 1, 32766


def nacl_rule_number(rule_number: int) -> Optional[Refusal]:
    """AWS docs: nacl-rules: NACL rule numbers run from 1 to 32766; 32767 is AWS's own final '*' deny."""
    if not NACL_RULE_MIN <= int(rule_number) <= NACL_RULE_MAX:
        return Refusal("InvalidParameterValue",
                       f"Value ({rule_number}) for parameter ruleNumber is invalid. Rule numbers must be between "
                       f"{NACL_RULE_MIN} and {NACL_RULE_MAX}; AWS evaluates them lowest first.")
    return None


def default_deny_entries() -> list[dict]:
    """AWS docs: nacl-rules: a new custom network ACL denies everything, both ways, with the final '*' rule (number
    32767)."""
    return [{"CidrBlock": "0.0.0.0/0", "Egress": egress, "Protocol": "-1", "RuleAction": "deny",
             "RuleNumber": 32767} for egress in (True, False)]


def nacl_entry(params, ctx, **_):
    return refuse(nacl_rule_number(params["RuleNumber"]))


def new_nacl_denies_all(parsed, ctx, params=None, context=None, **_):
    acl = parsed["NetworkAcl"]
    if acl.get("Entries"):
        return
    raw = ctx.raw_client("ec2", request_region(context))
    for entry in default_deny_entries():
        raw.create_network_acl_entry(NetworkAclId=acl["NetworkAclId"], **entry)
    acl["Entries"] = default_deny_entries()


DEFAULT_ACL_IPV6_RULE = 101  # the number AWS gives the IPv6 allow rules it adds to a default network ACL


def default_acl_ipv6_entries() -> list[dict]:
    """AWS docs: network-acls: when a VPC gets an IPv6 block, its default network ACL gets rules that allow all
    IPv6 traffic in and out (moto adds none, so IPv6 would hit the final deny)."""
    return [{"Ipv6CidrBlock": "::/0", "Egress": egress, "Protocol": "-1", "RuleAction": "allow",
             "RuleNumber": DEFAULT_ACL_IPV6_RULE} for egress in (True, False)]


def _allow_ipv6_in_default_acl(raw, vpc_id: str) -> None:
    acls = raw.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                              {"Name": "default", "Values": ["true"]}])["NetworkAcls"]
    for acl in acls:
        present = {(e["Egress"], e.get("Ipv6CidrBlock")) for e in acl.get("Entries", [])}
        for entry in default_acl_ipv6_entries():
            if (entry["Egress"], "::/0") not in present:
                raw.create_network_acl_entry(NetworkAclId=acl["NetworkAclId"], **entry)


def vpc_gets_ipv6(parsed, ctx, params=None, context=None, **_):
    params = params or {}
    if not (params.get("AmazonProvidedIpv6CidrBlock") or params.get("Ipv6CidrBlock") or params.get("Ipv6Pool")
            or params.get("Ipv6IpamPoolId")):
        return
    vpc_id = (parsed.get("Vpc") or {}).get("VpcId") or parsed.get("VpcId") or params.get("VpcId")
    if vpc_id:
        _allow_ipv6_in_default_acl(ctx.raw_client("ec2", request_region(context)), vpc_id)


SHIMS = [
    Shim("ec2", "CreateVpc", "result",
         sourced("A VPC's default network ACL allows all IPv6 traffic once the VPC has an IPv6 block", "network-acls"),
         vpc_gets_ipv6),
    Shim("ec2", "AssociateVpcCidrBlock", "result",
         sourced("A VPC's default network ACL allows all IPv6 traffic once the VPC has an IPv6 block", "network-acls"),
         vpc_gets_ipv6),
    Shim("ec2", "CreateNetworkAclEntry", "call", sourced("NACL rule numbers 1-32766", "nacl-rules"),
         nacl_entry),
    Shim("ec2", "ReplaceNetworkAclEntry", "call", sourced("NACL rule numbers 1-32766", "nacl-rules"),
         nacl_entry),
    Shim("ec2", "CreateNetworkAcl", "result", sourced("A new custom NACL denies all traffic both ways", "nacl-rules"),
         new_nacl_denies_all),
]
