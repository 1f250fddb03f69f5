"""Builders shared by the DNS scenario tests."""
import uuid


def make_vpc(ec2, cidr, dns=True):
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": dns})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": dns})
    return vpc


def make_zone(r53, name, vpc, region="us-east-1"):
    zone = r53.create_hosted_zone(Name=name, CallerReference=f"{name}-{uuid.uuid4().hex}", HostedZoneConfig={"PrivateZone": True},
                                  VPC={"VPCRegion": region, "VPCId": vpc})
    return zone["HostedZone"]["Id"].split("/")[-1]


def add(r53, zone, name, rtype, *values, action="CREATE"):
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        {"Action": action, "ResourceRecordSet": {"Name": name, "Type": rtype, "TTL": 60,
                                                 "ResourceRecords": [{"Value": v} for v in values]}}]})
