"""Service Quotas in the sandbox: a quota increase is granted, and the rules that count resources read it.

AWS reviews a ``RequestServiceQuotaIncrease`` (small increases are often approved within minutes, others take
days: https://docs.aws.amazon.com/servicequotas/latest/userguide/request-quota-increase.html); the sandbox approves
at once, so a lab, a test or a benchmark that needs more than a new account's defaults says so the way an account
owner would, and ``GetServiceQuota`` answers with the applied value.
"""
from lab_helpers.fidelity.service_quotas.increases import SHIMS, applied_value

__all__ = ["SHIMS", "applied_value"]
