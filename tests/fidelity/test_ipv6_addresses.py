"""IPv6 addresses appear where AWS assigns them (moto honours only RunInstances' own Ipv6AddressCount)."""
import ipaddress

import pytest

from lab_helpers.fidelity.ec2 import instances


@pytest.mark.parametrize("request_count,nic,explicit,subnet,expected", [
    (None, None, 0, False, 0), (None, None, 0, True, 1), (None, 2, 0, False, 2), (0, None, 0, True, 0),
    (None, 0, 0, True, 0), (None, None, 2, False, 2), (3, None, 0, True, 3)])
def test_how_many_ipv6_addresses_a_new_interface_gets(request_count, nic, explicit, subnet, expected):
    assert instances.wanted_ipv6(request_count, nic, explicit, subnet) == expected


@pytest.fixture
def dual_stack(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.61.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    block = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    v6 = str(next(ipaddress.ip_network(block).subnets(new_prefix=64)))
    sub = ec2.create_subnet(VpcId=vpc, CidrBlock="10.61.1.0/24", Ipv6CidrBlock=v6)["Subnet"]["SubnetId"]
    ami = ec2.describe_images()["Images"][0]["ImageId"]
    return {"vpc": vpc, "subnet": sub, "v6": ipaddress.ip_network(v6), "ami": ami}


def _v6_of(ec2, instance_id):
    inst = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    return [a["Ipv6Address"] for n in inst["NetworkInterfaces"] for a in n.get("Ipv6Addresses", [])]


def test_subnet_that_assigns_on_creation_gives_every_new_interface_an_address(ec2, dual_stack):
    sub = dual_stack["subnet"]
    nic = [{"DeviceIndex": 0, "SubnetId": sub}]
    before = ec2.run_instances(ImageId=dual_stack["ami"], MinCount=1, MaxCount=1, NetworkInterfaces=nic)
    assert _v6_of(ec2, before["Instances"][0]["InstanceId"]) == []  # attribute off: none, as in AWS
    ec2.modify_subnet_attribute(SubnetId=sub, AssignIpv6AddressOnCreation={"Value": True})
    after = ec2.run_instances(ImageId=dual_stack["ami"], MinCount=1, MaxCount=1, NetworkInterfaces=nic)
    (address,) = _v6_of(ec2, after["Instances"][0]["InstanceId"])
    assert ipaddress.ip_address(address) in dual_stack["v6"]
    assert after["Instances"][0]["NetworkInterfaces"][0]["Ipv6Addresses"][0]["Ipv6Address"] == address
    eni = ec2.create_network_interface(SubnetId=sub)["NetworkInterface"]
    assert len(eni["Ipv6Addresses"]) == 1


def test_count_on_the_interface_specification_is_honoured(ec2, dual_stack):
    nic = [{"DeviceIndex": 0, "SubnetId": dual_stack["subnet"], "Ipv6AddressCount": 2}]
    run = ec2.run_instances(ImageId=dual_stack["ami"], MinCount=1, MaxCount=1, NetworkInterfaces=nic)
    assert len(_v6_of(ec2, run["Instances"][0]["InstanceId"])) == 2


def test_default_network_acl_allows_ipv6_once_the_vpc_has_a_block(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.62.0.0/16")["Vpc"]["VpcId"]
    ec2.associate_vpc_cidr_block(VpcId=vpc, AmazonProvidedIpv6CidrBlock=True)
    acl = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                             {"Name": "default", "Values": ["true"]}])["NetworkAcls"][0]
    v6 = sorted((e["Egress"], e["RuleNumber"], e["RuleAction"]) for e in acl["Entries"] if e.get("Ipv6CidrBlock"))
    assert v6 == [(False, 101, "allow"), (True, 101, "allow")]
