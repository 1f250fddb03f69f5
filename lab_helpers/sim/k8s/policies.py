"""The controller's policies: which object a policy's ``targetRef`` means, whether it is Accepted, and auth.

Policy status follows GEP-713 as the AWS controller writes it (``pkg/model/core/policy``, its
``AcceptedCondition``): ``Accepted``, ``Invalid`` ("… target is invalid: …"; e.g. a ``group`` that is not the
kind's), ``TargetNotFound``, and ``Conflicted`` ("… is conflicted by <ns>/<name>") when an older policy of the same
kind already targets the same object — the oldest one wins.

``IAMAuthPolicy`` -> ``PutAuthPolicy`` on the network (Gateway) or the service (HTTPRoute/GRPCRoute), and authType
``AWS_IAM``; deleting it sets ``NONE`` again.
"""
from __future__ import annotations

import json
from typing import Optional

from lab_helpers.errors import ControllerRefused
from lab_helpers.sim.k8s.cluster import Cluster
from lab_helpers.sim.k8s.conditions import cond, objects
from lab_helpers.sim.k8s.manifests import K8sObject

GATEWAY_GROUP = "gateway.networking.k8s.io"
AWS_GROUP = "application-networking.k8s.aws"
GROUPS = {"Gateway": GATEWAY_GROUP, "HTTPRoute": GATEWAY_GROUP, "GRPCRoute": GATEWAY_GROUP, "TLSRoute": GATEWAY_GROUP,
          "Service": "",
          "ServiceExport": AWS_GROUP}


def target_key(policy: K8sObject) -> tuple[str, str, str]:
    ref = policy.spec["targetRef"]
    return ref["kind"], ref.get("namespace", policy.namespace), ref["name"]


def invalid_reason(policy: K8sObject) -> Optional[str]:
    """Why the targetRef is invalid (its group is not its kind's), or None."""
    ref = policy.spec["targetRef"]
    want = GROUPS.get(ref["kind"])
    if "group" in ref and want is not None and ref["group"] not in (want, "core" if want == "" else want):
        shown = f'"{want}"' if want == "" else want
        return (f"{policy.kind} target is invalid: group {ref['group']!r} is not the group of {ref['kind']} "
                f"(use group: {shown})")
    return None


def judge(cluster: Cluster, kind: str, exists, per=None, per_what: str = "") -> dict:
    """Accepted/Invalid/Conflicted/TargetNotFound for every policy of ``kind``; returns target key -> winner.

    With ``per`` (policy -> value) policies conflict only when they also share that value, and the returned keys
    are ``(target key, value)``: an AccessLogPolicy conflicts only with one of the same destination type."""
    winners: dict[tuple, K8sObject] = {}
    for policy in objects(cluster, kind):
        target = target_key(policy)
        key: tuple = (target, per(policy)) if per else target
        invalid = invalid_reason(policy)
        if invalid:
            policy.status = {"conditions": [cond("Accepted", False, "Invalid", invalid)]}
        elif key in winners:
            first = winners[key]
            scope = f"{target[0]} and {per_what}" if per else target[0]
            policy.status = {"conditions": [cond("Accepted", False, "Conflicted",
                                                 f"{kind} is conflicted by {first.namespace}/{first.name}: one "
                                                 f"{kind} per {scope}; delete one of them")]}
        elif not exists(target):
            policy.status = {"conditions": [cond("Accepted", False, "TargetNotFound",
                                                 f"{key[0]} {key[2]} not found or not programmed")]}
        else:
            winners[key] = policy
            policy.status = {"conditions": [cond("Accepted", True, "Accepted")]}
    return winners


def _policy_text(policy) -> str:
    return policy if isinstance(policy, str) else json.dumps(policy)


def reconcile_auth(lattice, cluster: Cluster, networks: dict, log: list) -> None:
    managed = cluster.controller.setdefault("auth", {})  # resource id -> kind ("network" | "service")
    services = cluster.controller.get("services", {})

    def resource(key: tuple) -> Optional[tuple[str, str]]:
        kind, ns, name = key
        if kind == "Gateway" and (ns, name) in networks:
            return "network", networks[(ns, name)]["id"]
        if kind in ("HTTPRoute", "GRPCRoute") and key in services:
            return "service", services[key]
        return None

    wanted = {}
    for key, policy in judge(cluster, "IAMAuthPolicy", lambda k: resource(k) is not None).items():
        found = resource(key)
        assert found is not None, "judge accepts only policies whose target resolves"
        wanted[found[1]] = (found[0], _policy_text(policy.spec["policy"]), policy)
    for rid, (kind, text, policy) in wanted.items():
        new = rid not in managed
        managed[rid] = kind  # first, so that undoing a refused apply resets what was already changed
        try:  # the policy first: a refused one must not leave the resource on AWS_IAM with nothing allowed
            lattice.put_auth_policy(resourceIdentifier=rid, policy=text)
            _set_auth_type(lattice, kind, rid, "AWS_IAM")
        except lattice.exceptions.ClientError as exc:
            raise refused(policy, exc) from None
        if new:
            log.append(f"{kind} {rid}: authType AWS_IAM with the IAMAuthPolicy")
    for rid in [r for r in managed if r not in wanted]:
        kind = managed.pop(rid)
        try:
            lattice.delete_auth_policy(resourceIdentifier=rid)
            _set_auth_type(lattice, kind, rid, "NONE")
            log.append(f"{kind} {rid}: IAMAuthPolicy removed, authType NONE")
        except lattice.exceptions.ResourceNotFoundException:
            pass


def refused(obj: K8sObject, exc) -> ControllerRefused:
    """What Lattice said, as the error of the apply and the condition the controller would write."""
    error = exc.response.get("Error", {})
    code, message = error.get("Code", "Error"), error.get("Message", str(exc))
    condition = cond("Programmed", False, "FailedDeployModel", f"{code}: {message}")
    return ControllerRefused(
        f"{obj.kind} {obj.namespace}/{obj.name} was not applied: VPC Lattice refused what the controller asked for "
        f"({code}: {message}). A real cluster would store it and show the condition Programmed=False "
        "(FailedDeployModel) with that message; here the apply is undone and nothing changed. Fix the manifest "
        "and apply it again.", obj.key, condition)


def _set_auth_type(lattice, kind: str, rid: str, auth_type: str) -> None:
    if kind == "network":
        lattice.update_service_network(serviceNetworkIdentifier=rid, authType=auth_type)
    else:
        lattice.update_service(serviceIdentifier=rid, authType=auth_type)
