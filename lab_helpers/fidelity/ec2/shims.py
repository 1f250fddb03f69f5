"""EC2 shims: botocore glue that applies the rules in :mod:`.rules` to calls on the lab's session."""
from __future__ import annotations

from ..base import Shim, aws_error
from . import rules


def _refuse(refusal):
    return aws_error(*refusal) if refusal else None


def _vpc_cidrs(ctx, vpc_id: str, region=None) -> list[str]:
    vpc = ctx.raw_client("ec2", region).describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    blocks = [a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet", [])
              if a.get("CidrBlockState", {}).get("State", "associated") in ("associated", "associating")]
    return blocks or [vpc["CidrBlock"]]


def create_vpc(params, ctx, **_):
    return _refuse(rules.vpc_cidr_size(params.get("CidrBlock", ""))) if "CidrBlock" in params else None


def create_subnet(params, ctx, **_):
    return _refuse(rules.subnet_cidr_size(params.get("CidrBlock", ""))) if "CidrBlock" in params else None


def create_vpc_peering_connection(params, ctx, **_):
    if params.get("PeerOwnerId"):
        return None  # another account's VPC cannot be described from here; AWS then fails the peering later
    requester, accepter = params["VpcId"], params.get("PeerVpcId")
    if not accepter:
        return None
    try:
        mine = _vpc_cidrs(ctx, requester)
        theirs = _vpc_cidrs(ctx, accepter, params.get("PeerRegion"))
    except Exception:  # unknown VPC ids: let the backend give its own NotFound error
        return None
    return _refuse(rules.peering_overlap(requester, mine, accepter, theirs))


def attach_internet_gateway(params, ctx, **_):
    vpc_id = params["VpcId"]
    found = ctx.raw_client("ec2").describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])["InternetGateways"]
    attached = [g["InternetGatewayId"] for g in found if g["InternetGatewayId"] != params["InternetGatewayId"]]
    return _refuse(rules.second_internet_gateway(vpc_id, attached[0] if attached else None))


def nacl_entry(params, ctx, **_):
    return _refuse(rules.nacl_rule_number(params["RuleNumber"]))


def new_nacl_denies_all(parsed, ctx, params=None, **_):
    acl = parsed["NetworkAcl"]
    if acl.get("Entries"):
        return
    raw = ctx.raw_client("ec2")
    for entry in rules.default_deny_entries():
        raw.create_network_acl_entry(NetworkAclId=acl["NetworkAclId"], **entry)
    acl["Entries"] = rules.default_deny_entries()


def merge_metadata_options(params, ctx, **_):
    """Rewrites the request in place so moto's replace-everything behaves like AWS's merge."""
    instance = ctx.raw_client("ec2").describe_instances(InstanceIds=[params["InstanceId"]])
    current = instance["Reservations"][0]["Instances"][0].get("MetadataOptions", {})
    merged = rules.merged_metadata_options(current, params)
    params.update(merged)


def metadata_hop_limit(params, ctx, **_):
    return _refuse(rules.hop_limit(params.get("HttpPutResponseHopLimit")))


def default_endpoint_type(params, ctx, **_):
    """AWS documents VpcEndpointType as defaulting to Gateway; moto stores None and later fails to delete it."""
    params.setdefault("VpcEndpointType", "Gateway")


def apply_requested_tags(operation: str):
    """TagSpecifications are honoured at creation in AWS; moto drops them for some kinds (TGW attachments).

    Without this, live-mode style tag sweeps could not find those resources in the sandbox.
    """
    from ...resources import BY_OPERATION, ids_in

    kind = BY_OPERATION[("ec2", operation)]

    def handler(parsed, ctx, params=None, context=None, **_):
        tags = [t for spec in (params or {}).get("TagSpecifications", []) for t in spec.get("Tags", [])]
        ids = ids_in(parsed, kind.id_path)
        if not (ids and tags):
            return
        ctx.raw_client("ec2", (context or {}).get("client_region")).create_tags(Resources=ids, Tags=tags)
        created = parsed.get(kind.id_path[0])
        if isinstance(created, dict):
            created.setdefault("Tags", tags)
    return handler


def instance_groups_from_primary_eni(parsed, ctx, **_):
    """AWS lists an instance's SecurityGroups as those of its primary ENI; moto leaves them empty when the
    groups were given on the network interface at launch."""
    for reservation in parsed.get("Reservations", []):
        for instance in reservation.get("Instances", []):
            if instance.get("SecurityGroups"):
                continue
            primary = [n for n in instance.get("NetworkInterfaces", [])
                       if n.get("Attachment", {}).get("DeviceIndex", 0) == 0]
            if primary:
                instance["SecurityGroups"] = [dict(g) for g in primary[0].get("Groups", [])]


_DROPPED_TAGS = ("CreateTransitGatewayVpcAttachment", "CreateTransitGatewayPeeringAttachment")

SHIMS = [
    Shim("ec2", "CreateVpcEndpoint", "params", "CreateVpcEndpoint: VpcEndpointType defaults to Gateway",
         default_endpoint_type),
    Shim("ec2", "CreateVpc", "call", "Rule 69: VPC CIDR /16-/28, valid CIDR", create_vpc),
    Shim("ec2", "CreateSubnet", "call", "Rule 69: subnet CIDR /16-/28 (moto accepts /29)", create_subnet),
    Shim("ec2", "CreateVpcPeeringConnection", "call", "Rule 45: no peering between overlapping CIDRs",
         create_vpc_peering_connection),
    Shim("ec2", "AttachInternetGateway", "call", "Rule 17: one internet gateway per VPC", attach_internet_gateway),
    Shim("ec2", "CreateNetworkAclEntry", "call", "Rule 30: NACL rule numbers 1-32766", nacl_entry),
    Shim("ec2", "ReplaceNetworkAclEntry", "call", "Rule 30: NACL rule numbers 1-32766", nacl_entry),
    Shim("ec2", "CreateNetworkAcl", "result", "Rule 30: a new custom NACL denies all traffic both ways",
         new_nacl_denies_all),
    Shim("ec2", "ModifyInstanceMetadataOptions", "call", "Rule 67: hop limit 1-64", metadata_hop_limit),
    Shim("ec2", "ModifyInstanceMetadataOptions", "params",
         "ModifyInstanceMetadataOptions changes only the fields given", merge_metadata_options),
    Shim("ec2", "DescribeInstances", "result", "An instance's SecurityGroups are its primary ENI's groups",
         instance_groups_from_primary_eni),
]
SHIMS += [Shim("ec2", op, "result", "TagSpecifications apply at creation", apply_requested_tags(op))
          for op in _DROPPED_TAGS]
