"""IAMAuthPolicy conditions on what the request carries: headers, query strings, the caller's account."""
from __future__ import annotations

import json

import pytest

from lab_helpers.errors import LabError
from lab_helpers.sim import k8s as lattice

ALICE = "arn:aws:iam::123456789012:role/alice"


def _auth(lab, condition):
    statement = {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
                 "Condition": condition}
    lab.kubectl_apply({"apiVersion": "application-networking.k8s.aws/v1alpha1", "kind": "IAMAuthPolicy",
                       "metadata": {"name": "auth"}, "spec": {"targetRef": {"kind": "HTTPRoute",
                                                                            "name": "demo-http-route"},
                                                              "policy": json.dumps({"Statement": [statement]})}},
                      cluster="eks-demo")


def test_request_header_condition_allows_only_requests_that_carry_it(world):
    _auth(world.lab, {"StringEquals": {"vpc-lattice-svcs:RequestHeader/X-Team": "blue"}})
    assert world.get("/v1/health", headers={"x-team": "blue"}).status == 200
    assert world.get("/v1/health", headers={"X-Team": "red"}).status == 403
    assert world.get("/v1/health").status == 403  # no header: StringEquals cannot hold


def test_negated_operator_holds_when_the_header_is_absent(world):
    _auth(world.lab, {"StringNotEquals": {"vpc-lattice-svcs:RequestHeader/x-debug": "on"}})
    assert world.get("/v1/health").status == 200
    assert world.get("/v1/health", headers={"x-debug": "on"}).status == 403


def test_query_string_and_principal_account_conditions(world):
    _auth(world.lab, {"StringLike": {"vpc-lattice-svcs:RequestQueryString/select": "POD*"},
                      "StringEquals": {"aws:PrincipalAccount": "123456789012"}})
    signed = lattice.sign(world.lab, ALICE)
    assert world.get("/v1/env?select=POD", headers=signed).status == 200
    assert world.get("/v1/env?select=ROUTE", headers=signed).status == 403
    assert world.get("/v1/env?select=POD").status == 403  # unsigned: no principal account


def test_unknown_condition_key_names_the_request_keys(world):
    _auth(world.lab, {"StringEquals": {"aws:SourceIp": "10.0.0.1"}})
    with pytest.raises(LabError, match="RequestHeader/<name>"):
        world.get("/v1/health")
