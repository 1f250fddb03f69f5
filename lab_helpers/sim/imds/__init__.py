"""A per-instance metadata service on 127.0.0.1 (`lab.imds`): IMDSv1/v2, hop limit, an SSRF demo.

- :mod:`~lab_helpers.sim.imds.metadata`: the metadata tree, from describe calls
- :mod:`~lab_helpers.sim.imds.server`: the HTTP server that enforces IMDSv2 tokens and the hop limit (:func:`serve`)
- :mod:`~lab_helpers.sim.imds.client`: ``curl`` and ``get_token``, what a program on the instance does
- :mod:`~lab_helpers.sim.imds.demo`: a vulnerable web app for the SSRF lesson (:func:`vulnerable_fetcher`)
"""
from lab_helpers.sim.imds.client import (
    HOPS_HEADER,
    TOKEN_HEADER,
    TOKEN_PATH,
    TTL_HEADER,
    Response,
    curl,
    get_token,
)
from lab_helpers.sim.imds.demo import vulnerable_fetcher
from lab_helpers.sim.imds.metadata import FAKE_LABEL, fake_credentials, listing, lookup, options, tree
from lab_helpers.sim.imds.server import serve

__all__ = [
    "FAKE_LABEL", "HOPS_HEADER", "TOKEN_HEADER", "TOKEN_PATH", "TTL_HEADER", "Response", "curl",
    "fake_credentials", "get_token", "listing", "lookup", "options", "serve", "tree",
    "vulnerable_fetcher",
]
