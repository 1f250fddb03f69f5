"""Reference solutions for lab 04 (VPC peering and Transit Gateway)."""


def route_both_sides(ec2, pcx_id, left, right):
    ec2.create_route(RouteTableId=left["rt"], DestinationCidrBlock=right["cidr"], VpcPeeringConnectionId=pcx_id)
    ec2.create_route(RouteTableId=right["rt"], DestinationCidrBlock=left["cidr"], VpcPeeringConnectionId=pcx_id)


def allow_peer(ec2, security_group_id, cidr):
    ec2.authorize_security_group_ingress(GroupId=security_group_id, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": cidr}]}])


def segment(ec2, tgw_id, prod_att, dev_att, shared_att):
    def table():
        return ec2.create_transit_gateway_route_table(TransitGatewayId=tgw_id)["TransitGatewayRouteTable"][
            "TransitGatewayRouteTableId"]

    spokes, shared = table(), table()
    for att, rt in ((prod_att, spokes), (dev_att, spokes), (shared_att, shared)):
        ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=rt, TransitGatewayAttachmentId=att)
    ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=spokes,
                                                       TransitGatewayAttachmentId=shared_att)
    for att in (prod_att, dev_att):
        ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=shared,
                                                           TransitGatewayAttachmentId=att)
    return {"spokes": spokes, "shared": shared}


def route_over_peering(ec2, ec2_peer, spokes_table, west_table, peering_attachment):
    ec2.create_transit_gateway_route(TransitGatewayRouteTableId=spokes_table, DestinationCidrBlock="10.40.0.0/16",
                                     TransitGatewayAttachmentId=peering_attachment)
    ec2_peer.create_transit_gateway_route(TransitGatewayRouteTableId=west_table, DestinationCidrBlock="10.10.0.0/16",
                                          TransitGatewayAttachmentId=peering_attachment)
