"""A VPC Lattice control plane kept per lab, answering in AWS's shapes and with AWS's error codes.

moto 5.2.5 stores networks, services, listeners and target groups but cannot delete any of them, has no
``GetRule``/``ListRules``/``UpdateRule``/``DeleteRule`` and no targets at all, skips the one-network-per-VPC rule,
and invents ``*.vpclattice.amazonaws.com`` names. Serving only the missing calls would leave two sources of truth
(moto would keep showing what we deleted), so the lab's whole Lattice API is served from this one model, every
call validated as AWS validates it. Reads go through the same served API, so a simulator that calls
``list_services``/``list_targets`` works unchanged against a real account.

State is a plain dict per Region inside the lab's ``shim_state``; nothing is global. One mixin per resource family
holds its calls (:mod:`.networks`, :mod:`.services`, :mod:`.target_groups`, :mod:`.policies`) over the tables of
:mod:`.tables`; :mod:`.responses` serves them through botocore.
"""
from __future__ import annotations

from lab_helpers.fidelity.vpc_lattice.access_logs import AccessLogs
from lab_helpers.fidelity.vpc_lattice.networks import ServiceNetworks
from lab_helpers.fidelity.vpc_lattice.policies import Policies
from lab_helpers.fidelity.vpc_lattice.services import Services
from lab_helpers.fidelity.vpc_lattice.target_groups import TargetGroups


class LatticeRegion(ServiceNetworks, Services, TargetGroups, Policies, AccessLogs):
    """Everything Lattice holds in one account and Region: every served operation is a method of this object
    (``LatticeRegion(account, region, health_of)``; the tables are ``.networks``, ``.services``, ...)."""
