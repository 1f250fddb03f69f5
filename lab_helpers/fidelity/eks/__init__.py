"""EKS in the sandbox: the cluster security group and managed node groups that launch their nodes."""
from lab_helpers.fidelity.eks.clusters import SHIMS

__all__ = ["SHIMS"]
