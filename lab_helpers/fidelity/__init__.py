"""The fidelity layer: AWS's rules and the operations moto lacks, served where moto answers requests.

The layer runs inside moto's request dispatch (:mod:`.dispatch`), so ``lab.client``, a plain ``boto3.client``,
the AWS CLI and any SDK pointed at the sandbox's loopback server meet the same AWS, in AWS's request and response
shapes (:mod:`.wire`), for the Region each request was signed for.

One sub-package per AWS service (as moto has one folder per service): ``ec2/`` (one module per resource family),
``route53/``, ``eks/``, ``vpc_lattice/``. Each module holds its AWS rules as pure functions returning a
:class:`~lab_helpers.fidelity.base.Refusal` or ``None``, the handlers that apply them, and ``SHIMS``. To add a
shim: write the rule and its handler in the module named after the AWS resource, add it to that module's ``SHIMS``,
and test both (``tests/fidelity/``).
"""
from __future__ import annotations

import importlib

from lab_helpers.fidelity.base import Refusal, Shim, ShimContext, aws_error, aws_response, refuse
from lab_helpers.fidelity.dispatch import Layer, activate, deactivate

# Modules whose SHIMS serve every sandbox, in this order, with the services (as shims name them) each has shims
# for: a module is imported on the first request to one of its services (tests/fidelity pins the lists).
SERVICE_MODULES = {
    "lab_helpers.fidelity.ec2": ("ec2",),  # one module per resource family: vpcs, network_acls, endpoints, ...
    "lab_helpers.fidelity.route53": ("route-53",),
    "lab_helpers.fidelity.eks": ("eks",),  # cluster security group; node groups that launch nodes
    # the VPC Lattice API (moto lacks deletes, rules, targets), and its resources in the tagging API
    "lab_helpers.fidelity.vpc_lattice": ("vpc-lattice", "resource-groups-tagging-api"),
    "lab_helpers.fidelity.service_quotas": ("service-quotas",),  # increases approved at once; quota rules read them
}


def install_on(lab) -> bool:
    """Serve ``lab``'s sandbox through the layer, for every client, until the lab closes.

    Returns True when the layer also tags every create with the run and records it in the lab's ledger (whichever
    client made it), so the lab's own client need not. In live mode the layer is not installed: AWS (or the
    ``vpclab serve`` standing in for it) enforces its own rules, and the client tags and records.
    """
    if lab.mode != "sandbox":
        return False
    from lab_helpers.core.tagging import tag_pairs

    layer = Layer(shims_for, ShimContext(raw_client=lab.raw_client, state=lab.shim_state),
                  tags=tag_pairs(lab.run_id, lab.name), record=lab.ledger.record, on_write=lab.refresh)
    activate(layer)
    lab.on_close(lambda: deactivate(layer))
    return True


def all_shims() -> list[Shim]:
    """Every shim, every module imported."""
    shims: list[Shim] = []
    for name in SERVICE_MODULES:
        shims.extend(importlib.import_module(name).SHIMS)
    return shims


def shims_for(service: str) -> list[Shim]:
    """The shims for one service (e.g. ``"ec2"``), importing only the modules that have some."""
    return [shim for name, services in SERVICE_MODULES.items() if service in services
            for shim in importlib.import_module(name).SHIMS if shim.service == service]


__all__ = ["Refusal", "refuse", "Shim", "ShimContext", "aws_error", "aws_response", "install_on",
           "all_shims", "shims_for", "SERVICE_MODULES", "Layer", "activate", "deactivate"]
