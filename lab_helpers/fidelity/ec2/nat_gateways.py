"""NAT devices: secondary addresses of a NAT gateway (AWS docs: nat-gateway-basics), which moto does not implement, and
the NAT instance's source/destination check (AWS docs: nat-instance), which moto keeps on the instance but not on its
interface.

``AssociateNatGatewayAddress`` (public NAT: more Elastic IPs) is served from per-lab state and
``DescribeNatGateways`` shows the extra addresses, so :mod:`lab_helpers.sim.nat` — which reads addresses only through
``describe_nat_gateways`` — sees them exactly as it would in a real account. A NAT gateway has at most 8 addresses
(1 primary + 7 secondary); the *default quota* is 2 Elastic IPs per public NAT gateway, raised on request, so the
labs add only one.
"""
from __future__ import annotations

import secrets
from typing import Optional

from lab_helpers.data.aws_docs import cite, sourced
from lab_helpers.fidelity.base import Shim, aws_error, aws_response, request_region

STORE = __name__  # shim-state key: this module owns its served state
MAX_ADDRESSES = 8


def too_many(current: int, adding: int) -> Optional[tuple]:
    if current + adding > MAX_ADDRESSES:
        return ("InvalidParameterValue", f"A NAT gateway can have at most {MAX_ADDRESSES} addresses "
                                         f"(it has {current}, you asked for {adding} more).")
    return None


def associate(params, ctx, context=None, **_):
    region = request_region(context)
    ec2 = ctx.raw_client("ec2", region)
    nat_id = params["NatGatewayId"]
    try:
        nat = ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]
    except Exception:
        return aws_error("NatGatewayNotFound", f"The Nat Gateway {nat_id} was not found")
    if nat.get("ConnectivityType", "public") != "public" and params.get("AllocationIds"):
        return aws_error("InvalidParameterValue", "A private NAT gateway cannot have Elastic IP addresses "
                                                  f"({cite('nat-gateway')}); use AssignPrivateNatGatewayAddress.")
    extra = ctx.store(STORE).setdefault(nat_id, [])
    ids = params.get("AllocationIds", [])
    refusal = too_many(len(nat.get("NatGatewayAddresses", [])) + len(extra), len(ids))
    if refusal:
        return aws_error(*refusal)
    used = {a["AllocationId"] for a in extra} | {a.get("AllocationId") for a in nat.get("NatGatewayAddresses", [])}
    added = []
    for alloc in ids:
        found = ec2.describe_addresses(Filters=[{"Name": "allocation-id", "Values": [alloc]}])["Addresses"]
        if not found:
            return aws_error("InvalidAllocationID.NotFound", f"The allocation ID '{alloc}' does not exist")
        if alloc in used or found[0].get("AssociationId"):
            return aws_error("Resource.AlreadyAssociated", f"Elastic IP address [{alloc}] is already associated")
        primary = nat["NatGatewayAddresses"][0] if nat.get("NatGatewayAddresses") else {}
        added.append({"AllocationId": alloc, "NetworkInterfaceId": primary.get("NetworkInterfaceId", ""),
                      "PublicIp": found[0]["PublicIp"], "AssociationId": f"eipassoc-{secrets.token_hex(8)}",
                      "IsPrimary": False, "Status": "succeeded"})
    extra.extend(added)
    return aws_response({"NatGatewayId": nat_id,
                         "NatGatewayAddresses": [{**a, "Status": "associating"} for a in added]})


def described(parsed, ctx, **_):
    store = ctx.store(STORE)
    for nat in parsed.get("NatGateways", []):
        for a in nat.get("NatGatewayAddresses", []):
            a.setdefault("IsPrimary", True)
        if nat["NatGatewayId"] in store and nat.get("State") not in ("deleted", "deleting"):
            nat["NatGatewayAddresses"] = nat.get("NatGatewayAddresses", []) + [dict(a) for a in
                                                                                store[nat["NatGatewayId"]]]


def source_dest_check_follows(parsed, ctx, params=None, context=None, **_):
    """An instance's SourceDestCheck *is* its primary interface's attribute; moto changes only the instance's copy,
    so anything reading the ENI (the network engine) would still see the check on."""
    if not params or "SourceDestCheck" not in params:
        return
    ec2 = ctx.raw_client("ec2", request_region(context))
    instance = ec2.describe_instances(InstanceIds=[params["InstanceId"]])["Reservations"][0]["Instances"][0]
    for eni in instance.get("NetworkInterfaces", []):
        if eni.get("Attachment", {}).get("DeviceIndex") == 0:
            ec2.modify_network_interface_attribute(NetworkInterfaceId=eni["NetworkInterfaceId"],
                                                   SourceDestCheck=params["SourceDestCheck"])


SHIMS = [
    Shim("ec2", "ModifyInstanceAttribute", "result",
         sourced("An instance's source/destination check is its primary network interface's", "nat-instance"),
         source_dest_check_follows),
    Shim("ec2", "AssociateNatGatewayAddress", "call",
         sourced("Up to 8 addresses per NAT gateway", "nat-gateway-basics"),
         associate),
    Shim("ec2", "DescribeNatGateways", "result", sourced("Secondary addresses are listed", "nat-gateway-basics"),
         described),
]
