"""Builders shared by the placement scenario tests."""


def subnets(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    return {az: ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
            for i, az in enumerate(("us-east-1a", "us-east-1b", "us-east-1c"), start=1)}


def launch(ec2, subnet, group=None, n=1, itype="c5.large", partition=None):
    placement = {}
    if group:
        placement["GroupName"] = group
    if partition:
        placement["PartitionNumber"] = partition
    kw = {"Placement": placement} if placement else {}
    out = ec2.run_instances(ImageId="ami-12c6146b", InstanceType=itype, MinCount=n, MaxCount=n, SubnetId=subnet,
                            **kw)
    return [i["InstanceId"] for i in out["Instances"]]


def placement_of(ec2, iid):
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["Placement"]
