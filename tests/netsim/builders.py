"""Small boto3 builders for netsim scenarios: each returns plain ids so tests read like the lab steps."""
from __future__ import annotations

AMI = "ami-12c6146b"


def vpc(ec2, cidr, name=""):
    v = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    if name:
        ec2.create_tags(Resources=[v], Tags=[{"Key": "Name", "Value": name}])
    return v


def subnet(ec2, vpc_id, cidr, az):
    return ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]


def route_table(ec2, vpc_id, *subnets):
    rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    for s in subnets:
        ec2.associate_route_table(RouteTableId=rt, SubnetId=s)
    return rt


def igw(ec2, vpc_id):
    g = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=g, VpcId=vpc_id)
    return g


def sg(ec2, vpc_id, name, ingress=(), egress_all=True):
    g = ec2.create_security_group(VpcId=vpc_id, GroupName=name, Description=name)["GroupId"]
    perms = []
    for proto, port, peer in ingress:
        p = {"IpProtocol": proto, "FromPort": port, "ToPort": port}
        if peer.startswith("sg-"):
            p["UserIdGroupPairs"] = [{"GroupId": peer}]
        elif peer.startswith("pl-"):
            p["PrefixListIds"] = [{"PrefixListId": peer}]
        else:
            p["IpRanges"] = [{"CidrIp": peer}]
        perms.append(p)
    if perms:
        ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=perms)
    if not egress_all:
        ec2.revoke_security_group_egress(GroupId=g, IpPermissions=[{"IpProtocol": "-1",
                                                                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return g


def instance(ec2, subnet_id, groups, public=False):
    ni = {"DeviceIndex": 0, "SubnetId": subnet_id, "Groups": list(groups), "AssociatePublicIpAddress": public}
    return ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, NetworkInterfaces=[ni])["Instances"][0]["InstanceId"]


def nat(ec2, subnet_id):
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    return ec2.create_nat_gateway(SubnetId=subnet_id, AllocationId=eip)["NatGateway"]["NatGatewayId"]


def prefix_list(ec2, service, region="us-east-1"):
    name = f"com.amazonaws.{region}.{service}"
    return next(p["PrefixListId"] for p in ec2.describe_managed_prefix_lists()["PrefixLists"]
                if p["PrefixListName"] == name)
