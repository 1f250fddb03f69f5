"""Transit Gateway scenarios (AWS docs: nat-gateway, s3-gateway-endpoint, tgw-how-it-works, tgw-route-tables,
tgw-peering, tgw-vpc-attachments): hub and spoke, segmentation, static and blackhole routes, AZ coverage, and
centralised egress through a NAT gateway in an egress VPC.

moto stores no propagated routes and loses the attachment of static routes (moto-fidelity §7); the engine
computes the first and the fidelity layer remembers the second, so these scenarios also test that recovery.
"""
import pytest
from netsim_builders import igw, instance, nat, route_table, sg, subnet, verify, vpc


@pytest.fixture(scope="module")
def w(lab):
    """Three VPCs on one TGW whose defaults are off; all associate with and propagate into one 'main' table.

    (moto cannot disassociate an attachment from a *default* route table — it raises KeyError — so the
    segmentation fixture below starts from explicit associations, as an AWS console user would.)
    """
    ec2 = lab.client("ec2")
    tgw = ec2.create_transit_gateway(Description="hub", Options={
        "DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"})["TransitGateway"][
        "TransitGatewayId"]
    main = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw)["TransitGatewayRouteTable"][
        "TransitGatewayRouteTableId"]
    ids = {"tgw": tgw, "default_rt": main}
    for name, cidr in (("s1", "10.101.0.0/16"), ("s2", "10.102.0.0/16"), ("sh", "10.100.0.0/16")):
        v = vpc(ec2, cidr, name)
        s = subnet(ec2, v, cidr.replace("0.0/16", "0.0/24"), "us-east-1a")
        rt = route_table(ec2, v, s)
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw)
        att = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=v, SubnetIds=[s])[
            "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=main, TransitGatewayAttachmentId=att)
        ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=main,
                                                           TransitGatewayAttachmentId=att)
        g = sg(ec2, v, f"sg-{name}", [("tcp", 443, "10.0.0.0/8")])
        ids.update({name: v, name + "_s": s, name + "_rt": rt, name + "_att": att, name + "_sg": g,
                    name + "_i": instance(ec2, s, [g])})
    return ids


def test_hub_and_spoke_with_explicit_propagation(lab, w):
    """AWS docs: tgw-how-it-works, tgw-route-tables: each attachment associates with and propagates into one table:
    spokes reach each other."""
    r = verify(lab, w["s1_i"], w["s2_i"], reachable=True, via=w["s1_att"])
    assert any(h.component_id == w["default_rt"] and "propagated" in h.rule for h in r.hops)


def test_default_route_table_propagates_every_attachment(lab):
    """AWS docs: tgw-how-it-works: with default association and propagation on, new attachments reach each other with no
    extra call.

    moto records neither the default propagation nor any propagated route; the engine computes both.
    """
    ec2 = lab.client("ec2")
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    inst = []
    for cidr in ("10.150.0.0/16", "10.151.0.0/16"):
        v = vpc(ec2, cidr)
        s = subnet(ec2, v, cidr.replace("0.0/16", "0.0/24"), "us-east-1a")
        rt = route_table(ec2, v, s)
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw)
        ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=v, SubnetIds=[s])
        inst.append(instance(ec2, s, [sg(ec2, v, "any", [("tcp", 443, "10.0.0.0/8")])]))
    r = verify(lab, inst[0], inst[1], reachable=True)
    assert any("computed by the engine" in n or "assumed default propagation" in n for n in r.engine.notes)


def test_az_without_attachment_subnet_cannot_reach_tgw(lab, w):
    """AWS docs: tgw-vpc-attachments: the attachment has a subnet only in us-east-1a; an instance in 1b cannot reach the
    TGW."""
    ec2 = lab.client("ec2")
    s1b = subnet(ec2, w["s1"], "10.101.1.0/24", "us-east-1b")
    ec2.associate_route_table(RouteTableId=w["s1_rt"], SubnetId=s1b)
    i = instance(ec2, s1b, [w["s1_sg"]])
    verify(lab, i, w["s2_i"], reachable=False, code="VPCLAB_TGW_NO_ATTACHMENT_IN_AZ", blocked_by=w["s1_att"])


def test_vpc_without_route_to_tgw(lab, w):
    """AWS docs: tgw-vpc-attachments: the VPC's subnet route table needs a route to the TGW."""
    ec2 = lab.client("ec2")
    ec2.delete_route(RouteTableId=w["s2_rt"], DestinationCidrBlock="10.0.0.0/8")
    verify(lab, w["s2_i"], w["s1_i"], reachable=False, code="NO_ROUTE_TO_DESTINATION", blocked_by=w["s2_rt"])
    ec2.create_route(RouteTableId=w["s2_rt"], DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=w["tgw"])


@pytest.fixture(scope="module")
def segmented(lab, w):
    """AWS docs: tgw-how-it-works: spokes associate with 'spokes' (learns only shared), shared with 'shared' (learns
    both spokes)."""
    ec2 = lab.client("ec2")
    spokes = ec2.create_transit_gateway_route_table(TransitGatewayId=w["tgw"])["TransitGatewayRouteTable"][
        "TransitGatewayRouteTableId"]
    shared = ec2.create_transit_gateway_route_table(TransitGatewayId=w["tgw"])["TransitGatewayRouteTable"][
        "TransitGatewayRouteTableId"]
    for name, table in (("s1", spokes), ("s2", spokes), ("sh", shared)):
        ec2.disassociate_transit_gateway_route_table(TransitGatewayRouteTableId=w["default_rt"],
                                                    TransitGatewayAttachmentId=w[name + "_att"])
        ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=table,
                                                 TransitGatewayAttachmentId=w[name + "_att"])
    ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=spokes,
                                                       TransitGatewayAttachmentId=w["sh_att"])
    for name in ("s1", "s2"):
        ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=shared,
                                                           TransitGatewayAttachmentId=w[name + "_att"])
    return {"spokes": spokes, "shared": shared}


def test_segmentation_spoke_reaches_shared(lab, w, segmented):
    """AWS docs: tgw-how-it-works, tgw-route-tables: spoke -> shared uses the spokes table (propagated from shared) and
    back via the shared table."""
    verify(lab, w["s1_i"], w["sh_i"], reachable=True)


def test_segmentation_spokes_are_isolated(lab, w, segmented):
    """AWS docs: tgw-how-it-works: the spokes table has no route to the other spoke: isolated by design."""
    verify(lab, w["s1_i"], w["s2_i"], reachable=False, code="NO_ROUTE_TO_DESTINATION",
           blocked_by=segmented["spokes"])


def test_blackhole_static_route_drops(lab, w, segmented):
    """AWS docs: tgw-route-tables: a blackhole static route (more specific than the propagated /16) drops matching
    traffic."""
    ec2 = lab.client("ec2")
    ec2.create_transit_gateway_route(DestinationCidrBlock="10.100.0.0/24", Blackhole=True,
                                     TransitGatewayRouteTableId=segmented["spokes"])
    verify(lab, w["s1_i"], w["sh_i"], reachable=False, code="BAD_STATE_ROUTE", blocked_by=segmented["spokes"])
    ec2.delete_transit_gateway_route(DestinationCidrBlock="10.100.0.0/24",
                                     TransitGatewayRouteTableId=segmented["spokes"])
    verify(lab, w["s1_i"], w["sh_i"], reachable=True)


def test_static_route_needs_both_directions(lab, w, segmented):
    """AWS docs: tgw-route-tables: a static route s1 -> s2 in the spokes table gets there, but the reply needs one back
    too."""
    ec2 = lab.client("ec2")
    ec2.create_transit_gateway_route(DestinationCidrBlock="10.102.0.0/16", TransitGatewayRouteTableId=segmented["spokes"],
                                     TransitGatewayAttachmentId=w["s2_att"])
    found = ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=segmented["spokes"],
                                              Filters=[{"Name": "type", "Values": ["static"]}])["Routes"]
    # the fidelity layer restores the attachment moto drops
    assert any(a["TransitGatewayAttachmentId"] == w["s2_att"] for r in found for a in r["TransitGatewayAttachments"])
    verify(lab, w["s1_i"], w["s2_i"], reachable=False, code="NO_ROUTE_TO_DESTINATION", direction="return")
    ec2.create_transit_gateway_route(DestinationCidrBlock="10.101.0.0/16", TransitGatewayRouteTableId=segmented["spokes"],
                                     TransitGatewayAttachmentId=w["s1_att"])
    verify(lab, w["s1_i"], w["s2_i"], reachable=True)
    for cidr in ("10.101.0.0/16", "10.102.0.0/16"):
        ec2.delete_transit_gateway_route(DestinationCidrBlock=cidr, TransitGatewayRouteTableId=segmented["spokes"])


def test_centralised_egress_and_no_gateway_endpoint_through_tgw(lab, w, segmented):
    """AWS docs: nat-gateway, s3-gateway-endpoint: spokes may use an egress VPC's NAT gateway through the TGW, but not
    its S3 gateway endpoint."""
    ec2 = lab.client("ec2")
    v = vpc(ec2, "10.200.0.0/16", "egress")
    pub = subnet(ec2, v, "10.200.0.0/24", "us-east-1a")
    tsub = subnet(ec2, v, "10.200.1.0/24", "us-east-1a")
    g = igw(ec2, v)
    rpub = route_table(ec2, v, pub)
    ec2.create_route(RouteTableId=rpub, DestinationCidrBlock="0.0.0.0/0", GatewayId=g)
    ec2.create_route(RouteTableId=rpub, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=w["tgw"])
    n = nat(ec2, pub)
    rt_t = route_table(ec2, v, tsub)
    ec2.create_route(RouteTableId=rt_t, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=n)
    att = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=w["tgw"], VpcId=v, SubnetIds=[tsub])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=segmented["shared"],
                                             TransitGatewayAttachmentId=att)
    ec2.create_transit_gateway_route(DestinationCidrBlock="0.0.0.0/0", TransitGatewayRouteTableId=segmented["spokes"],
                                     TransitGatewayAttachmentId=att)
    ec2.create_route(RouteTableId=w["s1_rt"], DestinationCidrBlock="0.0.0.0/0", TransitGatewayId=w["tgw"])
    r = verify(lab, w["s1_i"], "internet", reachable=True, via=n)
    assert any(h.component_id == att for h in r.forward_hops)
    ec2.create_vpc_endpoint(VpcId=v, ServiceName="com.amazonaws.us-east-1.s3", RouteTableIds=[rt_t])
    verify(lab, w["s1_i"], "s3", reachable=False, code="VPCLAB_GATEWAY_ENDPOINT_NOT_TRANSITIVE")


def test_trace_from_attachment_and_to_tgw(lab, w):
    """Sources and destinations may be TGW attachments and transit gateways (with an address)."""
    r = lab.trace(w["s1_i"], w["tgw"], destination_ip="10.102.0.50")
    assert r.reachable and r.hops[-1].component_id == w["tgw"]
    r = lab.trace(w["s1_att"], "10.100.0.50")
    assert r.forward_hops[0].component_id == w["s1_att"]


def test_inter_region_tgw_peering_needs_static_routes_on_both_sides(lab):
    """AWS docs: tgw-peering: TGW peering attachments carry only static routes; the accepter accepts; both sides add
    routes."""
    ec2, eu = lab.client("ec2"), lab.client("ec2", "eu-west-1")
    off = {"DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"}
    sides = {}
    for name, client, cidr, az in (("us", ec2, "10.160.0.0/16", "us-east-1a"), ("eu", eu, "10.60.0.0/16", "eu-west-1a")):
        t = client.create_transit_gateway(Options=off)["TransitGateway"]["TransitGatewayId"]
        rt = client.create_transit_gateway_route_table(TransitGatewayId=t)["TransitGatewayRouteTable"][
            "TransitGatewayRouteTableId"]
        v = vpc(client, cidr)
        s = subnet(client, v, cidr.replace("0.0/16", "0.0/24"), az)
        client.create_route(RouteTableId=route_table(client, v, s), DestinationCidrBlock="10.0.0.0/8",
                            TransitGatewayId=t)
        att = client.create_transit_gateway_vpc_attachment(TransitGatewayId=t, VpcId=v, SubnetIds=[s])[
            "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        client.associate_transit_gateway_route_table(TransitGatewayRouteTableId=rt, TransitGatewayAttachmentId=att)
        client.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=rt,
                                                              TransitGatewayAttachmentId=att)
        sides[name] = dict(tgw=t, rt=rt, cidr=cidr, i=instance(client, s, [sg(client, v, "p", [("tcp", 443, "10.0.0.0/8")])]))
    peering = ec2.create_transit_gateway_peering_attachment(
        TransitGatewayId=sides["us"]["tgw"], PeerTransitGatewayId=sides["eu"]["tgw"], PeerAccountId="123456789012",
        PeerRegion="eu-west-1")["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    eu.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=peering)
    for name, client in (("us", ec2), ("eu", eu)):
        client.associate_transit_gateway_route_table(TransitGatewayRouteTableId=sides[name]["rt"],
                                                     TransitGatewayAttachmentId=peering)
    ec2.create_transit_gateway_route(DestinationCidrBlock=sides["eu"]["cidr"], TransitGatewayRouteTableId=sides["us"]["rt"],
                                     TransitGatewayAttachmentId=peering)
    verify(lab, sides["us"]["i"], sides["eu"]["i"], reachable=False, code="NO_ROUTE_TO_DESTINATION",
           direction="return", api_ip_only=True)
    eu.create_transit_gateway_route(DestinationCidrBlock=sides["us"]["cidr"], TransitGatewayRouteTableId=sides["eu"]["rt"],
                                    TransitGatewayAttachmentId=peering)
    r = verify(lab, sides["us"]["i"], sides["eu"]["i"], reachable=True, api_ip_only=True)
    assert any("TGW peering" in h.rule for h in r.hops)


def test_overlapping_attachment_is_accepted_but_its_cidr_is_not_propagated(lab):
    """AWS docs: tgw-vpc-attachments: a VPC whose CIDR overlaps an attached VPC's attaches fine, but its routes are
    not propagated, so the TGW keeps sending that range to the first VPC."""
    ec2 = lab.client("ec2")
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    made = []
    for name, cidr in (("first", "10.160.0.0/16"), ("twin", "10.160.0.0/16"), ("caller", "10.161.0.0/16")):
        v = vpc(ec2, cidr, name)
        s = subnet(ec2, v, cidr.replace("0.0/16", "1.0/24"), "us-east-1a")
        rt = route_table(ec2, v, s)
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw)
        att = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=v, SubnetIds=[s])[
            "TransitGatewayVpcAttachment"]  # accepted: no refusal for the overlap
        made.append((att["TransitGatewayAttachmentId"], instance(ec2, s, [sg(ec2, v, "any", [("tcp", 443,
                                                                                              "10.0.0.0/8")])])))
    (first_att, first_i), (twin_att, twin_i), (_, caller_i) = made
    r = verify(lab, caller_i, first_i, reachable=True)
    assert any(twin_att in n and "not propagated" in n for n in r.engine.notes), r.engine.notes
    assert not any(h.component_id == twin_att for h in r.hops)
