"""Capture the network state of an account (one or more regions) into a :class:`Snapshot`.

Everything here is read with boto3 ``describe_*`` / ``get_*`` / ``search_*`` calls (the simulators'
contract), so the same capture explains the moto sandbox and a real account. One function per resource kind turns
its describe answer into the model's dataclasses; the kinds are joined in Python by id (dicts), never by a call per
VPC or per resource.

The calls one capture makes, per region (each unfiltered and at the largest ``MaxResults`` its API model allows, see
:mod:`.describe`; a call repeats only when a kind fills more than one page):

* DescribeVpcs, DescribeSubnets, DescribeRouteTables, DescribeNetworkAcls, DescribeSecurityGroups,
  DescribeNetworkInterfaces, DescribeInstances, DescribeInternetGateways, DescribeEgressOnlyInternetGateways,
  DescribeNatGateways, DescribeVpcEndpoints, DescribeVpcPeeringConnections, DescribeManagedPrefixLists
* GetManagedPrefixListEntries once per prefix list *version* the lab has not read before (the entries are kept in
  the lab's shim state, ``CACHE_STORE``: a version's entries never change)
* DescribeTransitGateways; when the region has any (:mod:`.transit`): DescribeTransitGatewayAttachments (filtered to
  the non-VPC kinds), DescribeTransitGatewayVpcAttachments, DescribeTransitGatewayPeeringAttachments (only for the
  peering attachments found, by id), DescribeTransitGatewayRouteTables, and per TGW route table
  GetTransitGatewayRouteTableAssociations, GetTransitGatewayRouteTablePropagations and SearchTransitGatewayRoutes

So a region with one TGW route table and nothing cached is 20 calls however many VPCs it holds
(``benchmarks/reachability.py`` counts them with a botocore event hook and prints the list).

Regions: we start from the regions the caller names and follow VPC peering connections and transit-gateway
peering attachments to any other region they reach, so a cross-region path is captured without guessing.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Optional

from lab_helpers.core.tagging import name_of
from lab_helpers.sim.netsim.snapshot.describe import pages
from lab_helpers.sim.netsim.snapshot.model import (
    EgressOnlyInternetGateway,
    Eni,
    Instance,
    InternetGateway,
    NaclEntry,
    NatGateway,
    NetworkAcl,
    PeeringConnection,
    PrefixList,
    Route,
    RouteTable,
    SecurityGroup,
    SgRule,
    Snapshot,
    Subnet,
    Vpc,
    VpcEndpoint,
)
from lab_helpers.sim.netsim.snapshot.transit import transit_gateways
from lab_helpers.sim.netsim.tgw import finish_cross_region

# Shim-state keys (the lab's ``shim_state``, which the fidelity shims see as their context's ``state``):
HINTS_STORE = "netsim.tgw-static-route-hints"  # {"rt|cidr": attachment_id}, kept by fidelity.ec2.transit_gateways
CACHE_STORE = "netsim.capture-cache"  # prefix-list entries by (region, id, version)


def capture_with_state(raw_client: Callable, shim_state: dict, regions: Iterable[str]) -> Snapshot:
    """Capture ``regions`` with what the lab's shim state remembers: the next hops of TGW static routes (moto
    forgets them) and the prefix-list entries already fetched. ``lab.trace`` and the served Reachability Analyzer
    both read the world this way."""
    cache = shim_state.setdefault(CACHE_STORE, {})
    return capture(raw_client, regions, tgw_hints=dict(shim_state.get(HINTS_STORE, {})), cache=cache)


def capture(raw_client: Callable, regions: Iterable[str], tgw_hints: Optional[dict] = None,
            cache: Optional[dict] = None) -> Snapshot:
    """Capture ``regions`` and every region reachable from them by VPC or TGW peering."""
    todo = list(dict.fromkeys(regions))
    snap = Snapshot(regions=[])
    while todo:
        region = todo.pop(0)
        if region in snap.regions:
            continue
        snap.regions.append(region)
        for other in sorted(capture_region(raw_client, region, snap, tgw_hints, cache)):
            if other and other not in snap.regions and other not in todo:
                todo.append(other)
    finish_cross_region(snap)
    return snap


def capture_region(raw_client: Callable, region: str, snap: Snapshot, tgw_hints: Optional[dict] = None,
                   cache: Optional[dict] = None) -> set[str]:
    """Read one region into ``snap``; returns other regions its peerings / TGW peerings point at.

    ``cache`` (a dict the caller keeps, e.g. in the lab's shim state) remembers prefix-list entries by
    (id, version): a managed prefix list's entries change only with its version, so they are fetched once.
    """
    cache = {} if cache is None else cache
    ec2 = raw_client("ec2", region)
    # Order matters: instances and endpoints correct the ENIs read before them.
    for read in (_vpcs, _subnets, _route_tables, _network_acls, _security_groups, _network_interfaces, _instances,
                 _internet_gateways, _egress_only_gateways, _nat_gateways, _vpc_endpoints):
        read(ec2, region, snap)
    more = _peering_connections(ec2, region, snap)
    _prefix_lists(ec2, region, snap, cache)
    more.update(transit_gateways(ec2, region, snap, tgw_hints or {}))
    return more


# ---------------------------------------------------------------------------------------------- describe helpers
def _proto(p) -> str:
    p = str(p).lower()
    return {"tcp": "6", "udp": "17", "icmp": "1", "all": "-1", "icmpv6": "58"}.get(p, p)


_ROUTE_TARGETS = (("NatGatewayId", "nat"), ("TransitGatewayId", "tgw"), ("VpcPeeringConnectionId", "pcx"),
                  ("EgressOnlyInternetGatewayId", "eigw"), ("InstanceId", "instance"),
                  ("NetworkInterfaceId", "eni"), ("GatewayId", "gateway"), ("LocalGatewayId", "lgw"),
                  ("CarrierGatewayId", "cagw"), ("CoreNetworkArn", "core-network"))


def _route(r: dict) -> Route:
    dest = r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock") or r.get("DestinationPrefixListId", "")
    ttype, tid = "unknown", ""
    for key, kind in _ROUTE_TARGETS:
        if r.get(key):
            ttype, tid = kind, r[key]
            break
    if ttype == "gateway" and tid == "local":
        ttype = "local"
    if ttype == "instance" and r.get("NetworkInterfaceId"):
        tid = r["InstanceId"]
    return Route(dest, ttype, tid, r.get("Origin", "CreateRoute"), r.get("State", "active"))


# ------------------------------------------------------------------------------------------ VPCs and their subnets
def _vpcs(ec2, region: str, snap: Snapshot) -> None:
    for v in pages(ec2, "describe_vpcs", "Vpcs"):
        cidrs = [a["CidrBlock"] for a in v.get("CidrBlockAssociationSet", [])
                 if a.get("CidrBlockState", {}).get("State", "associated") == "associated"] or [v["CidrBlock"]]
        v6 = [a["Ipv6CidrBlock"] for a in v.get("Ipv6CidrBlockAssociationSet", [])
              if a.get("Ipv6CidrBlockState", {}).get("State", "associated") == "associated"]
        snap.account = snap.account or v.get("OwnerId", "")
        snap.vpcs[v["VpcId"]] = Vpc(v["VpcId"], region, cidrs, v6, bool(v.get("IsDefault")), name_of(v.get("Tags")))


def _subnets(ec2, region: str, snap: Snapshot) -> None:
    for s in pages(ec2, "describe_subnets", "Subnets"):
        v6 = [a["Ipv6CidrBlock"] for a in s.get("Ipv6CidrBlockAssociationSet", [])]
        snap.subnets[s["SubnetId"]] = Subnet(s["SubnetId"], s["VpcId"], region, s["CidrBlock"],
                                             s.get("AvailabilityZone", ""), v6[0] if v6 else "",
                                             bool(s.get("MapPublicIpOnLaunch")), name_of(s.get("Tags")))


def _route_tables(ec2, region: str, snap: Snapshot) -> None:
    for rt in pages(ec2, "describe_route_tables", "RouteTables"):
        assoc = rt.get("Associations", [])
        snap.route_tables[rt["RouteTableId"]] = RouteTable(
            rt["RouteTableId"], rt["VpcId"], region, any(a.get("Main") for a in assoc),
            [a["SubnetId"] for a in assoc if a.get("SubnetId")], [_route(r) for r in rt.get("Routes", [])],
            [a["GatewayId"] for a in assoc if a.get("GatewayId")], name_of(rt.get("Tags")))


# ------------------------------------------------------------------------------------------------------- filters
def _network_acls(ec2, region: str, snap: Snapshot) -> None:
    for acl in pages(ec2, "describe_network_acls", "NetworkAcls"):
        entries = []
        for e in acl.get("Entries", []):
            pr = e.get("PortRange") or {}
            icmp = e.get("IcmpTypeCode") or {}
            entries.append(NaclEntry(int(e["RuleNumber"]), bool(e["Egress"]), _proto(e.get("Protocol", "-1")),
                                     e["RuleAction"], e.get("CidrBlock") or e.get("Ipv6CidrBlock", ""),
                                     pr.get("From"), pr.get("To"), icmp.get("Type"), icmp.get("Code")))
        snap.nacls[acl["NetworkAclId"]] = NetworkAcl(
            acl["NetworkAclId"], acl["VpcId"], region, bool(acl.get("IsDefault")),
            [a["SubnetId"] for a in acl.get("Associations", [])], entries)


def _sg_rules(sg: dict) -> list[SgRule]:
    """One rule per (permission, peer): a permission naming two CIDRs becomes two rules."""
    rules = []
    for egress, key in ((False, "IpPermissions"), (True, "IpPermissionsEgress")):
        for p in sg.get(key, []):
            proto = _proto(p.get("IpProtocol", "-1"))
            lo, hi = p.get("FromPort"), p.get("ToPort")
            if proto == "-1" or (lo is not None and lo == -1):
                lo = hi = None
            for r in p.get("IpRanges", []):
                rules.append(SgRule(egress, proto, lo, hi, "cidr", r["CidrIp"]))
            for r in p.get("Ipv6Ranges", []):
                rules.append(SgRule(egress, proto, lo, hi, "cidr6", r["CidrIpv6"]))
            for r in p.get("PrefixListIds", []):
                rules.append(SgRule(egress, proto, lo, hi, "prefix-list", r["PrefixListId"]))
            for r in p.get("UserIdGroupPairs", []):
                rules.append(SgRule(egress, proto, lo, hi, "security-group", r["GroupId"]))
    return rules


def _security_groups(ec2, region: str, snap: Snapshot) -> None:
    for sg in pages(ec2, "describe_security_groups", "SecurityGroups"):
        snap.security_groups[sg["GroupId"]] = SecurityGroup(sg["GroupId"], sg.get("VpcId", ""), region,
                                                            sg.get("GroupName", ""), _sg_rules(sg))


# --------------------------------------------------------------------------------------- instances and their ENIs
def _network_interfaces(ec2, region: str, snap: Snapshot) -> None:
    for n in pages(ec2, "describe_network_interfaces", "NetworkInterfaces"):
        att = n.get("Attachment") or {}
        ips = [p["PrivateIpAddress"] for p in n.get("PrivateIpAddresses", [])] or [n.get("PrivateIpAddress")]
        snap.enis[n["NetworkInterfaceId"]] = Eni(
            n["NetworkInterfaceId"], n.get("SubnetId", ""), n.get("VpcId", ""), region, [i for i in ips if i],
            (n.get("Association") or {}).get("PublicIp", ""), [g["GroupId"] for g in n.get("Groups", [])],
            bool(n.get("SourceDestCheck", True)), att.get("InstanceId", ""), n.get("InterfaceType", "interface"),
            n.get("Description", ""), n.get("Status", ""),
            [a["Ipv6Address"] for a in n.get("Ipv6Addresses", []) if a.get("Ipv6Address")])


def _instances(ec2, region: str, snap: Snapshot) -> None:
    for res in pages(ec2, "describe_instances", "Reservations"):
        for i in res.get("Instances", []):
            by_device = sorted(i.get("NetworkInterfaces", []),
                               key=lambda x: x.get("Attachment", {}).get("DeviceIndex", 0))
            enis = [x["NetworkInterfaceId"] for x in by_device]
            snap.instances[i["InstanceId"]] = Instance(i["InstanceId"], region, i["State"]["Name"], enis,
                                                       i.get("SubnetId", ""), i.get("VpcId", ""),
                                                       name_of(i.get("Tags")))
            for x in i.get("NetworkInterfaces", []):
                eni = snap.enis.get(x["NetworkInterfaceId"])
                if eni is not None:
                    eni.instance_id = i["InstanceId"]
                    # The instance attribute is the primary ENI's (AWS); moto updates only the instance's copy.
                    if x.get("Attachment", {}).get("DeviceIndex", 0) == 0 and i.get("SourceDestCheck") is False:
                        eni.source_dest_check = False
                    if not eni.public_ip:
                        eni.public_ip = (x.get("Association") or {}).get("PublicIp", "")
            if enis and i.get("PublicIpAddress") and not snap.enis.get(enis[0], Eni("", "", "", "", [])).public_ip:
                if enis[0] in snap.enis:
                    snap.enis[enis[0]].public_ip = i["PublicIpAddress"]


# ------------------------------------------------------------------------------------------------------- gateways
def _internet_gateways(ec2, region: str, snap: Snapshot) -> None:
    for g in pages(ec2, "describe_internet_gateways", "InternetGateways"):
        snap.igws[g["InternetGatewayId"]] = InternetGateway(
            g["InternetGatewayId"], region,
            [a["VpcId"] for a in g.get("Attachments", []) if a.get("State") in ("available", "attached")],
            name_of(g.get("Tags")))


def _egress_only_gateways(ec2, region: str, snap: Snapshot) -> None:
    try:
        for g in pages(ec2, "describe_egress_only_internet_gateways", "EgressOnlyInternetGateways"):
            snap.eigws[g["EgressOnlyInternetGatewayId"]] = EgressOnlyInternetGateway(
                g["EgressOnlyInternetGatewayId"], region, [a["VpcId"] for a in g.get("Attachments", [])])
    except Exception:  # pragma: no cover - optional resource
        pass


def _nat_gateways(ec2, region: str, snap: Snapshot) -> None:
    for n in pages(ec2, "describe_nat_gateways", "NatGateways"):
        addrs = n.get("NatGatewayAddresses", [])
        snap.nat_gateways[n["NatGatewayId"]] = NatGateway(
            n["NatGatewayId"], region, n.get("VpcId", ""), n.get("SubnetId", ""), n.get("State", ""),
            n.get("ConnectivityType", "public"),
            [a["NetworkInterfaceId"] for a in addrs if a.get("NetworkInterfaceId")],
            [a["PrivateIp"] for a in addrs if a.get("PrivateIp")], [a["PublicIp"] for a in addrs if a.get("PublicIp")],
            name_of(n.get("Tags")))


def _vpc_endpoints(ec2, region: str, snap: Snapshot) -> None:
    for e in pages(ec2, "describe_vpc_endpoints", "VpcEndpoints"):
        snap.endpoints[e["VpcEndpointId"]] = VpcEndpoint(
            e["VpcEndpointId"], region, e["VpcId"], e.get("VpcEndpointType") or "Gateway", e.get("ServiceName", ""),
            e.get("State", "available").lower(), e.get("RouteTableIds", []), e.get("SubnetIds", []),
            e.get("NetworkInterfaceIds", []), [g["GroupId"] for g in e.get("Groups", [])])
    for ep in snap.endpoints.values():
        # An interface endpoint's ENIs carry the endpoint's security groups (AWS docs: interface-endpoints); moto
        # describes them with the VPC default group instead, so the endpoint's own list wins.
        if ep.region == region and ep.type == "Interface" and ep.sg_ids:
            for eni_id in ep.eni_ids:
                if eni_id in snap.enis:
                    snap.enis[eni_id].sg_ids = list(ep.sg_ids)
                    snap.enis[eni_id].interface_type = "vpc_endpoint"


# ---------------------------------------------------------------------------------- peering and prefix lists
def _cidrs_of(info: dict) -> list[str]:
    """A peering side's CIDRs: the whole set when described, else the primary one."""
    listed = [c["CidrBlock"] for c in info.get("CidrBlockSet", [])]
    return listed or ([info["CidrBlock"]] if info.get("CidrBlock") else [])


def _peering_connections(ec2, region: str, snap: Snapshot) -> set[str]:
    more: set[str] = set()
    for p in pages(ec2, "describe_vpc_peering_connections", "VpcPeeringConnections"):
        req, acc = p.get("RequesterVpcInfo", {}), p.get("AccepterVpcInfo", {})
        pcx = PeeringConnection(
            p["VpcPeeringConnectionId"], p.get("Status", {}).get("Code", ""), req.get("VpcId", ""),
            req.get("Region", region), _cidrs_of(req), acc.get("VpcId", ""), acc.get("Region", region), _cidrs_of(acc))
        old = snap.peerings.get(pcx.id)
        # the same peering is described from both regions; a status seen as active from either side wins
        if old is None or (old.status != "active" and pcx.status == "active"):
            snap.peerings[pcx.id] = pcx
        more.update({pcx.requester_region, pcx.accepter_region})
    return more


def _prefix_lists(ec2, region: str, snap: Snapshot, cache: dict) -> None:
    for pl in pages(ec2, "describe_managed_prefix_lists", "PrefixLists"):
        key = ("pl", region, pl["PrefixListId"], pl.get("Version"))
        if key not in cache:
            cache[key] = [x["Cidr"] for x in pages(ec2, "get_managed_prefix_list_entries", "Entries",
                                                    PrefixListId=pl["PrefixListId"])]
        snap.prefix_lists[pl["PrefixListId"]] = PrefixList(pl["PrefixListId"], pl.get("PrefixListName", ""), region,
                                                           list(cache[key]))
