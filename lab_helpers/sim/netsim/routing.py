"""VPC route tables: which route carries a packet, and whether its target still works.

Rules modelled (each names its AWS page, a key of :mod:`lab_helpers.data.aws_docs`):

* route-priority — longest prefix first; for equal prefixes a static CIDR route beats a prefix-list route, which
  beats a propagated route.
* gateway-endpoints — a prefix-list route is matched per CIDR entry of the list (a /15 entry competes as a /15).
* route-tables — IPv4 and IPv6 routes never match each other's addresses.
* route-tables, vpc-cidr-blocks — ``local`` routes (one per VPC CIDR) are ordinary entries here; they win by
  specificity like any other.
* nat-gateway, egress-only-igw — a route whose target is gone is a blackhole. moto keeps such routes ``active``
  (moto-fidelity §1), so the engine checks the target itself (:func:`target_problem`) instead of trusting ``State``.
* route-tables — a subnet with no explicit association uses the main route table (see
  ``SnapshotIndex.route_table_for_subnet``).
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Optional

from lab_helpers.data.aws_docs import cite
from lab_helpers.sim.netsim.snapshot.index import SnapshotIndex
from lab_helpers.sim.netsim.snapshot.model import Route, RouteTable, parse_ip

# Rank of a route for equal prefix lengths (AWS docs: route-priority): higher wins.
STATIC, PREFIX_LIST, PROPAGATED = 3, 2, 1


def route_rank(route: Route) -> int:
    if route.origin == "EnableVgwRoutePropagation":
        return PROPAGATED
    return PREFIX_LIST if route.is_prefix_list else STATIC


@dataclass(frozen=True)
class RouteMatch:
    route: Route
    matched_cidr: str  # the CIDR that matched (for prefix-list routes: the list entry)


def _compiled(idx: SnapshotIndex, rt: RouteTable) -> list:
    """The table's routes expanded to (network, rank, route), most preferred first; cached per snapshot."""
    key = ("rt", rt.id)
    table = idx.memo.get(key)
    if table is None:
        table = []
        for r in rt.routes:
            if r.is_prefix_list:
                nets = idx.prefix_networks.get(r.destination, [])
            else:
                try:
                    nets = [ipaddress.ip_network(r.destination, strict=False)]
                except ValueError:
                    nets = []
            for n in nets:
                table.append((n, route_rank(r), r, str(n)))
        table.sort(key=lambda t: (t[0].prefixlen, t[1]), reverse=True)
        idx.memo[key] = table
    return table


def lookup(idx: SnapshotIndex, rt: Optional[RouteTable], ip) -> Optional[RouteMatch]:
    """The route ``rt`` uses for destination ``ip`` (None: no route matches, the packet is dropped)."""
    if rt is None:
        return None
    addr = parse_ip(ip)
    for net, _rank, route, text in _compiled(idx, rt):
        if net.version == addr.version and addr in net:
            return RouteMatch(route, text)
    return None


def brute_force_lookup(routes: list[tuple[str, int, object]], ip):
    """Reference implementation for tests: all matching (cidr, rank, value), pick max (prefixlen, rank)."""
    addr = parse_ip(ip)
    best = None
    for cidr, rank, value in routes:
        net = ipaddress.ip_network(cidr, strict=False)
        if net.version == addr.version and addr in net:
            key = (net.prefixlen, rank)
            if best is None or key > best[0]:
                best = (key, value)
    return best[1] if best else None


def target_problem(idx: SnapshotIndex, vpc_id: str, route: Route) -> Optional[str]:
    """Why this route cannot deliver (AWS docs: nat-gateway), or None when its target is alive."""
    snap = idx.snap
    if route.state == "blackhole":
        return f"the route is in state blackhole (its target {route.target_id or 'is gone'})"
    t, tid = route.target_type, route.target_id
    if t == "local":
        return None
    if t == "nat":
        nat = snap.nat_gateways.get(tid)
        if nat is None or nat.state in ("deleted", "deleting", "failed"):
            return f"its target NAT gateway {tid} is {nat.state if nat else 'gone'} (AWS shows this route as blackhole)"
        if nat.state != "available":
            return f"its target NAT gateway {tid} is {nat.state}, not available"
        return None
    if t == "gateway":
        if tid.startswith("igw-"):
            igw = snap.igws.get(tid)
            if igw is None:
                return f"its target internet gateway {tid} no longer exists (blackhole)"
            if vpc_id not in igw.vpc_ids:
                return f"its target internet gateway {tid} is not attached to {vpc_id} (blackhole)"
            return None
        if tid.startswith("vpce-"):
            ep = snap.endpoints.get(tid)
            if ep is None or ep.state not in ("available",):
                return f"its target VPC endpoint {tid} is {ep.state if ep else 'gone'}"
            return None
        if tid.startswith("vgw-"):
            return f"its target {tid} is a virtual private gateway (VPN), which this engine does not model"
        return None
    if t == "eigw":
        return None if tid in snap.eigws else f"its target egress-only internet gateway {tid} is gone (blackhole)"
    if t == "eni":
        eni = snap.enis.get(tid)
        return None if eni else f"its target network interface {tid} was deleted (blackhole)"
    if t == "instance":
        inst = snap.instances.get(tid)
        if inst is None or inst.state in ("terminated", "shutting-down"):
            return f"its target instance {tid} is {inst.state if inst else 'gone'} (blackhole)"
        if inst.state in ("stopped", "stopping"):
            return f"its target instance {tid} is {inst.state}"
        return None
    if t == "pcx":
        pcx = snap.peerings.get(tid)
        if pcx is None:
            return f"its target peering connection {tid} no longer exists"
        if pcx.status != "active":
            return (f"its target peering connection {tid} is {pcx.status}, not active ({cite('peering-lifecycle')}: "
                    "accept it first)")
        return None
    if t == "tgw":
        tgw = snap.tgws.get(tid)
        if tgw is None or tgw.state != "available":
            return f"its target transit gateway {tid} is {tgw.state if tgw else 'gone'}"
        return None
    return f"its target type {t} ({tid}) is not modelled by this engine"
