"""Does a response fit AWS's output shape (botocore's service model), member by member? Shared by the suites that
check served APIs (Reachability Analyzer, VPC Lattice)."""
from __future__ import annotations

import datetime


def shape_problems(value, shape, where: str = "$") -> list[str]:
    """Every place where ``value`` does not fit botocore ``shape`` (an empty list: it fits).

    ``ResponseMetadata`` at the top level is botocore's, not the service's, so it is not checked.
    """
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: expected a structure, got {type(value).__name__}"]
        problems = [f"{where}.{k}: not a member of AWS shape {shape.name}" for k in value
                    if k not in shape.members and not (k == "ResponseMetadata" and where == "$")]
        for k, v in value.items():
            if k in shape.members:
                problems += shape_problems(v, shape.members[k], f"{where}.{k}")
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where}: expected a list"]
        return [p for i, item in enumerate(value) for p in shape_problems(item, shape.member, f"{where}[{i}]")]
    if kind == "map":
        return [p for k, v in value.items() for p in shape_problems(v, shape.value, f"{where}[{k}]")]
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: expected a string, got {value!r}"]
        enum = shape.metadata.get("enum")
        return [f"{where}: {value!r} not in {enum}"] if enum and value not in enum else []
    if kind in ("integer", "long"):
        return [] if isinstance(value, int) and not isinstance(value, bool) else [f"{where}: expected an integer"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: expected a boolean"]
    if kind == "timestamp":
        return [] if isinstance(value, datetime.datetime) else [f"{where}: expected a timestamp"]
    return []


def assert_conforms(value, shape) -> None:
    problems = shape_problems(value, shape)
    assert not problems, "does not fit AWS's shape:\n" + "\n".join(problems)
