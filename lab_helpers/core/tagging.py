"""Tag every resource at creation (``vpclab:run``, ``vpclab:lab``) by rewriting the request parameters.

Tagging at creation, not afterwards, matters in live mode: a kernel that dies between "create" and "tag" would
otherwise leave an untagged, billed resource that ``vpclab cleanup`` cannot find. The operation's own input shape
says how it takes tags (EC2 ``TagSpecifications``, a ``Tags`` list, or a ``tags`` map), so no per-operation table
is needed beyond the EC2 resource type.
"""
from __future__ import annotations

from lab_helpers.core.resources import BY_OPERATION, LAB_TAG, RUN_TAG


def tag_pairs(run_id: str, lab: str) -> dict:
    return {RUN_TAG: run_id, LAB_TAG: lab}


def inject_tags(params: dict, model, service: str, tags: dict) -> bool:
    """Add ``tags`` to a create request in place; returns whether the operation could carry them."""
    members = model.input_shape.members if model.input_shape is not None else {}
    kind = BY_OPERATION.get((service, model.name))
    if "TagSpecifications" in members and kind is not None and kind.ec2_type:
        _merge_tag_specifications(params, kind.ec2_type, tags)
        return True
    if "Tags" in members and members["Tags"].type_name == "list":
        have = {t.get("Key") for t in params.get("Tags", [])}
        params["Tags"] = list(params.get("Tags", [])) + [{"Key": k, "Value": v} for k, v in tags.items()
                                                        if k not in have]
        return True
    if "tags" in members and members["tags"].type_name == "map":
        params["tags"] = {**tags, **params.get("tags", {})}
        return True
    return False


def _merge_tag_specifications(params: dict, resource_type: str, tags: dict) -> None:
    specs = [dict(s) for s in params.get("TagSpecifications", [])]
    for spec in specs:
        if spec.get("ResourceType") == resource_type:
            have = {t["Key"] for t in spec.get("Tags", [])}
            spec["Tags"] = list(spec.get("Tags", [])) + [{"Key": k, "Value": v} for k, v in tags.items()
                                                         if k not in have]
            break
    else:
        specs.append({"ResourceType": resource_type, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]})
    params["TagSpecifications"] = specs


def name_of(tags, default: str = "") -> str:
    """The value of the ``Name`` tag in an AWS ``Tags`` list (``[{"Key": ..., "Value": ...}]``), else ``default``."""
    return next((t.get("Value", "") for t in tags or [] if t.get("Key") == "Name"), default)
