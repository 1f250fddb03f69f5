"""Elastic IPs, and every address taken from one, are public IPv4 addresses in the sandbox — as in AWS — and the
same address shows in every describe answer (moto draws Elastic IPs from 127.0.0.0/8)."""
import ipaddress
import random

import pytest

from lab_helpers.fidelity.ec2 import elastic_ips

NOT_PUBLIC = [ipaddress.ip_network(n) for n in
              ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8")]


def public_fields(answer, found=None):
    """Every value of a key that AWS uses for a public IPv4 address, anywhere in a describe answer."""
    found = [] if found is None else found
    if isinstance(answer, dict):
        for key, value in answer.items():
            if key in ("PublicIp", "PublicIpAddress", "CarrierIp", "CustomerOwnedIp") and isinstance(value, str):
                found.append(value)
            else:
                public_fields(value, found)
    elif isinstance(answer, list):
        for item in answer:
            public_fields(item, found)
    return found


def assert_public(addresses):
    assert addresses, "the scenario produced no public addresses to check"
    for address in addresses:
        ip = ipaddress.ip_address(address)
        assert not any(ip in net for net in NOT_PUBLIC), f"{address} is presented as public but is not"
        assert elastic_ips.is_public_ipv4(address), address


def test_the_pool_and_the_picker_stay_public():
    assert elastic_ips.SANDBOX_EIP_POOL.is_global
    rng = random.Random(7)
    picked = {elastic_ips.pick_public_address([], rng) for _ in range(200)}
    assert all(elastic_ips.is_public_ipv4(a) and ipaddress.ip_address(a) in elastic_ips.SANDBOX_EIP_POOL
               for a in picked)
    first = elastic_ips.pick_public_address([], random.Random(1))
    assert elastic_ips.pick_public_address([first], random.Random(1)) != first  # a taken address is skipped
    for not_public in ("127.190.189.141", "10.40.1.10", "100.64.0.1", "169.254.169.254", "192.168.1.1"):
        assert not elastic_ips.is_public_ipv4(not_public)


def test_every_describe_answer_shows_the_same_public_address(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
    sub = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.0.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    nat_eip = ec2.allocate_address(Domain="vpc")
    nat = ec2.create_nat_gateway(SubnetId=sub, AllocationId=nat_eip["AllocationId"])["NatGateway"]
    ami = ec2.describe_images()["Images"][0]["ImageId"]
    inst = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                             SubnetId=sub)["Instances"][0]
    inst_eip = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=inst_eip["AllocationId"], InstanceId=inst["InstanceId"])
    eni = ec2.create_network_interface(SubnetId=sub)["NetworkInterface"]["NetworkInterfaceId"]
    eni_eip = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=eni_eip["AllocationId"], NetworkInterfaceId=eni)

    addresses = ec2.describe_addresses()["Addresses"]
    nats = ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"]
    instances = ec2.describe_instances(InstanceIds=[inst["InstanceId"]])["Reservations"]
    enis = ec2.describe_network_interfaces()["NetworkInterfaces"]
    assert_public(public_fields([nat_eip, inst_eip, eni_eip, addresses, nats, instances, enis]))

    assert nats[0]["NatGatewayAddresses"][0]["PublicIp"] == nat_eip["PublicIp"]
    assert instances[0]["Instances"][0]["PublicIpAddress"] == inst_eip["PublicIp"]
    by_eni = {n["NetworkInterfaceId"]: n for n in enis}
    assert by_eni[eni]["Association"]["PublicIp"] == eni_eip["PublicIp"]
    assert len({a["PublicIp"] for a in addresses}) == len(addresses) == 3


def test_an_address_the_caller_names_is_kept(ec2):
    chosen = "198.51.100.7"  # e.g. an address being recovered: AWS allocates that address, so does the sandbox
    assert ec2.allocate_address(Domain="vpc", Address=chosen)["PublicIp"] == chosen


@pytest.mark.parametrize("region", ["us-east-1", "ap-northeast-2"])
def test_public_in_every_region(lab, region):
    ec2 = lab.client("ec2", region)
    assert_public([ec2.allocate_address(Domain="vpc")["PublicIp"]])
