"""Transit gateways: what moto drops that AWS keeps.

* Tags given in ``TagSpecifications`` apply at creation (moto drops them on TGW attachments), so tag sweeps find
  the attachments. Source: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTransitGatewayVpcAttachment.html
* AWS docs: tgw-route-tables: a static route keeps the attachment it names (moto-fidelity §7).
  ``CreateTransitGatewayRoute`` is remembered per lab and ``SearchTransitGatewayRoutes`` answers with the attachment
  filled in, as AWS does. Source: https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html
* AWS docs: tgw-vpc-attachments: a VPC attachment takes at most one subnet per Availability Zone; two in one AZ is
  ``DuplicateSubnetsInSameZone`` (moto accepts them).
"""
from __future__ import annotations

import ipaddress

from lab_helpers.data.aws_docs import sourced
from lab_helpers.fidelity.base import Refusal, Shim, refuse, request_region
from lab_helpers.sim.netsim.snapshot.capture import HINTS_STORE  # the engine's capture reads the hints these shims keep

_ID_PATHS = {"CreateTransitGatewayVpcAttachment": ("TransitGatewayVpcAttachment", "TransitGatewayAttachmentId"),
             "CreateTransitGatewayPeeringAttachment": ("TransitGatewayPeeringAttachment",
                                                       "TransitGatewayAttachmentId")}


def duplicate_subnets_in_zone(subnet_azs: dict[str, str]) -> Refusal | None:
    """One subnet per AZ: ``subnet_azs`` maps each requested subnet to its AZ."""
    seen: dict[str, str] = {}
    for subnet, az in subnet_azs.items():
        if az in seen:
            return Refusal("DuplicateSubnetsInSameZone", f"Duplicate Subnets for same AZ: {seen[az]} and {subnet} are "
                                                         f"both in {az}; a VPC attachment takes one subnet per AZ.")
        seen[az] = subnet
    return None


def one_subnet_per_az(params, ctx, context=None, **_):
    ids = list(params.get("SubnetIds") or params.get("AddSubnetIds") or [])
    if len(ids) < 2:
        return None
    try:
        subnets = ctx.raw_client("ec2", request_region(context)).describe_subnets(SubnetIds=ids)["Subnets"]
    except Exception:  # an unknown subnet: the backend answers with its own NotFound
        return None
    return refuse(duplicate_subnets_in_zone({s["SubnetId"]: s["AvailabilityZone"] for s in subnets}))


def apply_requested_tags(operation: str):
    """A result handler for ``operation`` that applies the request's TagSpecifications to what it created."""
    outer, key = _ID_PATHS[operation]

    def handler(parsed, ctx, params=None, context=None, **_):
        tags = [t for spec in (params or {}).get("TagSpecifications", []) for t in spec.get("Tags", [])]
        created = parsed.get(outer)
        rid = created.get(key) if isinstance(created, dict) else None
        if not (rid and tags):
            return
        ctx.raw_client("ec2", request_region(context)).create_tags(Resources=[rid], Tags=tags)
        created.setdefault("Tags", tags)
    return handler


# ------------------------------------------------------------------------- TGW static routes (moto-fidelity §7)
def _cidr(c: str) -> str:
    try:
        return str(ipaddress.ip_network(c, strict=False))
    except ValueError:
        return c


def remember_tgw_route(parsed, ctx, params=None, **_):
    params = params or {}
    if params.get("TransitGatewayAttachmentId") and not params.get("Blackhole"):
        key = f"{params['TransitGatewayRouteTableId']}|{_cidr(params['DestinationCidrBlock'])}"
        ctx.store(HINTS_STORE)[key] = params["TransitGatewayAttachmentId"]


def forget_tgw_route(parsed, ctx, params=None, **_):
    params = params or {}
    ctx.store(HINTS_STORE).pop(f"{params.get('TransitGatewayRouteTableId')}|"
                               f"{_cidr(params.get('DestinationCidrBlock', ''))}", None)


def fill_tgw_route_attachments(parsed, ctx, params=None, context=None, **_):
    params = params or {}
    hints = ctx.store(HINTS_STORE)
    rt = params.get("TransitGatewayRouteTableId")
    for r in parsed.get("Routes", []):
        if r.get("Type") == "static" and r.get("State") == "active" and not r.get("TransitGatewayAttachments"):
            att = hints.get(f"{rt}|{_cidr(r.get('DestinationCidrBlock', ''))}")
            if att:
                info = {"TransitGatewayAttachmentId": att}
                try:
                    found = ctx.raw_client("ec2", request_region(context)).describe_transit_gateway_attachments(
                        TransitGatewayAttachmentIds=[att])["TransitGatewayAttachments"]
                    if found:
                        info.update(ResourceId=found[0].get("ResourceId", ""),
                                    ResourceType=found[0].get("ResourceType", ""))
                except Exception:  # the attachment is gone: still say which one the route names
                    pass
                r["TransitGatewayAttachments"] = [info]


SHIMS = [
    Shim("ec2", "CreateTransitGatewayVpcAttachment", "call",
         sourced("A VPC attachment takes one subnet per Availability Zone", "tgw-vpc-attachments"), one_subnet_per_az),
    Shim("ec2", "CreateTransitGatewayRoute", "result",
         sourced("A static TGW route keeps its attachment (moto loses it)", "tgw-route-tables"),
         remember_tgw_route),
    Shim("ec2", "DeleteTransitGatewayRoute", "result",
         sourced("Deleting a static route forgets its attachment", "tgw-route-tables"),
         forget_tgw_route),
    Shim("ec2", "SearchTransitGatewayRoutes", "result",
         sourced("Static routes show their attachment", "tgw-route-tables"),
         fill_tgw_route_attachments),
]
SHIMS += [Shim("ec2", op, "result", "TagSpecifications apply at creation", apply_requested_tags(op))
          for op in _ID_PATHS]
