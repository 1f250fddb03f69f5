"""The walk at the VPC's edge: internet gateways (1:1 NAT, AWS docs: internet-gateway), the internet, NAT gateways (AWS
docs: nat-gateway) and gateway endpoints (AWS docs: gateway-endpoints, s3-gateway-endpoint). A mixin of
:class:`~.walker.Walker`."""
from __future__ import annotations

from typing import Optional

from lab_helpers.data.aws_docs import cite
from lab_helpers.sim.netsim import filters, gateways, routing
from lab_helpers.sim.netsim.components import addr_is_v6, component, packet_header, route_aws
from lab_helpers.sim.netsim.packets import Packet
from lab_helpers.sim.netsim.snapshot.model import Subnet
from lab_helpers.sim.netsim.walk_state import WalkState


class EdgeHops(WalkState):
    def igw_out(self, subnet: Subnet, pkt: Packet, igw_id: str, origin: str):
        """AWS docs: internet-gateway, nat-gateway: leave through the IGW with a public IPv4 (1:1 NAT)."""
        idx = self.idx
        self.nacl(subnet, True, pkt)
        public, eni, nat = gateways.public_ip_of_sender(idx, subnet.vpc_id, pkt.src)
        if nat is not None and nat.connectivity == "private":
            self.hop(igw_id, "internet-gateway", "gateway", f"traffic from private NAT gateway {nat.id}", "drop",
                     subnet)
            self.stop("VPCLAB_PRIVATE_NAT_TO_IGW",
                      f"{nat.id} is a private NAT gateway, and the internet gateway drops its traffic "
                      f"({cite('nat-gateway')}): use a public NAT gateway (with an EIP, in a public subnet) for "
                      "internet access.",
                      igw_id, "internet-gateway", NatGateway=component(nat.id, "natgateway", self.snap, subnet.region))
        if addr_is_v6(pkt.src):
            public = pkt.src
        if not public:
            who = (eni.instance_id or eni.id) if eni else pkt.src
            self.hop(igw_id, "internet-gateway", "gateway", f"{pkt.src} has no public IPv4", "drop", subnet)
            where = "" if origin in ("eni", "appliance") else f" (it arrived via {origin})"
            self.stop("VPCLAB_NO_PUBLIC_IP",
                      f"{who}{where} has no public IPv4 or Elastic IP, so internet gateway {igw_id} cannot translate "
                      f"it ({cite('internet-gateway')}): associate an Elastic IP, launch with a public IP, or route "
                      "0.0.0.0/0 to a NAT gateway instead.", igw_id, "internet-gateway",
                      InternetGateway=component(igw_id, "internet-gateway", self.snap, subnet.region))
        out = Packet(public, pkt.dst, pkt.proto, pkt.dport, pkt.sport)
        what = f"IPv6 {pkt.src} forwarded as is" if public == pkt.src else f"1:1 NAT {pkt.src} -> {public}"
        self.hop(igw_id, "internet-gateway", "gateway", what, "forward", subnet, OutboundHeader=packet_header(out))
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
                      InternetGateway=component(igw_id, "internet-gateway", self.snap, subnet.region))
        label = f"internet ({svc.name})" if svc else "internet"
        self.hop(pkt.dst, "internet", "destination", f"{label} via {igw_id}", "reached", region=subnet.region)
        self.reached = ("internet", igw_id, pkt)

    def igw_in(self, pkt: Packet, igw_id: Optional[str]):
        """AWS docs: internet-gateway: from the internet to a public IP; the IGW rewrites it to the private IP."""
        self.tick()
        idx = self.idx
        owner = gateways.ingress_owner(idx, pkt.dst)
        if owner is None:
            vpc = idx.vpc_of_ip(pkt.dst)
            igw_name = igw_id or (idx.igw_of_vpc[vpc].id if vpc in idx.igw_of_vpc else "")
            self.hop(igw_name or "internet", "internet-gateway", "gateway", f"{pkt.dst} is not a public address here",
                     "drop")
            self.stop("IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
                      f"Traffic from the internet is addressed to {pkt.dst}, which no public IPv4/EIP maps to: give it "
                      f"a public IP or Elastic IP ({cite('internet-gateway')} forwards only to public addresses).",
                      igw_name or pkt.dst, "internet-gateway", Address=pkt.dst)
        kind, thing = owner
        vpc_id = thing.vpc_id
        igw = idx.igw_of_vpc.get(vpc_id)
        if igw is None or (igw_id and igw.id != igw_id):
            want = igw_id or "an internet gateway"
            self.hop(want, "internet-gateway", "gateway", f"not attached to {vpc_id}", "drop")
            self.stop("BAD_STATE_ATTACHMENT",
                      f"{vpc_id} (owner of {pkt.dst}) has {'no' if igw is None else 'another'} internet gateway "
                      f"attached{'' if igw is None else ' (' + igw.id + ')'}: attach one with "
                      "attach_internet_gateway.", want, "internet-gateway", Vpc=component(vpc_id, "vpc", self.snap, ""))
        if kind == "nat":
            nat = thing
            sub = self.snap.subnets.get(nat.subnet_id)
            private = gateways.nat_source_ip(nat)
            self.hop(igw.id, "internet-gateway", "gateway", f"1:1 NAT {pkt.dst} -> {private}", "forward", sub)
            inner = Packet(pkt.src, private, pkt.proto, pkt.dport, pkt.sport)
            assert sub is not None, f"capture records the subnet of every NAT gateway ({nat.id})"
            self.nacl(sub, False, inner)
            if self.mode == "return" and private in self.translations:
                return self.untranslate(inner, "internet")
            self.hop(nat.id, "nat-gateway", "gateway", "connections from the internet are not accepted", "drop", sub)
            self.stop("VPCLAB_NAT_NO_INBOUND",
                      f"NAT gateway {nat.id} drops connections opened from the internet ({cite('nat-gateway')}): it is "
                      "for outbound traffic; to accept inbound use a public IP on the instance or a load balancer.",
                      nat.id, "nat-gateway", NatGateway=component(nat.id, "natgateway", self.snap, nat.region))
        eni = thing
        sub = self.snap.subnets.get(eni.subnet_id)
        if addr_is_v6(pkt.dst):  # IPv6 addresses are public as they are: no translation
            private, what = pkt.dst, f"IPv6 {pkt.dst} forwarded as is"
        else:
            private = eni.private_ips[0]
            what = f"1:1 NAT {pkt.dst} -> {private}"
        inner = Packet(pkt.src, private, pkt.proto, pkt.dport, pkt.sport)
        self.hop(igw.id, "internet-gateway", "gateway", what, "forward", sub, InboundHeader=packet_header(inner))
        edge = idx.rt_of_gateway.get(igw.id)
        if edge is not None:  # AWS docs route-tables: an edge-associated (ingress) route table can steer to a middlebox
            m = routing.lookup(idx, edge, private)
            if m and m.route.target_type in ("eni", "instance"):
                self.hop(edge.id, "route-table", "route", f"ingress route {m.route.destination} -> {m.route.target_id}",
                         "forward", sub, RouteTableRoute=route_aws(m.route))
                mid = self.target_eni(m.route)
                if mid is not None:
                    return self.appliance(mid, inner, "internet")
        assert sub is not None, f"capture records the subnet of every ENI ({eni.id})"
        self.nacl(sub, False, inner)
        return self.deliver(eni, inner, "internet")

    def nat(self, subnet: Subnet, pkt: Packet, nat_id: str, origin: str):
        """AWS docs: nat-gateway: a NAT gateway rewrites the source to its own address and ports 1024-65535."""
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
                 OutboundHeader=packet_header(out))
        return self.route(nat_sub, out, "nat")

    def gateway_endpoint(self, subnet: Subnet, pkt: Packet, vpce_id: str, origin: str):
        """AWS docs: gateway-endpoints, s3-gateway-endpoint: the pl- route to a gateway endpoint serves its own VPC's
        traffic, in its own Region."""
        ep = self.snap.endpoints[vpce_id]
        if origin in ("tgw",):
            self.hop(vpce_id, "vpc-endpoint", "gateway", f"traffic arrived via {origin}", "drop", subnet)
            self.stop("VPCLAB_GATEWAY_ENDPOINT_NOT_TRANSITIVE",
                      f"Gateway endpoint {vpce_id} serves only traffic that starts in {ep.vpc_id}; this packet came "
                      f"through a transit gateway ({cite('s3-gateway-endpoint')}): use an "
                      "interface endpoint (reachable across TGW and peering, "
                      f"{cite('s3-interface-endpoint')}) or an endpoint in the sender's VPC.", vpce_id, "vpc-endpoint",
                      VpcEndpoint=component(vpce_id, "vpc-endpoint", self.snap, ep.region))
        self.nacl(subnet, True, pkt)
        self.hop(vpce_id, "vpc-endpoint", "gateway", f"gateway endpoint for {ep.service_name}", "forward", subnet)
        self.hop(pkt.dst, "aws-service", "destination", ep.service_name, "reached", subnet)
        self.reached = ("endpoint", ep, pkt)
