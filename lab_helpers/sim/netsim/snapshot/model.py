"""The network world at one moment, as plain dataclasses (what :mod:`.capture` reads and :mod:`.index` looks up).

A :class:`Snapshot` is pure data: it can be saved to JSON, loaded back, and analysed offline, so the same snapshot
explains the moto sandbox and a real account. Each dataclass is one AWS resource as its describe call shows it.
"""
from __future__ import annotations

import ipaddress
import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional


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
_NESTED: dict[type, dict[str, type]] = {
    RouteTable: {"routes": Route}, NetworkAcl: {"entries": NaclEntry}, SecurityGroup: {"rules": SgRule},
    TgwRouteTable: {"routes": TgwRoute},
}


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
        # The SnapshotIndex built by ``index.index_of``; set it back to None after editing the snapshot by hand.
        self.index_cache = None

    # -- persistence -------------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        out: dict[str, Any] = {"regions": self.regions, "notes": self.notes, "account": self.account}
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
