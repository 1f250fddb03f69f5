"""The fidelity layer: botocore event handlers that make the moto sandbox answer as AWS does.

One sub-package per AWS service (as moto has one folder per service); each exports ``SHIMS``, a list of
:class:`~lab_helpers.fidelity.base.Shim`. To add a shim: write the rule as a pure function in the service's
``rules.py``, the glue in its ``shims.py`` (or a module of its own for a whole served API), add it to ``SHIMS``,
and test both (``tests/fidelity/``). Later simulators add their served APIs to :data:`SERVICE_MODULES`.
"""
from __future__ import annotations

import importlib

from .base import Shim, ShimContext, aws_error, aws_response, install

# Modules whose SHIMS are installed on every sandbox session, in this order.
SERVICE_MODULES = [
    "lab_helpers.fidelity.ec2",
    "lab_helpers.fidelity.endpoints",  # rules 34, 35, 38, 39, 43
    "lab_helpers.fidelity.natgw",  # rules 21, 25
    "lab_helpers.fidelity.route53",
    "lab_helpers.fidelity.placement",
    "lab_helpers.fidelity.imds_defaults",
    "lab_helpers.fidelity.reachability",
    "lab_helpers.fidelity.default_sg",  # rule 28: the default SG admits its own members
    "lab_helpers.fidelity.eks",  # cluster security group; node groups that launch nodes
    "lab_helpers.fidelity.lattice",  # the VPC Lattice API (moto lacks deletes, rules, targets)
]


def all_shims() -> list[Shim]:
    shims: list[Shim] = []
    for name in SERVICE_MODULES:
        shims.extend(importlib.import_module(name).SHIMS)
    return shims


__all__ = ["Shim", "ShimContext", "aws_error", "aws_response", "install", "all_shims", "SERVICE_MODULES"]
