"""The machinery every shim shares: how a shim is declared and how it answers in AWS's shape.

A shim is one AWS rule that moto gets wrong or lacks, attached to one botocore event of the lab's session:

- ``before-parameter-build.<service>.<Operation>``: read or rewrite the request parameters (e.g. merge
  ``ModifyInstanceMetadataOptions`` into the existing block).
- ``before-call.<service>.<Operation>``: validate and refuse (return :func:`aws_error`), or serve an operation moto
  does not implement (return :func:`aws_response`). Returning ``None`` lets the call go on to moto.
- ``after-call.<service>.<Operation>``: fix up what moto answered (``parsed`` is mutable).

Handlers receive the original API parameters as ``params`` (stashed from ``before-parameter-build``), so a shim
never parses a serialised request.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional

from lab_helpers.core.requests import REMEMBER_PARAMS_ID, api_params, remember_params

DEFAULT_REGION = "us-east-1"  # only when a request carries no Region at all (botocore always gives one)


class Refusal(NamedTuple):
    """An AWS error a rule decides on: the error code and a message that says what to do.

    Pure rules return ``Optional[Refusal]``; the glue turns one into the caller's ``ClientError`` with
    :func:`refuse`. (A tuple, so a rule's answer unpacks as ``code, message``.)
    """

    code: str
    message: str


def refuse(refusal: Optional[tuple]):
    """The botocore answer for a rule's verdict: AWS's error when it refused, else ``None`` (let moto answer)."""
    return aws_error(*refusal) if refusal else None


def request_region(context: Optional[dict]) -> str:
    """The Region the request was sent to: shims read and write state there, never in a default Region."""
    return (context or {}).get("client_region") or DEFAULT_REGION


@dataclass(frozen=True)
class Shim:
    """One AWS rule enforced (or one operation served) on one operation of one service."""

    service: str  # botocore service id, hyphenized: "ec2", "route53", "vpc-lattice"
    operation: str  # "CreateVpcPeeringConnection"
    stage: str  # "params" | "call" | "result"
    rule: str  # the AWS rule, with its reference number in aws-network-rules.md
    handler: Callable[..., Any] = field(compare=False)

    @property
    def event(self) -> str:
        prefix = {"params": "before-parameter-build", "call": "before-call", "result": "after-call"}[self.stage]
        return f"{prefix}.{self.service}.{self.operation}"


@dataclass
class ShimContext:
    """What a handler may use: a client that bypasses all shims (to read current state) and per-lab state."""

    raw_client: Callable[..., Any]  # raw_client(service, region) -> boto3 client without shims or tagging
    state: dict  # per-lab storage for served operations, keyed by the shim module's name
    account_id: str = "123456789012"

    def store(self, name: str) -> dict:
        return self.state.setdefault(name, {})


class _Http:
    """The minimum of an HTTP response that botocore's client reads after a short-circuited call."""

    def __init__(self, status_code: int):
        self.status_code = status_code
        self.headers: dict = {}
        self.content = b""
        self.text = ""
        self.raw = None


def _metadata(status: int) -> dict:
    return {"RequestId": "vpclab-fidelity", "HTTPStatusCode": status, "HTTPHeaders": {}, "RetryAttempts": 0}


def aws_response(body: dict, status: int = 200):
    """Answer a served operation: botocore hands ``body`` back to the caller as the parsed response."""
    return _Http(status), {**body, "ResponseMetadata": _metadata(status)}


def aws_error(code: str, message: str, status: int = 400):
    """Refuse a call exactly as AWS would: the caller gets ``botocore.exceptions.ClientError`` with this code.

    Going through botocore's own error path (rather than raising here) means ``client.exceptions.<Code>``
    classes, ``after-call`` hooks and retries behave as they do against AWS.
    """
    return _Http(status), {"Error": {"Code": code, "Message": message}, "ResponseMetadata": _metadata(status)}


def install(events, shims, ctx: ShimContext) -> list[tuple[str, Callable]]:
    """Register ``shims`` on a botocore event emitter; returns what was registered (for unregistering)."""
    # The handlers read the caller's parameters, which the session's own hook keeps (core.requests); registering
    # it again under the same unique_id is a no-op, so install also works on a session that lacks it.
    events.register("before-parameter-build", remember_params, unique_id=REMEMBER_PARAMS_ID)
    registered: list[tuple[str, Callable]] = []
    for shim in shims:
        handler = _bind(shim, ctx)
        events.register(shim.event, handler)
        registered.append((shim.event, handler))
    return registered


def _bind(shim: Shim, ctx: ShimContext) -> Callable[..., Any]:
    """The botocore handler for ``shim``: each event passes different arguments, so each stage has its own."""
    def on_params(params, context, **_):
        shim.handler(params, ctx, context=context)

    def on_call(context, model=None, **_):
        return shim.handler(api_params(context), ctx, context=context)

    def on_result(parsed, context, http_response=None, **_):
        if http_response is not None and http_response.status_code < 300:
            shim.handler(parsed, ctx, params=api_params(context), context=context)

    by_stage: dict[str, Callable[..., Any]] = {"params": on_params, "call": on_call, "result": on_result}
    handler = by_stage[shim.stage]
    handler.__name__ = f"shim_{shim.operation}"
    return handler
