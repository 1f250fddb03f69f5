"""Transit gateways read into a :class:`Snapshot`: the gateways, their attachments and route tables, then what moto
does not store filled in by :func:`..tgw.recover_routes`.

Attachments are read once each (AWS docs: API_DescribeTransitGatewayVpcAttachments,
API_DescribeTransitGatewayAttachments): VPC attachments from DescribeTransitGatewayVpcAttachments (it alone says their
subnets), every other kind from DescribeTransitGatewayAttachments filtered on ``resource-type`` to the non-VPC kinds,
and DescribeTransitGatewayPeeringAttachments only for the peering attachments found there. A hub with 500 spokes is
then described 500 times, not 1,500 (the sandbox serialises each attachment with its tags).
"""
from __future__ import annotations

from lab_helpers.core.tagging import name_of
from lab_helpers.sim.netsim.snapshot.describe import pages
from lab_helpers.sim.netsim.snapshot.model import Snapshot, TgwAttachment, TgwRoute, TgwRouteTable, TransitGateway
from lab_helpers.sim.netsim.tgw import recover_routes

GONE = ("deleted", "deleting")
PEERING_KINDS = ("peering", "tgw-peering")  # tgw-peering: the deprecated name of the same kind (API reference)


def transit_gateways(ec2, region: str, snap: Snapshot, hints: dict) -> set[str]:
    """TGWs, their attachments and route tables; returns the other regions TGW peerings reach."""
    tgws = pages(ec2, "describe_transit_gateways", "TransitGateways")
    if not tgws:
        return set()
    for t in tgws:
        if t.get("State") in GONE:
            continue
        o = t.get("Options", {})
        snap.tgws[t["TransitGatewayId"]] = TransitGateway(
            t["TransitGatewayId"], region, t.get("State", ""),
            o.get("AssociationDefaultRouteTableId", "") if o.get("DefaultRouteTableAssociation") == "enable" else "",
            o.get("PropagationDefaultRouteTableId", "") if o.get("DefaultRouteTablePropagation") == "enable" else "",
            o.get("DefaultRouteTablePropagation") == "enable", name_of(t.get("Tags")))
    peering_ids = _other_attachments(ec2, region, snap)
    _vpc_attachments(ec2, region, snap)
    more = _peering_attachments(ec2, region, snap, peering_ids)
    _route_tables(ec2, region, snap)
    recover_routes(snap, region, hints)
    return more


def _non_vpc_kinds(ec2) -> list[str]:
    """Every attachment kind the API names except ``vpc``, from the SDK's model (new kinds come with the SDK)."""
    shape = ec2.meta.service_model.shape_for("TransitGatewayAttachmentResourceType")
    return [k for k in shape.enum if k != "vpc"]


def _other_attachments(ec2, region: str, snap: Snapshot) -> list[str]:
    """VPN, Direct Connect, Connect, peering ... attachments; returns the peering ones' ids."""
    peering_ids = []
    found = pages(ec2, "describe_transit_gateway_attachments", "TransitGatewayAttachments",
                  Filters=[{"Name": "resource-type", "Values": _non_vpc_kinds(ec2)}])
    for a in found:
        if a.get("State") in GONE:
            continue
        snap.tgw_attachments[a["TransitGatewayAttachmentId"]] = TgwAttachment(
            a["TransitGatewayAttachmentId"], a["TransitGatewayId"], region, a.get("ResourceType", ""),
            a.get("ResourceId", ""), a.get("State", ""),
            association_rt=(a.get("Association") or {}).get("TransitGatewayRouteTableId", ""))
        if a.get("ResourceType") in PEERING_KINDS:
            peering_ids.append(a["TransitGatewayAttachmentId"])
    return peering_ids


def _vpc_attachments(ec2, region: str, snap: Snapshot) -> None:
    for a in pages(ec2, "describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments"):
        att_id = a["TransitGatewayAttachmentId"]
        if a.get("State") in GONE or att_id in snap.tgw_attachments:
            continue  # moto lists every kind here; a kind read above is not a VPC attachment
        snap.tgw_attachments[att_id] = TgwAttachment(att_id, a["TransitGatewayId"], region, "vpc", a.get("VpcId", ""),
                                                     a.get("State", ""), subnet_ids=list(a.get("SubnetIds", [])))


def _peering_attachments(ec2, region: str, snap: Snapshot, peering_ids: list[str]) -> set[str]:
    more: set[str] = set()
    if not peering_ids:
        return more
    found = pages(ec2, "describe_transit_gateway_peering_attachments", "TransitGatewayPeeringAttachments",
                  TransitGatewayAttachmentIds=peering_ids)
    for p in found:
        if p.get("State") in GONE + ("rejected", "failed") or not p.get("RequesterTgwInfo"):
            continue
        req, acc = p.get("RequesterTgwInfo", {}), p.get("AccepterTgwInfo", {})
        # Stored requester -> accepter whichever region describes it, so both regions agree on one record.
        snap.tgw_attachments[p["TransitGatewayAttachmentId"]] = TgwAttachment(
            p["TransitGatewayAttachmentId"], req.get("TransitGatewayId", ""), req.get("Region", region), "peering",
            acc.get("TransitGatewayId", ""), p.get("State", ""), peer_tgw_id=acc.get("TransitGatewayId", ""),
            peer_region=acc.get("Region", region))
        more.update({req.get("Region", region), acc.get("Region", region)})
    return more


def _route_tables(ec2, region: str, snap: Snapshot) -> None:
    for rt in pages(ec2, "describe_transit_gateway_route_tables", "TransitGatewayRouteTables"):
        if rt.get("State") in GONE:
            continue
        rid = rt["TransitGatewayRouteTableId"]
        assoc = [x["TransitGatewayAttachmentId"] for x in
                 pages(ec2, "get_transit_gateway_route_table_associations", "Associations",
                       TransitGatewayRouteTableId=rid)
                 if x.get("State", "associated") in ("associated", "associating")]
        props = [x["TransitGatewayAttachmentId"] for x in
                 pages(ec2, "get_transit_gateway_route_table_propagations", "TransitGatewayRouteTablePropagations",
                       TransitGatewayRouteTableId=rid)
                 if x.get("State", "enabled") in ("enabled", "enabling")]
        routes = _routes(ec2, rid, snap)
        snap.tgw_route_tables[rid] = TgwRouteTable(rid, rt["TransitGatewayId"], region,
                                                   bool(rt.get("DefaultAssociationRouteTable")),
                                                   bool(rt.get("DefaultPropagationRouteTable")), routes, assoc, props)
        for att_id in assoc:  # a VPC attachment's describe answer has no Association: its route table says it
            att = snap.tgw_attachments.get(att_id)
            if att is not None and att.type == "vpc" and not att.association_rt:
                att.association_rt = rid


def _routes(ec2, rid: str, snap: Snapshot) -> list[TgwRoute]:
    """SearchTransitGatewayRoutes has no NextToken: it answers up to 1,000 routes (its default and largest
    MaxResults) and says when there are more. No MaxResults is passed: moto 5.2 fails on it (slices a dict)."""
    answer = ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=rid, Filters=[{"Name": "state", "Values": ["active", "blackhole"]}])
    if answer.get("AdditionalRoutesAvailable"):
        snap.notes.append(f"{rid}: more than 1000 routes; only the first 1000 were read")
    return [TgwRoute(r.get("DestinationCidrBlock", ""), r.get("Type", "static"), r.get("State", "active"),
                     [x["TransitGatewayAttachmentId"] for x in r.get("TransitGatewayAttachments", [])])
            for r in answer.get("Routes", []) if r.get("DestinationCidrBlock")]
