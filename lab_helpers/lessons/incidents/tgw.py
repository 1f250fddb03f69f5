"""Incidents of transit gateways (lab 04): association, propagation, attachment AZs, blackhole static routes."""
from __future__ import annotations

from dataclasses import dataclass

from lab_helpers.lessons.incidents import docs
from lab_helpers.lessons.incidents import world as w
from lab_helpers.lessons.incidents.connectivity import Spoke, spoke
from lab_helpers.lessons.incidents.engine import Case, Kind, Probe, Seeded


@dataclass
class Hub:
    tgw: str
    table: str
    spokes: list
    attachments: dict  # spoke name -> attachment id


def hub(lab, rng: Seeded, kind: str, port: int, *, other_az: int = -1) -> Hub:
    """Two spokes on a TGW whose default association/propagation are off; each associates and propagates into one
    table. Spoke number ``other_az`` gets its attachment subnet in another AZ than its instance."""
    ec2, zones = lab.client("ec2"), w.azs(lab)
    tgw = ec2.create_transit_gateway(Description=kind, Options={
        "DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"})["TransitGateway"][
        "TransitGatewayId"]
    table = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw)["TransitGatewayRouteTable"][
        "TransitGatewayRouteTableId"]
    names = rng.sample(("web", "api", "jobs", "data", "auth", "crm"), 2)
    spokes, attachments = [], {}
    for index, (name, octet) in enumerate(zip(names, rng.sample(range(20, 250), 2))):
        s = spoke(lab, kind, name, octet, port, zones[0])
        attach_subnet = s.subnet
        if index == other_az:
            attach_subnet = w.subnet(lab, s.vpc, f"10.{octet}.9.0/24", zones[1], f"{name}-tgw", kind)
        ec2.create_route(RouteTableId=s.table, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw)
        att = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=s.vpc, SubnetIds=[attach_subnet])[
            "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=att)
        ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=table,
                                                           TransitGatewayAttachmentId=att)
        spokes.append(s)
        attachments[name] = att
    return Hub(tgw, table, spokes, attachments)


def _both_ways(lab, a: Spoke, b: Spoke, port: int) -> Probe:
    return Probe(f"{a.instance} ({a.name}) reaches {b.instance} ({b.name}) on {port}",
                 lambda: w.reaches(lab, a.instance, b.instance, port))


def _case(h: Hub, port: int, **kw) -> Case:
    a, b = h.spokes
    resources = {"transit_gateway": h.tgw, "tgw_route_table": h.table, "client": a.instance, "server": b.instance,
                 **{f"attachment_{k}": v for k, v in h.attachments.items()}}
    return Case(resources=resources, healthy=[], vpcs=[s.vpc for s in h.spokes], **kw)


def not_propagated(lab, rng: Seeded) -> Case:
    port = rng.variant_of((443, 5432, 8080))
    h = hub(lab, rng, "tgw-not-propagated", port)
    a, b = h.spokes
    ec2, missing = lab.client("ec2"), rng.choice((a.name, b.name))
    ec2.disable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=h.table,
                                                        TransitGatewayAttachmentId=h.attachments[missing])
    return _case(
        h, port, symptom=f"{a.instance} ({a.name}) and {b.instance} ({b.name}) are both attached to {h.tgw} and "
        f"associated with {h.table}, yet they cannot talk on {port}.",
        symptom_probe=_both_ways(lab, a, b, port),
        fix=lambda: ec2.enable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=h.table, TransitGatewayAttachmentId=h.attachments[missing]),
        hints=(f"Trace {a.instance} to {b.instance}: which leg stops at the transit gateway?",
               f"search_transit_gateway_routes in {h.table}: which VPC's CIDR is missing?",
               f"Enable propagation of {h.attachments[missing]} into {h.table}."),
        fault=f"{h.attachments[missing]} ({missing}) does not propagate its CIDR into {h.table}.",
        rule="A transit gateway route table learns a VPC's CIDR only from a propagation (or a static route).",
        doc=docs.TGW_ROUTE_TABLES)


def not_associated(lab, rng: Seeded) -> Case:
    port = rng.variant_of((443, 5432, 8080))
    h = hub(lab, rng, "tgw-not-associated", port)
    a, b = h.spokes
    missing = rng.choice((a.name, b.name))
    ec2 = lab.client("ec2")
    ec2.disassociate_transit_gateway_route_table(TransitGatewayRouteTableId=h.table,
                                                 TransitGatewayAttachmentId=h.attachments[missing])
    return _case(
        h, port, symptom=f"After a clean-up of {h.tgw}'s route tables, {a.name} and {b.name} cannot talk on {port}; "
        "both attachments are 'available'.",
        symptom_probe=_both_ways(lab, a, b, port),
        fix=lambda: ec2.associate_transit_gateway_route_table(
            TransitGatewayRouteTableId=h.table, TransitGatewayAttachmentId=h.attachments[missing]),
        hints=(f"Trace {a.instance} to {b.instance} and find where the transit gateway has no table to look in.",
               f"get_transit_gateway_route_table_associations for {h.table}.",
               f"Associate {h.attachments[missing]} with {h.table}."),
        fault=f"{h.attachments[missing]} ({missing}) is associated with no transit gateway route table.",
        rule="Traffic arriving from an attachment is routed by the one route table that attachment is associated "
             "with; with none, it is dropped.",
        doc=docs.TGW_ROUTE_TABLES)


def attachment_az(lab, rng: Seeded) -> Case:
    port = rng.variant_of((443, 5432, 8080))
    h = hub(lab, rng, "tgw-attachment-az", port, other_az=0)
    a, b = h.spokes
    ec2 = lab.client("ec2")

    def fix():
        ec2.modify_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=h.attachments[a.name],
                                                  AddSubnetIds=[a.subnet])

    return _case(
        h, port, symptom=f"{a.instance} in {a.name} cannot reach {b.instance} over {h.tgw}, although both VPCs are "
        "attached, associated and propagating.",
        symptom_probe=_both_ways(lab, a, b, port), fix=fix,
        hints=(f"Trace {a.instance} to {b.instance}: does the packet ever enter the attachment?",
               f"Compare the Availability Zone of {a.subnet} with the subnets of {h.attachments[a.name]}.",
               f"Add a subnet in {a.instance}'s AZ to the attachment (modify_transit_gateway_vpc_attachment)."),
        fault=f"{h.attachments[a.name]} has a subnet only in another AZ than {a.instance}.",
        rule="A VPC attachment serves only the Availability Zones in which it has a subnet.",
        doc=docs.TGW_ATTACHMENTS)


def blackhole(lab, rng: Seeded) -> Case:
    port = rng.variant_of((443, 5432, 8080))
    h = hub(lab, rng, "tgw-blackhole", port)
    a, b = h.spokes
    ec2, prefix = lab.client("ec2"), rng.choice((24, 20, 16))
    net = b.cidr.replace("/16", f"/{prefix}") if prefix != 16 else b.cidr
    ec2.create_transit_gateway_route(DestinationCidrBlock=net, TransitGatewayRouteTableId=h.table, Blackhole=True)
    return _case(
        h, port, symptom=f"A change to {h.tgw}'s routes 'to quarantine a subnet' and now {a.instance} cannot "
        f"reach {b.instance} on {port}.",
        symptom_probe=_both_ways(lab, a, b, port),
        fix=lambda: ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=h.table, DestinationCidrBlock=net),
        hints=(f"Trace {a.instance} to {b.instance}.", f"search_transit_gateway_routes in {h.table}: look for "
               "type static, state blackhole.", f"Delete the blackhole route {net} (longest prefix wins over the "
               "propagated /16)."),
        fault=f"A static blackhole route {net} in {h.table} is at least as specific as {b.name}'s propagated route.",
        rule="Transit gateway routes use the longest prefix match; a static route beats a propagated one of the "
             "same prefix; a blackhole route drops what it matches.",
        doc=docs.TGW_ROUTE_TABLES)


KINDS = [
    Kind("tgw-not-propagated", "04", "Transit gateway attachment not propagated", "medium", not_propagated),
    Kind("tgw-not-associated", "04", "Transit gateway attachment not associated", "medium", not_associated),
    Kind("tgw-attachment-az", "04", "Transit gateway attachment without a subnet in the client's AZ", "hard",
         attachment_az),
    Kind("tgw-blackhole", "04", "Transit gateway blackhole static route", "medium", blackhole),
]
