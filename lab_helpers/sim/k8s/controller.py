"""A model of the AWS Gateway API controller: it turns Gateway API objects into VPC Lattice resources.

Everything it does goes through the ``vpc-lattice`` API of the lab (``lab.client("vpc-lattice")``), with the real
controller's names and choices, so in live mode the same calls would build real Lattice resources:

* ``Gateway`` -> the service network **found by name** (it is not created; ``defaultServiceNetwork`` aside).
* ``HTTPRoute`` -> a Lattice service ``trunc(route,20)-trunc(ns,18)`` associated with each parent's network,
  ``hostnames[0]`` as its custom domain (fixed at creation), one listener per Gateway listener with a **fixed 404**
  default action, and rule *i* at priority *i+1* — list order, not Gateway API specificity.
* each backend ``Service`` -> an IP target group ``k8s-<ns>-<svc>-<random>`` whose targets are the pod IPs and
  container ports; a ``TargetGroupPolicy`` sets its health check.
* ``IAMAuthPolicy`` -> ``PutAuthPolicy`` on the network (Gateway) or service (HTTPRoute) and authType ``AWS_IAM``;
  removing it sets ``NONE`` again.

Reconciling is idempotent: it compares what Lattice has with what the objects ask for and fixes the difference.
"""
from __future__ import annotations

import json
from typing import Any, Optional

from lab_helpers.sim.k8s import naming
from lab_helpers.sim.k8s.cluster import Cluster, endpoints
from lab_helpers.sim.k8s.manifests import K8sObject


def _cond(kind: str, ok: bool, reason: str, message: str = "") -> dict:
    out = {"type": kind, "status": "True" if ok else "False", "reason": reason}
    if message:
        out["message"] = message
    return out


def _objects(cluster: Cluster, kind: str) -> list[K8sObject]:
    return [o for (k, _, _), o in sorted(cluster.objects.items()) if k == kind]


def _find_network(lattice, name: str) -> Optional[dict]:
    return next((n for n in lattice.list_service_networks()["items"] if n["name"] == name), None)


def adopt_default_network(lab, cluster: Cluster) -> dict:
    """Helm ``defaultServiceNetwork``: create (or adopt) the network and associate the cluster VPC with it."""
    name = cluster.default_service_network
    assert name, "eks_cluster adopts a default network only when the Helm value names one"
    lattice = lab.client("vpc-lattice")
    net = _find_network(lattice, name)
    if net is None:
        net = lattice.create_service_network(name=name, authType="NONE")
    assoc = lattice.list_service_network_vpc_associations(vpcIdentifier=cluster.vpc_id)["items"]
    if not assoc:
        lattice.create_service_network_vpc_association(serviceNetworkIdentifier=net["id"],
                                                       vpcIdentifier=cluster.vpc_id)
    return net


def reconcile(lab, cluster: Cluster) -> list[str]:
    """Bring Lattice in line with the cluster's objects; returns a log of what changed (for the learner)."""
    lattice = lab.client("vpc-lattice")
    log: list[str] = []
    state = cluster.controller
    ours = {gc.name for gc in _objects(cluster, "GatewayClass")
            if gc.spec.get("controllerName") == naming.CONTROLLER_NAME}
    for gc in _objects(cluster, "GatewayClass"):
        gc.status = {"conditions": [_cond("Accepted", gc.name in ours, "Accepted" if gc.name in ours else
                                          "NotOurController")]}
    networks = _reconcile_gateways(lattice, cluster, ours)
    wanted_services = set()
    for route in _objects(cluster, "HTTPRoute"):
        svc = _reconcile_route(lab, lattice, cluster, route, networks, log)
        if svc:
            wanted_services.add(svc)
    _reconcile_auth(lattice, cluster, networks, log)
    _collect_garbage(lattice, cluster, wanted_services, log)
    state["log"] = state.get("log", []) + log
    return log


# -- gateways -------------------------------------------------------------------------------------------------
def _reconcile_gateways(lattice, cluster: Cluster, ours: set) -> dict:
    """(namespace, gateway name) -> service network summary, for programmed Gateways."""
    out = {}
    for gw in _objects(cluster, "Gateway"):
        if gw.spec["gatewayClassName"] not in ours:
            gw.status = {"conditions": [_cond("Accepted", False, "InvalidGatewayClass",
                                              f"GatewayClass {gw.spec['gatewayClassName']} is not handled by "
                                              f"{naming.CONTROLLER_NAME}")]}
            continue
        net = _find_network(lattice, gw.name)
        if net is None:
            gw.status = {"conditions": [_cond("Accepted", True, "Accepted"),
                                        _cond("Programmed", False, "Invalid",
                                              "VPC Lattice Service Network not found")]}
            continue
        out[(gw.namespace, gw.name)] = net
        gw.status = {"conditions": [_cond("Accepted", True, "Accepted"),
                                    _cond("Programmed", True, "Programmed", f"aws-service-network-arn: {net['arn']}")],
                     "listeners": [{"name": lst["name"], "attachedRoutes": _attached(cluster, gw, lst)}
                                   for lst in gw.spec["listeners"]]}
        gw.annotations[naming.ANNOTATION + "lattice-service-network-arn"] = net["arn"]
    return out


def _attached(cluster: Cluster, gw: K8sObject, listener: dict) -> int:
    return sum(1 for r in _objects(cluster, "HTTPRoute") for ref in r.spec.get("parentRefs", [])
               if ref["name"] == gw.name and ref.get("sectionName") in (None, listener["name"]))


# -- routes ---------------------------------------------------------------------------------------------------
def _parents(route: K8sObject, cluster: Cluster, networks: dict) -> list[tuple[K8sObject, dict, dict]]:
    """(gateway, gateway listener, network) for every accepted parentRef."""
    out = []
    for ref in route.spec.get("parentRefs", []):
        key = (ref.get("namespace", route.namespace), ref["name"])
        gw = cluster.objects.get(("Gateway", *key))
        if gw is None or key not in networks:
            continue
        for lst in gw.spec["listeners"]:
            if ref.get("sectionName") in (None, lst["name"]):
                out.append((gw, lst, networks[key]))
    return out


def _find_service(lattice, name: str) -> Optional[dict]:
    return next((s for s in lattice.list_services()["items"] if s["name"] == name), None)


def _reconcile_route(lab, lattice, cluster: Cluster, route: K8sObject, networks: dict, log: list) -> Optional[str]:
    # Long on purpose: one route, in the controller's own order (service, networks, target groups, listeners, rules).
    parents = _parents(route, cluster, networks)
    if not parents:
        route.status = {"parents": [{"parentRef": ref, "controllerName": naming.CONTROLLER_NAME, "conditions": [
            _cond("Accepted", False, "NoMatchingParent", "the parent Gateway is missing or not programmed "
                  "(is there a service network with the Gateway's name?)")]}
            for ref in route.spec.get("parentRefs", [])]}
        return None
    name = naming.service_name(route.name, route.namespace, route.annotations)
    hostnames = route.spec.get("hostnames", [])
    svc = _find_service(lattice, name)
    warnings = []
    if svc is None:
        kwargs = {"name": name, "authType": "NONE"}
        if hostnames:
            kwargs["customDomainName"] = hostnames[0]
        svc = lattice.create_service(**kwargs)
        log.append(f"created Lattice service {name} ({svc['id']})")
    elif (svc.get("customDomainName") or None) != (hostnames[0] if hostnames else None):
        warnings.append(f"hostnames[0] is {hostnames[0] if hostnames else None!r} but the service's custom domain "
                        f"is {svc.get('customDomainName')!r}: a custom domain is fixed when the service is created. "
                        "Delete the HTTPRoute and apply it again.")
    svc = lattice.get_service(serviceIdentifier=svc["id"])
    route.annotations[naming.ASSIGNED_DOMAIN] = svc["dnsEntry"]["domainName"]
    route.annotations[naming.SERVICE_ARN] = svc["arn"]
    cluster.controller.setdefault("services", {})[route.key] = svc["id"]

    # associations: one per parent network
    wanted_nets = {net["id"]: net for _, _, net in parents}
    have = {a["serviceNetworkId"]: a for a in
            lattice.list_service_network_service_associations(serviceIdentifier=svc["id"])["items"]}
    for nid in wanted_nets.keys() - have.keys():
        lattice.create_service_network_service_association(serviceIdentifier=svc["id"], serviceNetworkIdentifier=nid)
        log.append(f"associated {name} with service network {wanted_nets[nid]['name']}")
    for nid in have.keys() - wanted_nets.keys():
        lattice.delete_service_network_service_association(serviceNetworkServiceAssociationIdentifier=have[nid]["id"])

    # target groups and the actions of each rule
    resolved, actions = True, []
    for rule in route.spec.get("rules", []):
        groups = []
        for ref in rule.get("backendRefs", []):
            tg = _reconcile_target_group(lattice, cluster, route, ref, log)
            if tg is None:
                resolved = False
                continue
            groups.append({"targetGroupIdentifier": tg, "weight": ref.get("weight", 1)})
        actions.append({"forward": {"targetGroups": groups}} if groups else {"fixedResponse": {"statusCode": 500}})

    # listeners: one per Gateway listener, default action fixed 404
    listeners = {lst["name"]: lst for lst in lattice.list_listeners(serviceIdentifier=svc["id"])["items"]}
    for _, gl, _ in parents:
        lname = naming.listener_name(route.name, route.namespace, gl["port"], gl["protocol"])
        if lname not in listeners:
            made = lattice.create_listener(serviceIdentifier=svc["id"], name=lname, protocol=gl["protocol"].upper(),
                                           port=gl["port"], defaultAction={"fixedResponse": {"statusCode": 404}})
            listeners[lname] = made
            log.append(f"created listener {lname} (default action: fixed 404)")
        _reconcile_rules(lattice, svc["id"], listeners[lname]["id"], name, route, actions, log)

    conditions = [_cond("Accepted", True, "Accepted"),
                  _cond("ResolvedRefs", resolved, "ResolvedRefs" if resolved else "BackendNotFound",
                        "" if resolved else "a backendRef names a Service that does not exist; it was dropped")]
    route.status = {"parents": [{"parentRef": ref, "controllerName": naming.CONTROLLER_NAME, "conditions": conditions}
                                for ref in route.spec.get("parentRefs", [])]}
    if warnings:
        route.status["warnings"] = warnings
    return svc["id"]


def lattice_match(rule: dict) -> dict:
    """Gateway API match -> Lattice ``RuleMatch`` (the controller's mapping; no match means prefix ``/``)."""
    match = (rule.get("matches") or [{}])[0]
    path = match.get("path") or {"type": "PathPrefix", "value": "/"}
    kind = "exact" if path.get("type") == "Exact" else "prefix"
    http: dict[str, Any] = {"pathMatch": {"match": {kind: path.get("value", "/")}, "caseSensitive": True}}
    if match.get("method"):
        http["method"] = match["method"].upper()
    if match.get("headers"):
        http["headerMatches"] = [{"name": h["name"], "match": {"exact": h["value"]}, "caseSensitive": False}
                                 for h in match["headers"]]
    return {"httpMatch": http}


def _reconcile_rules(lattice, svc_id: str, listener_id: str, svc_name: str, route: K8sObject, actions: list,
                     log: list) -> None:
    wanted = [(naming.rule_name(svc_name, i), naming.rule_priority(i, route.annotations), lattice_match(rule),
               actions[i]) for i, rule in enumerate(route.spec.get("rules", []))]
    ids = {"serviceIdentifier": svc_id, "listenerIdentifier": listener_id}
    have = [r for r in lattice.list_rules(**ids)["items"] if not r.get("isDefault")]
    if sorted((r["name"], r["priority"]) for r in have) != sorted((n, p) for n, p, _, _ in wanted):
        for r in have:
            lattice.delete_rule(**ids, ruleIdentifier=r["id"])
        for name, priority, match, action in wanted:
            lattice.create_rule(**ids, name=name, priority=priority, match=match, action=action)
            log.append(f"created rule {name} priority {priority}")
        return
    by_name = {r["name"]: r for r in have}
    for name, _priority, match, action in wanted:
        current = lattice.get_rule(**ids, ruleIdentifier=by_name[name]["id"])
        if current["match"] != match or current["action"] != action:
            lattice.update_rule(**ids, ruleIdentifier=current["id"], match=match, action=action)
            log.append(f"updated rule {name}")


# -- target groups --------------------------------------------------------------------------------------------
def _policy_for(cluster: Cluster, namespace: str, service: str) -> Optional[K8sObject]:
    return next((p for p in _objects(cluster, "TargetGroupPolicy")
                 if p.spec["targetRef"]["name"] == service and p.namespace == namespace), None)


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


def _reconcile_target_group(lattice, cluster: Cluster, route: K8sObject, ref: dict, log: list) -> Optional[str]:
    ns = ref.get("namespace", route.namespace)
    service = cluster.objects.get(("Service", ns, ref["name"]))
    if service is None:
        return None  # invalid backends are dropped (all invalid -> fixed 500)
    policy = _policy_for(cluster, ns, ref["name"])
    protocol = (policy.spec.get("protocol") if policy else None) or "HTTP"
    version = (policy.spec.get("protocolVersion") if policy else None) or "HTTP1"
    port = ref.get("port") or service.spec["ports"][0]["port"]
    tgs = cluster.controller.setdefault("target_groups", {})
    key = (ns, ref["name"])
    tg = None
    if key in tgs:
        try:
            tg = lattice.get_target_group(targetGroupIdentifier=tgs[key])
        except lattice.exceptions.ResourceNotFoundException:
            tg = None
    if tg is not None and (tg["config"]["protocol"] != protocol or tg["config"].get("protocolVersion") != version):
        # A target group's protocol cannot change: the controller replaces it.
        _drop_target_group(lattice, tg["id"])
        tg = None
    want_hc = health_check_of(policy)
    if tg is None:
        name = naming.target_group_name(ns, ref["name"], cluster.rng)
        config = {"port": port, "protocol": protocol, "protocolVersion": version, "vpcIdentifier": cluster.vpc_id,
                  "ipAddressType": "IPV4"}
        if want_hc:
            config["healthCheck"] = want_hc
        tg = lattice.create_target_group(name=name, type="IP", config=config,
                                         tags={naming.ANNOTATION + "K8SServiceName": ref["name"],
                                               naming.ANNOTATION + "K8SServiceNamespace": ns})
        tgs[key] = tg["id"]
        log.append(f"created target group {name}")
    else:
        have = tg["config"].get("healthCheck", {})
        if any(have.get(k) != v for k, v in want_hc.items()):
            lattice.update_target_group(targetGroupIdentifier=tg["id"], healthCheck=want_hc)
            log.append(f"updated health check of {tg['name']}")
    want = {(pod.ip, port) for pod, port in endpoints(cluster, service)}
    have = {(t["id"], t["port"]) for t in lattice.list_targets(targetGroupIdentifier=tg["id"])["items"]}
    if want - have:
        lattice.register_targets(targetGroupIdentifier=tg["id"], targets=[{"id": i, "port": p} for i, p in want - have])
    if have - want:
        lattice.deregister_targets(targetGroupIdentifier=tg["id"],
                                   targets=[{"id": i, "port": p} for i, p in have - want])
    return tg["id"]


def _drop_target_group(lattice, tg_id: str) -> bool:
    targets = lattice.list_targets(targetGroupIdentifier=tg_id)["items"]
    if targets:
        lattice.deregister_targets(targetGroupIdentifier=tg_id, targets=[{"id": t["id"], "port": t["port"]}
                                                                         for t in targets])
    try:
        lattice.delete_target_group(targetGroupIdentifier=tg_id)
    except lattice.exceptions.ConflictException:
        return False  # still used by a rule; the next reconcile deletes it once the rule has changed
    return True


# -- auth -----------------------------------------------------------------------------------------------------
def _policy_text(policy) -> str:
    return policy if isinstance(policy, str) else json.dumps(policy)


def _reconcile_auth(lattice, cluster: Cluster, networks: dict, log: list) -> None:
    managed = cluster.controller.setdefault("auth", {})  # resource id -> kind ("network" | "service")
    wanted = {}
    for pol in _objects(cluster, "IAMAuthPolicy"):
        ref = pol.spec["targetRef"]
        ns = ref.get("namespace", pol.namespace)
        if ref["kind"] == "Gateway" and (ns, ref["name"]) in networks:
            wanted[networks[(ns, ref["name"])]["id"]] = ("network", _policy_text(pol.spec["policy"]))
            pol.status = {"conditions": [_cond("Accepted", True, "Accepted")]}
        elif ref["kind"] == "HTTPRoute" and ("HTTPRoute", ns, ref["name"]) in cluster.controller.get("services", {}):
            wanted[cluster.controller["services"][("HTTPRoute", ns, ref["name"])]] = (
                "service", _policy_text(pol.spec["policy"]))
            pol.status = {"conditions": [_cond("Accepted", True, "Accepted")]}
        else:
            pol.status = {"conditions": [_cond("Accepted", False, "TargetNotFound",
                                               f"{ref['kind']} {ref['name']} not found or not programmed")]}
    for rid, (kind, text) in wanted.items():
        _set_auth_type(lattice, kind, rid, "AWS_IAM")
        lattice.put_auth_policy(resourceIdentifier=rid, policy=text)
        if rid not in managed:
            log.append(f"{kind} {rid}: authType AWS_IAM with the IAMAuthPolicy")
        managed[rid] = kind
    for rid in [r for r in managed if r not in wanted]:
        kind = managed.pop(rid)
        try:
            lattice.delete_auth_policy(resourceIdentifier=rid)
            _set_auth_type(lattice, kind, rid, "NONE")
            log.append(f"{kind} {rid}: IAMAuthPolicy removed, authType NONE")
        except lattice.exceptions.ResourceNotFoundException:
            pass


def _set_auth_type(lattice, kind: str, rid: str, auth_type: str) -> None:
    if kind == "network":
        lattice.update_service_network(serviceNetworkIdentifier=rid, authType=auth_type)
    else:
        lattice.update_service(serviceIdentifier=rid, authType=auth_type)


# -- garbage collection ---------------------------------------------------------------------------------------
def _collect_garbage(lattice, cluster: Cluster, wanted_services: set, log: list) -> None:
    services = cluster.controller.setdefault("services", {})
    for key, sid in list(services.items()):
        if sid in wanted_services:
            continue
        del services[key]
        try:
            for a in lattice.list_service_network_service_associations(serviceIdentifier=sid)["items"]:
                lattice.delete_service_network_service_association(serviceNetworkServiceAssociationIdentifier=a["id"])
            lattice.delete_service(serviceIdentifier=sid)
            log.append(f"deleted Lattice service {sid} (its route is gone)")
        except lattice.exceptions.ResourceNotFoundException:
            pass
    used = {(ref.get("namespace", r.namespace), ref["name"]) for r in _objects(cluster, "HTTPRoute")
            if r.key in services for rule in r.spec.get("rules", []) for ref in rule.get("backendRefs", [])}
    tgs = cluster.controller.setdefault("target_groups", {})
    for key, tg_id in list(tgs.items()):
        if key in used:
            continue
        try:
            if _drop_target_group(lattice, tg_id):
                del tgs[key]
                log.append(f"deleted target group {tg_id} (no route uses {key[1]})")
        except lattice.exceptions.ResourceNotFoundException:
            del tgs[key]
