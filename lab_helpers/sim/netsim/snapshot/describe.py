"""One describe call, every page of it, at the largest page the API allows, so a capture makes as few round trips as
the world needs: one per resource kind while a kind fits in one page (1,000 of most kinds, 100 route tables).

The page limit is read from the client's own API model (``MaxResults`` min/max in botocore's EC2 model), so it
follows the SDK rather than a table kept here. Two EC2 operations model ``MaxResults`` as a bare integer; their
documented limit is 1,000 (AWS docs: API_DescribeInstances, API_DescribeVpcEndpoints).

Every call goes through :func:`pages`, so counting the calls of one capture (``benchmarks/reachability.py`` does,
with a botocore event hook) counts every describe call the simulator makes.
"""
from __future__ import annotations

from typing import Optional

DOCUMENTED_MAX = 1000  # DescribeInstances / DescribeVpcEndpoints: "between 5 and 1000" (their model has no bound)
_LIMITS: dict[tuple[str, str], Optional[int]] = {}  # (service, operation) -> largest MaxResults, None: no MaxResults


def page_size(client, operation: str) -> Optional[int]:
    """The largest ``MaxResults`` ``operation`` accepts, or None when it takes no ``MaxResults``."""
    model = client.meta.service_model
    key = (model.service_name, operation)
    if key not in _LIMITS:
        members = model.operation_model(operation).input_shape.members
        shape = members.get("MaxResults")
        _LIMITS[key] = None if shape is None else int(shape.metadata.get("max", DOCUMENTED_MAX))
    return _LIMITS[key]


def pages(client, op: str, key: str, **kw) -> list:
    """All items of ``op`` (a snake_case client method), following NextToken.

    Not a botocore paginator: the paginator machinery costs more than the call itself in the sandbox, and this loop
    is all it would do.
    """
    call = getattr(client, op)
    size = page_size(client, client.meta.method_to_api_mapping[op])
    if size is not None and "MaxResults" not in kw:
        kw["MaxResults"] = size
    out, token = [], None
    for _ in range(10000):  # a bound, not a limit: 10,000 pages of 100 is ten times the largest quota
        page = call(**kw, **({"NextToken": token} if token else {}))
        out.extend(page.get(key, []))
        token = page.get("NextToken")
        if not token:
            break
    return out
