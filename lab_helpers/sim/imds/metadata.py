"""The metadata tree of one instance, built from ``DescribeInstances`` (AWS docs: imds-retrieval): what an instance
reads below ``http://169.254.169.254/latest/meta-data/``. :mod:`lab_helpers.sim.imds.server` serves it on 127.0.0.1.

``iam/security-credentials/<role>`` holds **fake** credentials, clearly labelled (:data:`FAKE_LABEL`), and
``tags/instance/`` exists only when the instance's ``InstanceMetadataTags`` option is ``enabled``.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Optional

from lab_helpers.errors import LabInputError

FAKE_LABEL = "VPCLAB-FAKE"


def describe_instance(lab, instance_id: str) -> dict:
    """The instance as DescribeInstances returns it; a wrong id fails with a message saying what to pass."""
    try:
        res = lab.raw_client("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"]
    except Exception as exc:
        code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
        raise LabInputError(f"No instance {instance_id!r} to serve metadata for ({code}). Pass an InstanceId from "
                            "run_instances.") from None
    return res[0]["Instances"][0]


def options(instance: dict) -> dict:
    """The instance's MetadataOptions with AWS's defaults filled in."""
    opts = {"HttpTokens": "optional", "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled",
            "InstanceMetadataTags": "disabled"}
    opts.update({k: v for k, v in (instance.get("MetadataOptions") or {}).items() if v is not None})
    return opts


def fake_credentials(role: str, now: datetime) -> dict:
    """What ``iam/security-credentials/<role>`` returns — fake, and saying so in every field."""
    return {"Code": "Success", "LastUpdated": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "Type": "AWS-HMAC",
            # Deliberately not ASIA…: a published notebook must never show anything a leak scanner takes for a key.
            "AccessKeyId": f"{FAKE_LABEL}-ACCESS-KEY-ID",
            "SecretAccessKey": f"{FAKE_LABEL}-secret-for-{role}-not-a-real-key",
            "Token": f"{FAKE_LABEL}-session-token-for-{role}",
            "Expiration": (now + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%SZ")}


def _role_of(lab, instance: dict, role: Optional[str]) -> Optional[str]:
    profile = (instance.get("IamInstanceProfile") or {}).get("Arn")
    if not profile:
        return role
    name = profile.split("/")[-1]
    try:
        roles = lab.raw_client("iam").get_instance_profile(InstanceProfileName=name)["InstanceProfile"]["Roles"]
        return roles[0]["RoleName"] if roles else role
    except Exception:  # profile unreadable: show the profile's name, as the role is what IMDS lists
        return role or name


def tree(lab, instance: dict, role: Optional[str] = None, now: Optional[datetime] = None) -> dict:
    """The ``/latest/meta-data/`` hierarchy as nested dicts (leaves are strings)."""
    now = now or datetime.now(UTC)
    region = instance["Placement"]["AvailabilityZone"][:-1]
    eni_list = sorted(instance.get("NetworkInterfaces", []), key=lambda e: e.get("Attachment", {}).get(
        "DeviceIndex", 0))
    mac = eni_list[0]["MacAddress"] if eni_list else "02:00:00:00:00:00"
    private_ip = instance.get("PrivateIpAddress", "")
    local_name = f"ip-{private_ip.replace('.', '-')}.ec2.internal" if region == "us-east-1" else \
        f"ip-{private_ip.replace('.', '-')}.{region}.compute.internal"
    data = {
        "ami-id": instance.get("ImageId", ""),
        "ami-launch-index": str(instance.get("AmiLaunchIndex", 0)),
        "hostname": local_name,
        "instance-id": instance["InstanceId"],
        "instance-type": instance.get("InstanceType", ""),
        "local-hostname": local_name,
        "local-ipv4": private_ip,
        "mac": mac,
        "placement": {"availability-zone": instance["Placement"]["AvailabilityZone"], "region": region},
        "security-groups": "\n".join(g["GroupName"] for g in instance.get("SecurityGroups", [])),
        "services": {"domain": "amazonaws.com", "partition": "aws"},
        "network": {"interfaces": {"macs": {e["MacAddress"]: _eni_tree(lab, e) for e in eni_list}}},
    }
    if instance.get("PublicIpAddress"):
        data["public-ipv4"] = instance["PublicIpAddress"]
        if instance.get("PublicDnsName"):
            data["public-hostname"] = instance["PublicDnsName"]
    if instance["Placement"].get("GroupName"):
        data["placement"]["group-name"] = instance["Placement"]["GroupName"]
    if instance["Placement"].get("PartitionNumber"):
        data["placement"]["partition-number"] = str(instance["Placement"]["PartitionNumber"])
    role_name = _role_of(lab, instance, role)
    if role_name:
        profile = (instance.get("IamInstanceProfile") or {}).get("Arn", f"arn:aws:iam::123456789012:"
                                                                          f"instance-profile/{role_name}")
        data["iam"] = {"info": json.dumps({"Code": "Success", "InstanceProfileArn": profile}, indent=2),
                       "security-credentials": {role_name: json.dumps(fake_credentials(role_name, now), indent=2)}}
    if options(instance)["InstanceMetadataTags"] == "enabled":
        data["tags"] = {"instance": {t["Key"]: t["Value"] for t in instance.get("Tags", [])}}
    return data


def _eni_tree(lab, eni: dict) -> dict:
    out = {"device-number": str(eni.get("Attachment", {}).get("DeviceIndex", 0)),
           "interface-id": eni["NetworkInterfaceId"], "mac": eni["MacAddress"],
           "local-ipv4s": "\n".join(p["PrivateIpAddress"] for p in eni.get("PrivateIpAddresses", [])),
           "owner-id": eni.get("OwnerId", ""), "subnet-id": eni.get("SubnetId", ""), "vpc-id": eni.get("VpcId", ""),
           "security-group-ids": "\n".join(g["GroupId"] for g in eni.get("Groups", []))}
    if eni.get("Association", {}).get("PublicIp"):
        out["public-ipv4s"] = eni["Association"]["PublicIp"]
    ec2 = lab.raw_client("ec2")
    try:
        subnet = ec2.describe_subnets(SubnetIds=[eni["SubnetId"]])["Subnets"][0]
        vpc = ec2.describe_vpcs(VpcIds=[eni["VpcId"]])["Vpcs"][0]
        out["subnet-ipv4-cidr-block"] = subnet["CidrBlock"]
        out["vpc-ipv4-cidr-block"] = vpc["CidrBlock"]
        out["vpc-ipv4-cidr-blocks"] = "\n".join(a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet", [])) \
            or vpc["CidrBlock"]
    except Exception:  # default-VPC oddities in moto: leave the CIDR keys out rather than guess
        pass
    return out


def lookup(data: dict, path: str):
    """Walk ``path`` (below /latest/meta-data/) in the tree: a dict is a directory, a string a value."""
    node = data
    for part in [p for p in path.split("/") if p]:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def listing(node: dict) -> str:
    return "\n".join(f"{k}/" if isinstance(v, dict) else k for k, v in node.items())

