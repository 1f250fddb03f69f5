"""HTTPRoute -> a Lattice service with listeners, rules and target groups, as the AWS controller builds it.

* **Attachment** (Gateway API ``ParentReference`` rules, which the controller follows): a route attaches to the
  listeners its ``parentRef`` names (``sectionName``, ``port``) that allow it — the listener's protocol must carry
  HTTP (``HTTP``/``HTTPS``; a ``TLS`` listener carries TLSRoutes), and ``allowedRoutes`` must admit the route's
  namespace (default ``Same``) and kind. A parentRef that attaches nowhere is ``Accepted=False`` with
  ``NoMatchingParent`` or ``NotAllowedByListeners``.
* **Service**: ``trunc(route,20)-trunc(ns,18)`` (or the override annotation), ``hostnames[0]`` as custom domain,
  the HTTPS listener's ``application-networking.k8s.aws/certificate-arn`` TLS option as its certificate, associated
  with each parent's network unless the route (or, failing that, the Gateway) is annotated
  ``application-networking.k8s.aws/standalone: "true"`` (docs: guides/standalone-services.md).
* **Rules**: one per route rule, priority from list order or the ``rule-{i}-priority`` annotation.
"""
from __future__ import annotations

from typing import Any, Optional

from lab_helpers.sim.k8s import backends, naming
from lab_helpers.sim.k8s.cluster import Cluster
from lab_helpers.sim.k8s.conditions import cond
from lab_helpers.sim.k8s.manifests import K8sObject

STANDALONE = naming.ANNOTATION + "standalone"
CERTIFICATE_ARN = naming.ANNOTATION + "certificate-arn"
# docs/api-types: an HTTPRoute attaches to HTTP and HTTPS listeners, a GRPCRoute "must refer to an HTTPS listener".
ROUTE_PROTOCOLS = {"HTTPRoute": ("HTTP", "HTTPS"), "GRPCRoute": ("HTTPS",), "TLSRoute": ("TLS",)}
# A Gateway TLS listener becomes a Lattice TLS_PASSTHROUGH listener (tls.mode Passthrough, the only mode it maps).
LATTICE_PROTOCOL = {"HTTP": "HTTP", "HTTPS": "HTTPS", "TLS": "TLS_PASSTHROUGH"}


def _allows(listener: dict, route: K8sObject, gateway: K8sObject) -> bool:
    """Does the Gateway listener admit this route (protocol, allowedRoutes.kinds and .namespaces)?"""
    if listener["protocol"].upper() not in ROUTE_PROTOCOLS.get(route.kind, ()):
        return False
    allowed = listener.get("allowedRoutes") or {}
    kinds = [k.get("kind") for k in allowed.get("kinds", [])]
    if kinds and route.kind not in kinds:
        return False
    namespaces = allowed.get("namespaces") or {}
    source = namespaces.get("from", "Same")
    if source == "All":
        return True
    if source == "Selector":  # only the label every namespace carries is modelled
        labels = (namespaces.get("selector") or {}).get("matchLabels", {})
        return labels.get("kubernetes.io/metadata.name") == route.namespace
    return route.namespace == gateway.namespace


def parents(route: K8sObject, cluster: Cluster, networks: dict) -> tuple[list[tuple], list[dict]]:
    """((gateway, listener, network) for every attachment, the per-parentRef status)."""
    attached, statuses = [], []
    for ref in route.spec.get("parentRefs", []):
        key = (ref.get("namespace", route.namespace), ref["name"])
        gw = cluster.objects.get(("Gateway", *key))
        named = [lst for lst in (gw.spec["listeners"] if gw else [])
                 if ref.get("sectionName") in (None, lst["name"]) and ref.get("port") in (None, lst["port"])]
        fits = [lst for lst in named if gw is not None and _allows(lst, route, gw)]
        if gw is None or key not in networks or not named:
            condition = cond("Accepted", False, "NoMatchingParent", _no_parent(ref, key, gw, networks))
        elif not fits:
            condition = cond("Accepted", False, "NotAllowedByListeners",
                             f"no listener of Gateway {key[1]} allows this {route.kind}: check the listeners' "
                             f"protocol ({', '.join(ROUTE_PROTOCOLS.get(route.kind, ()))} carry {route.kind}s) "
                             f"and allowedRoutes (namespaces default to Same: {key[0]})")
        else:
            condition = cond("Accepted", True, "Accepted")
            attached += [(gw, lst, networks[key]) for lst in fits]
        statuses.append({"parentRef": ref, "controllerName": naming.CONTROLLER_NAME, "conditions": [condition]})
    return attached, statuses


def _no_parent(ref: dict, key: tuple, gw: Optional[K8sObject], networks: dict) -> str:
    if gw is None:
        return (f"no Gateway {key[1]} in namespace {key[0]} (a parentRef without namespace means the route's own "
                "namespace)")
    if key not in networks:
        return f"Gateway {key[1]} is not programmed: is there a service network named {key[1]}?"
    wanted = f"sectionName {ref['sectionName']}" if "sectionName" in ref else f"port {ref.get('port')}"
    return f"Gateway {key[1]} has no listener with {wanted}"


def standalone(route: K8sObject, gateways: list[K8sObject]) -> bool:
    """The route's annotation decides; without one, any parent Gateway's (guides/standalone-services.md)."""
    value = route.annotations.get(STANDALONE)
    if value is None:
        value = next((g.annotations[STANDALONE] for g in gateways if STANDALONE in g.annotations), "false")
    return str(value).lower() == "true"


def certificate_arn(attached: list[tuple]) -> Optional[str]:
    """The first HTTPS listener's ``tls.options`` certificate ARN (the controller's custom-domain certificate)."""
    for _, listener, _ in attached:
        options = (listener.get("tls") or {}).get("options") or {}
        if listener["protocol"].upper() == "HTTPS" and options.get(CERTIFICATE_ARN):
            return options[CERTIFICATE_ARN]
    return None


def find_service(lattice, name: str) -> Optional[dict]:
    return next((s for s in lattice.list_services()["items"] if s["name"] == name), None)


def reconcile(lattice, cluster: Cluster, route: K8sObject, networks: dict, log: list) -> Optional[str]:
    """Program one route; returns its Lattice service id (None: not attached anywhere)."""
    attached, statuses = parents(route, cluster, networks)
    route.status = {"parents": statuses}
    if not attached:
        return None
    svc, warnings = _service(lattice, route, attached, log, service_tags(cluster, route))
    cluster.controller.setdefault("services", {})[route.key] = svc["id"]
    wanted = {} if standalone(route, [gw for gw, _, _ in attached]) else {net["id"]: net for _, _, net in attached}
    _associate(lattice, svc, wanted, log)
    resolved, actions = _actions(lattice, cluster, route, log)
    listeners = {lst["name"]: lst for lst in lattice.list_listeners(serviceIdentifier=svc["id"])["items"]}
    for _, gl, _ in attached:
        lname = naming.listener_name(route.name, route.namespace, gl["port"], gl["protocol"])
        passthrough = route.kind == "TLSRoute"  # its one rule is the listener's default action: no rules
        default = actions[0] if passthrough else {"fixedResponse": {"statusCode": 404}}
        if lname not in listeners:
            listeners[lname] = lattice.create_listener(
                serviceIdentifier=svc["id"], name=lname, protocol=LATTICE_PROTOCOL[gl["protocol"].upper()],
                port=gl["port"], defaultAction=default, tags=child_tags(cluster, route))
            log.append(f"created listener {lname} (default action: {next(iter(default))})")
        elif passthrough:
            lattice.update_listener(serviceIdentifier=svc["id"], listenerIdentifier=listeners[lname]["id"],
                                    defaultAction=default)
        if not passthrough:
            warnings += _rules(lattice, svc["id"], listeners[lname]["id"], svc["name"], route, actions, log,
                               child_tags(cluster, route))
    missing = resolved
    refs = cond("ResolvedRefs", True, "ResolvedRefs") if not missing else cond(
        "ResolvedRefs", False, "BackendNotFound",
        "; ".join(missing) + " (dropped; a rule with no backend left answers fixed 500)")
    for status in statuses:
        if status["conditions"][0]["status"] == "True":
            status["conditions"].append(refs)
    if warnings:
        route.status["warnings"] = sorted(set(warnings))
    return svc["id"]


def child_tags(cluster: Cluster, route: K8sObject) -> dict:
    """The tags on a route's listeners and rules: the controller's ManagedBy, plus the route's additional tags."""
    return {**naming.additional_tags(route.annotations),
            **naming.managed_by(cluster.arn.split(":")[4], cluster.name, cluster.vpc_id)}


def service_tags(cluster: Cluster, route: K8sObject) -> dict:
    """The tags the controller puts on a route's service (pkg/model/lattice/service.go: RouteName, RouteNamespace,
    RouteType; pkg/aws: ManagedBy). RouteType is the route's ``core.RouteType``: ``http``, ``grpc`` or ``tls``
    (pkg/model/core/httproute.go ``HttpRouteType = "http"``, tlsroute.go ``TlsRouteType = "tls"``,
    controllers/route_controller.go ``GRPC RouteType = "grpc"``)."""
    return {**child_tags(cluster, route), naming.ANNOTATION + "RouteName": route.name,
            naming.ANNOTATION + "RouteNamespace": route.namespace,
            naming.ANNOTATION + "RouteType": naming.ROUTE_TYPES[route.kind]}


def _service(lattice, route: K8sObject, attached: list[tuple], log: list,
             tags: dict) -> tuple[dict, list[str]]:
    name = naming.service_name(route.name, route.namespace, route.annotations)
    hostnames = route.spec.get("hostnames", [])
    certificate = certificate_arn(attached)
    svc = find_service(lattice, name)
    warnings = []
    if svc is None:
        kwargs: dict[str, Any] = {"name": name, "authType": "NONE", "tags": tags}
        if hostnames:
            kwargs["customDomainName"] = hostnames[0]
        if certificate:
            kwargs["certificateArn"] = certificate
        svc = lattice.create_service(**kwargs)
        log.append(f"created Lattice service {name} ({svc['id']})")
    elif (svc.get("customDomainName") or None) != (hostnames[0] if hostnames else None):
        warnings.append(f"hostnames[0] is {hostnames[0] if hostnames else None!r} but the service's custom domain "
                        f"is {svc.get('customDomainName')!r}: a custom domain is fixed when the service is created. "
                        "Delete the HTTPRoute and apply it again.")
    svc = lattice.get_service(serviceIdentifier=svc["id"])
    if certificate and svc.get("certificateArn") != certificate:
        lattice.update_service(serviceIdentifier=svc["id"], certificateArn=certificate)
        svc = lattice.get_service(serviceIdentifier=svc["id"])
        log.append(f"service {name}: certificate {certificate}")
    route.annotations[naming.ASSIGNED_DOMAIN] = svc["dnsEntry"]["domainName"]
    route.annotations[naming.SERVICE_ARN] = svc["arn"]
    return svc, warnings


def _associate(lattice, svc: dict, wanted: dict, log: list) -> None:
    """One service-network association per parent network (none for a standalone service)."""
    have = {a["serviceNetworkId"]: a for a in
            lattice.list_service_network_service_associations(serviceIdentifier=svc["id"])["items"]}
    for nid in wanted.keys() - have.keys():
        lattice.create_service_network_service_association(serviceIdentifier=svc["id"], serviceNetworkIdentifier=nid)
        log.append(f"associated {svc['name']} with service network {wanted[nid]['name']}")
    for nid in have.keys() - wanted.keys():
        lattice.delete_service_network_service_association(serviceNetworkServiceAssociationIdentifier=have[nid]["id"])
        log.append(f"disassociated {svc['name']} from service network {have[nid].get('serviceNetworkName', nid)}")


def _actions(lattice, cluster: Cluster, route: K8sObject, log: list) -> tuple[list[str], list[dict]]:
    """(backendRefs that resolved to nothing, one Lattice action per rule)."""
    missing, actions = [], []
    for rule in route.spec.get("rules", []):
        groups = []
        for ref in rule.get("backendRefs", []):
            if ref.get("kind", "Service") == "ServiceImport":
                found = backends.imported_target_groups(lattice, cluster, route, ref)
                what = f"ServiceImport {ref['name']} has no exported target group (no ServiceExport of that name)"
            else:
                one = backends.route_target_group(lattice, cluster, route, ref, log)
                found = [one] if one else []
                what = f"Service {ref['name']} not found"
            if not found:
                missing.append(what)
            groups += [{"targetGroupIdentifier": tg, "weight": ref.get("weight", 1)} for tg in found]
        actions.append({"forward": {"targetGroups": groups}} if groups else {"fixedResponse": {"statusCode": 500}})
    return missing, actions


def lattice_match(rule: dict, kind: str = "HTTPRoute") -> dict:
    """Gateway API match -> Lattice ``RuleMatch`` (the controller's mapping; no match means prefix ``/``)."""
    match = (rule.get("matches") or [{}])[0]
    if kind == "GRPCRoute":
        return grpc_match(match)
    path = match.get("path") or {"type": "PathPrefix", "value": "/"}
    kind = "exact" if path.get("type") == "Exact" else "prefix"
    http: dict[str, Any] = {"pathMatch": {"match": {kind: path.get("value", "/")}, "caseSensitive": True}}
    if match.get("method"):
        http["method"] = match["method"].upper()
    if match.get("headers"):
        http["headerMatches"] = [{"name": h["name"], "match": {"exact": h["value"]}, "caseSensitive": False}
                                 for h in match["headers"]]
    return {"httpMatch": http}


def grpc_match(match: dict) -> dict:
    """GRPCRoute match -> Lattice: gRPC is POST to ``/<service>/<method>`` (model_build_rule.go,
    updateRuleSpecForGrpcRoute): service and method -> exact path, service only -> prefix ``/<service>/``, neither
    -> prefix ``/``. The docs say method matches are case-insensitive.
    """
    method = match.get("method") or {}
    if method.get("service") and method.get("method"):
        path = {"exact": f"/{method['service']}/{method['method']}"}
    elif method.get("service"):
        path = {"prefix": f"/{method['service']}/"}
    else:
        path = {"prefix": "/"}
    http: dict[str, Any] = {"method": "POST", "pathMatch": {"match": path, "caseSensitive": False}}
    if match.get("headers"):
        http["headerMatches"] = [{"name": h["name"], "match": {"exact": h["value"]}, "caseSensitive": False}
                                 for h in match["headers"]]
    return {"httpMatch": http}


def _rules(lattice, svc_id: str, listener_id: str, svc_name: str, route: K8sObject, actions: list,
           log: list, tags: dict) -> list[str]:
    rules = route.spec.get("rules", [])
    priorities, warnings = naming.rule_priorities(len(rules), route.annotations)
    wanted = [(naming.rule_name(svc_name, i), priorities[i], lattice_match(rule, route.kind), actions[i])
              for i, rule in enumerate(rules)]
    ids = {"serviceIdentifier": svc_id, "listenerIdentifier": listener_id}
    have = [r for r in lattice.list_rules(**ids)["items"] if not r.get("isDefault")]
    if sorted((r["name"], r["priority"]) for r in have) != sorted((n, p) for n, p, _, _ in wanted):
        for r in have:
            lattice.delete_rule(**ids, ruleIdentifier=r["id"])
        for name, priority, match, action in wanted:
            lattice.create_rule(**ids, name=name, priority=priority, match=match, action=action, tags=tags)
            log.append(f"created rule {name} priority {priority}")
        return warnings
    by_name = {r["name"]: r for r in have}
    for name, _priority, match, action in wanted:
        current = lattice.get_rule(**ids, ruleIdentifier=by_name[name]["id"])
        if current["match"] != match or current["action"] != action:
            lattice.update_rule(**ids, ruleIdentifier=current["id"], match=match, action=action)
            log.append(f"updated rule {name}")
    return warnings
