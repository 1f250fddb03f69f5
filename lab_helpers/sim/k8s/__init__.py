"""EKS + VPC Lattice through the Kubernetes Gateway API — a faithful model for the labs.

No sandbox can run Kubernetes or Lattice's data plane, so this package models both, while every AWS resource is
made through the real APIs (``eks``, ``ec2``, ``vpc-lattice``):

* :mod:`.cluster` — the EKS cluster and managed node group, nodes as EC2 instances, pods with VPC IPs.
* :mod:`.manifests` — parse and validate the YAML you apply (the API server's and the controller's checks).
* :mod:`.controller` — the AWS Gateway API controller: Gateway API objects → Lattice resources.
* :mod:`.dataplane` — ``http``: one request through DNS, service network, auth, listener, rules, target groups.
* :mod:`.health` — Lattice's health checker: what ``ListTargets`` reports for each pod.
* :mod:`.lattice_names` — the names and addresses Lattice generates (read by the served control plane too).
* :mod:`.naming`, :mod:`.auth`, :mod:`.resolver`, :mod:`.precedence`, :mod:`.apps` — one concept each.

    cluster = lab.eks_cluster("eks-demo", vpc_id, [subnet_a, subnet_b])
    lab.kubectl_apply(open("deployments.yaml").read(), cluster="eks-demo")
    route = lab.kubectl_get("HTTPRoute", "demo-http-route")
    lab.http(client_vpc, "http://" + route.annotations[ASSIGNED_DOMAIN] + "/v1/health")
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Optional

from lab_helpers.errors import ControllerRefused, LabError
from lab_helpers.sim.k8s import cluster as _cluster
from lab_helpers.sim.k8s import controller, manifests
from lab_helpers.sim.k8s.cluster import Cluster
from lab_helpers.sim.k8s.conditions import ObjectTable
from lab_helpers.sim.k8s.dataplane import Response, http, http_many, lattice_prefix_list, seed, sign
from lab_helpers.sim.k8s.manifests import K8sObject, ManifestError
from lab_helpers.sim.k8s.naming import ASSIGNED_DOMAIN, SERVICE_ARN

_ALIASES = {"deploy": "Deployment", "deployment": "Deployment", "deployments": "Deployment",
            "svc": "Service", "service": "Service", "services": "Service",
            "gatewayclass": "GatewayClass", "gatewayclasses": "GatewayClass",
            "gateway": "Gateway", "gateways": "Gateway", "gtw": "Gateway",
            "httproute": "HTTPRoute", "httproutes": "HTTPRoute", "grpcroute": "GRPCRoute", "grpcroutes": "GRPCRoute",
            "tlsroute": "TLSRoute", "tlsroutes": "TLSRoute",
            "targetgrouppolicy": "TargetGroupPolicy", "targetgrouppolicies": "TargetGroupPolicy",
            "iamauthpolicy": "IAMAuthPolicy", "iamauthpolicies": "IAMAuthPolicy",
            "accesslogpolicy": "AccessLogPolicy", "accesslogpolicies": "AccessLogPolicy",
            "vpcassociationpolicy": "VpcAssociationPolicy", "vpcassociationpolicies": "VpcAssociationPolicy",
            "serviceexport": "ServiceExport", "serviceexports": "ServiceExport",
            "serviceimport": "ServiceImport", "serviceimports": "ServiceImport",
            "secret": "Secret", "secrets": "Secret",
            "pod": "Pod", "pods": "Pod", "po": "Pod"}


def eks_cluster(lab, name: str, vpc_id: str, subnets, **options) -> Cluster:
    """Create cluster ``name`` in ``vpc_id`` with a managed node group in ``subnets`` (options: ``version``,
    ``node_count``, ``instance_type``, ``cluster_role_arn``, ``node_role_arn``, ``default_service_network``).

    ``default_service_network`` models the controller's Helm value ``defaultServiceNetwork``: the controller then
    creates (or adopts) that service network at start and associates the cluster's VPC with it.
    """
    made = _cluster.create(lab, name, vpc_id, subnets, **options)
    if made.default_service_network:
        controller.adopt_default_network(lab, made)
    return made


def _kind(kind: str) -> str:
    found = _ALIASES.get(kind.lower())
    if found is None:
        raise LabError(f"Unknown kind {kind!r}: use one of {', '.join(manifests.KINDS)} or Pod.")
    return found


@dataclass
class ApplyResult:
    """What ``kubectl apply`` prints, plus what the controller did in Lattice."""

    lines: list[str] = field(default_factory=list)
    controller_log: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        out = list(self.lines)
        if self.controller_log:
            out.append("controller → VPC Lattice:")
            out += [f"  {line}" for line in self.controller_log]
        return "\n".join(out)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def kubectl_apply(lab, manifest, cluster: Optional[str] = None) -> ApplyResult:
    """Apply YAML text, a .yaml path, or dicts; then the controller reconciles.

    All or nothing: a bad object raises :class:`ManifestError` before anything is stored, and when Lattice refuses
    what the controller asks for (:class:`~lab_helpers.errors.ControllerRefused`) the objects are put back as they
    were and the controller reconciles again, so a failed apply never poisons the next one.
    """
    target = _cluster.get(lab, cluster)
    objects = [manifests.parse(doc) for doc in manifests.load(manifest)]  # all valid, or nothing is applied
    before = copy.deepcopy(target.objects)
    result = ApplyResult()
    changed = []
    for obj in objects:
        old = target.objects.get(obj.key)
        if old is not None and old.spec == obj.spec and old.labels == obj.labels and \
                all(old.annotations.get(k) == v for k, v in obj.annotations.items()):
            result.lines.append(f"{obj.kind.lower()}/{obj.name} unchanged")
            continue
        if old is not None:  # keep what the controller wrote; the new spec replaces the old
            obj.annotations = {**old.annotations, **obj.annotations}
            obj.status, obj.created = old.status, old.created
        else:
            obj.created = _next_serial(target)
        target.objects[obj.key] = obj
        changed.append(obj)
        result.lines.append(f"{obj.kind.lower()}.{_group(obj)}/{obj.name} {'configured' if old else 'created'}")
    try:
        for obj in changed:
            if obj.kind == "Deployment":
                _cluster.run_deployment(lab, target, obj)
        result.controller_log = controller.reconcile(lab, target)
        if any(obj.kind == "ServiceExport" for obj in changed):
            _reconcile_importers(lab, target)
    except Exception:  # Lattice refused (ControllerRefused) or the model failed: either way, store nothing
        _undo(lab, target, before, changed)
        raise
    return result


def _reconcile_importers(lab, exporter: Cluster) -> None:
    """Other clusters' controllers notice a new exported target group (the real one re-lists on a timer)."""
    for other in _cluster.clusters(lab).values():
        if other is not exporter and any(_imports(obj) for obj in other.objects.values()):
            controller.reconcile(lab, other)


def _imports(obj: K8sObject) -> bool:
    refs = [ref for rule in obj.spec.get("rules", []) for ref in rule.get("backendRefs", [])]
    return obj.kind in controller.ROUTE_KINDS and any(ref.get("kind") == "ServiceImport" for ref in refs)


def _next_serial(target: Cluster) -> int:
    serial = target.controller.get("serial", 0) + 1
    target.controller["serial"] = serial
    return serial


def _undo(lab, target: Cluster, before: dict, changed: list) -> None:
    """Put the objects back as they were, with their pods, and let the controller clean up after itself."""
    target.objects = before
    for obj in changed:
        if obj.kind != "Deployment":
            continue
        previous = before.get(obj.key)
        if previous is None:
            _cluster.stop_deployment(lab, target, obj.namespace, obj.name)
        else:
            _cluster.run_deployment(lab, target, previous)
    controller.reconcile(lab, target)


def _group(obj: K8sObject) -> str:
    group = obj.api_version.rsplit("/", 1)[0] if "/" in obj.api_version else ""
    return group or "v1"


def kubectl_delete(lab, kind: str, name: str, cluster: Optional[str] = None, namespace: str = "default") -> str:
    """Delete one object; the controller then removes what it had made for it (e.g. the Lattice service)."""
    target = _cluster.get(lab, cluster)
    kind = _kind(kind)
    obj = target.objects.get((kind, namespace, name))
    if obj is None:
        raise LabError(f'{kind} "{name}" not found in namespace {namespace}.')
    before = copy.deepcopy(target.objects)
    del target.objects[obj.key]
    try:
        if kind == "Deployment":
            _cluster.stop_deployment(lab, target, namespace, name)
        controller.reconcile(lab, target)
    except Exception:  # as for apply: a delete the controller cannot carry out changes nothing
        _undo(lab, target, before, [obj])
        raise
    return f'{kind.lower()} "{name}" deleted'


def kubectl_get(lab, kind: str, name: Optional[str] = None, cluster: Optional[str] = None,
                namespace: str = "default"):
    """One object (with the status and annotations the controller wrote), or all of a kind when ``name`` is None.

    ``kubectl_get(lab, "pods")`` lists pods with their VPC IPs and nodes.
    """
    target = _cluster.get(lab, cluster)
    kind = _kind(kind)
    if kind == "Pod":
        return PodTable([p for p in target.all_pods() if p.namespace == namespace and (name is None or p.name == name)])
    if name is None:
        return ObjectTable(o for (k, ns, _), o in sorted(target.objects.items()) if k == kind and ns == namespace)
    obj = target.objects.get((kind, namespace, name))
    if obj is None:
        raise LabError(f'{kind} "{name}" not found in namespace {namespace} (Error from server (NotFound)).')
    return obj


class PodTable(list):
    def __str__(self) -> str:
        rows = [f"{'NAME':<34} {'IP':<15} {'NODE':<22} SUBNET"]
        rows += [f"{p.name:<34} {p.ip:<15} {p.node.instance_id:<22} {p.node.subnet_id}" for p in self]
        return "\n".join(rows)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


__all__ = ["eks_cluster", "kubectl_apply", "kubectl_get", "kubectl_delete", "http", "http_many", "sign", "seed",
           "lattice_prefix_list", "Cluster", "Response", "K8sObject", "ManifestError", "ApplyResult",
           "ASSIGNED_DOMAIN", "SERVICE_ARN", "ObjectTable", "ControllerRefused"]
