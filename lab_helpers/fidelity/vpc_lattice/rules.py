"""VPC Lattice rules as pure functions: names, quotas, generated DNS names, identifiers.

Each function returns ``None`` when AWS accepts, or ``(code, message)`` when AWS refuses, so the glue in
:mod:`.shims` can answer with :func:`~lab_helpers.fidelity.base.aws_error`. Patterns and ranges are AWS's own, from
botocore's service model (``vpc-lattice/2022-11-30``) — botocore does not check patterns on the client side, AWS does.
"""
from __future__ import annotations

import hashlib
import re
from typing import Optional

# Name patterns from the service model: lowercase letters, digits and single hyphens, not at either end, and not
# starting with the prefix AWS uses for generated ids (so a name can never look like an id).
_NAME = r"(?![-])(?!.*[-]$)(?!.*[-]{2})[a-z0-9-]+"
NAME_RULES = {
    "service": (3, 40, "svc-"),
    "service network": (3, 63, None),
    "target group": (3, 128, "tg-"),
    "listener": (3, 63, "listener-"),
    "rule": (3, 63, "rule-"),
}

# Quotas (Lattice user guide, "Quotas for VPC Lattice"). Rules per listener: the English guide says 5; some localized
# copies say 10 — we keep the stricter, documented English value.
LISTENERS_PER_SERVICE = 2
RULES_PER_LISTENER = 5
SERVICE_NETWORKS_PER_REGION = 50
SERVICES_PER_REGION = 2000
SERVICES_PER_NETWORK = 500
TARGETS_PER_GROUP = 1000

# The managed prefix lists Lattice sends from: target security groups must allow them.
PREFIX_LIST_IPV4 = "com.amazonaws.{region}.vpc-lattice"
PREFIX_LIST_IPV6 = "com.amazonaws.{region}.ipv6.vpc-lattice"
LINK_LOCAL_IPV4 = "169.254.171.0/24"

# Lattice's health-check defaults for IP/instance targets (user guide, "Health checks for your target groups").
DEFAULT_HEALTH_CHECK = {
    "enabled": True, "protocol": "HTTP", "protocolVersion": "HTTP1", "path": "/",
    "healthCheckIntervalSeconds": 30, "healthCheckTimeoutSeconds": 5,
    "healthyThresholdCount": 5, "unhealthyThresholdCount": 2, "matcher": {"httpCode": "200"},
}
HEALTH_CHECK_RANGES = {
    "healthCheckIntervalSeconds": (5, 300), "healthCheckTimeoutSeconds": (1, 120),
    "healthyThresholdCount": (2, 10), "unhealthyThresholdCount": (2, 10),
}


def name(kind: str, value: str) -> Optional[tuple[str, str]]:
    """AWS's name rule for ``kind`` (``"service"``, ``"target group"``…)."""
    low, high, reserved = NAME_RULES[kind]
    if not (low <= len(value) <= high) or not re.fullmatch(_NAME, value):
        return ("ValidationException",
                f"Invalid {kind} name {value!r}: use {low}-{high} characters, lowercase letters, digits and single "
                f"hyphens, not starting or ending with a hyphen.")
    if reserved and value.startswith(reserved):
        return ("ValidationException", f"Invalid {kind} name {value!r}: it must not start with {reserved!r}.")
    return None


def health_check(config: dict) -> Optional[tuple[str, str]]:
    for key, (low, high) in HEALTH_CHECK_RANGES.items():
        value = config.get(key)
        if value is not None and value != 0 and not (low <= value <= high):
            return ("ValidationException", f"{key} must be between {low} and {high} (got {value}).")
    path = config.get("path")
    if path is not None and path and not path.startswith("/"):
        return ("ValidationException", f"Health check path must start with '/' (got {path!r}).")
    return None


def merged_health_check(config: Optional[dict]) -> dict:
    """The health check a target group really runs: AWS's defaults overlaid with what was asked (0 = default)."""
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULT_HEALTH_CHECK.items()}
    for key, value in (config or {}).items():
        if value not in (None, 0):
            merged[key] = value
    return merged


def weights(action: dict) -> Optional[tuple[str, str]]:
    for group in action.get("forward", {}).get("targetGroups", []):
        weight = group.get("weight", 1)
        if not 0 <= weight <= 999:
            return ("ValidationException", f"Target group weight must be 0-999 (got {weight}).")
    return None


def partition_id(account: str, region: str) -> str:
    """The 7-hex-digit label Lattice puts in generated names; fixed per account and Region (like AWS's)."""
    return hashlib.sha256(f"{account}:{region}".encode()).hexdigest()[:7]


def generated_domain_name(service_name: str, service_id: str, account: str, region: str) -> str:
    """``<service-name>-<service id without "svc-">.<partition id>.vpc-lattice-svcs.<region>.on.aws``."""
    return (f"{service_name}-{service_id.removeprefix('svc-')}.{partition_id(account, region)}"
            f".vpc-lattice-svcs.{region}.on.aws")


def hosted_zone_id(region: str) -> str:
    """The Route 53 zone Lattice's generated names live in (one per Region, owned by AWS)."""
    return "Z" + hashlib.sha256(f"lattice:{region}".encode()).hexdigest()[:13].upper()


def link_local_address(service_id: str, region: str) -> str:
    """The 169.254.171.x address a generated name resolves to (link-local: only reachable from inside a VPC)."""
    host = int(hashlib.sha256(f"{service_id}:{region}".encode()).hexdigest(), 16) % 254 + 1
    return f"169.254.171.{host}"


def vpc_already_associated(vpc_id: str, existing_network: Optional[str]) -> Optional[tuple[str, str]]:
    """A VPC joins one service network through an association (more need service-network VPC endpoints)."""
    if existing_network:
        return ("ConflictException",
                f"VPC {vpc_id} is already associated with service network {existing_network}. A VPC can be "
                f"associated with only one service network; use a service-network VPC endpoint for more.")
    return None
