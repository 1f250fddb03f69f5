"""Our network, as code: a VPC with an app subnet and a db subnet, and the security groups between them.

    python network.py                 # builds it with your AWS credentials (boto3's usual chain) and prints the ids

The rule it promises, which tests/test_network.py keeps true: **app reaches db on 5432, and nothing else does**
(not the batch host beside app, not app on another port, not the internet). db's name, db.ournet.internal,
resolves inside the VPC through a private hosted zone.

``build`` takes anything with ``.client(service)``: a ``boto3.Session`` for a real account, or a vpc-labs lab
(``start_lab(...)`` or the ``vpc_sandbox`` fixture) for the sandbox, where every resource is tagged and torn down.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

CIDR = "10.40.0.0/16"
APP_CIDR, DB_CIDR = "10.40.1.0/24", "10.40.2.0/24"
DB_PORT = 5432
ZONE = "ournet.internal"
AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"


@dataclass
class Network:
    vpc: str
    app_subnet: str
    db_subnet: str
    app_sg: str
    db_sg: str
    app: str  # instance ids
    batch: str
    db: str
    db_ip: str
    zone: str


def _named(name: str, kind: str) -> list[dict]:
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


def _instance(ec2, ami: str, subnet: str, groups: list[str], name: str) -> dict:
    return ec2.run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                             NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet, "Groups": groups}],
                             TagSpecifications=_named(name, "instance"))["Instances"][0]


def build(aws, region: str | None = None) -> Network:
    """Create the network with ``aws.client(...)``; returns every id the docs and tests talk about."""
    ec2, ssm, route53 = aws.client("ec2"), aws.client("ssm"), aws.client("route53")
    vpc = ec2.create_vpc(CidrBlock=CIDR, TagSpecifications=_named("ournet", "vpc"))["Vpc"]["VpcId"]
    for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
        ec2.modify_vpc_attribute(VpcId=vpc, **{attribute: {"Value": True}})
    app_subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=APP_CIDR,
                                   TagSpecifications=_named("app", "subnet"))["Subnet"]["SubnetId"]
    db_subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=DB_CIDR,
                                  TagSpecifications=_named("db", "subnet"))["Subnet"]["SubnetId"]
    app_sg = ec2.create_security_group(GroupName="app", Description="app servers", VpcId=vpc)["GroupId"]
    batch_sg = ec2.create_security_group(GroupName="batch", Description="batch jobs", VpcId=vpc)["GroupId"]
    db_sg = ec2.create_security_group(GroupName="db", Description="PostgreSQL, from app only", VpcId=vpc)["GroupId"]
    # The one rule: db accepts 5432 from members of the app group (not from a CIDR: batch shares app's subnet).
    ec2.authorize_security_group_ingress(GroupId=db_sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": DB_PORT, "ToPort": DB_PORT,
        "UserIdGroupPairs": [{"GroupId": app_sg, "Description": "app to PostgreSQL"}]}])
    ami = ssm.get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    app = _instance(ec2, ami, app_subnet, [app_sg], "app")
    batch = _instance(ec2, ami, app_subnet, [batch_sg], "batch")
    db = _instance(ec2, ami, db_subnet, [db_sg], "db")
    zone = route53.create_hosted_zone(Name=ZONE, CallerReference=f"ournet-{vpc}",
                                      HostedZoneConfig={"PrivateZone": True, "Comment": "ournet private names"},
                                      VPC={"VPCRegion": region or ec2.meta.region_name, "VPCId": vpc})
    zone_id = zone["HostedZone"]["Id"].split("/")[-1]
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
        "Action": "CREATE", "ResourceRecordSet": {"Name": f"db.{ZONE}", "Type": "A", "TTL": 60,
                                                  "ResourceRecords": [{"Value": db["PrivateIpAddress"]}]}}]})
    return Network(vpc, app_subnet, db_subnet, app_sg, db_sg, app["InstanceId"], batch["InstanceId"],
                   db["InstanceId"], db["PrivateIpAddress"], zone_id)


if __name__ == "__main__":
    import boto3

    print(json.dumps(asdict(build(boto3.Session())), indent=2))
