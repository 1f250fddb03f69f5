"""Instance metadata options (AWS docs: imds-options): per instance, and the account-level defaults moto lacks.

Per instance: ``ModifyInstanceMetadataOptions`` changes only the fields it is given (moto replaces the whole block,
so changing only the hop limit silently drops ``HttpTokens=required``), and the PUT response hop limit is 1-64.

Account-level defaults, served (moto implements neither call), from the EC2 user guide's
"configure instance metadata options for new instances":

``ModifyInstanceMetadataDefaults`` sets, per account and Region, the metadata options a new instance gets when its
launch does not say otherwise; ``GetInstanceMetadataDefaults`` reads them back (``AccountLevel``). ``no-preference``
(or ``-1`` for the hop limit) removes a default. Precedence, highest first: the ``RunInstances`` request (or its
launch template), the AMI's ``ImdsSupport``, these account defaults, then AWS's own defaults. This module applies
the account defaults to ``RunInstances`` requests that leave a field out; it does not model launch templates or AMI
settings.

In the sandbox the defaults live in the lab's shim state (the lab is the "account"); in AWS they are real
account-wide settings, so a lab that changes them must put them back.
"""
from __future__ import annotations

from typing import Optional

from lab_helpers.data.aws_docs import sourced
from lab_helpers.fidelity.base import Refusal, Shim, aws_error, aws_response, refuse, request_region

HOP_LIMIT_MIN, HOP_LIMIT_MAX = 1, 64
METADATA_FIELDS = ("HttpTokens", "HttpPutResponseHopLimit", "HttpEndpoint", "HttpProtocolIpv6",
                   "InstanceMetadataTags")

FIELDS = {"HttpTokens": ("optional", "required"), "HttpEndpoint": ("enabled", "disabled"),
          "InstanceMetadataTags": ("enabled", "disabled")}
NO_PREFERENCE = "no-preference"
STORE = __name__  # shim-state key: this module owns its served state


# -- rules -------------------------------------------------------------------------------------------------------
def merged_metadata_options(current: dict, requested: dict) -> dict:
    """ModifyInstanceMetadataOptions changes only the fields it is given; the rest keep their values."""
    merged = {k: current[k] for k in METADATA_FIELDS if k in current}
    merged.update({k: v for k, v in requested.items() if k in METADATA_FIELDS})
    return merged


def hop_limit(value) -> Optional[Refusal]:
    """AWS docs: imds-options: the PUT response hop limit is 1-64."""
    if value is not None and not HOP_LIMIT_MIN <= int(value) <= HOP_LIMIT_MAX:
        return Refusal("InvalidParameterValue",
                       f"Value ({value}) for parameter httpPutResponseHopLimit is invalid. Use 1 to 64 "
                       "(2 lets containers on the instance reach IMDSv2).")
    return None


def updated_defaults(current: dict, request: dict):
    """Pure rule: the new defaults, or an (error code, message) refusal."""
    new = dict(current)
    for name, allowed in FIELDS.items():
        if name not in request:
            continue
        value = request[name]
        if value == NO_PREFERENCE:
            new.pop(name, None)
        elif value in allowed:
            new[name] = value
        else:
            return None, Refusal("InvalidParameterValue", f"Value ({value}) for parameter {name} is invalid. Use "
                          f"{', '.join(allowed + (NO_PREFERENCE,))}.")
    if "HttpPutResponseHopLimit" in request:
        hops = int(request["HttpPutResponseHopLimit"])
        if hops == -1:
            new.pop("HttpPutResponseHopLimit", None)
        else:
            refusal = hop_limit(hops)
            if refusal:
                return None, Refusal(refusal.code, refusal.message + " Use -1 to remove the default.")
            new["HttpPutResponseHopLimit"] = hops
    return new, None


# -- handlers ----------------------------------------------------------------------------------------------------
def merge_metadata_options(params, ctx, context=None, **_):
    """Rewrites the request in place so moto's replace-everything behaves like AWS's merge."""
    instance = ctx.raw_client("ec2", request_region(context)).describe_instances(InstanceIds=[params["InstanceId"]])
    current = instance["Reservations"][0]["Instances"][0].get("MetadataOptions", {})
    params.update(merged_metadata_options(current, params))


def metadata_hop_limit(params, ctx, **_):
    return refuse(hop_limit(params.get("HttpPutResponseHopLimit")))


def _defaults(ctx) -> dict:
    return ctx.store(STORE)


def modify_defaults(params, ctx, **_):
    new, refusal = updated_defaults(_defaults(ctx), params)
    if refusal:
        return aws_error(*refusal)
    store = _defaults(ctx)
    store.clear()
    store.update(new)
    return aws_response({"Return": True})


def get_defaults(params, ctx, **_):
    return aws_response({"AccountLevel": dict(_defaults(ctx))})


def apply_defaults(params, ctx, **_):
    """Fields the launch leaves out take the account default (the request always wins)."""
    defaults = _defaults(ctx)
    if not defaults:
        return
    options = dict(params.get("MetadataOptions") or {})
    for name, value in defaults.items():
        options.setdefault(name, value)
    params["MetadataOptions"] = options


SHIMS = [
    Shim("ec2", "ModifyInstanceMetadataOptions", "call", sourced("Hop limit 1-64", "imds-options"),
         metadata_hop_limit),
    Shim("ec2", "ModifyInstanceMetadataOptions", "params",
         "ModifyInstanceMetadataOptions changes only the fields given", merge_metadata_options),
    Shim("ec2", "ModifyInstanceMetadataDefaults", "call",
         sourced("Account-level IMDS defaults (served)", "imds-options"),
         modify_defaults),
    Shim("ec2", "GetInstanceMetadataDefaults", "call", sourced("Account-level IMDS defaults (served)", "imds-options"),
         get_defaults),
    Shim("ec2", "RunInstances", "params",
         sourced("A launch without MetadataOptions takes the account defaults", "imds-options"),
         apply_defaults),
]
