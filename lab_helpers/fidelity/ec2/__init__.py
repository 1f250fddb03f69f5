"""EC2 fidelity: rules (pure) and shims (botocore glue)."""
from .shims import SHIMS

__all__ = ["SHIMS"]
