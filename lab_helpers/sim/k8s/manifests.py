"""Parse and validate the Kubernetes objects the lab applies, as the API server and the Lattice controller would.

Two layers of checking, like a real cluster:

1. **Schema** (the API server): known ``kind`` and ``apiVersion``, no unknown fields (``kubectl apply`` is strict
   about field names), required fields present, values of the right type.
2. **Controller limits** (the AWS Gateway API controller): what Gateway API allows but the controller cannot map
   onto Lattice — more than one match per rule, ``RegularExpression`` paths, query-parameter matches, header matches
   that are not ``Exact`` or more than five of them, more than one method… A real cluster *stores* such a route and
   the controller reports the problem in its status and events; here ``kubectl_apply`` refuses it with the same
   reason, so you see it at once.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lab_helpers.errors import ManifestError
from lab_helpers.sim.k8s import policy_checks
from lab_helpers.sim.k8s.naming import SERVICE_NAME_OVERRIDE

GATEWAY_API = ("gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1")
AWS_POLICY = ("application-networking.k8s.aws/v1alpha1",)
API_VERSIONS = {
    "Deployment": ("apps/v1",), "Service": ("v1",), "GatewayClass": GATEWAY_API, "Gateway": GATEWAY_API,
    "HTTPRoute": GATEWAY_API, "TargetGroupPolicy": AWS_POLICY, "IAMAuthPolicy": AWS_POLICY,
    "ServiceExport": AWS_POLICY, "ServiceImport": AWS_POLICY, "Secret": ("v1",),
    "GRPCRoute": GATEWAY_API + ("gateway.networking.k8s.io/v1alpha2",), "VpcAssociationPolicy": AWS_POLICY,
    "AccessLogPolicy": AWS_POLICY,
    "TLSRoute": ("gateway.networking.k8s.io/v1alpha2", "gateway.networking.k8s.io/v1alpha3"),
}
# Kinds the real controller handles that this model does not (yet): a clear refusal instead of a wrong answer.
NOT_MODELLED = {"ServiceNetwork": "the ServiceNetwork CRD"}
SECRET_FIELDS = ("data", "stringData", "type", "immutable")
KINDS = tuple(API_VERSIONS)

# A tiny schema language: dict = object with these fields ("name!" = required), [x] = list of x, a type = scalar,
# ANY = free-form.
ANY = object()
_META = {"name": str, "namespace": str, "labels": dict, "annotations": dict}
_TARGET_REF = {"group": str, "kind!": str, "name!": str, "namespace": str, "sectionName": str}
_VALUE_FROM = {"fieldRef": {"fieldPath!": str, "apiVersion": str}, "secretKeyRef": ANY, "configMapKeyRef": ANY,
               "resourceFieldRef": ANY}
_CONTAINER = {"name": str, "image": str, "ports": [{"containerPort!": int, "name": str, "protocol": str}],
              "env": [{"name!": str, "value": ANY, "valueFrom": _VALUE_FROM}], "resources": ANY, "readinessProbe": ANY,
              "livenessProbe": ANY, "imagePullPolicy": str, "args": [str], "command": [str]}
_PARENT_REFS = [{"name!": str, "namespace": str, "sectionName": str, "group": str, "kind": str, "port": int}]
_BACKEND_REFS = [{"name!": str, "namespace": str, "kind": str, "group": str, "port": int, "weight": int}]
SPECS: dict[str, Any] = {
    "Deployment": {"replicas": int, "selector": {"matchLabels": dict}, "strategy": ANY,
                   "template": {"metadata": _META, "spec": {"containers": [_CONTAINER],
                                                            "serviceAccountName": str}}},
    "Service": {"type": str, "selector": dict, "ports": [{"name": str, "port!": int, "targetPort": ANY,
                                                          "protocol": str, "appProtocol": str}]},
    "GatewayClass": {"controllerName": str, "description": str, "parametersRef": ANY},
    "Gateway": {"gatewayClassName": str, "addresses": ANY,
                "listeners": [{"name!": str, "protocol!": str, "port!": int, "hostname": str, "allowedRoutes": ANY,
                               "tls": ANY}]},
    "HTTPRoute": {"parentRefs": _PARENT_REFS, "hostnames": [str],
                  "rules": [{"matches": [{"path": {"type": str, "value": str},
                                          "headers": [{"type": str, "name!": str, "value!": str}],
                                          "queryParams": ANY, "method": str}],
                             "backendRefs": _BACKEND_REFS, "filters": ANY, "timeouts": ANY}]},
    "GRPCRoute": {"parentRefs": _PARENT_REFS, "hostnames": [str],
                  "rules": [{"matches": [{"method": {"type": str, "service": str, "method": str},
                                          "headers": [{"type": str, "name!": str, "value!": str}]}],
                             "backendRefs": _BACKEND_REFS, "filters": ANY}]},
    "TLSRoute": {"parentRefs": _PARENT_REFS, "hostnames": [str], "rules": [{"backendRefs": _BACKEND_REFS}]},
    "TargetGroupPolicy": {"targetRef": _TARGET_REF, "protocol": str, "protocolVersion": str,
                          "healthCheck": {"enabled": bool, "intervalSeconds": int, "timeoutSeconds": int,
                                          "healthyThresholdCount": int, "unhealthyThresholdCount": int,
                                          "statusMatch": str, "path": str, "port": int, "protocol": str,
                                          "protocolVersion": str}},
    "IAMAuthPolicy": {"targetRef": _TARGET_REF, "policy": ANY},
    "AccessLogPolicy": {"targetRef": _TARGET_REF, "destinationArn": str},
    "VpcAssociationPolicy": {"targetRef": _TARGET_REF, "securityGroupIds": [str], "associateWithVpc": bool},
    "ServiceExport": {},
    "ServiceImport": {"type": str, "ports": [{"name": str, "port": int, "protocol": str, "appProtocol": str}],
                      "ips": [str]},
    "Secret": {"data": dict, "stringData": dict, "type": str, "immutable": bool},
}
REQUIRED = {
    "Deployment": ("selector", "template"), "Service": ("ports",), "GatewayClass": ("controllerName",),
    "Gateway": ("gatewayClassName", "listeners"), "HTTPRoute": (), "GRPCRoute": (), "TLSRoute": ("hostnames", "rules"),
    "TargetGroupPolicy": ("targetRef",),
    "IAMAuthPolicy": ("targetRef", "policy"), "VpcAssociationPolicy": ("targetRef",), "ServiceExport": (),
    "AccessLogPolicy": ("targetRef", "destinationArn"),
    "ServiceImport": (), "Secret": (),
}
STATUS_MATCH = re.compile(r"\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*")  # Lattice matchers: 200 / 200,202 / 200-299
PATH_TYPES = ("Exact", "PathPrefix", "RegularExpression")
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH")


@dataclass
class K8sObject:
    """One stored object: what you applied, plus what the controller writes (annotations, status)."""

    kind: str
    api_version: str
    name: str
    namespace: str
    spec: dict
    labels: dict = field(default_factory=dict)
    annotations: dict = field(default_factory=dict)
    status: dict = field(default_factory=dict)
    created: int = 0  # creation order in its cluster: the oldest policy wins a conflict

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.namespace, self.name)

    def to_dict(self) -> dict:
        meta: dict[str, Any] = {"name": self.name, "namespace": self.namespace}
        if self.labels:
            meta["labels"] = dict(self.labels)
        if self.annotations:
            meta["annotations"] = dict(self.annotations)
        out = {"apiVersion": self.api_version, "kind": self.kind, "metadata": meta, "spec": copy.deepcopy(self.spec)}
        if self.status:
            out["status"] = copy.deepcopy(self.status)
        return out

    def __str__(self) -> str:
        return yaml.safe_dump(self.to_dict(), sort_keys=False, default_flow_style=False)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def load(manifest) -> list[dict]:
    """YAML text, a path to a YAML file, a dict, or a list of dicts -> the documents in order."""
    if isinstance(manifest, dict):
        return [manifest]
    if isinstance(manifest, (list, tuple)):
        return [d for m in manifest for d in load(m)]
    if isinstance(manifest, Path) or (isinstance(manifest, str) and "\n" not in manifest
                                      and manifest.strip().endswith((".yaml", ".yml"))):
        path = Path(manifest)
        if not path.exists():
            raise ManifestError(f"No manifest file {path}. Pass YAML text or the path of an existing .yaml file.")
        manifest = path.read_text()
    if not isinstance(manifest, str):
        raise ManifestError(f"kubectl_apply takes YAML text, a .yaml path or a dict, not {type(manifest).__name__}.")
    try:
        docs = [d for d in yaml.safe_load_all(manifest) if d is not None]
    except yaml.YAMLError as exc:
        raise ManifestError(f"This is not valid YAML: {exc}. Check the indentation (spaces, not tabs).") from None
    if not docs:
        raise ManifestError("The manifest is empty: nothing to apply.")
    return docs


def _check(value, schema, where: str, kind: str) -> None:
    if schema is ANY:
        return
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            raise ManifestError(f"{kind}: {where} must be a mapping (key: value), not {type(value).__name__}.")
        fields = {k.rstrip("!"): sub for k, sub in schema.items()}
        for key, sub in value.items():
            if key not in fields:
                raise ManifestError(f"{kind}: unknown field \"{where}.{key}\" (strict decoding error). Known fields "
                                    f"there: {', '.join(sorted(fields))}.")
            _check(sub, fields[key], f"{where}.{key}", kind)
        missing = [k.rstrip("!") for k in schema if k.endswith("!") and value.get(k.rstrip("!")) is None]
        if missing:
            raise ManifestError(f"{kind}: {where}.{missing[0]} is required (the API server rejects the object "
                                "without it).")
        return
    if isinstance(schema, list):
        if not isinstance(value, list):
            raise ManifestError(f"{kind}: {where} must be a list (lines starting with '-').")
        for i, item in enumerate(value):
            _check(item, schema[0], f"{where}[{i}]", kind)
        return
    if schema is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ManifestError(f"{kind}: {where} must be a whole number, not {value!r}.")
    if schema is str and not isinstance(value, str):
        raise ManifestError(f"{kind}: {where} must be a string, not {value!r} (quote it).")
    if schema in (dict, bool) and not isinstance(value, schema):
        raise ManifestError(f"{kind}: {where} must be a {schema.__name__}, not {value!r}.")


def parse(doc: dict) -> K8sObject:
    """Validate one document's schema and turn it into a :class:`K8sObject`."""
    if not isinstance(doc, dict):
        raise ManifestError(f"Each YAML document must be a mapping with apiVersion/kind/metadata/spec, got {doc!r}.")
    kind = doc.get("kind")
    if "kind" not in doc and "apiVersion" not in doc:
        raise ManifestError(f"This YAML is not a Kubernetes object: it has no apiVersion or kind (its keys: "
                            f"{', '.join(map(str, doc)) or 'none'}). Start it with e.g. apiVersion: apps/v1 and "
                            "kind: Deployment, then metadata and spec.")
    if kind in NOT_MODELLED:
        raise ManifestError(f"{kind} ({NOT_MODELLED[kind]}) is handled by the real AWS Gateway API controller but "
                            f"not by this lab's model. Remove it from the manifest; the model accepts "
                            f"{', '.join(KINDS)}.")
    if kind == "Secret":  # a Secret's content sits at the top level; keep it as the spec
        doc = {k: v for k, v in doc.items() if k not in SECRET_FIELDS} | {
            "spec": {k: doc[k] for k in SECRET_FIELDS if k in doc}}
    if kind not in API_VERSIONS:
        raise ManifestError(f"Unknown kind {kind!r}. This cluster model accepts: {', '.join(KINDS)} "
                            "(the objects of the Lattice seminar).")
    if doc.get("apiVersion") not in API_VERSIONS[kind]:
        raise ManifestError(f"{kind} needs apiVersion {' or '.join(API_VERSIONS[kind])}, not "
                            f"{doc.get('apiVersion')!r}.")
    unknown = set(doc) - {"apiVersion", "kind", "metadata", "spec"}
    if unknown:
        raise ManifestError(f"{kind}: unknown top-level field(s) {', '.join(sorted(unknown))}.")
    meta = doc.get("metadata") or {}
    _check(meta, _META, "metadata", kind)
    if not meta.get("name"):
        raise ManifestError(f"{kind}: metadata.name is required.")
    spec = doc.get("spec") or {}
    _check(spec, SPECS[kind], "spec", kind)
    missing = [f for f in REQUIRED[kind] if f not in spec]
    if missing:
        raise ManifestError(f"{kind} {meta['name']}: spec.{missing[0]} is required.")
    obj = K8sObject(kind, doc["apiVersion"], meta["name"], meta.get("namespace", "default"), copy.deepcopy(spec),
                    dict(meta.get("labels") or {}), dict(meta.get("annotations") or {}))
    _SEMANTICS.get(kind, lambda o: None)(obj)
    return obj


# -- per-kind meaning checks ------------------------------------------------------------------------------------
def _deployment(obj: K8sObject) -> None:
    want = obj.spec["selector"].get("matchLabels", {})
    have = obj.spec["template"].get("metadata", {}).get("labels", {})
    if not want or any(have.get(k) != v for k, v in want.items()):
        raise ManifestError(f"Deployment {obj.name}: spec.selector.matchLabels {want} must match the pod template's "
                            f"labels {have} (the API server rejects a selector that selects nothing).")
    if not obj.spec["template"].get("spec", {}).get("containers"):
        raise ManifestError(f"Deployment {obj.name}: the pod template needs at least one container.")


def _service(obj: K8sObject) -> None:
    kind = obj.spec.get("type", "ClusterIP")
    if kind != "ClusterIP":
        raise ManifestError(f"Service {obj.name}: type {kind} is not modelled. Use ClusterIP: Lattice sends traffic "
                            "straight to the pod IPs, so the Service only names the pods and their port.")
    if not obj.spec.get("selector"):
        raise ManifestError(f"Service {obj.name}: spec.selector is required here (it picks the pods).")


def _service_name_override(obj: K8sObject) -> None:
    """Lattice service names: 3-40 characters of a-z, 0-9 and '-', not starting or ending with '-'."""
    name = obj.annotations.get(SERVICE_NAME_OVERRIDE)
    if name is None:
        return
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,38}[a-z0-9]", str(name)) or "--" in str(name):
        raise ManifestError(f"{obj.kind} {obj.name}: annotation {SERVICE_NAME_OVERRIDE} {name!r} is not a valid "
                            "Lattice service name (3-40 characters: lower-case letters, digits and single '-', "
                            "not at either end). Lattice would refuse CreateService and the controller would "
                            "report it; choose a name like 'my-service'.")


def _gateway(obj: K8sObject) -> None:
    for lst in obj.spec["listeners"]:
        if lst.get("protocol", "").upper() not in ("HTTP", "HTTPS", "TLS"):
            raise ManifestError(f"Gateway {obj.name}: listener {lst.get('name')} protocol {lst.get('protocol')!r} "
                                "is not supported by the Lattice controller (HTTP, HTTPS or TLS).")


def _route(obj: K8sObject, check_match) -> None:
    """The controller's limits on a route (it maps each rule onto exactly one Lattice rule)."""
    _service_name_override(obj)
    for i, rule in enumerate(obj.spec.get("rules", [])):
        where = f"{obj.kind} {obj.name} rule {i}"
        matches = rule.get("matches", [])
        if len(matches) > 1:
            raise ManifestError(f"{where}: {len(matches)} matches. The Lattice controller supports at most one "
                                "match per rule (a Lattice rule has one condition set); split it into several rules.")
        for m in matches:
            check_match(where, m)
            headers = m.get("headers", [])
            if len(headers) > 5:
                raise ManifestError(f"{where}: {len(headers)} header matches; Lattice allows at most 5 per rule.")
            for h in headers:
                if h.get("type", "Exact") != "Exact":
                    raise ManifestError(f"{where}: header match type {h.get('type')!r}; the controller maps only "
                                        "Exact header matches.")
        for ref in rule.get("backendRefs", []):
            if ref.get("kind", "Service") not in ("Service", "ServiceImport"):
                raise ManifestError(f"{where}: backendRef kind {ref.get('kind')!r}; use Service.")
            weight = ref.get("weight", 1)
            if not 0 <= weight <= 999:
                raise ManifestError(f"{where}: weight {weight} is outside Lattice's 0-999.")


def _http_match(where: str, m: dict) -> None:
    path = m.get("path")
    if path:
        ptype = path.get("type", "PathPrefix")
        if ptype not in PATH_TYPES:
            raise ManifestError(f"{where}: path type {ptype!r} is not Gateway API (Exact, PathPrefix).")
        if ptype == "RegularExpression":
            raise ManifestError(f"{where}: RegularExpression paths are not supported by Lattice (only exact "
                                "and prefix). Use Exact or PathPrefix.")
        if not path.get("value", "/").startswith("/"):
            raise ManifestError(f"{where}: a path value must start with '/'.")
        if len(path.get("value", "/")) > 200:
            raise ManifestError(f"{where}: Lattice path matches are at most 200 characters.")
    if m.get("queryParams"):
        raise ManifestError(f"{where}: query parameter matches are not supported by Lattice; remove them.")
    if m.get("method") and m["method"].upper() not in METHODS:
        raise ManifestError(f"{where}: unknown HTTP method {m['method']!r}.")


def _grpc_match(where: str, m: dict) -> None:
    """docs/api-types/grpc-route.md: exact service (and method) only; a method needs its service."""
    method = m.get("method") or {}
    if method.get("type", "Exact") != "Exact":
        raise ManifestError(f"{where}: gRPC method match type {method.get('type')!r}; Lattice has no regular "
                            "expressions, the controller maps only Exact.")
    if method.get("method") and not method.get("service"):
        raise ManifestError(f"{where}: a gRPC method match needs its service too (Lattice matches the path "
                            "/<service>/<method>; a method alone would be a suffix match, which it cannot do).")


def _httproute(obj: K8sObject) -> None:
    _route(obj, _http_match)


def _grpcroute(obj: K8sObject) -> None:
    _route(obj, _grpc_match)


def _tlsroute(obj: K8sObject) -> None:
    """A passthrough route: Lattice sees only the TLS handshake's SNI, so the route needs one host name (the
    service's custom domain) and one rule, which becomes the TLS_PASSTHROUGH listener's default action — such a
    listener has no rules to match paths or headers it cannot read."""
    hostnames, rules = obj.spec.get("hostnames", []), obj.spec.get("rules", [])
    if len(hostnames) != 1 or "*" in hostnames[0]:
        raise ManifestError(f"TLSRoute {obj.name}: give exactly one host name without wildcards in hostnames: "
                            "it is the SNI Lattice matches and the service's custom domain.")
    if len(rules) != 1 or not rules[0].get("backendRefs"):
        raise ManifestError(f"TLSRoute {obj.name}: give exactly one rule with backendRefs; a TLS passthrough "
                            "listener only forwards (its default action), it cannot read paths or headers.")


def _target_group_policy(obj: K8sObject) -> None:
    ref = obj.spec["targetRef"]
    if ref.get("kind") not in ("Service", "ServiceExport"):
        raise ManifestError(f"TargetGroupPolicy {obj.name}: targetRef.kind must be Service, not {ref.get('kind')!r}.")
    hc = obj.spec.get("healthCheck", {})
    for key, (low, high) in {"intervalSeconds": (5, 300), "timeoutSeconds": (1, 120),
                             "healthyThresholdCount": (2, 10), "unhealthyThresholdCount": (2, 10)}.items():
        if key in hc and not low <= hc[key] <= high:
            raise ManifestError(f"TargetGroupPolicy {obj.name}: healthCheck.{key} must be {low}-{high} "
                                f"(got {hc[key]}).")
    if "statusMatch" in hc and not STATUS_MATCH.fullmatch(hc["statusMatch"].replace(" ", "")):
        raise ManifestError(f"TargetGroupPolicy {obj.name}: healthCheck.statusMatch {hc['statusMatch']!r} must be "
                            "HTTP codes like \"200\", \"200,202\" or a range \"200-299\".")
    if "path" in hc and not hc["path"].startswith("/"):
        raise ManifestError(f"TargetGroupPolicy {obj.name}: healthCheck.path must start with '/'.")


def _iam_auth_policy(obj: K8sObject) -> None:
    ref = obj.spec["targetRef"]
    if ref.get("kind") not in ("Gateway", "HTTPRoute", "GRPCRoute"):
        raise ManifestError(f"IAMAuthPolicy {obj.name}: targetRef.kind must be Gateway (the service network) or "
                            f"HTTPRoute (the service), not {ref.get('kind')!r}.")
    import json

    policy = obj.spec["policy"]
    try:
        parsed = json.loads(policy) if isinstance(policy, str) else policy
    except ValueError:
        raise ManifestError(f"IAMAuthPolicy {obj.name}: spec.policy is not valid JSON.") from None
    if not isinstance(parsed, dict) or "Statement" not in parsed:
        raise ManifestError(f"IAMAuthPolicy {obj.name}: spec.policy must be an IAM policy with a Statement list.")


_SEMANTICS = {"Deployment": _deployment, "Service": _service, "Gateway": _gateway, "HTTPRoute": _httproute,
              "GRPCRoute": _grpcroute, "TLSRoute": _tlsroute,
              "TargetGroupPolicy": _target_group_policy, "IAMAuthPolicy": _iam_auth_policy,
              "VpcAssociationPolicy": policy_checks.vpc_association_policy,
              "AccessLogPolicy": policy_checks.access_log_policy}
