"""Small building blocks the labs share: an AMI that exists in every mode, and launching a tagged instance.

The AMI comes from AWS's public SSM parameter, so the same call works in the sandbox (moto serves the parameter),
against a loopback moto server, and in a real account — no AMI id is ever hard-coded.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Optional

AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
DEFAULT_TYPE = "t3.micro"


def latest_ami(lab, region: Optional[str] = None) -> str:
    return lab.client("ssm", region).get_parameter(Name=AL2023)["Parameter"]["Value"]


def launch(lab, subnet_id: str, name: str, *, public_ip: bool = False, security_groups: Iterable[str] = (),
           instance_type: str = DEFAULT_TYPE, region: Optional[str] = None, **extra) -> str:
    """Launch one instance named ``name`` in ``subnet_id``; returns its id.

    ``public_ip`` asks for an auto-assigned public IPv4 (one of the four conditions for internet access).
    """
    nic = {"DeviceIndex": 0, "SubnetId": subnet_id, "AssociatePublicIpAddress": public_ip}
    if security_groups:
        nic["Groups"] = list(security_groups)
    response = lab.client("ec2", region).run_instances(
        ImageId=latest_ami(lab, region), InstanceType=instance_type, MinCount=1, MaxCount=1,
        NetworkInterfaces=[nic], TagSpecifications=[{"ResourceType": "instance",
                                                     "Tags": [{"Key": "Name", "Value": name}]}], **extra)
    return response["Instances"][0]["InstanceId"]
