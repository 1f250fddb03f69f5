"""The fidelity layer: botocore event handlers that make the moto sandbox answer as AWS does.

One sub-package per AWS service (as moto has one folder per service): ``ec2/`` (one module per resource family),
``route53/``, ``eks/``, ``vpc_lattice/``. Each module holds its AWS rules as pure functions returning a
:class:`~lab_helpers.fidelity.base.Refusal` or ``None``, the handlers that apply them, and ``SHIMS``. To add a
shim: write the rule and its handler in the module named after the AWS resource, add it to that module's ``SHIMS``,
and test both (``tests/fidelity/``).
"""
from __future__ import annotations

import importlib

from lab_helpers.fidelity.base import Refusal, Shim, ShimContext, aws_error, aws_response, install, refuse

# Modules whose SHIMS are installed on every sandbox session, in this order.
SERVICE_MODULES = [
    "lab_helpers.fidelity.ec2",  # one module per resource family: vpcs, network_acls, endpoints, ...
    "lab_helpers.fidelity.route53",
    "lab_helpers.fidelity.eks",  # cluster security group; node groups that launch nodes
    "lab_helpers.fidelity.vpc_lattice",  # the VPC Lattice API (moto lacks deletes, rules, targets)
]


def install_on(lab) -> None:
    """Install every shim on ``lab``'s botocore session (the sandbox, or live against a loopback moto server)."""
    install(lab.session.events, all_shims(), ShimContext(raw_client=lab.raw_client, state=lab.shim_state))


def all_shims() -> list[Shim]:
    shims: list[Shim] = []
    for name in SERVICE_MODULES:
        shims.extend(importlib.import_module(name).SHIMS)
    return shims


__all__ = ["Refusal", "refuse", "Shim", "ShimContext", "aws_error", "aws_response", "install", "install_on",
           "all_shims", "SERVICE_MODULES"]
