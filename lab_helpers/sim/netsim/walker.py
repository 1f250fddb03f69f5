"""The walker: one direction of one flow, hop by hop — recording, filters (SG, NACL), delivery and routing.

Edges (IGW, NAT, gateway endpoints) and transit (peering, TGW) are in :mod:`.walk_edge` and
:mod:`.walk_transit`; the order a packet meets things is described in :mod:`.analyze`.
"""
from __future__ import annotations

from typing import Optional

from lab_helpers.data.aws_docs import cite
from lab_helpers.sim.netsim import filters, gateways, routing
from lab_helpers.sim.netsim.components import acl_rule_aws, component, eni_ips, route_aws, sg_rule_aws
from lab_helpers.sim.netsim.packets import Packet
from lab_helpers.sim.netsim.snapshot.model import Eni, Subnet
from lab_helpers.sim.netsim.walk_edge import EdgeHops
from lab_helpers.sim.netsim.walk_transit import TransitHops


class Walker(EdgeHops, TransitHops):
    """One direction of one flow. ``mode`` is "forward" or "return"; its state and recording are in
    :class:`~.walk_state.WalkState`."""

    # -- filters -----------------------------------------------------------------------------------------------
    def sg(self, eni: Eni, egress: bool, pkt: Packet):
        """Security groups of ``eni`` (AWS docs: security-group-rules, infrastructure-security). On the return leg they
        are stateful: nothing to check."""
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
            assert v.rule is not None, "an allowing verdict names the rule that allowed"
            self.hop(v.group_id, "security-group", "security group rule", filters.sg_rule_text(v.rule), "allow", sub,
                     SecurityGroupRule=sg_rule_aws(v.group_id, v.rule))
            return
        groups = ", ".join(eni.sg_ids) or "(none)"
        self.hop(groups, "security-group", "security group rule", f"no {way} rule matches", "deny", sub)
        port = f" port {pkt.port}" if pkt.port is not None else ""
        if egress:
            hint = (f"add an outbound rule for {proto}{port} to {remote} (a new group allows all outbound; "
                    "someone removed that rule)")
        else:
            group = eni.sg_ids[0] if eni.sg_ids else "the group"
            hint = f"add an inbound rule to {group} allowing {proto}{port} from {remote}"
            if self.idx.eni_by_ip.get((eni.vpc_id, remote)):
                src_groups = self.idx.eni_by_ip[(eni.vpc_id, remote)].sg_ids
                hint += f" (or from the source's security group {src_groups[0]})" if src_groups else ""
        self.stop("ENI_SG_RULES_MISMATCH",
                  f"Security group(s) {groups} of {eni.instance_id or eni.id} allow no {way} {proto}{port} "
                  f"{'to' if egress else 'from'} {remote}: {hint}.",
                  eni.sg_ids[0] if eni.sg_ids else eni.id, "security-group",
                  Direction="egress" if egress else "ingress",
                  SecurityGroups=[component(g, "security-group", self.snap, eni.region) for g in eni.sg_ids],
                  NetworkInterface=component(eni.id, "network-interface", self.snap, eni.region))

    def nacl(self, subnet: Subnet, egress: bool, pkt: Packet):
        """The subnet's network ACL (AWS docs: nacl-rules, network-acls, nacl-ephemeral-ports): first match by rule
        number, on every destination port."""
        acl = self.idx.nacl_for_subnet(subnet.id)
        if acl is None:
            return
        remote = pkt.dst if egress else pkt.src
        v = filters.nacl_evaluate(acl, egress, pkt.proto, pkt.dport, remote, memo=self.idx.memo)
        way = "outbound" if egress else "inbound"
        if v.allowed:
            self.hop(acl.id, "network-acl", "network ACL rule", f"{way} {filters.nacl_entry_text(v.deciding)}",
                     "allow", subnet, AclRule=acl_rule_aws(v.deciding))
            return
        proto = filters.PROTO_NAMES.get(pkt.proto, pkt.proto)
        bad = v.denied_ports
        if pkt.proto in filters.PORTED:
            ports = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in bad)
            what = f"{proto} port(s) {ports}"
        else:
            what = proto
        self.hop(acl.id, "network-acl", "network ACL rule", f"{way} {filters.nacl_entry_text(v.deciding)}", "deny",
                 subnet, AclRule=acl_rule_aws(v.deciding))
        if self.mode == "return":
            hint = (f"NACLs are stateless: the reply to the connection needs its own {way} rule. Allow {proto} "
                    f"{pkt.dport[0]}-{pkt.dport[1]} (the client's ephemeral ports, {cite('nacl-ephemeral-ports')}) "
                    f"{'to' if egress else 'from'} {remote}")
        else:
            hint = (f"add an {way} allow rule for {what} {'to' if egress else 'from'} {remote} with a number lower "
                    f"than the rule that denies it")
        kind = "default" if acl.is_default else "custom"
        self.stop("SUBNET_ACL_RESTRICTION",
                  f"Network ACL {acl.id} ({kind}) of {subnet.id} denies {way} {what} "
                  f"{'to' if egress else 'from'} {remote} ({filters.nacl_entry_text(v.deciding)}): {hint}.",
                  acl.id, "network-acl", Direction="egress" if egress else "ingress",
                  Acl=component(acl.id, "network-acl", self.snap, subnet.region), AclRule=acl_rule_aws(v.deciding),
                  Subnet=component(subnet.id, "subnet", self.snap, subnet.region))

    # -- arrivals ----------------------------------------------------------------------------------------------
    def is_destination_eni(self, eni: Eni, pkt: Packet) -> bool:
        if self.mode == "return":
            return pkt.dst in eni_ips(eni) and pkt.dst not in self.translations
        d = self.dest
        if d.eni is not None:
            return d.eni.id == eni.id
        return pkt.dst in eni_ips(eni) and d.kind in ("ip", "vpce")

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
        """A route pointed at an instance/ENI: the middlebox must accept and forward (AWS docs: nat-instance)."""
        self.tick()
        sub = self.snap.subnets.get(eni.subnet_id)
        if self.mode == "forward":
            self.sg(eni, False, pkt)
        label = eni.instance_id or eni.id
        if pkt.dst not in eni_ips(eni) and eni.source_dest_check:
            self.hop(label, "instance" if eni.instance_id else "network-interface", "source/destination check",
                     "SourceDestCheck=true: drops packets not addressed to it", "drop", sub)
            self.stop("VPCLAB_SOURCE_DEST_CHECK",
                      f"{label} received traffic for {pkt.dst} but its source/destination check is on, so it drops it: "
                      f"run modify_instance_attribute(SourceDestCheck={{'Value': False}}) on the NAT/appliance "
                      f"instance ({cite('nat-instance')}).", eni.id, "network-interface",
                      NetworkInterface=component(eni.id, "network-interface", self.snap, eni.region))
        if pkt.dst in eni_ips(eni):
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
        assert sub is not None, f"capture records the subnet of every ENI ({eni.id})"
        return self.route(sub, out, "appliance", sender=eni)

    def untranslate(self, pkt: Packet, origin: str):
        """Return leg at a NAT device: rewrite the reply back to the original client and route it on."""
        orig_ip, orig_ports, device = self.translations[pkt.dst]
        where = self.snap.nat_gateways.get(device)
        sub = self.snap.subnets.get(where.subnet_id if where else self.snap.enis[device].subnet_id)
        self.hop(device, "nat-gateway" if where else "network-interface", "gateway",
                 f"reverse translation {pkt.dst} -> {orig_ip}", "forward", sub)
        back = Packet(pkt.src, orig_ip, pkt.proto, orig_ports, pkt.sport)
        assert sub is not None, f"capture records the subnet of every NAT device ({device})"
        return self.route(sub, back, "nat")

    # -- routing -----------------------------------------------------------------------------------------------
    # Long: the route lookup and one branch per target type (AWS's order), kept together to read as one rule.
    def route(self, subnet: Subnet, pkt: Packet, origin: str, sender: Optional[Eni] = None):
        """Route ``pkt`` out of ``subnet`` by its route table (origin: eni | nat | tgw | appliance | internet)."""
        self.tick()
        idx = self.idx
        rt = idx.route_table_for_subnet(subnet.id)
        match = routing.lookup(idx, rt, pkt.dst)
        region = subnet.region
        if (rt is not None and idx.eni_by_ip.get((subnet.vpc_id, pkt.dst))
                and not idx.vpc_contains(subnet.vpc_id, pkt.dst)):
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
                      f"Route table {rid} of {subnet.id} has no route for {pkt.dst}"
                      f"{' (the reply)' if self.mode == 'return' else ''}: {hint}.",
                      rid, "route-table", RouteTable=component(rid, "route-table", self.snap, region),
                      Subnet=component(subnet.id, "subnet", self.snap, region), Address=pkt.dst)
        assert rt is not None, "routing.lookup matches only in a route table"
        r = match.route
        text = f"{r.destination}{' (' + match.matched_cidr + ')' if r.is_prefix_list else ''} -> {r.target_id}"
        problem = routing.target_problem(idx, subnet.vpc_id, r)
        if problem:
            self.hop(rt.id, "route-table", "route", f"{text}: {problem}", "drop", subnet,
                     RouteTableRoute=route_aws(r, "blackhole"))
            self.stop("BAD_STATE_ROUTE",
                      f"Route table {rt.id} sends {pkt.dst} to {r.target_id}, but {problem}: point the route at a "
                      "working target (replace_route) or delete it.", rt.id, "route-table",
                      RouteTable=component(rt.id, "route-table", self.snap, region),
                      RouteTableRoute=route_aws(r, "blackhole"))
        self.hop(rt.id, "route-table", "route", text, "forward", subnet, RouteTableRoute=route_aws(r))
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
            eni = self.target_eni(r)
            if eni is None:
                self.stop("BAD_STATE_ROUTE", f"Route target {r.target_id} has no network interface.", rt.id,
                          "route-table")
            if eni.subnet_id != subnet.id:
                self.nacl(subnet, True, pkt)
                self.nacl(self.snap.subnets[eni.subnet_id], False, pkt)
            return self.deliver(eni, pkt, origin) if pkt.dst in eni_ips(eni) else self.appliance(eni, pkt, origin)
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

    def target_eni(self, r) -> Optional[Eni]:
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
                return (f"add a route for {other}'s CIDR to {links[0]} (peering routes are needed on both sides, "
                        f"{cite('peering-basics')})")
            return f"{pkt.dst} is in {other}; connect the VPCs (peering or transit gateway) and add a route"
        if gateways.service_of_address(idx, pkt.dst):
            return "add a gateway endpoint for the service, or a default route to a NAT gateway / internet gateway"
        if self.mode == "return" and other is None:
            return ("the reply to the internet needs a default route (0.0.0.0/0) to the internet gateway in the "
                    "destination's subnet too")
        return "add a route (e.g. 0.0.0.0/0 to an internet or NAT gateway) for this destination"

    def local(self, subnet: Subnet, pkt: Packet, origin: str):
        """AWS docs: route-tables: the local route delivers anywhere inside the VPC; NACLs apply only between subnets
        (AWS docs: network-acls)."""
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
