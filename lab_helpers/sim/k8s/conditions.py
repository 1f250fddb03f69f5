"""Status conditions as the controller writes them, and ``kubectl get`` tables that show them.

Kubernetes reports a controller's verdict on an object in ``status.conditions``: a ``type`` (``Accepted``,
``ResolvedRefs``, ``Programmed``), a ``status`` (``"True"``/``"False"``), a machine ``reason`` and a human
``message``. Routes carry one condition list per parent Gateway (``status.parents[*].conditions``); Gateways,
GatewayClasses and the AWS policies carry ``status.conditions`` directly.

The reasons are the Gateway API's (``NotAllowedByListeners``, ``NoMatchingParent``, ``BackendNotFound``) and,
for policies, GEP-713's (``Accepted``, ``Conflicted``, ``Invalid``, ``TargetNotFound``), which the AWS controller
uses in ``pkg/model/core/policy`` (its ``AcceptedCondition`` helper).
"""
from __future__ import annotations

from lab_helpers.sim.k8s.manifests import K8sObject


def cond(kind: str, ok: bool, reason: str, message: str = "") -> dict:
    out = {"type": kind, "status": "True" if ok else "False", "reason": reason}
    if message:
        out["message"] = message
    return out


def objects(cluster, kind: str) -> list[K8sObject]:
    """The cluster's objects of ``kind``, oldest first (the controller's tie-break for conflicts)."""
    found = [o for (k, _, _), o in cluster.objects.items() if k == kind]
    return sorted(found, key=lambda o: (o.created, o.namespace, o.name))


def all_conditions(obj: K8sObject) -> list[dict]:
    """Every condition on ``obj``: its own, then each parent's (routes)."""
    out = list(obj.status.get("conditions", []))
    for parent in obj.status.get("parents", []):
        out += parent.get("conditions", [])
    return out


def condition(obj: K8sObject, kind: str) -> dict:
    """The first condition of type ``kind`` (``{}`` when the controller wrote none)."""
    return next((c for c in all_conditions(obj) if c["type"] == kind), {})


def _cell(obj: K8sObject, kind: str) -> str:
    found = condition(obj, kind)
    if not found:
        return ""
    return found["status"] if found["status"] == "True" else f"False ({found['reason']})"


class ObjectTable(list):
    """``kubectl get <kind>``: one row per object with its Accepted / ResolvedRefs / Programmed conditions.

    Messages of conditions that are not True follow the table, as ``kubectl describe`` would show them.
    """

    def __str__(self) -> str:
        rows = [f"{'NAME':<28} {'ACCEPTED':<32} {'RESOLVEDREFS':<26} PROGRAMMED"]
        notes = []
        for obj in self:
            rows.append(f"{obj.name:<28} {_cell(obj, 'Accepted'):<32} {_cell(obj, 'ResolvedRefs'):<26} "
                        f"{_cell(obj, 'Programmed')}")
            notes += [f"  {obj.kind}/{obj.name} {c['type']}={c['status']} {c['reason']}: {c['message']}"
                      for c in all_conditions(obj) if c["status"] != "True" and c.get("message")]
        return "\n".join(rows + notes)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))
