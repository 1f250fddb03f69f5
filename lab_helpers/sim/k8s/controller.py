"""A model of the AWS Gateway API controller: it turns Gateway API objects into VPC Lattice resources.

Everything it does goes through the ``vpc-lattice`` API of the lab (``lab.client("vpc-lattice")``), with the real
controller's names and choices, so in live mode the same calls would build real Lattice resources:

* ``Gateway`` -> the service network **found by name** (it is not created; ``defaultServiceNetwork`` aside).
* ``HTTPRoute`` -> a Lattice service (see :mod:`.routes`): listeners with a **fixed 404** default action, rule *i*
  at priority *i+1* — list order, not Gateway API specificity.
* backends and ``ServiceExport`` -> IP target groups (see :mod:`.backends`); ``ServiceImport`` backends reach the
  target groups other clusters exported.
* ``IAMAuthPolicy`` / ``TargetGroupPolicy`` -> see :mod:`.policies`; ``VpcAssociationPolicy`` -> see
  :mod:`.vpc_association`; ``AccessLogPolicy`` -> see :mod:`.access_log`.

Reconciling is idempotent: it compares what Lattice has with what the objects ask for and fixes the difference.
What Lattice refuses raises :class:`~lab_helpers.errors.ControllerRefused` naming the object, with the condition
the real controller would write; ``kubectl_apply`` then undoes the apply, so one bad manifest never poisons a lab.
"""
from __future__ import annotations

from typing import Optional

from lab_helpers.sim.k8s import access_log, backends, naming, policies, routes, vpc_association
from lab_helpers.sim.k8s.cluster import Cluster, listen_on_target_ports, refuse_real_account
from lab_helpers.sim.k8s.conditions import cond, objects
from lab_helpers.sim.k8s.manifests import K8sObject

lattice_match = routes.lattice_match
ROUTE_KINDS = ("HTTPRoute", "GRPCRoute", "TLSRoute")


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
    refuse_real_account(lab)  # never write modelled pod targets into a real account
    log: list[str] = []
    ours = {gc.name for gc in objects(cluster, "GatewayClass")
            if gc.spec.get("controllerName") == naming.CONTROLLER_NAME}
    for gc in objects(cluster, "GatewayClass"):
        gc.status = {"conditions": [cond("Accepted", gc.name in ours, "Accepted" if gc.name in ours else
                                         "NotOurController")]}
    networks = _reconcile_gateways(lattice, cluster, ours)
    listen_on_target_ports(lab, cluster)
    wanted_services, used = set(), set()
    for obj in objects(cluster, "ServiceExport"):
        used.add(_guarded(obj, lambda o=obj: _reconcile_export(lattice, cluster, o, log)))
    for kind in ROUTE_KINDS:
        for route in objects(cluster, kind):
            svc = _guarded(route, lambda r=route: routes.reconcile(lattice, cluster, r, networks, log))
            if svc:
                wanted_services.add(svc)
                used |= _route_backends(route)
    policies.judge(cluster, "TargetGroupPolicy", lambda key: (key[0], key[1], key[2]) in cluster.objects)
    policies.reconcile_auth(lattice, cluster, networks, log)
    _guarded_all(cluster, "VpcAssociationPolicy", lambda: vpc_association.reconcile(lattice, cluster, networks, log))
    _guarded_all(cluster, "AccessLogPolicy", lambda: access_log.reconcile(lattice, cluster, networks, log))
    _collect_services(lattice, cluster, wanted_services, log)
    backends.collect_garbage(lattice, cluster, used, log)
    cluster.controller["log"] = cluster.controller.get("log", []) + log
    return log


def _route_backends(route: K8sObject) -> set:
    """The keys of the target groups a route's Service backendRefs own (see backends.route_target_group)."""
    return {("route", route.kind, route.namespace, route.name, ref.get("namespace", route.namespace), ref["name"])
            for rule in route.spec.get("rules", []) for ref in rule.get("backendRefs", [])
            if ref.get("kind", "Service") == "Service"}


def _guarded(obj: K8sObject, work):
    try:
        return work()
    except Exception as exc:  # botocore's ClientError, without importing botocore into the model
        if not hasattr(exc, "response"):
            raise
        raise policies.refused(obj, exc) from None


def _guarded_all(cluster: Cluster, kind: str, work) -> None:
    """A Lattice refusal while reconciling every object of ``kind`` is blamed on the newest of them."""
    try:
        work()
    except Exception as exc:  # botocore's ClientError, as in _guarded
        newest = max(objects(cluster, kind), key=lambda o: o.created, default=None)
        if not hasattr(exc, "response") or newest is None:
            raise
        raise policies.refused(newest, exc) from None


def _reconcile_export(lattice, cluster: Cluster, export: K8sObject, log: list) -> Optional[tuple]:
    tg = backends.export_target_group(lattice, cluster, export, log)
    if tg is None:
        export.status = {"conditions": [cond("Exported", False, "ServiceNotFound",
                                             f"no Service {export.name} in namespace {export.namespace} to export")]}
        return None
    export.status = {"conditions": [cond("Exported", True, "Exported", f"target group {tg}")]}
    return ("export", export.namespace, export.name)


# -- gateways -------------------------------------------------------------------------------------------------
def _reconcile_gateways(lattice, cluster: Cluster, ours: set) -> dict:
    """(namespace, gateway name) -> service network summary, for programmed Gateways."""
    out = {}
    for gw in objects(cluster, "Gateway"):
        if gw.spec["gatewayClassName"] not in ours:
            gw.status = {"conditions": [cond("Accepted", False, "InvalidGatewayClass",
                                             f"GatewayClass {gw.spec['gatewayClassName']} is not handled by "
                                             f"{naming.CONTROLLER_NAME}")]}
            continue
        net = _find_network(lattice, gw.name)
        if net is None:
            gw.status = {"conditions": [cond("Accepted", True, "Accepted"),
                                        cond("Programmed", False, "Invalid",
                                             "VPC Lattice Service Network not found")]}
            continue
        out[(gw.namespace, gw.name)] = net
        gw.annotations[naming.ANNOTATION + "lattice-service-network-arn"] = net["arn"]
    for gw in objects(cluster, "Gateway"):
        if (gw.namespace, gw.name) in out:
            net = out[(gw.namespace, gw.name)]
            gw.status = {"conditions": [cond("Accepted", True, "Accepted"),
                                        cond("Programmed", True, "Programmed",
                                             f"aws-service-network-arn: {net['arn']}")],
                         "listeners": [{"name": lst["name"], "attachedRoutes": _attached(cluster, gw, lst, out)}
                                       for lst in gw.spec["listeners"]]}
    return out


def _attached(cluster: Cluster, gw: K8sObject, listener: dict, networks: dict) -> int:
    """Routes this listener admits (the Gateway's ``status.listeners[*].attachedRoutes``)."""
    count = 0
    for kind in ROUTE_KINDS:
        for route in objects(cluster, kind):
            attached, _ = routes.parents(route, cluster, networks)
            count += any(g is gw and lst is listener for g, lst, _ in attached)
    return count


# -- garbage collection ---------------------------------------------------------------------------------------
def _collect_services(lattice, cluster: Cluster, wanted_services: set, log: list) -> None:
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
