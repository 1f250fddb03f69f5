"""The layer without a lab: for ``vpclab serve`` and for a team's own ``@mock_aws`` tests (``testing.aws_rules``).

A lab hands the layer its own raw clients, state and ledger; here the layer gets raw clients of its own (fake
credentials, marked raw so its reads meet no rule) and a fresh state, and tags or records nothing.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Optional

from lab_helpers.core.requests import mark_raw
from lab_helpers.core.sandbox import FAKE_ENV
from lab_helpers.fidelity import shims_for
from lab_helpers.fidelity.base import ShimContext
from lab_helpers.fidelity.dispatch import Layer


def raw_clients(default_region: str) -> Callable:
    """``raw_client(service, region)`` for a layer that has no lab: boto3 clients straight to moto, made once."""
    made: dict = {}

    def raw_client(service: str, region: Optional[str] = None):
        import boto3

        key = (service, region or default_region)
        if key not in made:
            session = boto3.Session(aws_access_key_id=FAKE_ENV["AWS_ACCESS_KEY_ID"],
                                    aws_secret_access_key=FAKE_ENV["AWS_SECRET_ACCESS_KEY"], region_name=key[1])
            mark_raw(session)
            made[key] = session.client(service, region_name=key[1])
        return made[key]

    return raw_client


def standalone_layer(default_region: str = "us-east-1", observe=None) -> Layer:
    """Every shim, with its own raw clients and state (``observe(service, operation, region, status)`` per request)."""
    return Layer(shims_for, ShimContext(raw_client=raw_clients(default_region), state={}), observe=observe)
