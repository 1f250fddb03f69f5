"""Over-broad fixes: changes that make a symptom go away by switching a protection off.

An incident takes a :func:`baseline` of its world right after the fault is injected; :func:`over_broad` compares
the world with it and names every protection that was removed since — a security group that now accepts every
port from the internet, a subnet whose network ACL now allows everything both ways, an instance that no longer
requires IMDSv2, a private route table that now points 0.0.0.0/0 at the internet gateway. Each message says why it
is not a fix. Everything is read through describe calls, so the guards judge a live account the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field

WORLD = ("0.0.0.0/0", "::/0")


@dataclass
class Baseline:
    world_rules: set = field(default_factory=set)  # (group, protocol, from, to, cidr) open to the internet
    allow_all_subnets: set = field(default_factory=set)
    imds_required: set = field(default_factory=set)
    igw_tables: set = field(default_factory=set)
    exempt: set = field(default_factory=set)  # ids the reference fix is meant to change (e.g. a public table)


def _vpc_filter(vpcs):
    return [{"Name": "vpc-id", "Values": list(vpcs)}]


def _world_rules(ec2, vpcs) -> set:
    found = set()
    for group in ec2.describe_security_groups(Filters=_vpc_filter(vpcs))["SecurityGroups"]:
        for perm in group.get("IpPermissions", []):
            cidrs = [r["CidrIp"] for r in perm.get("IpRanges", [])] + \
                    [r["CidrIpv6"] for r in perm.get("Ipv6Ranges", [])]
            for cidr in cidrs:
                if cidr in WORLD:
                    found.add((group["GroupId"], perm["IpProtocol"], perm.get("FromPort"), perm.get("ToPort"), cidr))
    return found


def allows_everything(entries, egress: bool) -> bool:
    """True when the first rule that matches all traffic from anywhere is an allow, with no deny before it."""
    for entry in sorted((e for e in entries if e["Egress"] == egress), key=lambda e: e["RuleNumber"]):
        everything = entry.get("CidrBlock") == "0.0.0.0/0" and str(entry["Protocol"]) == "-1"
        if entry["RuleAction"] == "deny":
            return False
        if everything:
            return True
    return False


def _allow_all_subnets(ec2, vpcs) -> set:
    subnets = set()
    for acl in ec2.describe_network_acls(Filters=_vpc_filter(vpcs))["NetworkAcls"]:
        if allows_everything(acl["Entries"], False) and allows_everything(acl["Entries"], True):
            subnets |= {a["SubnetId"] for a in acl.get("Associations", [])}
    return subnets


def _imds_required(ec2, vpcs) -> set:
    required = set()
    for reservation in ec2.describe_instances(Filters=_vpc_filter(vpcs))["Reservations"]:
        for inst in reservation["Instances"]:
            if inst["State"]["Name"] != "terminated" and \
                    inst.get("MetadataOptions", {}).get("HttpTokens") == "required":
                required.add(inst["InstanceId"])
    return required


def _igw_tables(ec2, vpcs) -> set:
    tables = set()
    for table in ec2.describe_route_tables(Filters=_vpc_filter(vpcs))["RouteTables"]:
        if any(r.get("DestinationCidrBlock") == "0.0.0.0/0" and str(r.get("GatewayId", "")).startswith("igw-")
               and r.get("State", "active") == "active" for r in table.get("Routes", [])):
            tables.add(table["RouteTableId"])
    return tables


def baseline(lab, vpcs, exempt=()) -> Baseline:
    if not vpcs:
        return Baseline(exempt=set(exempt))
    ec2 = lab.client("ec2")
    return Baseline(_world_rules(ec2, vpcs), _allow_all_subnets(ec2, vpcs), _imds_required(ec2, vpcs),
                    _igw_tables(ec2, vpcs), set(exempt))


def over_broad(lab, vpcs, before: Baseline) -> list[str]:
    """One message per protection removed since ``before``; empty when the fix is targeted."""
    if not vpcs:
        return []
    now, why = baseline(lab, vpcs), []
    for group, proto, low, high, cidr in sorted(now.world_rules - before.world_rules, key=str):
        if proto == "-1" or low != high:
            ports = "every port" if proto == "-1" else f"ports {low}-{high}"
            why.append(f"security group {group} now accepts {ports} from {cidr} (the whole internet): open only "
                       "the port the service listens on, to the sources that need it.")
    for subnet in sorted(now.allow_all_subnets - before.allow_all_subnets):
        why.append(f"subnet {subnet}'s network ACL now allows all traffic both ways: that removes the subnet's "
                   "firewall instead of adding the one rule that is missing.")
    for instance in sorted(before.imds_required - now.imds_required):
        why.append(f"{instance} no longer requires IMDSv2 (HttpTokens=optional): that reopens the SSRF path to "
                   "its credentials; fix the client or the hop limit instead.")
    for table in sorted(now.igw_tables - before.igw_tables - before.exempt):
        why.append(f"route table {table} now sends 0.0.0.0/0 to an internet gateway: its subnets become public.")
    return why
