"""VPC Lattice rules as pure functions: names, quotas, health-check ranges, weights, one network per VPC.

Each function returns ``None`` when AWS accepts, or a :class:`~lab_helpers.fidelity.base.Refusal` when AWS refuses,
which the model raises (:func:`.tables.refuse`) and :mod:`.responses` answers with
:func:`~lab_helpers.fidelity.base.aws_error`. The names and addresses Lattice generates are facts, not rules: they
live in :mod:`lab_helpers.sim.k8s.lattice_names`, where the data plane reads them too. Patterns and ranges are
AWS's own, from botocore's service model (``vpc-lattice/2022-11-30``) — botocore does not check patterns on the
client side, AWS does.
"""
from __future__ import annotations

import re
from typing import Optional

from lab_helpers.fidelity.base import Refusal
from lab_helpers.sim.k8s.health import DEFAULT_HEALTH_CHECK

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
SECURITY_GROUPS_PER_VPC_ASSOCIATION = 5

HEALTH_CHECK_RANGES = {
    "healthCheckIntervalSeconds": (5, 300), "healthCheckTimeoutSeconds": (1, 120),
    "healthyThresholdCount": (2, 10), "unhealthyThresholdCount": (2, 10),
}


def name(kind: str, value: str) -> Optional[Refusal]:
    """AWS's name rule for ``kind`` (``"service"``, ``"target group"``…)."""
    low, high, reserved = NAME_RULES[kind]
    if not (low <= len(value) <= high) or not re.fullmatch(_NAME, value):
        return Refusal("ValidationException",
                f"Invalid {kind} name {value!r}: use {low}-{high} characters, lowercase letters, digits and single "
                f"hyphens, not starting or ending with a hyphen.")
    if reserved and value.startswith(reserved):
        return Refusal("ValidationException", f"Invalid {kind} name {value!r}: it must not start with {reserved!r}.")
    return None


def health_check(config: dict) -> Optional[Refusal]:
    for key, (low, high) in HEALTH_CHECK_RANGES.items():
        value = config.get(key)
        if value is not None and value != 0 and not (low <= value <= high):
            return Refusal("ValidationException", f"{key} must be between {low} and {high} (got {value}).")
    path = config.get("path")
    if path is not None and path and not path.startswith("/"):
        return Refusal("ValidationException", f"Health check path must start with '/' (got {path!r}).")
    return None


def merged_health_check(config: Optional[dict]) -> dict:
    """The health check a target group really runs: AWS's defaults overlaid with what was asked (0 = default)."""
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in DEFAULT_HEALTH_CHECK.items()}
    for key, value in (config or {}).items():
        if value not in (None, 0):
            merged[key] = value
    return merged


def weights(action: dict) -> Optional[Refusal]:
    for group in action.get("forward", {}).get("targetGroups", []):
        weight = group.get("weight", 1)
        if not 0 <= weight <= 999:
            return Refusal("ValidationException", f"Target group weight must be 0-999 (got {weight}).")
    return None


def vpc_already_associated(vpc_id: str, existing_network: Optional[str]) -> Optional[Refusal]:
    """A VPC joins one service network through an association (more need service-network VPC endpoints)."""
    if existing_network:
        return Refusal("ConflictException",
                f"VPC {vpc_id} is already associated with service network {existing_network}. A VPC can be "
                f"associated with only one service network; use a service-network VPC endpoint for more.")
    return None


def association_security_groups(had: list, wanted: list) -> Optional[Refusal]:
    """UpdateServiceNetworkVpcAssociation: at most five groups, and once an association has security groups it
    keeps at least one ("to remove all security groups, you must first delete the association and then recreate it
    without security groups"). The limit is on groups, not on their rules: a group with no inbound rule is allowed
    and simply admits nobody. Source: the API reference,
    https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_UpdateServiceNetworkVpcAssociation.html
    (securityGroupIds: 1-5 items)."""
    if len(wanted) > SECURITY_GROUPS_PER_VPC_ASSOCIATION:
        return Refusal("ValidationException", f"At most {SECURITY_GROUPS_PER_VPC_ASSOCIATION} security groups per "
                                              f"service network VPC association, not {len(wanted)}.")
    if had and not wanted:
        return Refusal("ValidationException", "This VPC association has security groups: it must keep at least one. "
                                              "To remove them all, delete the association and create it again "
                                              "without security groups.")
    return None


def listener_target_protocol(listener_protocol: str, target_protocol: Optional[str]) -> Optional[Refusal]:
    """A TLS_PASSTHROUGH listener forwards to TCP target groups only; HTTP and HTTPS listeners never to TCP ones."""
    if target_protocol is None or (listener_protocol == "TLS_PASSTHROUGH") == (target_protocol == "TCP"):
        return None
    want = "TCP" if listener_protocol == "TLS_PASSTHROUGH" else "HTTP or HTTPS"
    return Refusal("ValidationException", f"A {listener_protocol} listener forwards to {want} target groups, not "
                                          f"{target_protocol}.")


# Where Lattice can write access logs, by the destination ARN's service.
LOG_DESTINATIONS = {"logs": "CloudWatch Logs", "s3": "S3", "firehose": "Firehose"}


def log_destination_type(arn: str) -> str:
    return LOG_DESTINATIONS.get(arn.split(":")[2] if arn.count(":") >= 5 else "", "unknown")


def log_destination(arn: str) -> Optional[Refusal]:
    """A log group (``arn:aws:logs:<region>:<account>:log-group:<name>``), a bucket (``arn:aws:s3:::<bucket>``) or a
    Firehose delivery stream."""
    parts = arn.split(":")
    ok = (len(parts) >= 6 and parts[0] == "arn" and
          ((parts[2] == "logs" and parts[5] == "log-group" and len(parts) >= 7 and parts[6])
           or (parts[2] == "s3" and parts[5] and "/" not in parts[5])
           or (parts[2] == "firehose" and parts[5].startswith("deliverystream/"))))
    if ok:
        return None
    return Refusal("ValidationException", f"Access log destination {arn} must be the ARN of a CloudWatch Logs log "
                                          "group, an S3 bucket or a Firehose delivery stream.")
