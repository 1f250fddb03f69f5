"""The machinery every shim shares: how a shim is declared and how it answers in AWS's shape.

A shim is one AWS rule that moto gets wrong or lacks, on one operation of one service, at one stage of the
request's life in moto's dispatch (:mod:`.dispatch`):

- ``params``: read or rewrite the request's input before moto reads it (e.g. merge
  ``ModifyInstanceMetadataOptions`` into the existing block).
- ``call``: refuse (return :func:`aws_error`), or serve an operation moto does not implement (return
  :func:`aws_response`). Returning ``None`` lets the request go on to moto.
- ``result``: fix up what moto answered (``parsed`` is mutable, shaped as a client would parse it).

Handlers receive the request's input as ``params`` (parsed once by :mod:`.wire`), so a shim never parses a
serialised request.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional

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

    service: str  # botocore service id, hyphenized: "ec2", "route-53", "vpc-lattice"
    operation: str  # "CreateVpcPeeringConnection"
    stage: str  # "params" | "call" | "result"
    rule: str  # the AWS rule, and the AWS page that states it
    handler: Callable[..., Any] = field(compare=False)



@dataclass
class ShimContext:
    """What a handler may use: a client that bypasses all shims (to read current state) and per-lab state."""

    raw_client: Callable[..., Any]  # raw_client(service, region) -> boto3 client without shims or tagging
    state: dict  # per-lab storage for served operations, keyed by the shim module's name
    account_id: str = "123456789012"

    def store(self, name: str) -> dict:
        return self.state.setdefault(name, {})


class _Http:
    """The status of a shim's answer: ``aws_response``/``aws_error`` return ``(_Http, body)``, which dispatch
    serialises in the operation's protocol (:mod:`.wire`)."""

    def __init__(self, status_code: int):
        self.status_code = status_code


def aws_response(body: dict, status: int = 200):
    """Answer a served operation: ``body`` is shaped as the operation's output, as a client would parse it."""
    return _Http(status), body


def aws_error(code: str, message: str, status: int = 400):
    """Refuse a request exactly as AWS would: every client gets AWS's error with this code (boto3 a
    ``ClientError``, with ``client.exceptions.<Code>`` working; the CLI its "An error occurred (Code)")."""
    return _Http(status), {"Error": {"Code": code, "Message": message}}
