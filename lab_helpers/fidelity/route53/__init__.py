"""Route 53 fidelity: hosted zones and record sets as AWS validates them."""
from lab_helpers.fidelity.route53.hosted_zones import SHIMS

__all__ = ["SHIMS"]
