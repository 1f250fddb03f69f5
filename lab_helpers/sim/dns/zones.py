"""What one VPC's Route 53 Resolver can see, read only through describe/list/get calls: the VPC's two DNS
attributes, the private hosted zones associated with it, the hidden zones of its interface endpoints, and the
Resolver rules associated with it. :mod:`lab_helpers.sim.dns.resolver` decides which of them answers a query.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from lab_helpers.errors import LabInputError


def fqdn(name: str) -> str:
    """Lower-case with the trailing dot, as Route 53 stores names."""
    name = (name or "").strip().lower()
    if not name:
        raise LabInputError("Give a DNS name to resolve, e.g. lab.resolve('api.my-app.internal', vpc_id).")
    return name if name.endswith(".") else name + "."


def in_domain(name: str, domain: str) -> bool:
    """True when ``name`` is ``domain`` or below it (label boundaries, not string suffixes)."""
    return name == domain or name.endswith("." + domain)



def describe_vpc(lab, vpc_id: str) -> dict:
    """The VPC as DescribeVpcs returns it; a wrong id fails with a message saying what to pass."""
    try:
        found = lab.raw_client("ec2").describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    except Exception as exc:  # a typo'd id: say what to pass instead of a botocore stack
        raise LabInputError(f"There is no VPC {vpc_id!r} in {lab.region}: pass a VpcId such as vpc['VpcId'] "
                            f"({_short(exc)}).") from None
    if not found:
        raise LabInputError(f"There is no VPC {vpc_id!r} in {lab.region}.")
    return found[0]


def _short(exc) -> str:
    return getattr(exc, "response", {}).get("Error", {}).get("Code") or type(exc).__name__


def dns_attributes(lab, vpc_id: str) -> dict:
    """``{"enableDnsSupport": bool, "enableDnsHostnames": bool}`` as DescribeVpcAttribute reports them."""
    ec2 = lab.raw_client("ec2")
    support = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsSupport")["EnableDnsSupport"]["Value"]
    hostnames = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")
    return {"enableDnsSupport": bool(support), "enableDnsHostnames": bool(hostnames["EnableDnsHostnames"]["Value"])}


@dataclass
class Zone:
    """A private hosted zone (or an endpoint's hidden zone) the VPC can read."""

    zone_id: str
    name: str
    records: list  # ResourceRecordSets
    label: str


def private_zones(lab, vpc_id: str) -> list[Zone]:
    """The private hosted zones associated with the VPC, each with all its records."""
    r53 = lab.raw_client("route53")
    zones, token = [], None
    while True:
        kw = {"VPCId": vpc_id, "VPCRegion": lab.region}
        if token:
            kw["NextToken"] = token
        page = r53.list_hosted_zones_by_vpc(**kw)
        for summary in page.get("HostedZoneSummaries", []):
            zid = summary["HostedZoneId"].split("/")[-1]
            zones.append(Zone(zid, fqdn(summary["Name"]), zone_records(r53, zid),
                              f"private hosted zone {fqdn(summary['Name'])} ({zid})"))
        token = page.get("NextToken")
        if not token:
            return zones


def zone_records(r53, zone_id: str) -> list:
    """Every record set of a hosted zone, across pages (list_resource_record_sets returns 300 at a time)."""
    found, kw = [], {"HostedZoneId": zone_id}
    while True:
        page = r53.list_resource_record_sets(**kw)
        found.extend(page["ResourceRecordSets"])
        if not page.get("IsTruncated"):
            return found
        kw.update(StartRecordName=page["NextRecordName"], StartRecordType=page["NextRecordType"])


def endpoint_zones(lab, vpc_id: str) -> list[Zone]:
    """Interface endpoints with private DNS on: a hidden zone for the service's regional name → the ENI IPs."""
    ec2 = lab.raw_client("ec2")
    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                    {"Name": "vpc-endpoint-type", "Values": ["Interface"]}])
    zones = []
    for ep in endpoints["VpcEndpoints"]:
        if ep.get("State", "available").lower() not in ("available", "pendingacceptance", "pending"):
            continue
        ips = _eni_ips(ec2, ep.get("NetworkInterfaceIds", []))
        a_set = lambda n, ips=ips: {"Name": fqdn(n), "Type": "A", "ResourceRecords": [{"Value": ip} for ip in ips]}
        # The endpoint-specific names (vpce-….vpce.amazonaws.com) are public records: they resolve from anywhere.
        for entry in ep.get("DnsEntries", []):
            if entry.get("DnsName"):
                zones.append(Zone(ep["VpcEndpointId"], fqdn(entry["DnsName"]), [a_set(entry["DnsName"])],
                                  f"endpoint {ep['VpcEndpointId']} DNS name"))
        if ep.get("PrivateDnsEnabled"):
            name = _private_dns_name(ec2, ep)
            if name:
                zones.append(Zone(ep["VpcEndpointId"], fqdn(name), [a_set(name)],
                                  f"private DNS of interface endpoint {ep['VpcEndpointId']} ({ep['ServiceName']})"))
    return zones


def _eni_ips(ec2, eni_ids) -> list[str]:
    if not eni_ids:
        return []
    enis = ec2.describe_network_interfaces(NetworkInterfaceIds=list(eni_ids))["NetworkInterfaces"]
    return [ip for ip in (primary_ip(eni) for eni in enis) if ip]


def primary_ip(eni: dict) -> str:
    """An interface's primary private address: the flagged one in its address list (the scalar field can lag behind
    the list after an address is moved, as the sandbox does for interface endpoints)."""
    listed = eni.get("PrivateIpAddresses") or []
    primary = next((a for a in listed if a.get("Primary")), listed[0] if listed else None)
    return (primary or {}).get("PrivateIpAddress") or eni.get("PrivateIpAddress", "")


def _private_dns_name(ec2, endpoint: dict) -> Optional[str]:
    try:
        details = ec2.describe_vpc_endpoint_services(ServiceNames=[endpoint["ServiceName"]])["ServiceDetails"]
        if details and details[0].get("PrivateDnsName"):
            return details[0]["PrivateDnsName"]
    except Exception:  # a custom endpoint service another account owns: fall back to the AWS naming pattern
        pass
    parts = endpoint["ServiceName"].split(".")  # com.amazonaws.<region>.<service>
    if len(parts) >= 4 and parts[0] == "com" and parts[1] == "amazonaws":
        return f"{'.'.join(parts[3:])}.{parts[2]}.amazonaws.com"
    return None


def associated_rules(lab, vpc_id: str) -> list[dict]:
    """Resolver rules associated with the VPC (SYSTEM or FORWARD), with their DomainName."""
    rr = lab.raw_client("route53resolver")
    try:
        pages = rr.get_paginator("list_resolver_rule_associations").paginate(
            Filters=[{"Name": "VPCId", "Values": [vpc_id]}])
        assocs = [a for page in pages for a in page.get("ResolverRuleAssociations", [])]
    except Exception:  # Resolver not reachable in this backend: no rules
        return []
    rules = []
    for assoc in assocs:
        if assoc.get("VPCId") != vpc_id or assoc.get("Status", "COMPLETE") not in ("COMPLETE", "CREATING"):
            continue
        rule = rr.get_resolver_rule(ResolverRuleId=assoc["ResolverRuleId"])["ResolverRule"]
        if rule.get("RuleType") in ("FORWARD", "SYSTEM") and rule.get("DomainName"):
            rules.append(rule)
    return rules


def most_specific(candidates, name: str, key):
    """The candidate whose domain (``key(candidate)``) is the longest one covering ``name``, or None."""
    matching = [c for c in candidates if in_domain(name, key(c))]
    return max(matching, key=lambda c: len(key(c))) if matching else None

