"""AWS docs: default-security-group: a VPC's default security group allows all inbound traffic from its own members.

moto creates the default group of a new VPC with no inbound rule at all, so two instances left in the default
group could not reach each other in the sandbox while on AWS they can. After ``CreateVpc`` this shim adds the
self-referencing rule AWS starts with (through the raw client: it is AWS's doing, not the learner's, so it is
neither tagged nor recorded in the ledger). Idempotent: a group that already has inbound rules is left alone.
"""
from __future__ import annotations

from lab_helpers.data.aws_docs import sourced
from lab_helpers.fidelity.base import Shim, request_region


def add_self_reference(parsed, ctx, params=None, context=None, **_):
    vpc_id = (parsed.get("Vpc") or {}).get("VpcId")
    if not vpc_id:
        return
    ec2 = ctx.raw_client("ec2", request_region(context))
    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                   {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
    for group in groups:
        if not group.get("IpPermissions"):
            ec2.authorize_security_group_ingress(GroupId=group["GroupId"], IpPermissions=[
                {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": group["GroupId"]}]}])


SHIMS = [
    Shim("ec2", "CreateVpc", "result",
         sourced("The default SG allows inbound from its own members", "default-security-group"),
         add_self_reference),
]
