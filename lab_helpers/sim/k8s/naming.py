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
    override = (annotations or {}).get(f"{ANNOTATION}rule-{index}-priority")
    return int(override) if override else index + 1
