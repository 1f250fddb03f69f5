"""What a request carried, kept for the hooks that run after it: the ledger, and the fidelity layer's handlers.

botocore serialises the caller's parameters before ``before-call``; stashing them at ``before-parameter-build`` means
no hook ever parses a serialised request.
"""
from __future__ import annotations

PARAMS_KEY = "vpclab_api_params"
READ_OPERATIONS = ("Describe", "List", "Get", "Search")  # operation-name prefixes that only read
REMEMBER_PARAMS_ID = "vpclab-remember-params"  # one registration per botocore session, whoever asks first


def remember_params(params, context, **_):
    context[PARAMS_KEY] = params


def api_params(context: dict) -> dict:
    """The caller's API parameters, as given to the client method (after any ``params``-stage rewrite)."""
    return context.get(PARAMS_KEY, {})


RAW_HEADER = "x-vpclab-raw"  # a sandbox's raw clients send it: the fidelity layer lets the request through as it is


def mark_raw(session) -> None:
    """Mark every request of ``session`` (a boto3 session of the sandbox) as a raw read of the world."""
    def add_header(request, **_):
        request.headers[RAW_HEADER] = "1"

    session.events.register("request-created", add_header, unique_id="vpclab-raw")
