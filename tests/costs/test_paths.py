"""Flow paths read from lab.trace: the billed hops match the route the engine found."""
import pytest

from lab_helpers.sim.costs import Resource, flow_from_trace, hops_from_trace, monthly
from lab_helpers.teach import compute


def _kinds(trace):
    return [h.kind for h in hops_from_trace(trace)]


@pytest.fixture
def shop(lab):
    ec2 = lab.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    pub = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    pa = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    pb = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.3.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    prt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=prt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=prt, SubnetId=pub)
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=pub, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    for s in (pa, pb):
        ec2.associate_route_table(RouteTableId=rt, SubnetId=s)
    sg = ec2.create_security_group(GroupName="ep", Description="ep", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    return {"ec2": ec2, "vpc": vpc, "rt": rt, "a": compute.launch(lab, pa, "a"), "b": compute.launch(lab, pb, "b"),
            "pa": pa, "pb": pb, "sg": sg}


def test_nat_path_from_the_other_az(lab, shop):
    # the NAT gateway is in us-east-1a; task b in us-east-1b crosses AZs to reach it
    assert _kinds(lab.trace(shop["a"], "s3")) == ["nat", "internet"]
    assert _kinds(lab.trace(shop["b"], "s3")) == ["cross_az", "nat", "internet"]


def test_gateway_and_interface_endpoint_paths(lab, shop):
    ec2 = shop["ec2"]
    ec2.create_vpc_endpoint(VpcId=shop["vpc"], ServiceName="com.amazonaws.us-east-1.s3", RouteTableIds=[shop["rt"]])
    assert _kinds(lab.trace(shop["b"], "s3")) == ["gateway_endpoint"]
    ep = ec2.create_vpc_endpoint(VpcId=shop["vpc"], ServiceName="com.amazonaws.us-east-1.logs",
                                 VpcEndpointType="Interface", SubnetIds=[shop["pa"], shop["pb"]],
                                 SecurityGroupIds=[shop["sg"]])["VpcEndpoint"]["VpcEndpointId"]
    assert _kinds(lab.trace(shop["a"], ep)) == ["interface_endpoint"]
    flow = flow_from_trace("logs", 100, lab.trace(shop["b"], ep))
    bill = monthly([Resource("interface_endpoint_az", 2)], [flow], hours=730)
    assert bill.total == pytest.approx(2 * 7.30 + 1.0)


def test_unreachable_trace_has_no_price(lab, shop):
    shop["ec2"].delete_route(RouteTableId=shop["rt"], DestinationCidrBlock="0.0.0.0/0")
    with pytest.raises(ValueError, match="not reachable"):
        hops_from_trace(lab.trace(shop["a"], "s3"))


def _vpc(lab, ec2, cidr, az="us-east-1a"):
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    sub = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace(".0.0/16", ".1.0/24"), AvailabilityZone=az)[
        "Subnet"]["SubnetId"]
    rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=rt, SubnetId=sub)
    sg = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    return vpc, sub, rt, compute.launch(lab, sub, cidr, security_groups=[sg])


def test_peering_and_tgw_paths(lab):
    ec2 = lab.client("ec2")
    a, sa, ra, ia = _vpc(lab, ec2, "10.1.0.0/16")
    b, sb, rb, ib = _vpc(lab, ec2, "10.2.0.0/16", "us-east-1b")
    pcx = ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId=b)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=ra, DestinationCidrBlock="10.2.0.0/16", VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=rb, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
    assert _kinds(lab.trace(ia, ib)) == ["peering", "cross_az"]
    c, sc, rc, ic = _vpc(lab, ec2, "10.3.0.0/16")
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    for vpc, sub, rt in ((a, sa, ra), (c, sc, rc)):
        ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[sub])
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock="10.3.0.0/16" if vpc == a else "10.1.0.0/16",
                         TransitGatewayId=tgw)
    assert _kinds(lab.trace(ia, ic)) == ["tgw"]


def test_inter_region_peering_path_is_priced_where_it_leaves(lab):
    east, seoul = lab.client("ec2"), lab.client("ec2", "ap-northeast-2")
    a, sa, ra, ia = _vpc(lab, east, "10.1.0.0/16")
    vpc = seoul.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    sub = seoul.create_subnet(VpcId=vpc, CidrBlock="10.5.1.0/24", AvailabilityZone="ap-northeast-2a")["Subnet"][
        "SubnetId"]
    rt = seoul.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    seoul.associate_route_table(RouteTableId=rt, SubnetId=sub)
    sg = seoul.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    seoul.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    ie = compute.launch(lab, sub, "seoul", security_groups=[sg], region="ap-northeast-2")
    pcx = east.create_vpc_peering_connection(VpcId=a, PeerVpcId=vpc, PeerRegion="ap-northeast-2")[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    seoul.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    east.create_route(RouteTableId=ra, DestinationCidrBlock="10.5.0.0/16", VpcPeeringConnectionId=pcx)
    seoul.create_route(RouteTableId=rt, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
    hops = hops_from_trace(lab.trace(ia, ie))
    assert [h.kind for h in hops] == ["peering", "inter_region"]
    assert hops[1].region is None  # priced in the region the bytes leave: the flow's own (us-east-1)
    bill = monthly([], [flow_from_trace("replication", 100, lab.trace(ia, ie))], "us-east-1")
    assert bill.total == pytest.approx(100 * 0.02)


def test_a_traced_flow_is_priced_in_the_region_it_starts(lab):
    seoul = lab.client("ec2", "ap-northeast-2")
    vpc = seoul.create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
    sub = seoul.create_subnet(VpcId=vpc, CidrBlock="10.5.1.0/24", AvailabilityZone="ap-northeast-2a")["Subnet"][
        "SubnetId"]
    igw = seoul.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    seoul.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rt = seoul.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    seoul.associate_route_table(RouteTableId=rt, SubnetId=sub)
    seoul.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    web = compute.launch(lab, sub, "web", public_ip=True, region="ap-northeast-2")
    flow = flow_from_trace("downloads", 100, lab.trace(web, "internet"))
    assert flow.region == "ap-northeast-2" and [h.kind for h in flow.path] == ["internet"]
    assert monthly([], [flow], "us-east-1").total == pytest.approx(100 * 0.126)  # Seoul's egress rate
