"""VPC Lattice in the sandbox: a served control plane (:mod:`.control_plane`), AWS's rules (:mod:`.rules`) and the
health checker (:mod:`.health`)."""
from lab_helpers.fidelity.vpc_lattice.responses import SHIMS, region_model

__all__ = ["SHIMS", "region_model"]
