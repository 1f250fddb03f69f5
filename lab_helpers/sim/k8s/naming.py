"""How the AWS Gateway API controller names the Lattice resources it creates (aws-application-networking-k8s).

The names matter because they are how you find the controller's work in the Lattice console or CLI:

* service:  ``trunc(route, 20)-trunc(namespace, 18)``  e.g. ``demo-http-route-default``
  (annotation ``application-networking.k8s.aws/service-name-override`` replaces it, 3–40 characters)
* listener: ``<service name>-<port>-<http|https|tls>``
* target group: ``k8s-<namespace>-<service>-<10 random a-z>``
* rule *i* of a route: priority ``i + 1`` (list order), unless ``application-networking.k8s.aws/rule-{i}-priority``
"""
from __future__ import annotations

import random
import string

ANNOTATION = "application-networking.k8s.aws/"
SERVICE_NAME_OVERRIDE = ANNOTATION + "service-name-override"
ASSIGNED_DOMAIN = ANNOTATION + "lattice-assigned-domain-name"
SERVICE_ARN = ANNOTATION + "lattice-service-arn"
CONTROLLER_NAME = "application-networking.k8s.aws/gateway-api-controller"
GATEWAY_CLASS = "amazon-vpc-lattice"


def service_name(route: str, namespace: str, annotations: dict | None = None) -> str:
    override = (annotations or {}).get(SERVICE_NAME_OVERRIDE)
    if override:
        return override
    return f"{route[:20]}-{namespace[:18]}"


def listener_name(route: str, namespace: str, port: int, protocol: str) -> str:
    short = {"HTTP": "http", "HTTPS": "https", "TLS": "tls", "TLS_PASSTHROUGH": "tls"}[protocol.upper()]
    return f"{route[:20]}-{namespace[:18]}-{port}-{short}"


def target_group_name(namespace: str, service: str, rng: random.Random) -> str:
    suffix = "".join(rng.choice(string.ascii_lowercase) for _ in range(10))
    return f"k8s-{namespace}-{service}-{suffix}"


def rule_name(service: str, index: int) -> str:
    return f"{service[:50]}-rule-{index + 1}"


def rule_priority(index: int, annotations: dict | None = None) -> int:
    """List order: rule *i* gets priority *i+1* — not Gateway API's specificity order."""
    return rule_priorities(index + 1, annotations)[0][index]


def rule_priorities(count: int, annotations: dict | None = None) -> tuple[list[int], list[str]]:
    """Priorities of a route's ``count`` rules, and warnings about annotations that were ignored.

    ``rule-{i}-priority`` sets rule *i*'s priority; a value that is not a whole number 1-2000 is ignored with a
    warning, as the controller does (model_build_rule.go logs "Invalid priority value" and keeps *i+1*). An
    unannotated rule whose *i+1* an annotated rule already holds moves to the next free number, so two rules never
    ask Lattice for one priority.
    """
    annotations = annotations or {}
    chosen: dict[int, int] = {}
    warnings = []
    for i in range(count):
        raw = annotations.get(f"{ANNOTATION}rule-{i}-priority")
        if raw is None:
            continue
        try:
            value = int(str(raw).strip())
        except ValueError:
            value = 0
        if not 1 <= value <= 2000 or value in chosen.values():
            warnings.append(f"annotation rule-{i}-priority {raw!r} ignored: it must be a whole number 1-2000 "
                            "that no other rule of this route uses")
            continue
        chosen[i] = value
    taken = set(chosen.values())
    for i in range(count):
        if i in chosen:
            continue
        value = i + 1
        while value in taken:
            value += 1
        chosen[i] = value
        taken.add(value)
    return [chosen[i] for i in range(count)], warnings


# -- tags ------------------------------------------------------------------------------------------------------
ADDITIONAL_TAGS = ANNOTATION + "tags"
ROUTE_TYPES = {"HTTPRoute": "http", "GRPCRoute": "grpc", "TLSRoute": "tls"}  # the RouteType tag's values


def managed_by(account: str, cluster: str, vpc_id: str) -> dict:
    """The tag the controller puts on everything it creates (``cloud.DefaultTags()``: ManagedBy
    ``<account>/<cluster>/<vpc>``); listeners and rules get only this one (listener_manager.go: ``Tags:
    d.cloud.DefaultTags()``)."""
    return {ANNOTATION + "ManagedBy": f"{account}/{cluster}/{vpc_id}"}


def additional_tags(annotations: dict) -> dict:
    """The route's ``application-networking.k8s.aws/tags`` annotation, ``"Key=Value,Key2=Value2"``, which the
    controller adds to the route's service, listeners, rules and target groups (docs/guides/additional-tags.md).
    A pair without ``=`` is skipped, and the controller's own keys are not overridden — the guide is silent on
    both; that is this model's choice."""
    pairs = (part.split("=", 1) for part in annotations.get(ADDITIONAL_TAGS, "").split(",") if "=" in part)
    return {k.strip(): v.strip() for k, v in pairs if k.strip() and not k.strip().startswith(ANNOTATION)}
