"""Instance metadata options (AWS docs: imds-options): per instance, per AMI, and the account-level defaults moto
lacks — each answered the way the EC2 API reference says.

**At launch**, a field the ``RunInstances`` request leaves out is decided by the order of precedence of the EC2 user
guide (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html
#instance-metadata-options-order-of-precedence), highest first: the request (or its launch template), the account's
defaults for the Region (``ModifyInstanceMetadataDefaults``), the AMI (``ImdsSupport=v2.0`` means
``HttpTokens=required`` and a hop limit of 2), then AWS's built-in values (optional, 1). So an account default beats
the AMI: the API reference of ``InstanceMetadataOptionsRequest.HttpTokens`` says an AMI at ``v2.0`` gives
``required`` only when the account default has no preference, and ``optional`` when the account default is "V1 or
V2" (token optional).
moto knows nothing of ``ImdsSupport`` (``RegisterImage`` drops it, ``DescribeImageAttribute`` fails on it), so the
sandbox keeps it per image and shows it in ``DescribeImages``; launch templates are not modelled.

**Afterwards**, ``ModifyInstanceMetadataOptions`` keeps ``HttpEndpoint`` and ``HttpPutResponseHopLimit`` when they
are left out ("the existing state is maintained", API reference), but ``HttpTokens`` left out takes its documented
*default* — ``required`` for an instance of a ``v2.0`` AMI with no account default, ``optional`` otherwise. A call
that passes only the hop limit therefore switches a ``required`` instance back to ``optional``: the safe call passes
every field it means. The reference promises neither a default nor keeping for ``HttpProtocolIpv6`` and
``InstanceMetadataTags``; the sandbox keeps them. moto replaces the whole block (every field left out takes moto's
default), so the request is rewritten to say what AWS would do. The PUT response hop limit is 1-64.

In the sandbox the account defaults live in the lab's shim state (the lab is the "account"); in AWS they are real
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
AMI_V2_OPTIONS = {"HttpTokens": "required", "HttpPutResponseHopLimit": 2}  # what ImdsSupport=v2.0 launches with
KEPT_WHEN_LEFT_OUT = ("HttpPutResponseHopLimit", "HttpEndpoint",  # "the existing state is maintained"
                      "HttpProtocolIpv6", "InstanceMetadataTags")  # undocumented either way: kept
IMDS_SUPPORT = "v2.0"
# Amazon publishes its Amazon Linux 2023 AMIs with ImdsSupport=v2.0
# (https://docs.aws.amazon.com/linux/al2023/ug/compare-with-al2.html#imdsv2); moto lists them without it.
AMAZON_OWNER, AL2023_PREFIX = "137112412989", "al2023-ami"


def launch_metadata_options(requested: dict, account_defaults: dict, ami_imds_support: Optional[str]) -> dict:
    """The options a launch asks for, filled by precedence: request > account defaults > AMI > (moto: AWS's)."""
    options = dict(AMI_V2_OPTIONS) if ami_imds_support == IMDS_SUPPORT else {}
    options.update({k: v for k, v in account_defaults.items() if k in METADATA_FIELDS})
    options.update({k: v for k, v in requested.items() if k in METADATA_FIELDS})
    return options


def default_http_tokens(ami_imds_support: Optional[str], account_defaults: dict) -> str:
    """HttpTokens when a request leaves it out (API reference, ``HttpTokens`` "Default"): ``required`` for a
    ``v2.0`` AMI whose account has no HttpTokens default; the account's default when it has one; else optional."""
    if "HttpTokens" in account_defaults:
        return account_defaults["HttpTokens"]
    return "required" if ami_imds_support == IMDS_SUPPORT else "optional"


def modified_metadata_options(current: dict, requested: dict, ami_imds_support: Optional[str] = None,
                              account_defaults: Optional[dict] = None) -> dict:
    """What ModifyInstanceMetadataOptions leaves on the instance: the fields given; the kept fields' current
    values; and HttpTokens' documented default when it is left out (not its current value)."""
    merged = {k: current[k] for k in KEPT_WHEN_LEFT_OUT if k in current}
    merged["HttpTokens"] = default_http_tokens(ami_imds_support, account_defaults or {})
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
def _images(ctx) -> dict:
    return ctx.store(STORE + ".images")  # image id -> ImdsSupport, which moto does not keep


def published_imds_support(image: dict) -> Optional[str]:
    """The ImdsSupport AWS publishes an Amazon-owned image with (Amazon Linux 2023: v2.0), or None."""
    if image.get("OwnerId") == AMAZON_OWNER and str(image.get("Name", "")).startswith(AL2023_PREFIX):
        return IMDS_SUPPORT
    return None


def _ami_support(ctx, region: str, image_id: str) -> Optional[str]:
    if not image_id:
        return None
    if image_id not in _images(ctx):
        try:
            found = ctx.raw_client("ec2", region).describe_images(ImageIds=[image_id])["Images"]
        except Exception:  # an unknown image: RunInstances itself will say so
            found = []
        _images(ctx)[image_id] = published_imds_support(found[0]) if found else None
    return _images(ctx)[image_id]


def modify_metadata_options(params, ctx, context=None, **_):
    """Rewrites the request in place so moto's replace-everything stores what AWS would."""
    region = request_region(context)
    instance = ctx.raw_client("ec2", region).describe_instances(
        InstanceIds=[params["InstanceId"]])["Reservations"][0]["Instances"][0]
    ami = _ami_support(ctx, region, instance.get("ImageId", ""))
    params.update(modified_metadata_options(instance.get("MetadataOptions", {}), params, ami, _defaults(ctx)))


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


def apply_defaults(params, ctx, context=None, **_):
    """Fields the launch leaves out come from the account defaults, then the AMI (the request always wins)."""
    ami = _ami_support(ctx, request_region(context), params.get("ImageId", ""))
    options = launch_metadata_options(params.get("MetadataOptions") or {}, _defaults(ctx), ami)
    if options:
        params["MetadataOptions"] = options


def image_registered(parsed, ctx, params=None, **_):
    if params and params.get("ImdsSupport") and parsed.get("ImageId"):
        _images(ctx)[parsed["ImageId"]] = params["ImdsSupport"]


def modify_image_imds(params, ctx, **_):
    """``ModifyImageAttribute(ImdsSupport={"Value": "v2.0"})``: once set it cannot be undone (API reference)."""
    if "ImdsSupport" not in params:
        return None
    value = (params["ImdsSupport"] or {}).get("Value")
    if value != IMDS_SUPPORT:
        return aws_error("InvalidParameterValue", f"Value ({value}) for parameter ImdsSupport is invalid. Use v2.0.")
    _images(ctx)[params["ImageId"]] = value
    return aws_response({})


def describe_image_imds(params, ctx, context=None, **_):
    if params.get("Attribute") != "imdsSupport":
        return None
    value = _ami_support(ctx, request_region(context), params["ImageId"])
    return aws_response({"ImageId": params["ImageId"], "ImdsSupport": {"Value": value} if value else {}})


def images_described(parsed, ctx, **_):
    for image in parsed.get("Images", []):
        support = _images(ctx).get(image.get("ImageId")) or published_imds_support(image)
        if support:
            image["ImdsSupport"] = support


SHIMS = [
    Shim("ec2", "ModifyInstanceMetadataOptions", "call", sourced("Hop limit 1-64", "imds-options"),
         metadata_hop_limit),
    Shim("ec2", "ModifyInstanceMetadataOptions", "params",
         sourced("HttpEndpoint and the hop limit are kept when left out; HttpTokens left out takes its default",
                 "modify-imds-options"),
         modify_metadata_options),
    Shim("ec2", "ModifyInstanceMetadataDefaults", "call",
         sourced("Account-level IMDS defaults (served)", "imds-options"),
         modify_defaults),
    Shim("ec2", "GetInstanceMetadataDefaults", "call", sourced("Account-level IMDS defaults (served)", "imds-options"),
         get_defaults),
    Shim("ec2", "RunInstances", "params",
         sourced("Left-out metadata options: account defaults beat the AMI's ImdsSupport", "imds-precedence",
                 "imds-options-request"),
         apply_defaults),
    Shim("ec2", "RegisterImage", "result", sourced("An AMI keeps its ImdsSupport", "imds-ami"), image_registered),
    Shim("ec2", "ModifyImageAttribute", "call", sourced("ImdsSupport=v2.0 on an AMI (served)", "imds-ami"),
         modify_image_imds),
    Shim("ec2", "DescribeImageAttribute", "call", sourced("The imdsSupport attribute (served)", "imds-ami"),
         describe_image_imds),
    Shim("ec2", "DescribeImages", "result", sourced("Images show their ImdsSupport", "imds-ami"), images_described),
]
