"""Target groups: what the controller makes for a route's ``Service`` backends and for a ``ServiceExport``.

As the AWS Gateway API controller does it (``pkg/gateway/model_build_targetgroup.go`` and the api-types docs):

* every (route, Service) pair gets **its own** IP target group, tagged with its source: two routes to one Service
  are two target groups, each with the pods as targets;
* a ``ServiceExport`` gets one more, *standalone* target group (tagged ``SourceTypeKey: ServiceExport``) that
  routes in **other clusters** reach through a ``ServiceImport`` backendRef, found by its name and namespace tags;
* a ``TargetGroupPolicy`` aimed at a Service changes the Service's route target groups; one aimed at a
  ServiceExport changes only the exported target group;
* a target group's protocol cannot change: the controller makes a new one and deletes the old one once no rule
  forwards to it any more. Deleting the policy puts Lattice's default health check back.
"""
from __future__ import annotations

from typing import Optional

from lab_helpers.sim.k8s import naming
from lab_helpers.sim.k8s.cluster import Cluster, endpoints
from lab_helpers.sim.k8s.conditions import objects
from lab_helpers.sim.k8s.health import DEFAULT_HEALTH_CHECK
from lab_helpers.sim.k8s.manifests import K8sObject
from lab_helpers.sim.k8s.policies import invalid_reason

TAG = naming.ANNOTATION  # the controller's tag keys share the annotation prefix
SOURCE_TYPE = TAG + "SourceTypeKey"


def policy_for(cluster: Cluster, namespace: str, name: str, kind: str) -> Optional[K8sObject]:
    """The oldest valid TargetGroupPolicy aimed at ``kind``/``name`` (``Service`` or ``ServiceExport``)."""
    return next((p for p in objects(cluster, "TargetGroupPolicy")
                 if invalid_reason(p) is None and p.spec["targetRef"]["name"] == name
                 and p.spec["targetRef"].get("kind") == kind
                 and p.spec["targetRef"].get("namespace", p.namespace) == namespace), None)


def health_check_of(policy: Optional[K8sObject]) -> dict:
    """TargetGroupPolicy.healthCheck -> Lattice HealthCheckConfig (absent: Lattice's defaults apply)."""
    if policy is None or "healthCheck" not in policy.spec:
        return {}
    hc = policy.spec["healthCheck"]
    names = {"enabled": "enabled", "intervalSeconds": "healthCheckIntervalSeconds",
             "timeoutSeconds": "healthCheckTimeoutSeconds", "healthyThresholdCount": "healthyThresholdCount",
             "unhealthyThresholdCount": "unhealthyThresholdCount", "path": "path", "port": "port",
             "protocol": "protocol", "protocolVersion": "protocolVersion"}
    out = {names[k]: v for k, v in hc.items() if k in names}
    if "statusMatch" in hc:
        out["matcher"] = {"httpCode": hc["statusMatch"]}
    return out


def route_target_group(lattice, cluster: Cluster, route: K8sObject, ref: dict, log: list) -> Optional[str]:
    """The target group of one ``Service`` backendRef of ``route`` (None: no such Service, the ref is dropped)."""
    ns = ref.get("namespace", route.namespace)
    service = cluster.objects.get(("Service", ns, ref["name"]))
    if service is None:
        return None
    tags = {**naming.additional_tags(route.annotations),
            TAG + "ServiceName": ref["name"], TAG + "ServiceNamespace": ns, SOURCE_TYPE: route.kind,
            TAG + "RouteName": route.name, TAG + "RouteNamespace": route.namespace,
            TAG + "ClusterName": cluster.name}
    key = ("route", route.kind, route.namespace, route.name, ns, ref["name"])
    port = ref.get("port") or service.spec["ports"][0]["port"]
    # A GRPCRoute's target groups speak gRPC (model_build_targetgroup.go sets protocolVersion GRPC for them).
    version = "GRPC" if route.kind == "GRPCRoute" else "HTTP1"
    # A TLSRoute's target groups are TCP: Lattice passes the TLS stream through to the pods unopened.
    protocol = "TCP" if route.kind == "TLSRoute" else "HTTP"
    return ensure(lattice, cluster, key, service, policy_for(cluster, ns, ref["name"], "Service"), port, tags, log,
                  version, protocol)


def export_target_group(lattice, cluster: Cluster, export: K8sObject, log: list) -> Optional[str]:
    """The standalone target group of a ServiceExport (None: the Service it names does not exist)."""
    service = cluster.objects.get(("Service", export.namespace, export.name))
    if service is None:
        return None
    tags = {TAG + "ServiceName": export.name, TAG + "ServiceNamespace": export.namespace,
            SOURCE_TYPE: "ServiceExport", TAG + "ClusterName": cluster.name}
    key = ("export", export.namespace, export.name)
    policy = policy_for(cluster, export.namespace, export.name, "ServiceExport")
    return ensure(lattice, cluster, key, service, policy, service.spec["ports"][0]["port"], tags, log)


def imported_target_groups(lattice, cluster: Cluster, route: K8sObject, ref: dict) -> list[str]:
    """Target groups a ``ServiceImport`` backendRef means: every exported one with that name and namespace.

    The controller finds them by tags, across clusters (model_build_rule.go, getTargetGroupsForRuleAction); the
    ServiceImport's ``aws-vpc`` / ``aws-eks-cluster-name`` annotations narrow the choice.
    """
    ns = ref.get("namespace", route.namespace)
    imported = cluster.objects.get(("ServiceImport", ns, ref["name"]))
    notes = imported.annotations if imported else {}
    out = []
    for tg in lattice.list_target_groups()["items"]:
        tags = lattice.list_tags_for_resource(resourceArn=tg["arn"])["tags"]
        if tags.get(SOURCE_TYPE) != "ServiceExport" or tags.get(TAG + "ServiceName") != ref["name"] or \
                tags.get(TAG + "ServiceNamespace") != ns:
            continue
        if notes.get(TAG + "aws-vpc") not in (None, tg.get("vpcIdentifier")):
            continue
        if notes.get(TAG + "aws-eks-cluster-name") not in (None, tags.get(TAG + "ClusterName")):
            continue
        out.append(tg["id"])
    return out


def _current(lattice, tgs: dict, key: tuple) -> Optional[dict]:
    if key not in tgs:
        return None
    try:
        return lattice.get_target_group(targetGroupIdentifier=tgs[key])
    except lattice.exceptions.ResourceNotFoundException:
        return None


def ensure(lattice, cluster: Cluster, key: tuple, service: K8sObject, policy: Optional[K8sObject], port: int,
           tags: dict, log: list, default_version: str = "HTTP1", default_protocol: str = "HTTP") -> str:
    """Create or fix the target group ``key`` (protocol, health check, targets); returns its id."""
    protocol = (policy.spec.get("protocol") if policy else None) or default_protocol
    if default_protocol == "TCP":  # a passthrough route's groups stay TCP whatever a TargetGroupPolicy says
        protocol = "TCP"
    version = (policy.spec.get("protocolVersion") if policy else None) or default_version
    tgs = cluster.controller.setdefault("target_groups", {})
    tg = _current(lattice, tgs, key)
    tcp = protocol == "TCP"
    if tg is not None and (tg["config"]["protocol"] != protocol or
                           (not tcp and tg["config"].get("protocolVersion") != version)):
        # A target group's protocol cannot change: a new one replaces it, the old one goes once unused.
        cluster.controller.setdefault("retired", []).append(tg["id"])
        log.append(f"target group {tg['name']} retired: protocol {tg['config']['protocol']} -> {protocol}")
        tg = None
    want_hc = health_check_of(policy)
    if tg is None:
        name = naming.target_group_name(service.namespace, service.name, cluster.rng)
        config = {"port": port, "protocol": protocol, "vpcIdentifier": cluster.vpc_id, "ipAddressType": "IPV4"}
        if not tcp:  # the controller sends no protocolVersion for TCP groups (target_group_manager.go, create)
            config["protocolVersion"] = version
        if want_hc:
            config["healthCheck"] = want_hc
        tags = {**tags, TAG + "ProtocolVersion": version}
        tg = lattice.create_target_group(name=name, type="IP", config=config, tags=tags)
        tgs[key] = tg["id"]
        log.append(f"created target group {name} ({tags[SOURCE_TYPE]} {key[-1]})")
    else:
        _fix_health_check(lattice, tg, want_hc, log)
    _sync_targets(lattice, cluster, service, tg["id"], port)
    return tg["id"]


def _fix_health_check(lattice, tg: dict, want_hc: dict, log: list) -> None:
    """Match the policy's health check; with no policy (or one deleted), Lattice's defaults come back."""
    want = want_hc or {k: v for k, v in DEFAULT_HEALTH_CHECK.items()}
    have = tg["config"].get("healthCheck", {})
    if any(have.get(k) != v for k, v in want.items()):
        lattice.update_target_group(targetGroupIdentifier=tg["id"], healthCheck=want)
        log.append(f"{'updated' if want_hc else 'reset to the default'} health check of {tg['name']}")


def _sync_targets(lattice, cluster: Cluster, service: K8sObject, tg_id: str, port: int) -> None:
    want = {(pod.ip, target) for pod, target in endpoints(cluster, service)}
    have = {(t["id"], t["port"]) for t in lattice.list_targets(targetGroupIdentifier=tg_id)["items"]}
    if want - have:
        lattice.register_targets(targetGroupIdentifier=tg_id, targets=[{"id": i, "port": p} for i, p in want - have])
    if have - want:
        lattice.deregister_targets(targetGroupIdentifier=tg_id, targets=[{"id": i, "port": p} for i, p in have - want])


def drop(lattice, tg_id: str) -> bool:
    """Deregister and delete; False while a rule still forwards to it (the next reconcile tries again)."""
    try:
        targets = lattice.list_targets(targetGroupIdentifier=tg_id)["items"]
        if targets:
            lattice.deregister_targets(targetGroupIdentifier=tg_id, targets=[{"id": t["id"], "port": t["port"]}
                                                                             for t in targets])
        lattice.delete_target_group(targetGroupIdentifier=tg_id)
    except lattice.exceptions.ConflictException:
        return False
    except lattice.exceptions.ResourceNotFoundException:
        return True
    return True


def collect_garbage(lattice, cluster: Cluster, used: set, log: list) -> None:
    """Delete target groups whose route, backend or export is gone, and retired ones no rule uses any more."""
    tgs = cluster.controller.setdefault("target_groups", {})
    for key, tg_id in list(tgs.items()):
        if key not in used and drop(lattice, tg_id):
            del tgs[key]
            log.append(f"deleted target group {tg_id} (nothing uses {key[-1]} through it any more)")
    retired = cluster.controller.setdefault("retired", [])
    for tg_id in list(retired):
        if drop(lattice, tg_id):
            retired.remove(tg_id)
            log.append(f"deleted retired target group {tg_id}")
