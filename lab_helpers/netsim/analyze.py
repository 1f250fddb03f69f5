"""The walk: follow one flow hop by hop through a :class:`~.snapshot.Snapshot`, forward and back.

This is the engine behind ``lab.trace`` and the served ``StartNetworkInsightsAnalysis``. Like AWS Reachability
Analyzer it does not send packets: it reads the configuration and applies the rules of routing, security groups,
network ACLs and gateways in the order a packet meets them:

    source ENI -> its security group (egress) -> subnet route table -> subnet NACL (egress)
      -> [gateway / peering / transit gateway / local] -> destination subnet NACL (ingress)
      -> destination security group (ingress)

then walks the reply back from where the forward packet arrived. The reply is where statelessness shows: security
groups let it through (stateful, rule 27) but every network ACL it crosses must allow it on the client's
ephemeral ports (rule 32), and every route table on the way back needs a route (peering routes on both sides,
rule 47; the subnet of an instance reached from the internet needs its own route to the IGW).

Every hop records the component, what decided (route, SG rule, NACL rule, gateway), the rule used and the verdict.
The first hop that stops the packet carries a :class:`~.explain.Blocked` with an explanation code.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Optional

from . import filters, gateways, peering, routing, tgw
from .explain import Blocked
from .snapshot import Eni, Snapshot, SnapshotIndex, Subnet

MAX_HOPS = 64
INTERNET_CLIENT = "198.51.100.10"  # TEST-NET-2: the address "the internet" sends from when none is given
INTERNET_SERVER = "8.8.8.8"


@dataclass
class Hop:
    """One step of a path: which component, what decided, the rule or route used, and the verdict."""

    component_id: str
    component_type: str  # instance | network-interface | security-group | network-acl | route-table | ...
    decided_by: str  # "source", "security group rule", "network ACL rule", "route", "gateway", "destination", ...
    rule: str  # the rule or route, in words
    verdict: str  # "allow" | "deny" | "forward" | "reached" | "drop"
    direction: str = "forward"  # forward | return
    region: str = ""
    vpc_id: str = ""
    subnet_id: str = ""
    aws: dict = field(default_factory=dict)  # AWS PathComponent fields (AclRule, RouteTableRoute, ...)

    @property
    def ok(self) -> bool:
        return self.verdict not in ("deny", "drop")


@dataclass
class Packet:
    src: str
    dst: str
    proto: str  # IANA number as a string: "6" tcp, "17" udp, "1" icmp, "-1" all
    dport: tuple[int, int]
    sport: tuple[int, int]

    def reply(self) -> "Packet":
        return Packet(self.dst, self.src, self.proto, self.sport, self.dport)

    @property
    def port(self) -> Optional[int]:
        return self.dport[0] if self.dport[0] == self.dport[1] else None


@dataclass
class Endpoint:
    """A resolved source or destination."""

    kind: str  # eni | internet | service | igw | nat | vpce | pcx | tgw | tgw-attach | ip
    id: str  # what the caller named (instance id, eni id, "internet", an IP...)
    ip: str = ""
    region: str = ""
    vpc_id: str = ""
    eni: Optional[Eni] = None
    service: str = ""  # for kind service: prefix-list name, e.g. com.amazonaws.us-east-1.s3
    resource_type: str = ""  # AWS type name for the component (instance, network-interface, internet-gateway...)


@dataclass
class Analysis:
    source: Endpoint
    destination: Endpoint
    packet: Packet
    reachable: bool
    forward: list[Hop]
    ret: list[Hop]
    blocked: Optional[Blocked]
    notes: list[str] = field(default_factory=list)
    via: str = ""  # how the destination was reached, e.g. "gateway endpoint vpce-..." or "internet gateway igw-..."


class _Stop(Exception):
    """Raised inside the walk when a hop drops the packet."""


class Walker:
    """One direction of one flow. ``mode`` is "forward" or "return"."""

    def __init__(self, idx: SnapshotIndex, dest: Endpoint, mode: str = "forward", translations: Optional[dict] = None):
        self.idx = idx
        self.snap: Snapshot = idx.snap
        self.dest = dest
        self.mode = mode
        self.hops: list[Hop] = []
        self.blocked: Optional[Blocked] = None
        self.reached: Optional[tuple] = None  # ("eni", Eni, Packet) | ("internet", igw_id, Packet) | ("endpoint", ...)
        self.translations = translations if translations is not None else {}
        self.steps = 0

    # -- recording ---------------------------------------------------------------------------------------------
    def hop(self, cid, ctype, decided_by, rule, verdict, subnet: Optional[Subnet] = None, vpc_id="", region="",
            **aws) -> Hop:
        h = Hop(cid, ctype, decided_by, rule, verdict, self.mode, region or (subnet.region if subnet else ""),
                vpc_id or (subnet.vpc_id if subnet else ""), subnet.id if subnet else "", aws)
        self.hops.append(h)
        return h

    def stop(self, code: str, sentence: str, cid: str, ctype: str, **aws):
        if self.blocked is None:
            self.blocked = Blocked(code, sentence, cid, ctype, self.mode, aws)
        raise _Stop()

    def tick(self):
        self.steps += 1
        if self.steps > MAX_HOPS:
            self.stop("VPCLAB_ROUTING_LOOP", "The packet kept being forwarded without arriving: two route tables "
                      "point at each other. Check the routes on the path for a loop.", "", "route-table")

    # -- filters -----------------------------------------------------------------------------------------------
    def sg(self, eni: Eni, egress: bool, pkt: Packet):
        """Security groups of ``eni`` (rule 26-27). On the return leg they are stateful: nothing to check."""
        way = "outbound" if egress else "inbound"
        sub = self.snap.subnets.get(eni.subnet_id)
        if self.mode == "return":
            self.hop(",".join(eni.sg_ids) or eni.id, "security-group", "connection tracking",
                     f"reply of an allowed connection ({way}): security groups are stateful", "allow", sub)
            return
        remote = pkt.dst if egress else pkt.src
        v = filters.sg_evaluate(self.idx, eni.sg_ids, egress, pkt.proto, pkt.port, remote)
        proto = filters.PROTO_NAMES.get(pkt.proto, pkt.proto)
        if v.allowed:
            self.hop(v.group_id, "security-group", "security group rule", filters.sg_rule_text(v.rule), "allow", sub,
                     SecurityGroupRule=_sg_rule_aws(v.group_id, v.rule))
            return
        groups = ", ".join(eni.sg_ids) or "(none)"
        self.hop(groups, "security-group", "security group rule", f"no {way} rule matches", "deny", sub)
        port = f" port {pkt.port}" if pkt.port is not None else ""
        if egress:
            hint = (f"add an outbound rule for {proto}{port} to {remote} (a new group allows all outbound; "
                    "someone removed that rule)")
        else:
            hint = f"add an inbound rule to {eni.sg_ids[0] if eni.sg_ids else 'the group'} allowing {proto}{port} from {remote}"
            if self.idx.eni_by_ip.get((eni.vpc_id, remote)):
                src_groups = self.idx.eni_by_ip[(eni.vpc_id, remote)].sg_ids
                hint += f" (or from the source's security group {src_groups[0]})" if src_groups else ""
        self.stop("ENI_SG_RULES_MISMATCH",
                  f"Security group(s) {groups} of {eni.instance_id or eni.id} allow no {way} {proto}{port} "
                  f"{'to' if egress else 'from'} {remote}: {hint}.",
                  eni.sg_ids[0] if eni.sg_ids else eni.id, "security-group", Direction="egress" if egress else "ingress",
                  SecurityGroups=[_comp(g, "security-group", self.snap, eni.region) for g in eni.sg_ids],
                  NetworkInterface=_comp(eni.id, "network-interface", self.snap, eni.region))

    def nacl(self, subnet: Subnet, egress: bool, pkt: Packet):
        """The subnet's network ACL (rules 30-32): first match by rule number, on every destination port."""
        acl = self.idx.nacl_for_subnet(subnet.id)
        if acl is None:
            return
        remote = pkt.dst if egress else pkt.src
        v = filters.nacl_evaluate(acl, egress, pkt.proto, pkt.dport, remote, memo=self.idx.memo)
        way = "outbound" if egress else "inbound"
        if v.allowed:
            self.hop(acl.id, "network-acl", "network ACL rule", f"{way} {filters.nacl_entry_text(v.deciding)}",
                     "allow", subnet, AclRule=_acl_rule_aws(v.deciding))
            return
        proto = filters.PROTO_NAMES.get(pkt.proto, pkt.proto)
        bad = v.denied_ports
        if pkt.proto in filters.PORTED:
            ports = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in bad)
            what = f"{proto} port(s) {ports}"
        else:
            what = proto
        self.hop(acl.id, "network-acl", "network ACL rule", f"{way} {filters.nacl_entry_text(v.deciding)}", "deny",
                 subnet, AclRule=_acl_rule_aws(v.deciding))
        if self.mode == "return":
            hint = (f"NACLs are stateless: the reply to the connection needs its own {way} rule. Allow {proto} "
                    f"{pkt.dport[0]}-{pkt.dport[1]} (the client's ephemeral ports, rule 32) "
                    f"{'to' if egress else 'from'} {remote}")
        else:
            hint = (f"add an {way} allow rule for {what} {'to' if egress else 'from'} {remote} with a number lower "
                    f"than the rule that denies it")
        kind = "default" if acl.is_default else "custom"
        self.stop("SUBNET_ACL_RESTRICTION",
                  f"Network ACL {acl.id} ({kind}) of {subnet.id} denies {way} {what} "
                  f"{'to' if egress else 'from'} {remote} ({filters.nacl_entry_text(v.deciding)}): {hint}.",
                  acl.id, "network-acl", Direction="egress" if egress else "ingress",
                  Acl=_comp(acl.id, "network-acl", self.snap, subnet.region), AclRule=_acl_rule_aws(v.deciding),
                  Subnet=_comp(subnet.id, "subnet", self.snap, subnet.region))

    # -- arrivals ----------------------------------------------------------------------------------------------
    def is_destination_eni(self, eni: Eni, pkt: Packet) -> bool:
        if self.mode == "return":
            return pkt.dst in _ips(eni) and pkt.dst not in self.translations
        d = self.dest
        if d.eni is not None:
            return d.eni.id == eni.id
        return pkt.dst in _ips(eni) and d.kind in ("ip", "vpce")

    def deliver(self, eni: Eni, pkt: Packet, origin: str):
        """The packet reaches ``eni`` (its subnet's NACL was already checked by the caller)."""
        sub = self.snap.subnets.get(eni.subnet_id)
        if self.mode == "return" and pkt.dst in self.translations:
            return self.untranslate(pkt, origin)
        if self.is_destination_eni(eni, pkt):
            if self.mode == "forward":
                self.sg(eni, False, pkt)
            label = eni.instance_id or eni.id
            self.hop(label, "instance" if eni.instance_id else "network-interface", "destination",
                     f"delivered to {pkt.dst}", "reached", sub)
            self.reached = ("eni", eni, pkt)
            return
        # Someone else's ENI took the packet: an appliance (NAT instance, firewall) on the route.
        return self.appliance(eni, pkt, origin)

    def appliance(self, eni: Eni, pkt: Packet, origin: str):
        """A route pointed at an instance/ENI: the middlebox must accept and forward (rule 25)."""
        self.tick()
        sub = self.snap.subnets.get(eni.subnet_id)
        if self.mode == "forward":
            self.sg(eni, False, pkt)
        label = eni.instance_id or eni.id
        if pkt.dst not in _ips(eni) and eni.source_dest_check:
            self.hop(label, "instance" if eni.instance_id else "network-interface", "source/destination check",
                     "SourceDestCheck=true: drops packets not addressed to it", "drop", sub)
            self.stop("VPCLAB_SOURCE_DEST_CHECK",
                      f"{label} received traffic for {pkt.dst} but its source/destination check is on, so it drops "
                      "it: run modify_instance_attribute(SourceDestCheck={'Value': False}) on the NAT/appliance "
                      "instance (rule 25).", eni.id, "network-interface",
                      NetworkInterface=_comp(eni.id, "network-interface", self.snap, eni.region))
        if pkt.dst in _ips(eni):
            self.hop(label, "network-interface", "destination", f"addressed to {pkt.dst}", "reached", sub)
            self.reached = ("eni", eni, pkt)
            return
        out = pkt
        if self.mode == "forward" and self.idx.vpc_of_ip(pkt.dst) is None:
            # Approximation: an appliance forwarding to an address outside every VPC is taken to be a NAT
            # instance that masquerades (iptables MASQUERADE), like the NAT AMI.
            new_src = eni.private_ips[0]
            self.translations[new_src] = (pkt.src, pkt.sport, eni.id)
            out = Packet(new_src, pkt.dst, pkt.proto, pkt.dport, filters.EPHEMERAL_LINUX)
            self.hop(label, "instance" if eni.instance_id else "network-interface", "gateway",
                     f"forwards (SourceDestCheck=false) and masquerades {pkt.src} as {new_src} "
                     "(engine assumption: an appliance sending outside every VPC is a NAT instance)", "forward", sub)
        else:
            self.hop(label, "instance" if eni.instance_id else "network-interface", "gateway",
                     "forwards (SourceDestCheck=false)", "forward", sub)
        if self.mode == "forward":
            self.sg(eni, True, out)
        return self.route(sub, out, "appliance", sender=eni)

    def untranslate(self, pkt: Packet, origin: str):
        """Return leg at a NAT device: rewrite the reply back to the original client and route it on."""
        orig_ip, orig_ports, device = self.translations[pkt.dst]
        where = self.snap.nat_gateways.get(device)
        sub = self.snap.subnets.get(where.subnet_id if where else self.snap.enis[device].subnet_id)
        self.hop(device, "nat-gateway" if where else "network-interface", "gateway",
                 f"reverse translation {pkt.dst} -> {orig_ip}", "forward", sub)
        back = Packet(pkt.src, orig_ip, pkt.proto, orig_ports, pkt.sport)
        return self.route(sub, back, "nat")

    # -- routing -----------------------------------------------------------------------------------------------
    def route(self, subnet: Subnet, pkt: Packet, origin: str, sender: Optional[Eni] = None):
        """Route ``pkt`` out of ``subnet`` by its route table (origin: eni | nat | tgw | appliance | internet)."""
        self.tick()
        idx = self.idx
        rt = idx.route_table_for_subnet(subnet.id)
        match = routing.lookup(idx, rt, pkt.dst)
        region = subnet.region
        if rt is not None and idx.eni_by_ip.get((subnet.vpc_id, pkt.dst)) and not idx.vpc_contains(subnet.vpc_id, pkt.dst):
            # moto gives NAT-gateway and endpoint ENIs random IPs outside the VPC (moto-fidelity §3); on AWS
            # every ENI address is inside the VPC CIDR, so the local route is what would carry it.
            local = next((r for r in rt.routes if r.target_type == "local"), None)
            if local is not None:
                match = routing.RouteMatch(local, local.destination)
        if match is None:
            rid = rt.id if rt else "(no route table)"
            self.hop(rid, "route-table", "route", f"no route matches {pkt.dst}", "drop", subnet)
            hint = self._no_route_hint(subnet, pkt)
            self.stop("NO_ROUTE_TO_DESTINATION",
                      f"Route table {rid} of {subnet.id} has no route for {pkt.dst}{' (the reply)' if self.mode == 'return' else ''}: {hint}.",
                      rid, "route-table", RouteTable=_comp(rid, "route-table", self.snap, region),
                      Subnet=_comp(subnet.id, "subnet", self.snap, region), Address=pkt.dst)
        r = match.route
        text = f"{r.destination}{' (' + match.matched_cidr + ')' if r.is_prefix_list else ''} -> {r.target_id}"
        problem = routing.target_problem(idx, subnet.vpc_id, r)
        if problem:
            self.hop(rt.id, "route-table", "route", f"{text}: {problem}", "drop", subnet,
                     RouteTableRoute=_route_aws(r, "blackhole"))
            self.stop("BAD_STATE_ROUTE",
                      f"Route table {rt.id} sends {pkt.dst} to {r.target_id}, but {problem}: point the route at a "
                      "working target (replace_route) or delete it.", rt.id, "route-table",
                      RouteTable=_comp(rt.id, "route-table", self.snap, region),
                      RouteTableRoute=_route_aws(r, "blackhole"))
        self.hop(rt.id, "route-table", "route", text, "forward", subnet, RouteTableRoute=_route_aws(r))
        t = r.target_type
        if t == "local":
            return self.local(subnet, pkt, origin)
        if t == "gateway" and r.target_id.startswith("igw-"):
            return self.igw_out(subnet, pkt, r.target_id, origin)
        if t == "gateway" and r.target_id.startswith("vpce-"):
            return self.gateway_endpoint(subnet, pkt, r.target_id, origin)
        if t == "nat":
            return self.nat(subnet, pkt, r.target_id, origin)
        if t in ("eni", "instance"):
            eni = self._target_eni(r)
            if eni is None:
                self.stop("BAD_STATE_ROUTE", f"Route target {r.target_id} has no network interface.", rt.id,
                          "route-table")
            if eni.subnet_id != subnet.id:
                self.nacl(subnet, True, pkt)
                self.nacl(self.snap.subnets[eni.subnet_id], False, pkt)
            return self.deliver(eni, pkt, origin) if pkt.dst in _ips(eni) else self.appliance(eni, pkt, origin)
        if t == "pcx":
            return self.peering(subnet, pkt, r.target_id, origin)
        if t == "tgw":
            return self.tgw_in(subnet, pkt, r.target_id, origin)
        if t == "eigw":
            self.nacl(subnet, True, pkt)
            self.hop(r.target_id, "egress-only-internet-gateway", "gateway", "IPv6 outbound only", "forward", subnet)
            return self.internet(pkt, r.target_id, subnet)
        self.stop("VPCLAB_NOT_MODELLED", f"Route {text} uses a {t} target, which this engine does not model.",
                  r.target_id, t)

    def _target_eni(self, r) -> Optional[Eni]:
        if r.target_type == "eni":
            return self.snap.enis.get(r.target_id)
        inst = self.snap.instances.get(r.target_id)
        return self.snap.enis.get(inst.eni_ids[0]) if inst and inst.eni_ids else None

    def _no_route_hint(self, subnet: Subnet, pkt: Packet) -> str:
        idx = self.idx
        other = idx.vpc_of_ip(pkt.dst)
        if other and other != subnet.vpc_id:
            links = [p.id for p in self.snap.peerings.values() if p.status == "active" and
                     {p.requester_vpc, p.accepter_vpc} == {subnet.vpc_id, other}]
            if links:
                return f"add a route for {other}'s CIDR to {links[0]} (peering routes are needed on both sides, rule 47)"
            return f"{pkt.dst} is in {other}; connect the VPCs (peering or transit gateway) and add a route"
        if gateways.service_of_address(idx, pkt.dst):
            return "add a gateway endpoint for the service, or a default route to a NAT gateway / internet gateway"
        if self.mode == "return" and other is None:
            return ("the reply to the internet needs a default route (0.0.0.0/0) to the internet gateway in the "
                    "destination's subnet too")
        return "add a route (e.g. 0.0.0.0/0 to an internet or NAT gateway) for this destination"

    def local(self, subnet: Subnet, pkt: Packet, origin: str):
        """Rule 3: the local route delivers anywhere inside the VPC; NACLs apply only between subnets (rule 31)."""
        idx = self.idx
        eni = idx.eni_by_ip.get((subnet.vpc_id, pkt.dst))
        dst_sub = self.snap.subnets.get(eni.subnet_id) if eni else idx.subnet_of_ip(subnet.vpc_id, pkt.dst)
        if dst_sub is None:
            self.stop("VPCLAB_NO_DESTINATION", f"No subnet of {subnet.vpc_id} contains {pkt.dst}: it is inside the "
                      "VPC CIDR but no subnet covers it.", subnet.vpc_id, "vpc")
        if dst_sub.id != subnet.id:
            self.nacl(subnet, True, pkt)
            self.nacl(dst_sub, False, pkt)
        if eni is None:
            if self.mode == "forward" and self.dest.kind == "ip":
                self.hop(dst_sub.id, "subnet", "destination", f"{pkt.dst} is an address of this subnet", "reached",
                         dst_sub)
                self.reached = ("ip", dst_sub, pkt)
                return
            self.stop("VPCLAB_NO_DESTINATION", f"No network interface in {dst_sub.id} has the address {pkt.dst}.",
                      dst_sub.id, "subnet")
        return self.deliver(eni, pkt, origin)

    # -- gateways ----------------------------------------------------------------------------------------------
    def igw_out(self, subnet: Subnet, pkt: Packet, igw_id: str, origin: str):
        """Rules 15-16, 19: leave through the IGW with a public IPv4 (1:1 NAT)."""
        idx = self.idx
        self.nacl(subnet, True, pkt)
        public, eni, nat = gateways.public_ip_of_sender(idx, subnet.vpc_id, pkt.src)
        if nat is not None and nat.connectivity == "private":
            self.hop(igw_id, "internet-gateway", "gateway", f"traffic from private NAT gateway {nat.id}", "drop",
                     subnet)
            self.stop("VPCLAB_PRIVATE_NAT_TO_IGW",
                      f"{nat.id} is a private NAT gateway, and the internet gateway drops its traffic (rule 19): "
                      "use a public NAT gateway (with an EIP, in a public subnet) for internet access.",
                      igw_id, "internet-gateway", NatGateway=_comp(nat.id, "natgateway", self.snap, subnet.region))
        if addr_is_v6(pkt.src):
            public = pkt.src
        if not public:
            who = (eni.instance_id or eni.id) if eni else pkt.src
            self.hop(igw_id, "internet-gateway", "gateway", f"{pkt.src} has no public IPv4", "drop", subnet)
            where = "" if origin in ("eni", "appliance") else f" (it arrived via {origin})"
            self.stop("VPCLAB_NO_PUBLIC_IP",
                      f"{who}{where} has no public IPv4 or Elastic IP, so internet gateway {igw_id} cannot "
                      "translate it (rule 15): associate an Elastic IP, launch with a public IP, or route "
                      "0.0.0.0/0 to a NAT gateway instead.", igw_id, "internet-gateway",
                      InternetGateway=_comp(igw_id, "internet-gateway", self.snap, subnet.region))
        out = Packet(public, pkt.dst, pkt.proto, pkt.dport, pkt.sport)
        what = f"IPv6 {pkt.src} forwarded as is" if public == pkt.src else f"1:1 NAT {pkt.src} -> {public}"
        self.hop(igw_id, "internet-gateway", "gateway", what, "forward", subnet, OutboundHeader=_header(out))
        if self.mode == "forward" and self.dest.kind == "igw" and self.dest.id == igw_id:
            self.reached = ("igw", igw_id, out)
            return
        return self.internet(out, igw_id, subnet)

    def internet(self, pkt: Packet, igw_id: str, subnet: Subnet):
        """The packet is on the internet: it arrives, or comes back in through the IGW owning its address."""
        owner = gateways.ingress_owner(self.idx, pkt.dst)
        if owner is not None:
            return self.igw_in(pkt, None)
        svc = gateways.service_of_address(self.idx, pkt.dst)
        if svc is None and gateways.not_internet_routable(pkt.dst):
            self.hop(pkt.dst, "internet", "destination", f"{pkt.dst} is a private address", "drop",
                     region=subnet.region)
            self.stop("VPCLAB_PRIVATE_ADDRESS_ON_INTERNET",
                      f"{pkt.dst} is a private address, and private ranges are not routed on the internet: the "
                      f"packet left through {igw_id} and goes nowhere. To reach another VPC privately, connect it "
                      "(peering or a transit gateway) and add a route for its CIDR.", igw_id, "internet-gateway",
                      InternetGateway=_comp(igw_id, "internet-gateway", self.snap, subnet.region))
        label = f"internet ({svc.name})" if svc else "internet"
        self.hop(pkt.dst, "internet", "destination", f"{label} via {igw_id}", "reached", region=subnet.region)
        self.reached = ("internet", igw_id, pkt)

    def igw_in(self, pkt: Packet, igw_id: Optional[str]):
        """Rule 16: from the internet to a public IP; the IGW rewrites it to the private IP it maps."""
        self.tick()
        idx = self.idx
        owner = gateways.ingress_owner(idx, pkt.dst)
        if owner is None:
            vpc = idx.vpc_of_ip(pkt.dst)
            igw = igw_id or (idx.igw_of_vpc[vpc].id if vpc in idx.igw_of_vpc else "")
            self.hop(igw or "internet", "internet-gateway", "gateway", f"{pkt.dst} is not a public address here",
                     "drop")
            self.stop("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
                      f"Traffic from the internet is addressed to {pkt.dst}, which no public IPv4/EIP maps to: give "
                      "the destination a public IP or Elastic IP (an internet gateway only forwards to public "
                      "addresses, rule 15).", igw or pkt.dst, "internet-gateway", Address=pkt.dst)
        kind, thing = owner
        vpc_id = thing.vpc_id
        igw = idx.igw_of_vpc.get(vpc_id)
        if igw is None or (igw_id and igw.id != igw_id):
            want = igw_id or "an internet gateway"
            self.hop(want, "internet-gateway", "gateway", f"not attached to {vpc_id}", "drop")
            self.stop("BAD_STATE_ATTACHMENT",
                      f"{vpc_id} (owner of {pkt.dst}) has {'no' if igw is None else 'another'} internet gateway "
                      f"attached{'' if igw is None else ' (' + igw.id + ')'}: attach one with "
                      "attach_internet_gateway.", want, "internet-gateway", Vpc=_comp(vpc_id, "vpc", self.snap, ""))
        if kind == "nat":
            nat = thing
            sub = self.snap.subnets.get(nat.subnet_id)
            private = gateways.nat_source_ip(nat)
            self.hop(igw.id, "internet-gateway", "gateway", f"1:1 NAT {pkt.dst} -> {private}", "forward", sub)
            inner = Packet(pkt.src, private, pkt.proto, pkt.dport, pkt.sport)
            self.nacl(sub, False, inner)
            if self.mode == "return" and private in self.translations:
                return self.untranslate(inner, "internet")
            self.hop(nat.id, "nat-gateway", "gateway", "connections from the internet are not accepted", "drop", sub)
            self.stop("VPCLAB_NAT_NO_INBOUND",
                      f"NAT gateway {nat.id} drops connections opened from the internet (rule 18): a NAT gateway "
                      "is for outbound traffic; to accept inbound use a public IP on the instance or a load balancer.",
                      nat.id, "nat-gateway", NatGateway=_comp(nat.id, "natgateway", self.snap, nat.region))
        eni = thing
        sub = self.snap.subnets.get(eni.subnet_id)
        if addr_is_v6(pkt.dst):  # IPv6 addresses are public as they are: no translation
            private, what = pkt.dst, f"IPv6 {pkt.dst} forwarded as is"
        else:
            private = eni.private_ips[0]
            what = f"1:1 NAT {pkt.dst} -> {private}"
        inner = Packet(pkt.src, private, pkt.proto, pkt.dport, pkt.sport)
        self.hop(igw.id, "internet-gateway", "gateway", what, "forward", sub, InboundHeader=_header(inner))
        edge = idx.rt_of_gateway.get(igw.id)
        if edge is not None:  # rule 12: an edge-associated (ingress) route table can steer to a middlebox
            m = routing.lookup(idx, edge, private)
            if m and m.route.target_type in ("eni", "instance"):
                self.hop(edge.id, "route-table", "route", f"ingress route {m.route.destination} -> {m.route.target_id}",
                         "forward", sub, RouteTableRoute=_route_aws(m.route))
                mid = self._target_eni(m.route)
                if mid is not None:
                    return self.appliance(mid, inner, "internet")
        self.nacl(sub, False, inner)
        return self.deliver(eni, inner, "internet")

    def nat(self, subnet: Subnet, pkt: Packet, nat_id: str, origin: str):
        """Rules 18-19, 23-24: a NAT gateway rewrites the source to its own address and ports 1024-65535."""
        nat = self.snap.nat_gateways[nat_id]
        nat_sub = self.snap.subnets.get(nat.subnet_id)
        if nat_sub is None:
            self.stop("BAD_STATE", f"NAT gateway {nat_id}'s subnet is missing.", nat_id, "nat-gateway")
        if nat_sub.id != subnet.id:
            self.nacl(subnet, True, pkt)
            self.nacl(nat_sub, False, pkt)
        if self.mode == "forward" and self.dest.kind == "nat" and self.dest.id == nat_id:
            self.hop(nat_id, "nat-gateway", "destination", "reached the NAT gateway", "reached", nat_sub)
            self.reached = ("nat", nat, pkt)
            return
        new_src = gateways.nat_source_ip(nat)
        self.translations[new_src] = (pkt.src, pkt.sport, nat.id)
        out = Packet(new_src, pkt.dst, pkt.proto, pkt.dport, filters.EPHEMERAL_NAT_GATEWAY)
        self.hop(nat_id, "nat-gateway", "gateway",
                 f"{nat.connectivity} NAT: source {pkt.src} -> {new_src}, ports 1024-65535", "forward", nat_sub,
                 OutboundHeader=_header(out))
        return self.route(nat_sub, out, "nat")

    def gateway_endpoint(self, subnet: Subnet, pkt: Packet, vpce_id: str, origin: str):
        """Rules 34-35: the pl- route to a gateway endpoint serves its own VPC's traffic, in its own Region."""
        ep = self.snap.endpoints[vpce_id]
        if origin in ("tgw",):
            self.hop(vpce_id, "vpc-endpoint", "gateway", f"traffic arrived via {origin}", "drop", subnet)
            self.stop("VPCLAB_GATEWAY_ENDPOINT_NOT_TRANSITIVE",
                      f"Gateway endpoint {vpce_id} serves only traffic that starts in {ep.vpc_id}; this packet "
                      f"came through a transit gateway (rule 35): use an interface endpoint (reachable across "
                      "TGW and peering, rule 40) or an endpoint in the sender's VPC.", vpce_id, "vpc-endpoint",
                      VpcEndpoint=_comp(vpce_id, "vpc-endpoint", self.snap, ep.region))
        self.nacl(subnet, True, pkt)
        self.hop(vpce_id, "vpc-endpoint", "gateway", f"gateway endpoint for {ep.service_name}", "forward", subnet)
        self.hop(pkt.dst, "aws-service", "destination", ep.service_name, "reached", subnet)
        self.reached = ("endpoint", ep, pkt)

    def peering(self, subnet: Subnet, pkt: Packet, pcx_id: str, origin: str):
        """Rules 44-49: an active peering delivers only into the peer VPC; the peer never forwards further."""
        idx = self.idx
        pcx = self.snap.peerings[pcx_id]
        side = peering.other_side(pcx, subnet.vpc_id)
        if side is None:
            self.stop("CANNOT_ROUTE", f"{pcx_id} does not connect {subnet.vpc_id}.", pcx_id, "vpc-peering-connection")
        peer_vpc, peer_region = side
        self.nacl(subnet, True, pkt)
        if self.mode == "forward" and self.dest.kind == "pcx" and self.dest.id == pcx_id:
            self.hop(pcx_id, "vpc-peering-connection", "destination", "reached the peering connection", "reached",
                     subnet)
            self.reached = ("pcx", pcx, pkt)
            return
        if not peering.peer_contains(idx, pcx, peer_vpc, pkt.dst):
            self.hop(pcx_id, "vpc-peering-connection", "peering", f"{pkt.dst} is not inside {peer_vpc}", "drop",
                     subnet)
            self.stop("VPCLAB_PEERING_NOT_TRANSITIVE", f"Peering {pcx_id} cannot carry this packet: "
                      f"{peering.why_not_transitive(idx, peer_vpc, pkt.dst)}.", pcx_id, "vpc-peering-connection",
                      VpcPeeringConnection=_comp(pcx_id, "vpc-peering-connection", self.snap, subnet.region))
        cross = " (inter-Region)" if peer_region != subnet.region else ""
        self.hop(pcx_id, "vpc-peering-connection", "peering", f"{subnet.vpc_id} -> {peer_vpc}{cross}", "forward",
                 subnet, vpc_id=subnet.vpc_id)
        eni = idx.eni_by_ip.get((peer_vpc, pkt.dst))
        dst_sub = self.snap.subnets.get(eni.subnet_id) if eni else idx.subnet_of_ip(peer_vpc, pkt.dst)
        if dst_sub is None:
            self.stop("VPCLAB_NO_DESTINATION", f"No subnet of {peer_vpc} contains {pkt.dst}.", peer_vpc, "vpc")
        self.nacl(dst_sub, False, pkt)
        if eni is None:
            if self.mode == "forward" and self.dest.kind == "ip":
                self.hop(dst_sub.id, "subnet", "destination", f"{pkt.dst} is in this subnet", "reached", dst_sub)
                self.reached = ("ip", dst_sub, pkt)
                return
            self.stop("VPCLAB_NO_DESTINATION", f"No network interface in {dst_sub.id} has {pkt.dst}.",
                      dst_sub.id, "subnet")
        return self.deliver(eni, pkt, "pcx")

    def tgw_in(self, subnet: Subnet, pkt: Packet, tgw_id: str, origin: str):
        """Rules 50-54: enter the TGW through this VPC's attachment in the sender's AZ, then its route table."""
        idx = self.idx
        att = idx.tgw_attachments_of_vpc.get((tgw_id, subnet.vpc_id))
        if att is None or att.state not in ("available", "modifying"):
            self.hop(tgw_id, "transit-gateway", "gateway", f"{subnet.vpc_id} has no attachment", "drop", subnet)
            self.stop("VPCLAB_TGW_NO_ATTACHMENT" if att is None else "BAD_STATE_ATTACHMENT",
                      f"{subnet.vpc_id} has {'no' if att is None else 'a ' + att.state} attachment to {tgw_id}: "
                      "create_transit_gateway_vpc_attachment with one subnet per AZ you use (rule 54).",
                      tgw_id, "transit-gateway", TransitGateway=_comp(tgw_id, "transit-gateway", self.snap, subnet.region))
        if not tgw.attachment_subnet_for_az(idx, att.id, subnet.az):
            self.hop(att.id, "transit-gateway-attachment", "gateway", f"no attachment subnet in {subnet.az}", "drop",
                     subnet)
            self.stop("VPCLAB_TGW_NO_ATTACHMENT_IN_AZ",
                      f"Attachment {att.id} has no subnet in {subnet.az}, so traffic from {subnet.id} cannot reach "
                      f"{tgw_id} (rule 54): add a subnet in {subnet.az} to the attachment "
                      "(modify_transit_gateway_vpc_attachment AddSubnetIds).", att.id, "transit-gateway-attachment",
                      TransitGatewayAttachment=_comp(att.id, "transit-gateway-attachment", self.snap, subnet.region),
                      AvailabilityZones=[subnet.az])
        self.nacl(subnet, True, pkt)
        self.hop(att.id, "transit-gateway-attachment", "gateway", f"{subnet.vpc_id} -> {tgw_id} ({subnet.az})",
                 "forward", subnet)
        return self.tgw_route(tgw_id, att.id, pkt, subnet.az)

    def tgw_route(self, tgw_id: str, from_att: str, pkt: Packet, az: str):
        self.tick()
        idx = self.idx
        region = self.snap.tgws[tgw_id].region if tgw_id in self.snap.tgws else ""
        if self.mode == "forward" and self.dest.kind == "tgw" and self.dest.id == tgw_id:
            self.hop(tgw_id, "transit-gateway", "destination", "reached the transit gateway", "reached", region=region)
            self.reached = ("tgw", tgw_id, pkt)
            return
        if self.mode == "forward" and self.dest.kind == "tgw-attach" and self.dest.id == from_att:
            self.hop(from_att, "transit-gateway-attachment", "destination", "reached the attachment", "reached",
                     region=region)
            self.reached = ("tgw-attach", from_att, pkt)
            return
        rt = tgw.route_table_of(idx, tgw_id, from_att)
        if rt is None:
            self.hop(tgw_id, "transit-gateway", "route", f"{from_att} has no associated route table", "drop",
                     region=region)
            self.stop("VPCLAB_TGW_NO_ASSOCIATION",
                      f"Attachment {from_att} is not associated with a route table of {tgw_id} (rule 50): "
                      "associate_transit_gateway_route_table.", from_att, "transit-gateway-attachment")
        r = tgw.lookup(idx, rt, pkt.dst)
        if r is None:
            self.hop(rt.id, "transit-gateway-route-table", "route", f"no route matches {pkt.dst}", "drop",
                     region=region)
            self.stop("NO_ROUTE_TO_DESTINATION",
                      f"Transit gateway route table {rt.id} has no route for {pkt.dst}: propagate the destination "
                      "VPC's attachment into it (enable_transit_gateway_route_table_propagation) or add a static "
                      "route. Two route tables that do not learn each other's routes are how TGW segmentation works.",
                      rt.id, "transit-gateway-route-table",
                      TransitGatewayRouteTable=_comp(rt.id, "transit-gateway-route-table", self.snap, region),
                      TransitGateway=_comp(tgw_id, "transit-gateway", self.snap, region))
        text = tgw.route_text(r) + (f" [{r.recovered}]" if r.recovered else "")
        aws_route = {"DestinationCidr": r.cidr, "State": r.state, "RouteOrigin": r.type,
                     **({"AttachmentId": r.attachment_ids[0]} if r.attachment_ids else {})}
        if r.state == "blackhole":
            self.hop(rt.id, "transit-gateway-route-table", "route", text, "drop", region=region,
                     TransitGatewayRouteTableRoute=aws_route)
            self.stop("BAD_STATE_ROUTE", f"Transit gateway route table {rt.id} has a blackhole route {r.cidr} that "
                      f"drops traffic to {pkt.dst} (rule 52): delete it if the drop is not intended.", rt.id,
                      "transit-gateway-route-table", TransitGatewayRouteTableRoute=aws_route)
        if not r.attachment_ids:
            self.hop(rt.id, "transit-gateway-route-table", "route", text, "drop", region=region)
            self.stop("VPCLAB_TGW_NEXT_HOP_UNKNOWN", f"Static route {r.cidr} in {rt.id} names no attachment that "
                      "the describe calls could show; re-create it through lab.client('ec2') so the sandbox records "
                      "its next hop.", rt.id, "transit-gateway-route-table")
        self.hop(rt.id, "transit-gateway-route-table", "route", text, "forward", region=region,
                 TransitGatewayRouteTableRoute=aws_route,
                 TransitGateway=_comp(tgw_id, "transit-gateway", self.snap, region))
        nxt = self.snap.tgw_attachments.get(r.attachment_ids[0])
        if nxt is None or nxt.state not in ("available", "modifying"):
            self.stop("BAD_STATE_ATTACHMENT", f"The route's attachment {r.attachment_ids[0]} is "
                      f"{nxt.state if nxt else 'gone'}.", r.attachment_ids[0], "transit-gateway-attachment")
        if nxt.type == "peering":
            other = nxt.peer_tgw_id if nxt.tgw_id == tgw_id else nxt.tgw_id
            self.hop(nxt.id, "transit-gateway-attachment", "gateway", f"TGW peering {tgw_id} -> {other}", "forward",
                     region=region)
            return self.tgw_route(other, nxt.id, pkt, az)
        if nxt.type != "vpc":
            self.stop("VPCLAB_NOT_MODELLED", f"Attachment {nxt.id} is a {nxt.type} attachment, not modelled.",
                      nxt.id, "transit-gateway-attachment")
        # Deliver through the destination attachment's subnet in the same AZ if it has one (TGW keeps traffic in
        # the source AZ when it can), else its first subnet; that subnet's route table then decides.
        sub_id = tgw.attachment_subnet_for_az(idx, nxt.id, az) or (nxt.subnet_ids[0] if nxt.subnet_ids else None)
        sub = self.snap.subnets.get(sub_id) if sub_id else None
        if sub is None:
            self.stop("BAD_STATE_ATTACHMENT", f"Attachment {nxt.id} has no subnet.", nxt.id,
                      "transit-gateway-attachment")
        self.hop(nxt.id, "transit-gateway-attachment", "gateway", f"{tgw_id} -> {nxt.resource_id} via {sub.id}",
                 "forward", sub)
        return self.route(sub, pkt, "tgw")


# ------------------------------------------------------------------------------------------------ AWS shapes
def _arn(snap: Snapshot, region: str, rtype: str, rid: str) -> str:
    return f"arn:aws:ec2:{region}:{snap.account or '123456789012'}:{rtype}/{rid}"


def _comp(rid: str, rtype: str, snap: Snapshot, region: str) -> dict:
    return {"Id": rid, "Arn": _arn(snap, region or (snap.regions[0] if snap.regions else ""), rtype, rid)}


def _sg_rule_aws(group_id: str, rule) -> dict:
    if rule is None:
        return {}
    out = {"Direction": "egress" if rule.egress else "ingress", "SecurityGroupId": group_id,
           "Protocol": rule.protocol}
    if rule.port_from is not None:
        out["PortRange"] = {"From": rule.port_from, "To": rule.port_to}
    if rule.peer_type in ("cidr", "cidr6"):
        out["Cidr"] = rule.peer
    elif rule.peer_type == "prefix-list":
        out["PrefixListId"] = rule.peer
    return out


def _acl_rule_aws(e) -> dict:
    if e is None:
        return {"RuleNumber": 32767, "RuleAction": "deny", "Cidr": "0.0.0.0/0", "Protocol": "-1"}
    out = {"Cidr": e.cidr, "Egress": e.egress, "Protocol": e.protocol, "RuleAction": e.action, "RuleNumber": e.number}
    if e.port_from is not None:
        out["PortRange"] = {"From": e.port_from, "To": e.port_to}
    return out


_ROUTE_FIELD = {"gateway": "GatewayId", "nat": "NatGatewayId", "instance": "InstanceId", "eni": "NetworkInterfaceId",
                "pcx": "VpcPeeringConnectionId", "tgw": "TransitGatewayId", "eigw": "EgressOnlyInternetGatewayId",
                "local": "GatewayId"}


def _route_aws(r, state: Optional[str] = None) -> dict:
    out = {"Origin": r.origin, "State": state or r.state}
    if r.is_prefix_list:
        out["DestinationPrefixListId"] = r.destination
    else:
        out["DestinationCidr"] = r.destination
    f = _ROUTE_FIELD.get(r.target_type)
    if f:
        out[f] = r.target_id
    return out


def _header(p: Packet) -> dict:
    out = {"SourceAddresses": [p.src], "DestinationAddresses": [p.dst], "Protocol": p.proto}
    if p.proto in filters.PORTED:
        out["DestinationPortRanges"] = [{"From": p.dport[0], "To": p.dport[1]}]
        out["SourcePortRanges"] = [{"From": p.sport[0], "To": p.sport[1]}]
    return out


def _ips(eni: Eni) -> list[str]:
    return eni.private_ips + eni.ipv6_ips


def addr_is_v6(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).version == 6
    except ValueError:
        return False


# ------------------------------------------------------------------------------------------------ entry point
def analyze(snap: Snapshot, source: Endpoint, dest: Endpoint, protocol: str = "tcp", port: Optional[int] = 443,
            source_ports: Optional[tuple[int, int]] = None) -> Analysis:
    """Walk the flow ``source`` -> ``dest`` and, if it arrives, the reply back. Never raises for a blocked path."""
    idx = snap.index()
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
    except _Stop:
        pass
    result = Analysis(source, dest, pkt, False, fw.hops, [], fw.blocked, list(snap.notes))
    if fw.blocked is not None or fw.reached is None:
        if fw.blocked is None:
            result.blocked = Blocked("VPCLAB_NO_DESTINATION", "The walk ended without reaching the destination.",
                                     dest.id, dest.resource_type or dest.kind)
        return result
    kind, where, arrived = fw.reached
    result.via = {"endpoint": f"gateway endpoint {getattr(where, 'id', '')}", "internet": f"internet gateway {where}"}.get(kind, "")
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
    except _Stop:
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


def _start(w: Walker, source: Endpoint, dest: Endpoint, pkt: Packet, source_ports):
    snap = w.snap
    if source.kind == "eni":
        eni = source.eni
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
                   "it cannot open connections into the VPC (rule 38).", eni.id, "network-interface")
        if dest.kind == "eni" and dest.eni.id == eni.id:
            w.hop(label, "instance", "destination", "source and destination are the same interface", "reached", sub)
            w.reached = ("eni", eni, pkt)
            return
        w.sg(eni, True, pkt)
        # Rule 31: within one subnet the packet never crosses a NACL, but the route table still applies (local).
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
               "connections into the VPC (rule 38). Trace from the client to the endpoint instead.", source.id,
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
        eni = w.idx.eni_by_ip.get((pcx.accepter_vpc, pkt.dst))
        if eni is None:
            w.stop("VPCLAB_NO_DESTINATION", f"No interface in {pcx.accepter_vpc} has {pkt.dst}.", pcx.id,
                   "vpc-peering-connection")
        w.nacl(snap.subnets[eni.subnet_id], False, pkt)
        return w.deliver(eni, pkt, "pcx")
    if source.kind == "ip":
        vpc = w.idx.vpc_of_ip(pkt.src)
        eni = w.idx.eni_by_ip.get((vpc, pkt.src)) if vpc else None
        if eni is not None:
            source.eni = eni
            source.kind = "eni"
            return _start(w, source, dest, pkt, source_ports)
        sub = w.idx.subnet_of_ip(vpc, pkt.src) if vpc else None
        if sub is None:
            source.kind = "internet"
            return _start(w, source, dest, pkt, source_ports)
        w.hop(pkt.src, "ip", "source", f"{pkt.src} -> {pkt.dst}", "forward", sub)
        return w.route(sub, pkt, "eni")
    w.stop("VPCLAB_NOT_MODELLED", f"Cannot start a path from {source.id} ({source.kind}).", source.id, source.kind)
