"""Lookups over a :class:`~lab_helpers.sim.netsim.snapshot.model.Snapshot` the walk needs (IP -> ENI, subnet ->
route table, VPC -> internet gateway, ...), built once per snapshot by :func:`index_of` and cached on it, so the
analysis is then a series of dict reads.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Optional

from lab_helpers.sim.netsim.snapshot.model import (
    Eni,
    InternetGateway,
    NetworkAcl,
    RouteTable,
    Snapshot,
    Subnet,
    TgwAttachment,
    TgwRouteTable,
    parse_ip,
)


def index_of(snap: Snapshot) -> SnapshotIndex:
    """The snapshot's lookups, built on first use and kept on it (``snap.index_cache``)."""
    if snap.index_cache is None:
        snap.index_cache = SnapshotIndex(snap)
    return snap.index_cache


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
        """AWS docs: route-tables: a subnet without an explicit association uses its VPC's main route table."""
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

