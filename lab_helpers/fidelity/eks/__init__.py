"""EKS in the sandbox: the cluster security group and managed node groups that launch their nodes."""
from .shims import SHIMS

__all__ = ["SHIMS"]
