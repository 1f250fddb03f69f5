"""What the controller checks in its own policies' specs before reconciling (``VpcAssociationPolicy``,
``AccessLogPolicy``); each check takes the parsed object (``.name``, ``.spec``) and raises a ``ManifestError``
saying what to write instead."""
from __future__ import annotations

import re

from lab_helpers.errors import ManifestError


def vpc_association_policy(obj) -> None:
    kind = obj.spec["targetRef"].get("kind")
    if kind != "Gateway":
        raise ManifestError(f"VpcAssociationPolicy {obj.name}: targetRef.kind must be Gateway (its service network's "
                            f"association with the cluster VPC), not {kind!r}.")
    bad = [g for g in obj.spec.get("securityGroupIds", []) if not re.fullmatch(r"sg-[0-9a-f]{8,17}", g)]
    if bad:
        raise ManifestError(f"VpcAssociationPolicy {obj.name}: {', '.join(bad)} is not a security group id "
                            "(sg-0123456789abcdef0); look it up with describe_security_groups.")


def access_log_policy(obj) -> None:
    kind, dest = obj.spec["targetRef"].get("kind"), obj.spec["destinationArn"]
    # api-types/access-log-policy.md, "Invalid": the target's kind must be Gateway, HTTPRoute or GRPCRoute.
    if kind not in ("Gateway", "HTTPRoute", "GRPCRoute"):
        raise ManifestError(f"AccessLogPolicy {obj.name}: targetRef.kind must be Gateway (the service network), "
                            f"HTTPRoute or GRPCRoute (the route's service), not {kind!r}.")
    if not re.fullmatch(r"arn:aws[a-z-]*:(logs:[^:]*:\d{12}:log-group:[^:]+(:\*)?|s3:::[^/:]+|"
                        r"firehose:[^:]*:\d{12}:deliverystream/.+)", dest):
        raise ManifestError(f"AccessLogPolicy {obj.name}: destinationArn {dest!r} must be the ARN of a CloudWatch "
                            "Logs log group (arn:aws:logs:<region>:<account>:log-group:<name>), an S3 bucket "
                            "(arn:aws:s3:::<bucket>) or a Firehose delivery stream.")
