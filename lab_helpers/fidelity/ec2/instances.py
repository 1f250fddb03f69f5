"""Instances: an instance lists the security groups of its primary network interface.

moto leaves ``SecurityGroups`` empty when the groups were given on the network interface at launch.
Source: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html
"""
from __future__ import annotations

from lab_helpers.fidelity.base import Shim


def instance_groups_from_primary_eni(parsed, ctx, **_):
    for reservation in parsed.get("Reservations", []):
        for instance in reservation.get("Instances", []):
            if instance.get("SecurityGroups"):
                continue
            primary = [n for n in instance.get("NetworkInterfaces", [])
                       if n.get("Attachment", {}).get("DeviceIndex", 0) == 0]
            if primary:
                instance["SecurityGroups"] = [dict(g) for g in primary[0].get("Groups", [])]


SHIMS = [
    Shim("ec2", "DescribeInstances", "result", "An instance's SecurityGroups are its primary ENI's groups",
         instance_groups_from_primary_eni),
]
