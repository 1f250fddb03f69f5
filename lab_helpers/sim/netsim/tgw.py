"""Transit Gateway: route tables the engine computes because moto does not (AWS docs: tgw-how-it-works,
tgw-route-tables, tgw-peering, tgw-vpc-attachments).

What moto 5.2.5 stores (moto-fidelity §7) and how the engine recovers the rest, using describe calls only:

* **Associations** — read from ``get_transit_gateway_route_table_associations`` (moto keeps them, one per
  attachment, which is also AWS's AWS docs: tgw-how-it-works).
* **Propagations** — read from ``get_transit_gateway_route_table_propagations``. moto records an explicit
  ``enable_transit_gateway_route_table_propagation`` but not the *default* propagation a TGW with
  ``DefaultRouteTablePropagation=enable`` gives every new attachment (AWS docs: tgw-how-it-works). When the default
  propagation table shows no propagations and no propagated routes at all, the engine assumes every VPC attachment of
  that TGW propagates to it (what AWS does at attachment time). Approximation: an attachment whose default propagation
  was later disabled on moto is still counted; on a real account the describe call is complete and nothing is added.
* **Propagated routes** — moto never creates them. For each propagation the engine adds one ``propagated`` route
  per CIDR of the attached VPC (that is what a VPC attachment propagates). Routes the describe call did return
  (a real account) are kept and not duplicated. A CIDR identical to or overlapping one another attachment already
  propagates into the table is **not** propagated: AWS accepts the attachment but does not propagate the newly
  attached VPC's overlapping routes (AWS docs: tgw-vpc-attachments). The engine notes each one it leaves out.
* **Static routes** — moto returns them with ``TransitGatewayAttachments: []`` (the next hop is lost). The
  fidelity module ``lab_helpers.fidelity.ec2.transit_gateways`` remembers each ``CreateTransitGatewayRoute`` the lab
  makes (route table, CIDR -> attachment) in the lab's shim state (``snapshot.capture.HINTS_STORE``); the capture
  hands them here and the engine fills the attachment from there (``hints``). A static route whose attachment
  cannot be recovered is kept with no next hop and reported as such.
"""
from __future__ import annotations

import ipaddress
from typing import Optional

from lab_helpers.sim.netsim.snapshot.index import SnapshotIndex
from lab_helpers.sim.netsim.snapshot.model import Snapshot, TgwRoute, TgwRouteTable, parse_ip


def recover_routes(snap: Snapshot, region: str, hints: dict) -> None:
    tables = [rt for rt in snap.tgw_route_tables.values() if rt.region == region]
    for rt in tables:
        tgw = snap.tgws.get(rt.tgw_id)
        has_propagated = any(r.type == "propagated" for r in rt.routes)
        if tgw and tgw.default_propagation_rt == rt.id and not rt.propagations and not has_propagated:
            guessed = [a.id for a in snap.tgw_attachments.values() if a.tgw_id == rt.tgw_id and a.type == "vpc"]
            if guessed:
                rt.propagations = guessed
                snap.notes.append(f"{rt.id}: assumed default propagation from {', '.join(guessed)} "
                                  "(moto does not record it)")
        for r in rt.routes:
            if r.type == "static" and r.state == "active" and not r.attachment_ids:
                att = hints.get(f"{rt.id}|{r.cidr}")
                if att:
                    r.attachment_ids = [att]
                    r.recovered = "next hop recovered from the lab's CreateTransitGatewayRoute call"
                else:
                    r.recovered = "next hop unknown: the describe call returned no attachment"
        _propagate(snap, rt)


def _propagate(snap: Snapshot, rt: TgwRouteTable) -> None:
    """One propagated route per CIDR of each propagating VPC attachment, first come first served on overlaps."""
    existing = {(r.cidr, r.type) for r in rt.routes}
    taken = _Propagated()
    for r in rt.routes:
        if r.type == "propagated":
            taken.add(ipaddress.ip_network(r.cidr), (r.attachment_ids or [""])[0])
    for att_id in rt.propagations:
        att = snap.tgw_attachments.get(att_id)
        if att is None or att.type != "vpc" or att.state not in ("available", "pending", "modifying"):
            continue
        vpc = snap.vpcs.get(att.resource_id)
        for cidr in (vpc.cidrs if vpc else []):
            net = ipaddress.ip_network(cidr)
            clash = taken.first_overlap(net, att_id)
            if clash:
                snap.notes.append(f"{rt.id}: {cidr} of {att_id} is not propagated: it overlaps a CIDR that {clash} "
                                  "already propagates (AWS accepts the attachment, not the route)")
                continue
            if (cidr, "propagated") not in existing:
                rt.routes.append(TgwRoute(cidr, "propagated", "active", [att_id],
                                          "computed by the engine from the propagation"))
                existing.add((cidr, "propagated"))
                taken.add(net, att_id)


class _Propagated:
    """The CIDRs propagated so far, in order, with the first one overlapping a new CIDR found without a scan.

    Two CIDR blocks overlap only when one contains the other, so a block's overlaps are those equal to it or to one
    of its supernets (at most 128 prefixes up) plus those inside it (each added block is filed under every prefix
    above it). A hub of 500 spokes is then 500 x 24 dict reads, not 500 x 500 comparisons.
    """

    def __init__(self) -> None:
        self.owners: list[str] = []  # attachment id per added block, in the order added
        self.exact: dict[tuple, list[int]] = {}  # prefix -> blocks equal to it
        self.within: dict[tuple, list[int]] = {}  # prefix -> blocks strictly inside it

    @staticmethod
    def _prefixes_above(net) -> list[tuple]:
        value, bits = int(net.network_address), net.max_prefixlen
        return [(net.version, value & (((1 << p) - 1) << (bits - p)), p) for p in range(net.prefixlen)]

    def add(self, net, owner: str) -> None:
        self.owners.append(owner)
        i = len(self.owners) - 1
        self.exact.setdefault(_key(net), []).append(i)
        for k in self._prefixes_above(net):
            self.within.setdefault(k, []).append(i)

    def first_overlap(self, net, other_than: str) -> Optional[str]:
        """The attachment of the earliest added block overlapping ``net`` whose attachment is not ``other_than``."""
        lists = [self.exact.get(_key(net), []), self.within.get(_key(net), [])]
        lists += [self.exact.get(k, []) for k in self._prefixes_above(net)]
        first = min((next((i for i in ids if self.owners[i] != other_than), len(self.owners)) for ids in lists),
                    default=len(self.owners))
        return self.owners[first] if first < len(self.owners) else None


def _key(net) -> tuple:
    return net.version, int(net.network_address), net.prefixlen


def finish_cross_region(snap: Snapshot) -> None:
    """Hook for links that need both regions captured; peering attachments need nothing extra today."""
    return None


def route_table_of(idx: SnapshotIndex, tgw_id: str, attachment_id: str) -> Optional[TgwRouteTable]:
    """AWS docs: tgw-how-it-works: each attachment is associated with exactly one route table of ``tgw_id`` (or none:
    dropped)."""
    rt = idx.tgw_rt_of_attachment.get((tgw_id, attachment_id))
    if rt is None:
        att = idx.snap.tgw_attachments.get(attachment_id)
        if att and att.association_rt and att.tgw_id == tgw_id:
            rt = idx.snap.tgw_route_tables.get(att.association_rt)
    return rt


def lookup(idx: SnapshotIndex, rt: TgwRouteTable, ip) -> Optional[TgwRoute]:
    """Longest prefix; for equal prefixes static beats propagated (AWS docs: tgw-route-tables).

    A hub table holds one route per spoke (hundreds), so it is indexed per prefix length: a lookup masks the
    address once per distinct length (at most 33) instead of scanning every route.
    """
    key = ("tgwrt", rt.id)
    table = idx.memo.get(key)
    if table is None:
        by_len: dict[tuple[int, int], dict[int, TgwRoute]] = {}
        for r in rt.routes:
            if not r.cidr:
                continue
            net = ipaddress.ip_network(r.cidr, strict=False)
            slot = by_len.setdefault((net.version, net.prefixlen), {})
            old = slot.get(int(net.network_address))
            if old is None or (r.type == "static" and old.type != "static"):
                slot[int(net.network_address)] = r
        table = sorted(((v, plen, slot) for (v, plen), slot in by_len.items()), key=lambda t: -t[1])
        idx.memo[key] = table
    addr = parse_ip(ip)
    value, bits = int(addr), addr.max_prefixlen
    for version, plen, slot in table:
        if version != addr.version:
            continue
        masked = value & (((1 << plen) - 1) << (bits - plen)) if plen else 0
        hit = slot.get(masked)
        if hit is not None:
            return hit
    return None


def route_text(r: TgwRoute) -> str:
    hop = ", ".join(r.attachment_ids) or ("blackhole" if r.state == "blackhole" else "no attachment")
    return f"{r.cidr} -> {hop} ({r.type}{', ' + r.state if r.state != 'active' else ''})"


def attachment_subnet_for_az(idx: SnapshotIndex, attachment_id: str, az: str) -> Optional[str]:
    """AWS docs: tgw-vpc-attachments: a VPC attachment has one subnet per enabled AZ; traffic from other AZs cannot
    reach the TGW."""
    att = idx.snap.tgw_attachments.get(attachment_id)
    for s in (att.subnet_ids if att else []):
        sub = idx.snap.subnets.get(s)
        if sub and sub.az == az:
            return s
    return None
