"""Reference solutions for lab 01."""
import ipaddress

AWS_RESERVED_PER_SUBNET = 5


def usable_addresses(cidr):
    return ipaddress.ip_network(cidr).num_addresses - AWS_RESERVED_PER_SUBNET


def allow_ephemeral_replies(ec2, acl_id):
    ec2.create_network_acl_entry(NetworkAclId=acl_id, RuleNumber=110, Protocol="6", RuleAction="allow",
                                 Egress=True, CidrBlock="0.0.0.0/0", PortRange={"From": 1024, "To": 65535})


def build_two_tier_vpc(ec2, az_a, az_b):
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]

    def subnet(cidr, az):
        return ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]

    public = [subnet("10.0.1.0/24", az_a), subnet("10.0.3.0/24", az_b)]
    private = [subnet("10.0.2.0/24", az_a), subnet("10.0.4.0/24", az_b)]
    igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)
    for subnet_id in public:
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet_id)
    return {"vpc_id": vpc_id, "igw_id": igw_id, "public_subnets": public, "private_subnets": private}
