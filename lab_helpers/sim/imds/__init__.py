"""A per-instance metadata service on 127.0.0.1 (`lab.imds`): IMDSv1/v2, hop limit, an SSRF demo."""
from lab_helpers.sim.imds.metadata import (  # noqa: F401
    FAKE_LABEL,
    HOPS_HEADER,
    TOKEN_HEADER,
    TOKEN_PATH,
    TTL_HEADER,
    Response,
    curl,
    fake_credentials,
    get_token,
    listing,
    lookup,
    options,
    serve,
    tree,
    vulnerable_fetcher,
)
