

def test_private_address_of_an_unconnected_vpc_is_not_reached_via_the_internet(lab):
    """Private ranges are not routed on the internet: 0.0.0.0/0 -> IGW does not reach another VPC's 10.x."""
    from lab_helpers.teach.compute import launch

    ec2 = lab.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    web = launch(lab, subnet, "web", public_ip=True)
    other_vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    other = launch(lab, ec2.create_subnet(VpcId=other_vpc, CidrBlock="10.30.1.0/24")["Subnet"]["SubnetId"], "o")
    result = lab.trace(web, other, port=443)
    assert not result.reachable and result.code == "VPCLAB_PRIVATE_ADDRESS_ON_INTERNET"
    assert lab.trace(web, "8.8.8.8", port=443).reachable
