"""VPC peering: active only, non-transitive, no edge-to-edge, cross-Region (AWS docs: peering-lifecycle,
peering-limitations, peering-basics, peering-quotas, peering-dns).
 A peering connection is not a router: it hands a packet to the peer VPC only when the destination lies inside the peer
VPC's CIDRs, and the peer's route tables never forward it further. So B cannot reach C through A, and B cannot use A's
internet gateway, NAT gateway or gateway endpoint (AWS docs: peering-limitations). Both sides need routes (AWS docs:
peering-basics): the engine checks the reply's route on the far side when it walks the return path.
"""
from __future__ import annotations

import ipaddress
from typing import Optional

from lab_helpers.data.aws_docs import cite
from lab_helpers.sim.netsim.snapshot.index import SnapshotIndex
from lab_helpers.sim.netsim.snapshot.model import PeeringConnection


def other_side(pcx: PeeringConnection, vpc_id: str) -> Optional[tuple[str, str]]:
    """(peer vpc id, peer region) seen from ``vpc_id``; None if ``vpc_id`` is not part of this peering."""
    if pcx.requester_vpc == vpc_id:
        return pcx.accepter_vpc, pcx.accepter_region
    if pcx.accepter_vpc == vpc_id:
        return pcx.requester_vpc, pcx.requester_region
    return None


def peer_contains(idx: SnapshotIndex, pcx: PeeringConnection, peer_vpc: str, ip: str) -> bool:
    """AWS docs: peering-limitations: the peering delivers only to addresses inside the peer VPC."""
    if peer_vpc in idx.vpc_networks:
        return idx.vpc_contains(peer_vpc, ip)
    cidrs = pcx.accepter_cidrs if peer_vpc == pcx.accepter_vpc else pcx.requester_cidrs
    addr = ipaddress.ip_address(ip)
    return any(addr in ipaddress.ip_network(c) for c in cidrs)


def why_not_transitive(idx: SnapshotIndex, peer_vpc: str, ip: str) -> str:
    """A sentence naming what the learner probably hoped to use on the far side."""
    from lab_helpers.sim.netsim.gateways import gateway_endpoint_serves

    for ep in idx.snap.endpoints.values():
        if ep.vpc_id == peer_vpc and ep.type == "Gateway" and gateway_endpoint_serves(idx, ep, ip):
            return (f"{ip} belongs to the service behind {peer_vpc}'s gateway endpoint {ep.id}, but gateway endpoints "
                    f"cannot be used across a peering ({cite('s3-gateway-endpoint')}; {cite('peering-limitations')}); "
                    "create an endpoint in your own VPC")
    other = idx.vpc_of_ip(ip)
    if other and other != peer_vpc:
        return (f"{ip} is in {other}, not in the peer {peer_vpc}: peering is not transitive "
                f"({cite('peering-limitations')}); peer your VPC with {other} directly or use a transit gateway")
    if peer_vpc in idx.igw_of_vpc or any(n.vpc_id == peer_vpc for n in idx.snap.nat_gateways.values()):
        return (f"{ip} is outside {peer_vpc}; a peering gives no edge-to-edge routing, so the peer's internet or NAT "
                f"gateway cannot be used ({cite('peering-limitations')}); give your VPC its own way out")
    return (f"{ip} is outside the peer {peer_vpc}'s CIDRs, and a peering only delivers inside the peer VPC "
            f"({cite('peering-limitations')})")
