"""VPC Lattice in the sandbox: a served control plane (:mod:`.models`, one module per resource family, served by
:mod:`.responses`) and AWS's rules (:mod:`.rules`). The health checker it reports from is data-plane simulation:
:mod:`lab_helpers.sim.k8s.health`."""
from lab_helpers.fidelity.vpc_lattice import api_surface
from lab_helpers.fidelity.vpc_lattice.responses import SHIMS as SERVED
from lab_helpers.fidelity.vpc_lattice.responses import region_model

SHIMS = api_surface.SHIMS + SERVED  # the model's patterns are checked before any operation is served

__all__ = ["SHIMS", "region_model"]
