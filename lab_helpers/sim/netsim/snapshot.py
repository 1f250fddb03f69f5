"""Capture the network state of an account (one or more regions) into plain dataclasses.

Everything here is read with boto3 ``describe_*`` / ``get_*`` / ``search_*`` calls (project rule 1), so the same
snapshot explains the moto sandbox and a real account. A :class:`Snapshot` is pure data: it can be saved to JSON,
loaded back, and analysed offline. Indexes the analysis needs (IP -> ENI, subnet -> route table, ...) are built
lazily once per snapshot and cached on it (see :meth:`Snapshot.index`).

Regions: we start from the regions the caller names and follow VPC peering connections and transit-gateway
peering attachments to any other region they reach, so a cross-region path is captured without guessing.
"""
from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional


@lru_cache(maxsize=65536)
def parse_ip(ip):
    """``ipaddress.ip_address`` memoised: the walk parses the same few addresses thousands of times."""
    return ipaddress.ip_address(ip)


# ---------------------------------------------------------------------------------------------------------- model
@dataclass
class Vpc:
    id: str
    region: str
    cidrs: list[str]
    ipv6_cidrs: list[str] = field(default_factory=list)
    is_default: bool = False
    name: str = ""


@dataclass
class Subnet:
    id: str
    vpc_id: str
    region: str
    cidr: str
    az: str
    ipv6_cidr: str = ""
    map_public_ip: bool = False
    name: str = ""


@dataclass
class Route:
    """One row of a route table, as DescribeRouteTables shows it. ``target_type`` names the AWS field it came from."""

    destination: str  # a CIDR, or a prefix-list id (pl-...)
    target_type: str  # "local" | "gateway" (igw / vgw / vpce) | "nat" | "instance" | "eni" | "pcx" | "tgw" | "eigw"
    target_id: str
    origin: str = "CreateRoute"  # CreateRouteTable (local) | CreateRoute | EnableVgwRoutePropagation
    state: str = "active"

    @property
    def is_prefix_list(self) -> bool:
        return self.destination.startswith("pl-")


@dataclass
class RouteTable:
    id: str
    vpc_id: str
    region: str
    main: bool
    subnet_ids: list[str]
    routes: list[Route]
    edge_gateway_ids: list[str] = field(default_factory=list)
    name: str = ""


@dataclass
class NaclEntry:
    number: int
    egress: bool
    protocol: str  # "-1" | "6" | "17" | "1" | other IANA numbers
    action: str  # "allow" | "deny"
    cidr: str
    port_from: Optional[int] = None
    port_to: Optional[int] = None
    icmp_type: Optional[int] = None
    icmp_code: Optional[int] = None


@dataclass
class NetworkAcl:
    id: str
    vpc_id: str
    region: str
    is_default: bool
    subnet_ids: list[str]
    entries: list[NaclEntry]


@dataclass
class SgRule:
    """One (permission, peer) pair of a security group: a permission with two CIDRs becomes two rules."""

    egress: bool
    protocol: str  # "-1", "6", "17", "1", ...
    port_from: Optional[int]
    port_to: Optional[int]
    peer_type: str  # "cidr" | "cidr6" | "prefix-list" | "security-group"
    peer: str


@dataclass
class SecurityGroup:
    id: str
    vpc_id: str
    region: str
    name: str
    rules: list[SgRule]


@dataclass
class Eni:
    id: str
    subnet_id: str
    vpc_id: str
    region: str
    private_ips: list[str]
    public_ip: str = ""
    sg_ids: list[str] = field(default_factory=list)
    source_dest_check: bool = True
    instance_id: str = ""
    interface_type: str = "interface"
    description: str = ""
    status: str = "in-use"
    ipv6_ips: list[str] = field(default_factory=list)  # globally routable: an IGW forwards to them directly


@dataclass
class Instance:
    id: str
    region: str
    state: str
    eni_ids: list[str]
    subnet_id: str = ""
    vpc_id: str = ""
    name: str = ""


@dataclass
class InternetGateway:
    id: str
    region: str
    vpc_ids: list[str]
    name: str = ""


@dataclass
class EgressOnlyInternetGateway:
    id: str
    region: str
    vpc_ids: list[str]


@dataclass
class NatGateway:
    id: str
    region: str
    vpc_id: str
    subnet_id: str
    state: str
    connectivity: str  # "public" | "private"
    eni_ids: list[str]
    private_ips: list[str]
    public_ips: list[str]
    name: str = ""


@dataclass
class VpcEndpoint:
    id: str
    region: str
    vpc_id: str
    type: str  # "Gateway" | "Interface" | "GatewayLoadBalancer"
    service_name: str
    state: str
    route_table_ids: list[str]
    subnet_ids: list[str]
    eni_ids: list[str]
    sg_ids: list[str]


@dataclass
class PeeringConnection:
    id: str
    status: str
    requester_vpc: str
    requester_region: str
    requester_cidrs: list[str]
    accepter_vpc: str
    accepter_region: str
    accepter_cidrs: list[str]


@dataclass
class TgwRoute:
    cidr: str
    type: str  # "static" | "propagated"
    state: str  # "active" | "blackhole"
    attachment_ids: list[str]
    recovered: str = ""  # how the engine filled what the describe call did not say (see tgw.py)


@dataclass
class TgwRouteTable:
    id: str
    tgw_id: str
    region: str
    default_association: bool
    default_propagation: bool
    routes: list[TgwRoute]
    associations: list[str]  # attachment ids
    propagations: list[str]  # attachment ids


@dataclass
class TgwAttachment:
    id: str
    tgw_id: str
    region: str
    type: str  # "vpc" | "peering" | "vpn" | "direct-connect-gateway" | ...
    resource_id: str  # vpc id for VPC attachments
    state: str
    subnet_ids: list[str] = field(default_factory=list)
    association_rt: str = ""
    peer_tgw_id: str = ""
    peer_region: str = ""


@dataclass
class TransitGateway:
    id: str
    region: str
    state: str
    default_association_rt: str = ""
    default_propagation_rt: str = ""
    auto_propagate: bool = False
    name: str = ""


@dataclass
class PrefixList:
    id: str
    name: str
    region: str
    cidrs: list[str]


_KINDS = {
    "vpcs": Vpc, "subnets": Subnet, "route_tables": RouteTable, "nacls": NetworkAcl, "security_groups": SecurityGroup,
    "enis": Eni, "instances": Instance, "igws": InternetGateway, "eigws": EgressOnlyInternetGateway,
    "nat_gateways": NatGateway, "endpoints": VpcEndpoint, "peerings": PeeringConnection,
    "tgws": TransitGateway, "tgw_attachments": TgwAttachment, "tgw_route_tables": TgwRouteTable,
    "prefix_lists": PrefixList,
}
_NESTED = {RouteTable: {"routes": Route}, NetworkAcl: {"entries": NaclEntry}, SecurityGroup: {"rules": SgRule},
           TgwRouteTable: {"routes": TgwRoute}}


@dataclass
class Snapshot:
    """The network world at one moment: every collection is a dict id -> dataclass."""

    regions: list[str]
    vpcs: dict = field(default_factory=dict)
    subnets: dict = field(default_factory=dict)
    route_tables: dict = field(default_factory=dict)
    nacls: dict = field(default_factory=dict)
    security_groups: dict = field(default_factory=dict)
    enis: dict = field(default_factory=dict)
    instances: dict = field(default_factory=dict)
    igws: dict = field(default_factory=dict)
    eigws: dict = field(default_factory=dict)
    nat_gateways: dict = field(default_factory=dict)
    endpoints: dict = field(default_factory=dict)
    peerings: dict = field(default_factory=dict)
    tgws: dict = field(default_factory=dict)
    tgw_attachments: dict = field(default_factory=dict)
    tgw_route_tables: dict = field(default_factory=dict)
    prefix_lists: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what had to be recovered or assumed while capturing
    account: str = ""

    def __post_init__(self):
        self._index = None

    # -- persistence -------------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        out = {"regions": self.regions, "notes": self.notes, "account": self.account}
        for name in _KINDS:
            out[name] = [asdict(obj) for obj in getattr(self, name).values()]
        return out

    def save(self, path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1, sort_keys=True))

    @classmethod
    def from_dict(cls, data: dict) -> Snapshot:
        snap = cls(regions=list(data.get("regions", [])), notes=list(data.get("notes", [])),
                   account=data.get("account", ""))
        for name, kind in _KINDS.items():
            nested = _NESTED.get(kind, {})
            coll = getattr(snap, name)
            for raw in data.get(name, []):
                raw = dict(raw)
                for key, sub in nested.items():
                    raw[key] = [sub(**r) for r in raw.get(key, [])]
                obj = kind(**raw)
                coll[obj.id] = obj
        return snap

    @classmethod
    def load(cls, path) -> Snapshot:
        return cls.from_dict(json.loads(Path(path).read_text()))

    def subset(self, vpc_ids) -> Snapshot:
        """A copy holding only ``vpc_ids`` and what lives in them (plus gateways, peerings, TGWs, prefix lists)."""
        keep = set(vpc_ids)
        out = Snapshot(regions=list(self.regions), notes=list(self.notes), account=self.account)
        for name in _KINDS:
            src, dst = getattr(self, name), getattr(out, name)
            for key, obj in src.items():
                vpc = getattr(obj, "vpc_id", None)
                if name == "vpcs":
                    vpc = obj.id
                if name == "igws":
                    vpc = obj.vpc_ids[0] if obj.vpc_ids else None
                if name == "instances":
                    vpc = obj.vpc_id or None
                if name == "tgw_attachments" and obj.type == "vpc":
                    vpc = obj.resource_id
                if name == "peerings" and not ({obj.requester_vpc, obj.accepter_vpc} & keep):
                    continue
                if vpc is None or vpc in keep:
                    dst[key] = obj
        return out

    # -- indexes -----------------------------------------------------------------------------------------------
    def index(self) -> SnapshotIndex:
        """Lookups built once per snapshot (the analysis is then a series of dict reads)."""
        if self._index is None:
            self._index = SnapshotIndex(self)
        return self._index


class SnapshotIndex:
    """Derived lookups over a :class:`Snapshot`; never mutated after construction except its memo caches."""

    def __init__(self, snap: Snapshot):
        self.snap = snap
        self.eni_by_ip: dict[tuple[str, str], Eni] = {}  # (vpc_id, private ip) -> ENI
        self.eni_by_public_ip: dict[str, Eni] = {}
        self.sg_member_ips: dict[str, set[str]] = {}
        self.instance_of_eni: dict[str, str] = {}
        for eni in snap.enis.values():
            for ip in eni.private_ips:
                self.eni_by_ip[(eni.vpc_id, ip)] = eni
            if eni.public_ip:
                self.eni_by_public_ip[eni.public_ip] = eni
            for ip in eni.ipv6_ips:
                self.eni_by_ip[(eni.vpc_id, ip)] = eni
                self.eni_by_public_ip[ip] = eni
            for sg in eni.sg_ids:
                self.sg_member_ips.setdefault(sg, set()).update(eni.private_ips)
        self.rt_of_subnet: dict[str, RouteTable] = {}
        self.main_rt: dict[str, RouteTable] = {}
        self.rt_of_gateway: dict[str, RouteTable] = {}
        for rt in snap.route_tables.values():
            if rt.main:
                self.main_rt[rt.vpc_id] = rt
            for s in rt.subnet_ids:
                self.rt_of_subnet[s] = rt
            for g in rt.edge_gateway_ids:
                self.rt_of_gateway[g] = rt
        self.nacl_of_subnet: dict[str, NetworkAcl] = {}
        for acl in snap.nacls.values():
            for s in acl.subnet_ids:
                self.nacl_of_subnet[s] = acl
        self.igw_of_vpc: dict[str, InternetGateway] = {}
        for igw in snap.igws.values():
            for v in igw.vpc_ids:
                self.igw_of_vpc[v] = igw
        self.subnets_of_vpc: dict[str, list[Subnet]] = {}
        for s in snap.subnets.values():
            self.subnets_of_vpc.setdefault(s.vpc_id, []).append(s)
        self.vpc_networks = {v.id: [ipaddress.ip_network(c) for c in v.cidrs + v.ipv6_cidrs]
                             for v in snap.vpcs.values()}
        self.subnet_networks = {s.id: [ipaddress.ip_network(c) for c in (s.cidr, s.ipv6_cidr) if c]
                                for s in snap.subnets.values()}
        self.prefix_networks = {p.id: [ipaddress.ip_network(c) for c in p.cidrs] for p in snap.prefix_lists.values()}
        self.nat_by_public_ip = {ip: n for n in snap.nat_gateways.values() for ip in n.public_ips}
        self.tgw_attachments_of_vpc: dict[tuple[str, str], TgwAttachment] = {}
        for a in snap.tgw_attachments.values():
            if a.type == "vpc" and a.state not in ("deleted", "deleting", "failed", "rejected"):
                self.tgw_attachments_of_vpc[(a.tgw_id, a.resource_id)] = a
        # (tgw id, attachment id) -> route table: a TGW peering attachment has one association on each side.
        self.tgw_rt_of_attachment: dict[tuple[str, str], TgwRouteTable] = {}
        for rt in snap.tgw_route_tables.values():
            for a in rt.associations:
                self.tgw_rt_of_attachment[(rt.tgw_id, a)] = rt
        self.memo: dict = {}  # per-snapshot caches used by routing / filters

    def route_table_for_subnet(self, subnet_id: str) -> Optional[RouteTable]:
        """Rule 11: a subnet without an explicit association uses its VPC's main route table."""
        rt = self.rt_of_subnet.get(subnet_id)
        if rt is None:
            sub = self.snap.subnets.get(subnet_id)
            rt = self.main_rt.get(sub.vpc_id) if sub else None
        return rt

    def nacl_for_subnet(self, subnet_id: str) -> Optional[NetworkAcl]:
        acl = self.nacl_of_subnet.get(subnet_id)
        if acl is None:  # every subnet has one; fall back to the VPC default if describe missed the association
            sub = self.snap.subnets.get(subnet_id)
            for candidate in self.snap.nacls.values():
                if sub and candidate.vpc_id == sub.vpc_id and candidate.is_default:
                    return candidate
        return acl

    def subnet_of_ip(self, vpc_id: str, ip) -> Optional[Subnet]:
        addr = parse_ip(ip)
        for s in self.subnets_of_vpc.get(vpc_id, []):
            if any(n.version == addr.version and addr in n for n in self.subnet_networks[s.id]):
                return s
        return None

    def vpc_contains(self, vpc_id: str, ip) -> bool:
        addr = parse_ip(ip)
        return any(addr.version == n.version and addr in n for n in self.vpc_networks.get(vpc_id, []))

    def vpc_of_ip(self, ip, regions: Optional[Iterable[str]] = None) -> Optional[str]:
        addr = parse_ip(ip)
        for vpc_id, nets in self.vpc_networks.items():
            if any(addr.version == n.version and addr in n for n in nets):
                if regions is None or self.snap.vpcs[vpc_id].region in regions:
                    return vpc_id
        return None


# --------------------------------------------------------------------------------------------------------- capture
def _name(tags) -> str:
    for t in tags or []:
        if t.get("Key") == "Name":
            return t.get("Value", "")
    return ""


def _pages(client, op: str, key: str, **kw) -> list:
    """All items of a describe call, following NextToken (botocore paginators cost more than the call here)."""
    out, token = [], None
    call = getattr(client, op)
    for _ in range(1000):
        page = call(**kw, **({"NextToken": token} if token else {}))
        out.extend(page.get(key, []))
        token = page.get("NextToken")
        if not token:
            break
    return out


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


def capture_region(raw_client: Callable, region: str, snap: Snapshot, tgw_hints: Optional[dict] = None,
                   cache: Optional[dict] = None) -> set[str]:
    """Read one region into ``snap``; returns other regions its peerings / TGW peerings point at.

    ``cache`` (a dict the caller keeps, e.g. in the lab's shim state) remembers prefix-list entries by
    (id, version): a managed prefix list's entries change only with its version, so they are fetched once.
    """
    cache = {} if cache is None else cache
    ec2 = raw_client("ec2", region)
    more: set[str] = set()
    for v in _pages(ec2, "describe_vpcs", "Vpcs"):
        cidrs = [a["CidrBlock"] for a in v.get("CidrBlockAssociationSet", [])
                 if a.get("CidrBlockState", {}).get("State", "associated") == "associated"] or [v["CidrBlock"]]
        v6 = [a["Ipv6CidrBlock"] for a in v.get("Ipv6CidrBlockAssociationSet", [])
              if a.get("Ipv6CidrBlockState", {}).get("State", "associated") == "associated"]
        snap.account = snap.account or v.get("OwnerId", "")
        snap.vpcs[v["VpcId"]] = Vpc(v["VpcId"], region, cidrs, v6, bool(v.get("IsDefault")), _name(v.get("Tags")))
    for s in _pages(ec2, "describe_subnets", "Subnets"):
        v6 = [a["Ipv6CidrBlock"] for a in s.get("Ipv6CidrBlockAssociationSet", [])]
        snap.subnets[s["SubnetId"]] = Subnet(s["SubnetId"], s["VpcId"], region, s["CidrBlock"],
                                             s.get("AvailabilityZone", ""), v6[0] if v6 else "",
                                             bool(s.get("MapPublicIpOnLaunch")), _name(s.get("Tags")))
    for rt in _pages(ec2, "describe_route_tables", "RouteTables"):
        assoc = rt.get("Associations", [])
        snap.route_tables[rt["RouteTableId"]] = RouteTable(
            rt["RouteTableId"], rt["VpcId"], region, any(a.get("Main") for a in assoc),
            [a["SubnetId"] for a in assoc if a.get("SubnetId")], [_route(r) for r in rt.get("Routes", [])],
            [a["GatewayId"] for a in assoc if a.get("GatewayId")], _name(rt.get("Tags")))
    for acl in _pages(ec2, "describe_network_acls", "NetworkAcls"):
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
    for sg in _pages(ec2, "describe_security_groups", "SecurityGroups"):
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
        snap.security_groups[sg["GroupId"]] = SecurityGroup(sg["GroupId"], sg.get("VpcId", ""), region,
                                                            sg.get("GroupName", ""), rules)
    for n in _pages(ec2, "describe_network_interfaces", "NetworkInterfaces"):
        att = n.get("Attachment") or {}
        ips = [p["PrivateIpAddress"] for p in n.get("PrivateIpAddresses", [])] or [n.get("PrivateIpAddress")]
        snap.enis[n["NetworkInterfaceId"]] = Eni(
            n["NetworkInterfaceId"], n.get("SubnetId", ""), n.get("VpcId", ""), region, [i for i in ips if i],
            (n.get("Association") or {}).get("PublicIp", ""), [g["GroupId"] for g in n.get("Groups", [])],
            bool(n.get("SourceDestCheck", True)), att.get("InstanceId", ""), n.get("InterfaceType", "interface"),
            n.get("Description", ""), n.get("Status", ""),
            [a["Ipv6Address"] for a in n.get("Ipv6Addresses", []) if a.get("Ipv6Address")])
    for res in _pages(ec2, "describe_instances", "Reservations"):
        for i in res.get("Instances", []):
            enis = [x["NetworkInterfaceId"] for x in sorted(i.get("NetworkInterfaces", []),
                                                            key=lambda x: x.get("Attachment", {}).get("DeviceIndex", 0))]
            snap.instances[i["InstanceId"]] = Instance(i["InstanceId"], region, i["State"]["Name"], enis,
                                                       i.get("SubnetId", ""), i.get("VpcId", ""), _name(i.get("Tags")))
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
    for g in _pages(ec2, "describe_internet_gateways", "InternetGateways"):
        snap.igws[g["InternetGatewayId"]] = InternetGateway(
            g["InternetGatewayId"], region,
            [a["VpcId"] for a in g.get("Attachments", []) if a.get("State") in ("available", "attached")],
            _name(g.get("Tags")))
    try:
        for g in _pages(ec2, "describe_egress_only_internet_gateways", "EgressOnlyInternetGateways"):
            snap.eigws[g["EgressOnlyInternetGatewayId"]] = EgressOnlyInternetGateway(
                g["EgressOnlyInternetGatewayId"], region, [a["VpcId"] for a in g.get("Attachments", [])])
    except Exception:  # pragma: no cover - optional resource
        pass
    for n in _pages(ec2, "describe_nat_gateways", "NatGateways"):
        addrs = n.get("NatGatewayAddresses", [])
        snap.nat_gateways[n["NatGatewayId"]] = NatGateway(
            n["NatGatewayId"], region, n.get("VpcId", ""), n.get("SubnetId", ""), n.get("State", ""),
            n.get("ConnectivityType", "public"), [a["NetworkInterfaceId"] for a in addrs if a.get("NetworkInterfaceId")],
            [a["PrivateIp"] for a in addrs if a.get("PrivateIp")], [a["PublicIp"] for a in addrs if a.get("PublicIp")],
            _name(n.get("Tags")))
    for e in _pages(ec2, "describe_vpc_endpoints", "VpcEndpoints"):
        snap.endpoints[e["VpcEndpointId"]] = VpcEndpoint(
            e["VpcEndpointId"], region, e["VpcId"], e.get("VpcEndpointType") or "Gateway", e.get("ServiceName", ""),
            e.get("State", "available").lower(), e.get("RouteTableIds", []), e.get("SubnetIds", []),
            e.get("NetworkInterfaceIds", []), [g["GroupId"] for g in e.get("Groups", [])])
    for ep in snap.endpoints.values():
        # An interface endpoint's ENIs carry the endpoint's security groups (rule 38); moto describes them with
        # the VPC default group instead, so the endpoint's own list wins.
        if ep.region == region and ep.type == "Interface" and ep.sg_ids:
            for eni_id in ep.eni_ids:
                if eni_id in snap.enis:
                    snap.enis[eni_id].sg_ids = list(ep.sg_ids)
                    snap.enis[eni_id].interface_type = "vpc_endpoint"
    for p in _pages(ec2, "describe_vpc_peering_connections", "VpcPeeringConnections"):
        req, acc = p.get("RequesterVpcInfo", {}), p.get("AccepterVpcInfo", {})
        pcx = PeeringConnection(
            p["VpcPeeringConnectionId"], p.get("Status", {}).get("Code", ""), req.get("VpcId", ""),
            req.get("Region", region), [c["CidrBlock"] for c in req.get("CidrBlockSet", [])] or
            ([req["CidrBlock"]] if req.get("CidrBlock") else []), acc.get("VpcId", ""), acc.get("Region", region),
            [c["CidrBlock"] for c in acc.get("CidrBlockSet", [])] or ([acc["CidrBlock"]] if acc.get("CidrBlock") else []))
        old = snap.peerings.get(pcx.id)
        # the same peering is described from both regions; a status seen as active from either side wins
        if old is None or (old.status != "active" and pcx.status == "active"):
            snap.peerings[pcx.id] = pcx
        more.update({pcx.requester_region, pcx.accepter_region})
    for pl in _pages(ec2, "describe_managed_prefix_lists", "PrefixLists"):
        key = ("pl", region, pl["PrefixListId"], pl.get("Version"))
        if key not in cache:
            cache[key] = [x["Cidr"] for x in _pages(ec2, "get_managed_prefix_list_entries", "Entries",
                                                    PrefixListId=pl["PrefixListId"])]
        snap.prefix_lists[pl["PrefixListId"]] = PrefixList(pl["PrefixListId"], pl.get("PrefixListName", ""), region,
                                                           list(cache[key]))
    more.update(_capture_tgw(ec2, region, snap, tgw_hints or {}))
    return more


def _capture_tgw(ec2, region: str, snap: Snapshot, hints: dict) -> set[str]:
    from lab_helpers.sim.netsim.tgw import (
        recover_routes,  # the rules for filling what moto does not store live in tgw.py
    )

    more: set[str] = set()
    tgws = _pages(ec2, "describe_transit_gateways", "TransitGateways")
    if not tgws:
        return more
    for t in tgws:
        if t.get("State") in ("deleted", "deleting"):
            continue
        o = t.get("Options", {})
        snap.tgws[t["TransitGatewayId"]] = TransitGateway(
            t["TransitGatewayId"], region, t.get("State", ""),
            o.get("AssociationDefaultRouteTableId", "") if o.get("DefaultRouteTableAssociation") == "enable" else "",
            o.get("PropagationDefaultRouteTableId", "") if o.get("DefaultRouteTablePropagation") == "enable" else "",
            o.get("DefaultRouteTablePropagation") == "enable", _name(t.get("Tags")))
    for a in _pages(ec2, "describe_transit_gateway_attachments", "TransitGatewayAttachments"):
        if a.get("State") in ("deleted", "deleting"):
            continue
        snap.tgw_attachments[a["TransitGatewayAttachmentId"]] = TgwAttachment(
            a["TransitGatewayAttachmentId"], a["TransitGatewayId"], region, a.get("ResourceType", ""),
            a.get("ResourceId", ""), a.get("State", ""),
            association_rt=(a.get("Association") or {}).get("TransitGatewayRouteTableId", ""))
    for a in _pages(ec2, "describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments"):
        att = snap.tgw_attachments.get(a["TransitGatewayAttachmentId"])
        if att is not None:
            att.subnet_ids = list(a.get("SubnetIds", []))
    try:
        peerings = _pages(ec2, "describe_transit_gateway_peering_attachments", "TransitGatewayPeeringAttachments")
    except Exception:  # pragma: no cover
        peerings = []
    for p in peerings:
        if p.get("State") in ("deleted", "deleting", "rejected", "failed"):
            continue
        known = snap.tgw_attachments.get(p["TransitGatewayAttachmentId"])
        if (known is not None and known.type != "peering") or not p.get("RequesterTgwInfo"):
            continue  # moto lists VPC attachments here too (without TGW info): not a peering
        req, acc = p.get("RequesterTgwInfo", {}), p.get("AccepterTgwInfo", {})
        # Stored requester -> accepter whichever region describes it, so both regions agree on one record.
        snap.tgw_attachments[p["TransitGatewayAttachmentId"]] = TgwAttachment(
            p["TransitGatewayAttachmentId"], req.get("TransitGatewayId", ""), req.get("Region", region), "peering",
            acc.get("TransitGatewayId", ""), p.get("State", ""), peer_tgw_id=acc.get("TransitGatewayId", ""),
            peer_region=acc.get("Region", region))
        more.update({req.get("Region", region), acc.get("Region", region)})
    for rt in _pages(ec2, "describe_transit_gateway_route_tables", "TransitGatewayRouteTables"):
        if rt.get("State") in ("deleted", "deleting"):
            continue
        rid = rt["TransitGatewayRouteTableId"]
        assoc = [x["TransitGatewayAttachmentId"] for x in
                 ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=rid).get("Associations", [])
                 if x.get("State", "associated") in ("associated", "associating")]
        props = [x["TransitGatewayAttachmentId"] for x in
                 ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=rid)
                 .get("TransitGatewayRouteTablePropagations", []) if x.get("State", "enabled") in ("enabled", "enabling")]
        found = ec2.search_transit_gateway_routes(
            TransitGatewayRouteTableId=rid, Filters=[{"Name": "state", "Values": ["active", "blackhole"]}]
        ).get("Routes", [])
        routes = [TgwRoute(r.get("DestinationCidrBlock", ""), r.get("Type", "static"), r.get("State", "active"),
                           [x["TransitGatewayAttachmentId"] for x in r.get("TransitGatewayAttachments", [])])
                  for r in found if r.get("DestinationCidrBlock")]
        snap.tgw_route_tables[rid] = TgwRouteTable(rid, rt["TransitGatewayId"], region,
                                                   bool(rt.get("DefaultAssociationRouteTable")),
                                                   bool(rt.get("DefaultPropagationRouteTable")), routes, assoc, props)
    recover_routes(snap, region, hints)
    return more


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
    from lab_helpers.sim.netsim.tgw import finish_cross_region

    finish_cross_region(snap)
    return snap
