"""The walk: follow one flow hop by hop through a :class:`~.snapshot.Snapshot`, forward and back.

This is the engine behind ``lab.trace`` and the served ``StartNetworkInsightsAnalysis``. Like AWS Reachability
Analyzer it does not send packets: it reads the configuration and applies the rules of routing, security groups,
network ACLs and gateways in the order a packet meets them:

    source ENI -> its security group (egress) -> subnet route table -> subnet NACL (egress)
      -> [gateway / peering / transit gateway / local] -> destination subnet NACL (ingress)
      -> destination security group (ingress)
 then walks the reply back from where the forward packet arrived. The reply is where statelessness shows: security
groups let it through (stateful, AWS docs: infrastructure-security) but every network ACL it crosses must allow it on
the client's ephemeral ports (AWS docs: nacl-ephemeral-ports), and every route table on the way back needs a route
(peering routes on both sides, AWS docs: peering-basics; the subnet of an instance reached from the internet needs its
own route to the IGW).

Every hop records the component, what decided (route, SG rule, NACL rule, gateway), the rule used and the verdict.
The first hop that stops the packet carries a :class:`~.explain.Blocked` with an explanation code.
"""
from __future__ import annotations

from typing import Optional

from lab_helpers.data.aws_docs import cite
from lab_helpers.sim.netsim import filters, peering
from lab_helpers.sim.netsim.explain import Blocked
from lab_helpers.sim.netsim.packets import Analysis, Endpoint, Hop, Packet, WalkStopped  # noqa: F401  (Hop: part of this module's API)
from lab_helpers.sim.netsim.snapshot.index import index_of
from lab_helpers.sim.netsim.snapshot.model import Snapshot
from lab_helpers.sim.netsim.walker import Walker


def analyze(snap: Snapshot, source: Endpoint, dest: Endpoint, protocol: str = "tcp", port: Optional[int] = 443,
            source_ports: Optional[tuple[int, int]] = None) -> Analysis:
    """Walk the flow ``source`` -> ``dest`` and, if it arrives, the reply back. Never raises for a blocked path."""
    idx = index_of(snap)
    proto = filters.proto_number(protocol)
    if proto in filters.PORTED:
        dport = (port, port) if port is not None else (0, 65535)
    elif proto == "1":  # ICMP has no ports: the "port" is the ICMP type, echo request (8) unless a type is given
        icmp_type = port if port is not None and 0 <= port <= 255 and port != 443 else 8
        dport = (icmp_type, icmp_type)
    else:
        dport = (0, 0)
    fw = Walker(idx, dest, "forward")
    pkt = Packet(source.ip, dest.ip, proto, dport, source_ports or filters.EPHEMERAL_LINUX)
    try:
        _start(fw, source, dest, pkt, source_ports)
    except WalkStopped:
        pass
    result = Analysis(source, dest, pkt, False, fw.hops, [], fw.blocked, list(snap.notes))
    if fw.blocked is not None or fw.reached is None:
        if fw.blocked is None:
            result.blocked = Blocked("VPCLAB_NO_DESTINATION", "The walk ended without reaching the destination.",
                                     dest.id, dest.resource_type or dest.kind)
        return result
    kind, where, arrived = fw.reached
    result.via = {"endpoint": f"gateway endpoint {getattr(where, 'id', '')}",
                  "internet": f"internet gateway {where}"}.get(kind, "")
    rw = Walker(idx, source, "return", fw.translations)
    reply = arrived.reply()
    try:
        if kind == "eni":
            rw.hop(where.instance_id or where.id, "network-interface", "source", f"reply from {reply.src}", "forward",
                   snap.subnets.get(where.subnet_id))
            rw.route(snap.subnets[where.subnet_id], reply, "eni", sender=where)
        elif kind == "internet" and str(where).startswith("eigw-"):
            _return_via_egress_only(rw, where, reply)
        elif kind == "internet":
            rw.igw_in(reply, where)
        elif kind == "endpoint":
            _return_from_endpoint(rw, where, reply)
        else:
            rw.reached = ("n/a", None, reply)  # gateways as destinations: AWS shows no return path either
    except WalkStopped:
        pass
    result.ret = rw.hops
    if rw.blocked is not None:
        result.blocked = rw.blocked
        return result
    if rw.reached is None:
        result.blocked = Blocked("VPCLAB_NO_DESTINATION", "The reply did not find its way back to the source.",
                                 source.id, source.kind, "return")
        return result
    result.reachable = True
    return result


def _return_via_egress_only(rw: Walker, eigw_id: str, reply: Packet):
    """An egress-only IGW lets replies to IPv6 connections opened from inside back in (it is stateful)."""
    idx = rw.idx
    eigw = rw.snap.eigws.get(eigw_id)
    vpc_id = eigw.vpc_ids[0] if eigw and eigw.vpc_ids else ""
    rw.hop(eigw_id, "egress-only-internet-gateway", "gateway", "reply to a connection opened from inside",
           "forward", vpc_id=vpc_id, region=eigw.region if eigw else "")
    eni = idx.eni_by_ip.get((vpc_id, reply.dst))
    if eni is None:
        rw.stop("VPCLAB_NO_DESTINATION", f"No interface of {vpc_id} has {reply.dst}.", vpc_id, "vpc")
    rw.nacl(rw.snap.subnets[eni.subnet_id], False, reply)
    rw.deliver(eni, reply, "internet")


def _return_from_endpoint(rw: Walker, ep, reply: Packet):
    """Replies from a gateway endpoint enter the VPC straight into the client's subnet (NACL inbound applies)."""
    idx = rw.idx
    rw.hop(ep.id, "vpc-endpoint", "gateway", f"reply from {ep.service_name}", "forward", vpc_id=ep.vpc_id,
           region=ep.region)
    target = reply.dst
    eni = idx.eni_by_ip.get((ep.vpc_id, target))
    if eni is None:
        rw.stop("VPCLAB_NO_DESTINATION", f"No interface of {ep.vpc_id} has {target}.", ep.vpc_id, "vpc")
    sub = rw.snap.subnets[eni.subnet_id]
    rw.nacl(sub, False, reply)
    rw.deliver(eni, reply, "endpoint")


def _start(w: Walker, source: Endpoint, dest: Endpoint, pkt: Packet, source_ports):  # long: one branch per source kind
    snap = w.snap
    if source.kind == "eni":
        eni = source.interface
        sub = snap.subnets.get(eni.subnet_id)
        inst = snap.instances.get(eni.instance_id) if eni.instance_id else None
        label = eni.instance_id or eni.id
        if inst is not None and inst.state not in ("running", "pending"):
            w.hop(label, "instance", "source", f"instance is {inst.state}", "drop", sub)
            w.stop("BAD_STATE", f"Instance {inst.id} is {inst.state}: start it first.", inst.id, "instance")
        w.hop(label, "instance" if eni.instance_id else "network-interface", "source",
              f"{pkt.src} -> {pkt.dst}", "forward", sub)
        if eni.interface_type == "vpc_endpoint" or eni.id in {e for ep in snap.endpoints.values() for e in ep.eni_ids}:
            w.stop("VPCLAB_ENDPOINT_CANNOT_INITIATE", f"{eni.id} belongs to an interface endpoint; the service behind "
                   f"it cannot open connections into the VPC ({cite('interface-endpoints')}).", eni.id,
                   "network-interface")
        if dest.kind == "eni" and dest.interface.id == eni.id:
            w.hop(label, "instance", "destination", "source and destination are the same interface", "reached", sub)
            w.reached = ("eni", eni, pkt)
            return
        w.sg(eni, True, pkt)
        # AWS docs: network-acls: within one subnet the packet never crosses a NACL, but the route table still applies
        # (local).
        assert sub is not None, f"capture records the subnet of every ENI ({eni.id})"
        return w.route(sub, pkt, "eni", sender=eni)
    if source.kind in ("internet", "igw"):
        pkt.sport = source_ports or filters.EPHEMERAL_ANY
        w.hop(source.ip, "internet", "source", f"{pkt.src} -> {pkt.dst}", "forward", region=source.region)
        return w.igw_in(pkt, source.id if source.kind == "igw" else None)
    if source.kind == "nat":
        nat = snap.nat_gateways[source.id]
        sub = snap.subnets[nat.subnet_id]
        w.hop(nat.id, "nat-gateway", "source", f"{pkt.src} -> {pkt.dst}", "forward", sub)
        pkt.sport = source_ports or filters.EPHEMERAL_NAT_GATEWAY
        return w.route(sub, pkt, "nat")
    if source.kind == "vpce":
        w.stop("VPCLAB_ENDPOINT_CANNOT_INITIATE", f"{source.id} is a VPC endpoint: the service behind it cannot open "
               f"connections into the VPC ({cite('interface-endpoints')}). Trace from the client to the endpoint "
               "instead.", source.id,
               "vpc-endpoint")
    if source.kind == "tgw-attach":
        att = snap.tgw_attachments[source.id]
        w.hop(att.id, "transit-gateway-attachment", "source", f"{pkt.src} -> {pkt.dst}", "forward", region=att.region)
        first = snap.subnets.get(att.subnet_ids[0]) if att.subnet_ids else None
        return w.tgw_route(att.tgw_id, att.id, pkt, first.az if first else "")
    if source.kind == "tgw":
        atts = [a for a in snap.tgw_attachments.values() if a.tgw_id == source.id and a.type == "vpc"]
        att = next((a for a in atts if w.idx.vpc_contains(a.resource_id, pkt.src)), atts[0] if atts else None)
        if att is None:
            w.stop("VPCLAB_TGW_NO_ATTACHMENT", f"{source.id} has no VPC attachments.", source.id, "transit-gateway")
        w.hop(source.id, "transit-gateway", "source", f"{pkt.src} -> {pkt.dst}", "forward", region=att.region)
        first = snap.subnets.get(att.subnet_ids[0]) if att.subnet_ids else None
        return w.tgw_route(source.id, att.id, pkt, first.az if first else "")
    if source.kind == "pcx":
        pcx = snap.peerings[source.id]
        w.hop(pcx.id, "vpc-peering-connection", "source", f"{pkt.src} -> {pkt.dst}", "forward")
        if not peering.peer_contains(w.idx, pcx, pcx.accepter_vpc, pkt.dst):
            w.stop("VPCLAB_PEERING_NOT_TRANSITIVE", f"{pkt.dst} is not inside {pcx.accepter_vpc}: "
                   f"{peering.why_not_transitive(w.idx, pcx.accepter_vpc, pkt.dst)}.", pcx.id, "vpc-peering-connection")
        peer_eni = w.idx.eni_by_ip.get((pcx.accepter_vpc, pkt.dst))
        if peer_eni is None:
            w.stop("VPCLAB_NO_DESTINATION", f"No interface in {pcx.accepter_vpc} has {pkt.dst}.", pcx.id,
                   "vpc-peering-connection")
        w.nacl(snap.subnets[peer_eni.subnet_id], False, pkt)
        return w.deliver(peer_eni, pkt, "pcx")
    if source.kind == "ip":
        vpc = w.idx.vpc_of_ip(pkt.src)
        src_eni = w.idx.eni_by_ip.get((vpc, pkt.src)) if vpc else None
        if src_eni is not None:
            source.eni = src_eni
            source.kind = "eni"
            return _start(w, source, dest, pkt, source_ports)
        sub = w.idx.subnet_of_ip(vpc, pkt.src) if vpc else None
        if sub is None:
            source.kind = "internet"
            return _start(w, source, dest, pkt, source_ports)
        w.hop(pkt.src, "ip", "source", f"{pkt.src} -> {pkt.dst}", "forward", sub)
        return w.route(sub, pkt, "eni")
    w.stop("VPCLAB_NOT_MODELLED", f"Cannot start a path from {source.id} ({source.kind}).", source.id, source.kind)
