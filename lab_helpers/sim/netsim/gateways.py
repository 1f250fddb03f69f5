"""Internet gateways, NAT gateways and VPC endpoints: what each lets through (AWS docs: internet-gateway, nat-gateway,
nat-gateway-basics, nat-gateway-troubleshooting, nat-instance, gateway-endpoints, s3-gateway-endpoint,
endpoint-policies, interface-endpoints, vpc-dns, s3-interface-endpoint).

* IGW (AWS docs: internet-gateway): one-to-one NAT. Outbound, the sender's private IPv4 must map to a public IPv4/EIP
  (the ENI's association, or a public NAT gateway's EIP); inbound, the packet must be addressed to such a public IP,
  which the IGW rewrites to the private IP. A packet addressed to a private IP is dropped
  (IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS).
* NAT gateway (AWS docs: nat-gateway): many-to-one (PAT). Outbound only; the source becomes the NAT's private IP and
  a port from 1024-65535; a public NAT then leaves through the IGW with its EIP; a private NAT's traffic is dropped
  at the IGW. Peers across a peering cannot use it (the peering never hands a packet to a route table).
* Gateway endpoint (AWS docs: gateway-endpoints, s3-gateway-endpoint): a route ``pl-xxxx -> vpce-xxxx``; serves only
  the service's prefix list in its own Region and only traffic that starts in its own VPC.
* Interface endpoint (AWS docs: interface-endpoints): ENIs in subnets; reaching it is reaching an ENI, so its security
  group must allow the port; the service behind it cannot open connections into the VPC.
"""
from __future__ import annotations

import ipaddress
from typing import Optional

from lab_helpers.sim.netsim.snapshot.index import SnapshotIndex
from lab_helpers.sim.netsim.snapshot.model import Eni, NatGateway, PrefixList, VpcEndpoint, parse_ip


def public_ip_of_sender(idx: SnapshotIndex, vpc_id: str,
                        src_ip: str) -> tuple[str, Optional[Eni], Optional[NatGateway]]:
    """The public IPv4 the IGW maps ``src_ip`` to (AWS docs: internet-gateway), and the ENI or NAT gateway that owns it.
    """
    eni = idx.eni_by_ip.get((vpc_id, src_ip))
    nat = next((n for n in idx.snap.nat_gateways.values() if src_ip in n.private_ips and n.vpc_id == vpc_id), None)
    if nat is not None:
        return (nat.public_ips[0] if nat.public_ips and nat.connectivity != "private" else ""), eni, nat
    if eni is not None and eni.public_ip:
        return eni.public_ip, eni, None
    return "", eni, None


def ingress_owner(idx: SnapshotIndex, public_ip: str):
    """Who owns a public IPv4 in the snapshot: ("nat", NatGateway) or ("eni", Eni), else None."""
    nat = idx.nat_by_public_ip.get(public_ip)
    if nat is not None:
        return "nat", nat
    eni = idx.eni_by_public_ip.get(public_ip)
    if eni is not None:
        if eni.id in {e for n in idx.snap.nat_gateways.values() for e in n.eni_ids}:
            return "nat", next(n for n in idx.snap.nat_gateways.values() if eni.id in n.eni_ids)
        return "eni", eni
    return None


def aws_service_prefix_list(idx: SnapshotIndex, region: str, service: str) -> Optional[PrefixList]:
    """The AWS-managed prefix list ``com.amazonaws.<region>.<service>`` (its pl- id is random on moto)."""
    want = f"com.amazonaws.{region}.{service}"
    return next((p for p in idx.snap.prefix_lists.values() if p.region == region and p.name == want), None)


def service_of_address(idx: SnapshotIndex, ip: str) -> Optional[PrefixList]:
    """The AWS service prefix list (any captured Region) containing ``ip``: an S3 or DynamoDB address."""
    addr = parse_ip(ip)
    for pl in idx.snap.prefix_lists.values():
        if pl.name.startswith("com.amazonaws.") and any(addr in n for n in idx.prefix_networks.get(pl.id, [])
                                                        if n.version == addr.version):
            return pl
    return None


def gateway_endpoint_serves(idx: SnapshotIndex, ep: VpcEndpoint, ip: str) -> bool:
    """AWS docs: s3-gateway-endpoint: the endpoint's service prefix list *in its own Region* contains ``ip``."""
    service = ep.service_name.rsplit(".", 1)[-1]
    pl = aws_service_prefix_list(idx, ep.region, service)
    if pl is None:
        return False
    addr = parse_ip(ip)
    return any(addr in n for n in idx.prefix_networks.get(pl.id, []) if n.version == addr.version)


def nat_source_ip(nat: NatGateway) -> str:
    return nat.private_ips[0] if nat.private_ips else "0.0.0.0"


def interface_endpoint_eni(idx: SnapshotIndex, ep: VpcEndpoint, prefer_az: str = "") -> Optional[Eni]:
    """The endpoint ENI a client in ``prefer_az`` would use (one ENI per subnet, AWS docs: interface-endpoints)."""
    enis = [idx.snap.enis[e] for e in ep.eni_ids if e in idx.snap.enis]
    for eni in enis:
        sub = idx.snap.subnets.get(eni.subnet_id)
        if sub and sub.az == prefer_az:
            return eni
    return enis[0] if enis else None


# Ranges no internet router forwards (RFC 1918, shared CGNAT space, link-local, loopback, IPv6 ULA/link-local).
# Documentation ranges (198.51.100.0/24…) are deliberately absent: the engine uses them for "a client on the
# internet".
_NOT_ROUTED = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8",
    "fc00::/7", "fe80::/10"))


def not_internet_routable(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip.version == net.version and ip in net for net in _NOT_ROUTED)
