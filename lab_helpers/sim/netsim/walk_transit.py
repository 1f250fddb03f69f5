"""The walk between VPCs: peering (non-transitive, no edge-to-edge; AWS docs: peering-limitations, peering-basics)
and transit gateways (AWS docs: tgw-how-it-works, tgw-route-tables, tgw-vpc-attachments).
A mixin of :class:`~.walker.Walker`."""
from __future__ import annotations

from lab_helpers.data.aws_docs import cite
from lab_helpers.sim.netsim import peering, tgw
from lab_helpers.sim.netsim.components import component
from lab_helpers.sim.netsim.packets import Packet
from lab_helpers.sim.netsim.snapshot.model import Subnet
from lab_helpers.sim.netsim.walk_state import WalkState


class TransitHops(WalkState):
    def peering(self, subnet: Subnet, pkt: Packet, pcx_id: str, origin: str):
        """AWS docs: peering-lifecycle, peering-limitations, peering-basics, peering-quotas, peering-dns: an active
        peering delivers only into the peer VPC; the peer never forwards further."""
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
                      VpcPeeringConnection=component(pcx_id, "vpc-peering-connection", self.snap, subnet.region))
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
        """AWS docs: tgw-how-it-works, tgw-route-tables, tgw-peering, tgw-vpc-attachments: enter the TGW through this
        VPC's attachment in the sender's AZ, then its route table."""
        idx = self.idx
        att = idx.tgw_attachments_of_vpc.get((tgw_id, subnet.vpc_id))
        if att is None or att.state not in ("available", "modifying"):
            self.hop(tgw_id, "transit-gateway", "gateway", f"{subnet.vpc_id} has no attachment", "drop", subnet)
            self.stop("VPCLAB_TGW_NO_ATTACHMENT" if att is None else "BAD_STATE_ATTACHMENT",
                      f"{subnet.vpc_id} has {'no' if att is None else 'a ' + att.state} attachment to {tgw_id}: "
                      "create_transit_gateway_vpc_attachment with one subnet per AZ you use "
                      f"({cite('tgw-vpc-attachments')}).",
                      tgw_id, "transit-gateway",
                      TransitGateway=component(tgw_id, "transit-gateway", self.snap, subnet.region))
        if not tgw.attachment_subnet_for_az(idx, att.id, subnet.az):
            self.hop(att.id, "transit-gateway-attachment", "gateway", f"no attachment subnet in {subnet.az}", "drop",
                     subnet)
            self.stop("VPCLAB_TGW_NO_ATTACHMENT_IN_AZ",
                      f"Attachment {att.id} has no subnet in {subnet.az}, so traffic from {subnet.id} cannot reach "
                      f"{tgw_id} ({cite('tgw-vpc-attachments')}): add a subnet in {subnet.az} to the attachment "
                      "(modify_transit_gateway_vpc_attachment AddSubnetIds).", att.id, "transit-gateway-attachment",
                      TransitGatewayAttachment=component(att.id, "transit-gateway-attachment", self.snap,
                                                         subnet.region),
                      AvailabilityZones=[subnet.az])
        self.nacl(subnet, True, pkt)
        self.hop(att.id, "transit-gateway-attachment", "gateway", f"{subnet.vpc_id} -> {tgw_id} ({subnet.az})",
                 "forward", subnet)
        return self.tgw_route(tgw_id, att.id, pkt, subnet.az)

    # Long: association, lookup, and one branch per attachment type (VPC, peering), as AWS docs: tgw-how-it-works,
    # tgw-route-tables, tgw-peering, tgw-vpc-attachments read.
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
                      f"Attachment {from_att} is not associated with a route table of {tgw_id} "
                      f"({cite('tgw-how-it-works')}): "
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
                      TransitGatewayRouteTable=component(rt.id, "transit-gateway-route-table", self.snap, region),
                      TransitGateway=component(tgw_id, "transit-gateway", self.snap, region))
        text = tgw.route_text(r) + (f" [{r.recovered}]" if r.recovered else "")
        aws_route = {"DestinationCidr": r.cidr, "State": r.state, "RouteOrigin": r.type,
                     **({"AttachmentId": r.attachment_ids[0]} if r.attachment_ids else {})}
        if r.state == "blackhole":
            self.hop(rt.id, "transit-gateway-route-table", "route", text, "drop", region=region,
                     TransitGatewayRouteTableRoute=aws_route)
            self.stop("BAD_STATE_ROUTE", f"Transit gateway route table {rt.id} has a blackhole route {r.cidr} that "
                      f"drops traffic to {pkt.dst} ({cite('tgw-route-tables')}): delete it if the drop is not "
                      "intended.", rt.id,
                      "transit-gateway-route-table", TransitGatewayRouteTableRoute=aws_route)
        if not r.attachment_ids:
            self.hop(rt.id, "transit-gateway-route-table", "route", text, "drop", region=region)
            self.stop("VPCLAB_TGW_NEXT_HOP_UNKNOWN", f"Static route {r.cidr} in {rt.id} names no attachment that "
                      "the describe calls could show; re-create it through lab.client('ec2') so the sandbox records "
                      "its next hop.", rt.id, "transit-gateway-route-table")
        self.hop(rt.id, "transit-gateway-route-table", "route", text, "forward", region=region,
                 TransitGatewayRouteTableRoute=aws_route,
                 TransitGateway=component(tgw_id, "transit-gateway", self.snap, region))
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
