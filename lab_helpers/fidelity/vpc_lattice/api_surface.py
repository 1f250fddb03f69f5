"""The edges of the served Lattice API: what AWS checks before any model runs, and who else sees Lattice resources.

- **Input patterns.** Every identifier, ARN and name in a request must match the pattern and length the service
  model gives it; AWS answers ``ValidationException`` otherwise (botocore checks lengths, not patterns, and the
  AWS CLI or another SDK may check neither). https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/CommonErrors.html
- **The Resource Groups Tagging API** lists tagged Lattice resources with everything else
  (https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html); moto's tagging
  API does not know the served ones, so they are added to its answer for the request's Region.
"""
from __future__ import annotations

import re
from typing import Optional

from lab_helpers.fidelity.base import Refusal, Shim, refuse, request_region
from lab_helpers.fidelity.vpc_lattice.responses import OPERATIONS, STORE
from lab_helpers.fidelity.wire import operation_model


def pattern_refusal(name: str, value: str, shape) -> Optional[Refusal]:
    """``ValidationException`` when ``value`` breaks the member's modelled pattern or length."""
    meta = shape.metadata
    low, high, pattern = meta.get("min"), meta.get("max"), meta.get("pattern")
    if (low is not None and len(value) < low) or (high is not None and len(value) > high) or \
            (pattern and not re.fullmatch(pattern, value)):
        return Refusal("ValidationException",
                       f"1 validation error detected: Value '{value}' at '{name}' failed to satisfy constraint: "
                       f"Member must satisfy regular expression pattern: {pattern}" if pattern else
                       f"1 validation error detected: Value '{value}' at '{name}' has the wrong length.")
    return None


def _validator(operation: str):
    def validate(params, ctx, **_):
        model = operation_model("vpc-lattice", operation)
        members = model.input_shape.members if model is not None and model.input_shape is not None else {}
        for name, shape in members.items():
            value = params.get(name)
            if shape.type_name == "string" and isinstance(value, str):
                refusal = pattern_refusal(name, value, shape)
                if refusal:
                    return refuse(refusal)
        return None
    validate.__name__ = f"validate_{operation}"
    return validate


def _arn_type(arn: str) -> str:
    return arn.split(":", 5)[5].split("/", 1)[0] if arn.count(":") >= 5 else ""


def _wanted(arn: str, tags: dict, params: dict) -> bool:
    types = params.get("ResourceTypeFilters") or []
    if types and not any(t in ("vpc-lattice", f"vpc-lattice:{_arn_type(arn)}") for t in types):
        return False
    for flt in params.get("TagFilters") or []:
        if flt["Key"] not in tags or (flt.get("Values") and tags[flt["Key"]] not in flt["Values"]):
            return False
    return True


def lattice_in_tagging_api(parsed, ctx, params=None, context=None, **_):
    region = ctx.store(STORE).get(request_region(context))
    if region is None or (params or {}).get("PaginationToken"):
        return  # nothing served in this Region (or a later page: the served ones came with the first)
    mappings = parsed.setdefault("ResourceTagMappingList", [])
    for arn, tags in region.tags.items():
        if _wanted(arn, tags, params or {}):
            mappings.append({"ResourceARN": arn, "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]})


SHIMS = [Shim("vpc-lattice", op, "call", "Lattice request members match the service model's patterns "
              "(ValidationException)", _validator(op)) for op in OPERATIONS] + [
    Shim("resource-groups-tagging-api", "GetResources", "result",
         "Served Lattice resources are listed by the Resource Groups Tagging API", lattice_in_tagging_api)]
