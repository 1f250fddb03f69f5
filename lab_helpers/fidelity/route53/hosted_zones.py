"""Route 53 fidelity: refusals AWS makes that moto skips (moto-fidelity §2, §4).

- A ``CREATE`` for a name+type that already exists is refused with ``InvalidChangeBatch`` (moto adds a second set).
- A CNAME cannot share its name with any other record, and nothing can be added beside a CNAME (RFC 1034 §3.6.2;
  Route 53 refuses with ``InvalidChangeBatch``).
- A VPC cannot be associated with two private zones of the same name (``ConflictingDomainExists``).
 Not refused, on purpose: creating or associating a private zone while the VPC's DNS attributes are off. AWS documents
both attributes as required for the zone to *resolve* (AWS docs: phz-considerations) but the API accepts the zone; the
resolver (:mod:`lab_helpers.sim.dns`) is where the missing attributes show, as they do in AWS.
"""
from __future__ import annotations

from typing import Optional

from lab_helpers.data.aws_docs import sourced
from lab_helpers.fidelity.base import Refusal, Shim, aws_error, aws_response


def _fqdn(name: str) -> str:
    name = name.lower()
    return name if name.endswith(".") else name + "."


def _zone_records(ctx, zone_id: str) -> list:
    from lab_helpers.sim.dns import zone_records

    return zone_records(ctx.raw_client("route53", None), zone_id)


def batch_refusal(existing: list, changes: list):
    """Pure rule: the (code, message) AWS gives for a change batch against ``existing`` record sets, or None.

    Route 53 validates the whole batch before applying any of it, so we replay the batch on a copy in order.
    """
    present = {(_fqdn(r["Name"]), r["Type"], r.get("SetIdentifier")) for r in existing}
    errors = []
    for change in changes:
        rrset = change["ResourceRecordSet"]
        key = (_fqdn(rrset["Name"]), rrset["Type"], rrset.get("SetIdentifier"))
        names = {(n, t) for n, t, _ in present}
        if change["Action"] == "CREATE":
            if key in present:
                errors.append(f"Tried to create resource record set [name='{key[0]}', type='{key[1]}'] but it "
                              "already exists")
                continue
            others = {t for n, t in names if n == key[0]}
            if key[1] == "CNAME" and others - {"CNAME"}:
                errors.append(f"RRSet of type CNAME with DNS name {key[0]} is not permitted as it conflicts with "
                              "other records with the same DNS name in zone")
                continue
            if key[1] != "CNAME" and "CNAME" in others:
                errors.append(f"RRSet of type {key[1]} with DNS name {key[0]} is not permitted because a "
                              "conflicting RRSet of type CNAME with the same DNS name already exists in zone")
                continue
            present.add(key)
        elif change["Action"] == "DELETE":
            present.discard(key)
        else:  # UPSERT
            present.add(key)
    if errors:
        return "InvalidChangeBatch", "[" + ", ".join(errors) + "]"
    return None


def change_resource_record_sets(params, ctx, **_):
    zone_id = params["HostedZoneId"].split("/")[-1]
    try:
        existing = _zone_records(ctx, zone_id)
    except Exception:  # unknown zone: let moto answer NoSuchHostedZone
        return None
    refusal = batch_refusal(existing, params["ChangeBatch"]["Changes"])
    return aws_error(*refusal) if refusal else None


def _conflicting_zone(ctx, vpc: dict, zone_name: str, except_zone: str = None):
    r53 = ctx.raw_client("route53", None)
    try:
        found = r53.list_hosted_zones_by_vpc(VPCId=vpc["VPCId"], VPCRegion=vpc["VPCRegion"])["HostedZoneSummaries"]
    except Exception:
        return None
    for z in found:
        if _fqdn(z["Name"]) == _fqdn(zone_name) and z["HostedZoneId"].split("/")[-1] != except_zone:
            return z["HostedZoneId"]
    return None


def associate_vpc(params, ctx, **_):
    zone_id = params["HostedZoneId"].split("/")[-1]
    try:
        name = ctx.raw_client("route53", None).get_hosted_zone(Id=zone_id)["HostedZone"]["Name"]
    except Exception:
        return None
    other = _conflicting_zone(ctx, params["VPC"], name, except_zone=zone_id)
    if other:
        return aws_error("ConflictingDomainExists",
                         f"The VPC {params['VPC']['VPCId']} is already associated with another private hosted zone "
                         f"named {_fqdn(name)} ({other}). A VPC can see only one zone per name: disassociate the "
                         "other zone first.")
    return None


def create_private_zone(params, ctx, **_):
    vpc = params.get("VPC")
    if not vpc or not vpc.get("VPCId"):
        return None
    vpc = {"VPCId": vpc["VPCId"], "VPCRegion": vpc.get("VPCRegion") or "us-east-1"}
    other = _conflicting_zone(ctx, vpc, params["Name"])
    if other:
        return aws_error("ConflictingDomainExists",
                         f"A private hosted zone named {_fqdn(params['Name'])} ({other}) is already associated with "
                         f"{vpc['VPCId']}. Add records to that zone instead of creating a second one.")
    return None


def caller_reference_refusal(reference: str, existing_references: set) -> Optional[Refusal]:
    """A caller reference names one CreateHostedZone request: a second zone with it is HostedZoneAlreadyExists.

    https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html (CallerReference, Errors)
    """
    if reference and reference in existing_references:
        return Refusal("HostedZoneAlreadyExists",
                       f"A hosted zone was already created with caller reference {reference!r}. A caller reference "
                       "makes a retried request safe: use a new, unique one (for example a timestamp) for a new zone.")
    return None


def caller_reference_once(params, ctx, **_):
    """https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html (CallerReference)."""
    route53 = ctx.raw_client("route53", None)
    references = {z.get("CallerReference") for page in route53.get_paginator("list_hosted_zones").paginate()
                  for z in page["HostedZones"]}
    refusal = caller_reference_refusal(params.get("CallerReference", ""), references)
    return aws_error(*refusal, 409) if refusal else None


def private_when_created_with_vpc(params, ctx, **_):
    """Serve CreateHostedZone as AWS does: a zone created with a VPC is private, whatever the request's config says.

    https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html ("If you want to create a
    private hosted zone, specify VPC"). moto reads only ``HostedZoneConfig.PrivateZone``, so a request written as
    the AWS CLI writes it (``--vpc ...`` alone) would get a public zone.
    """
    vpc = params.get("VPC")
    if not vpc or not vpc.get("VPCId") or (params.get("HostedZoneConfig") or {}).get("PrivateZone"):
        return None
    config = {**(params.get("HostedZoneConfig") or {}), "PrivateZone": True}
    answer = ctx.raw_client("route53", None).create_hosted_zone(**{**params, "HostedZoneConfig": config})
    return aws_response(answer, 201)


SHIMS = [
    Shim("route-53", "ChangeResourceRecordSets", "call",
         sourced("Route 53: CREATE of an existing set, or a CNAME beside other records, is InvalidChangeBatch (zone "
                 "semantics)", "phz-considerations"),
         change_resource_record_sets),
    Shim("route-53", "AssociateVPCWithHostedZone", "call",
         sourced("One private zone per name per VPC (ConflictingDomainExists)", "phz-considerations"),
         associate_vpc),
    Shim("route-53", "CreateHostedZone", "call", "CreateHostedZone: a caller reference is used once "
         "(https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html)", caller_reference_once),
    Shim("route-53", "CreateHostedZone", "call",
         sourced("One private zone per name per VPC (ConflictingDomainExists)", "phz-considerations"),
         create_private_zone),
    Shim("route-53", "CreateHostedZone", "call", "CreateHostedZone: a zone created with a VPC is private "
         "(https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html)",
         private_when_created_with_vpc),
]
