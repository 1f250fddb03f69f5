"""Account-level IMDS defaults, served (moto implements neither call): rule 67 and the EC2 user guide's
"configure instance metadata options for new instances".

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

from .base import Shim, aws_error, aws_response
from .ec2 import rules

FIELDS = {"HttpTokens": ("optional", "required"), "HttpEndpoint": ("enabled", "disabled"),
          "InstanceMetadataTags": ("enabled", "disabled")}
NO_PREFERENCE = "no-preference"


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
            return None, ("InvalidParameterValue", f"Value ({value}) for parameter {name} is invalid. Use "
                          f"{', '.join(allowed + (NO_PREFERENCE,))}.")
    if "HttpPutResponseHopLimit" in request:
        hops = int(request["HttpPutResponseHopLimit"])
        if hops == -1:
            new.pop("HttpPutResponseHopLimit", None)
        else:
            refusal = rules.hop_limit(hops)
            if refusal:
                return None, (refusal[0], refusal[1] + " Use -1 to remove the default.")
            new["HttpPutResponseHopLimit"] = hops
    return new, None


def _defaults(ctx) -> dict:
    return ctx.store("imds-defaults")


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
    Shim("ec2", "ModifyInstanceMetadataDefaults", "call", "Rule 67: account-level IMDS defaults (served)",
         modify_defaults),
    Shim("ec2", "GetInstanceMetadataDefaults", "call", "Rule 67: account-level IMDS defaults (served)",
         get_defaults),
    Shim("ec2", "RunInstances", "params", "Rule 67: a launch without MetadataOptions takes the account defaults",
         apply_defaults),
]
