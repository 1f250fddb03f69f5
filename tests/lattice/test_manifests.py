"""Manifests: the API server's schema checks and the controller's limits give clear errors; the seminar's files
parse."""
from __future__ import annotations

import pytest
import yaml
from lattice_world import ROOT, SEMINAR

from lab_helpers.sim.k8s import manifests
from lab_helpers.sim.k8s.manifests import ManifestError

ROUTE = """
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec:
  parentRefs: [{name: demo-sn}]
  rules:
    - matches: MATCHES
      backendRefs: [{name: demo-app-a, port: 80}]
"""


def route(matches: str) -> dict:
    return yaml.safe_load(ROUTE.replace("MATCHES", matches))


def test_seminar_manifests_parse_unchanged():
    files = sorted((ROOT / "lab_helpers" / "data" / "manifests" / "seminar").glob("*.yaml"))
    assert len(files) == 6 and len(SEMINAR) == 5
    kinds = [manifests.parse(d).kind for f in files for d in manifests.load(str(f))]
    assert kinds.count("Deployment") == 2 and kinds.count("Service") == 2 and kinds.count("HTTPRoute") == 2
    assert {"GatewayClass", "Gateway", "TargetGroupPolicy"} <= set(kinds)


@pytest.mark.parametrize("doc, words", [
    ({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "x"}}, "Unknown kind 'Ingress'"),
    ({"apiVersion": "apps/v1beta1", "kind": "Deployment", "metadata": {"name": "x"}}, "needs apiVersion apps/v1"),
    ({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"},
      "spec": {"selector": {"a": "b"}, "ports": [{"port": 80}], "clusterIp": "None"}},
     'unknown field "spec.clusterIp"'),
    ({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"},
      "spec": {"type": "LoadBalancer", "selector": {"a": "b"}, "ports": [{"port": 80}]}}, "Use ClusterIP"),
    ({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"},
      "spec": {"selector": {"a": "b"}, "ports": [{"port": "80"}]}}, "must be a whole number"),
    ({"apiVersion": "v1", "kind": "Service", "metadata": {}, "spec": {}}, "metadata.name is required"),
    ({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
      "spec": {"selector": {"matchLabels": {"app": "a"}},
               "template": {"metadata": {"labels": {"app": "b"}}, "spec": {"containers": [{"name": "c"}]}}}},
     "must match the pod template's labels"),
])
def test_schema_errors_are_clear(doc, words):
    with pytest.raises(ManifestError) as exc:
        manifests.parse(doc)
    assert words in str(exc.value)


@pytest.mark.parametrize("matches, words", [
    ("[{path: {type: PathPrefix, value: /a}}, {path: {type: PathPrefix, value: /b}}]", "at most one match per rule"),
    ("[{path: {type: RegularExpression, value: '/a.*'}}]", "RegularExpression paths are not supported"),
    ("[{queryParams: [{name: q, value: x}]}]", "query parameter matches are not supported"),
    ("[{headers: [{type: RegularExpression, name: x, value: y}]}]", "only Exact header matches"),
    ("[{headers: [" + ", ".join(f"{{name: h{i}, value: v}}" for i in range(6)) + "]}]", "at most 5"),
    ("[{path: {type: PathPrefix, value: v1}}]", "must start with '/'"),
])
def test_controller_limits(matches, words):
    with pytest.raises(ManifestError) as exc:
        manifests.parse(route(matches))
    assert words in str(exc.value)


def test_one_exact_match_with_method_and_headers_is_fine():
    obj = manifests.parse(route("[{path: {type: Exact, value: /a}, method: GET, headers: [{name: x, value: y}]}]"))
    assert obj.kind == "HTTPRoute" and obj.namespace == "default"


def test_target_group_policy_ranges_and_auth_policy_json():
    tgp = {"apiVersion": "application-networking.k8s.aws/v1alpha1", "kind": "TargetGroupPolicy",
           "metadata": {"name": "p"}, "spec": {"targetRef": {"kind": "Service", "name": "s"},
                                                "healthCheck": {"intervalSeconds": 1}}}
    with pytest.raises(ManifestError, match="intervalSeconds must be 5-300"):
        manifests.parse(tgp)
    pol = {"apiVersion": "application-networking.k8s.aws/v1alpha1", "kind": "IAMAuthPolicy",
           "metadata": {"name": "p"}, "spec": {"targetRef": {"kind": "Gateway", "name": "demo-sn"}, "policy": "{"}}
    with pytest.raises(ManifestError, match="not valid JSON"):
        manifests.parse(pol)


def test_bad_yaml_and_missing_file():
    with pytest.raises(ManifestError, match="not valid YAML"):
        manifests.load("a: [b\n  c: d\n")
    with pytest.raises(ManifestError, match="No manifest file"):
        manifests.load("nowhere/missing.yaml")
