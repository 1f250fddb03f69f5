"""Instances and their network interfaces: what moto leaves out of an instance's picture.

* An instance lists the security groups of its primary network interface; moto leaves ``SecurityGroups`` empty when
  the groups were given on the network interface at launch.
  Source: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html
* IPv6 addresses where AWS assigns them: an interface gets as many as its launch asks for (``Ipv6AddressCount``, on
  the request or on the network interface specification), and — when the launch says nothing — one if its subnet
  has ``AssignIpv6AddressOnCreation`` on; so does a network interface created in such a subnet
  (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Subnet.html, ``AssignIpv6AddressOnCreation``). moto
  honours only the request-level count. The sandbox assigns the missing addresses through the EC2 API
  (``AssignIpv6Addresses``), so every later describe answer and the network engine see them.
"""
from __future__ import annotations

from typing import Optional

from lab_helpers.data.aws_docs import sourced
from lab_helpers.fidelity.base import Shim, request_region


def instance_groups_from_primary_eni(parsed, ctx, **_):
    for reservation in parsed.get("Reservations", []):
        for instance in reservation.get("Instances", []):
            if instance.get("SecurityGroups"):
                continue
            primary = [n for n in instance.get("NetworkInterfaces", [])
                       if n.get("Attachment", {}).get("DeviceIndex", 0) == 0]
            if primary:
                instance["SecurityGroups"] = [dict(g) for g in primary[0].get("Groups", [])]


def wanted_ipv6(request_count: Optional[int], nic_count: Optional[int], explicit: int, subnet_assigns: bool) -> int:
    """How many IPv6 addresses AWS gives a new interface: an explicit count wins (0 included); addresses listed
    one by one count; otherwise one when the subnet assigns on creation, else none."""
    if nic_count is not None:
        return int(nic_count)
    if request_count is not None:
        return int(request_count)
    if explicit:
        return explicit
    return 1 if subnet_assigns else 0


def _subnet_assigns(ec2, subnet_id: str, cache: dict) -> bool:
    if subnet_id not in cache:
        subnets = ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"] if subnet_id else []
        cache[subnet_id] = bool(subnets and subnets[0].get("AssignIpv6AddressOnCreation")
                                and subnets[0].get("Ipv6CidrBlockAssociationSet"))
    return cache[subnet_id]


def _top_up(ec2, eni: dict, wanted: int) -> None:
    """Give ``eni`` (a describe-shaped interface, updated in place) ``wanted`` IPv6 addresses in all."""
    have = len(eni.get("Ipv6Addresses") or [])
    if wanted > have:
        added = ec2.assign_ipv6_addresses(NetworkInterfaceId=eni["NetworkInterfaceId"],
                                          Ipv6AddressCount=wanted - have).get("AssignedIpv6Addresses", [])
        eni["Ipv6Addresses"] = list(eni.get("Ipv6Addresses") or []) + [
            {"Ipv6Address": a, "IsPrimaryIpv6": False} for a in added if a not in
            {x.get("Ipv6Address") for x in eni.get("Ipv6Addresses") or []}]


def ipv6_at_launch(parsed, ctx, params=None, context=None, **_):
    params = params or {}
    ec2 = ctx.raw_client("ec2", request_region(context))
    specs = {int(s.get("DeviceIndex", 0)): s for s in params.get("NetworkInterfaces", [])}
    cache: dict = {}
    for instance in parsed.get("Instances", []):
        for eni in instance.get("NetworkInterfaces", []):
            index = int(eni.get("Attachment", {}).get("DeviceIndex", 0))
            spec = specs.get(index, {})
            explicit = len(spec.get("Ipv6Addresses") or params.get("Ipv6Addresses") or [])
            count = wanted_ipv6(params.get("Ipv6AddressCount") if index == 0 else None, spec.get("Ipv6AddressCount"),
                                explicit, _subnet_assigns(ec2, eni.get("SubnetId", ""), cache))
            _top_up(ec2, eni, count)


def ipv6_on_new_interface(parsed, ctx, params=None, context=None, **_):
    params = params or {}
    eni = parsed.get("NetworkInterface") or {}
    if not eni.get("NetworkInterfaceId"):
        return
    ec2 = ctx.raw_client("ec2", request_region(context))
    count = wanted_ipv6(params.get("Ipv6AddressCount"), None, len(params.get("Ipv6Addresses") or []),
                        _subnet_assigns(ec2, eni.get("SubnetId", ""), {}))
    _top_up(ec2, eni, count)


SHIMS = [
    Shim("ec2", "DescribeInstances", "result", "An instance's SecurityGroups are its primary ENI's groups",
         instance_groups_from_primary_eni),
    Shim("ec2", "RunInstances", "result",
         sourced("IPv6 addresses per Ipv6AddressCount, or one when the subnet assigns on creation",
                 "ipv6-addressing"),
         ipv6_at_launch),
    Shim("ec2", "CreateNetworkInterface", "result",
         sourced("A new interface in an AssignIpv6AddressOnCreation subnet gets an IPv6 address", "ipv6-addressing"),
         ipv6_on_new_interface),
]
