"""Served quota increases (see the package docstring for why the sandbox approves at once)."""
from __future__ import annotations

import datetime as _dt
import secrets
from typing import Optional

from lab_helpers.fidelity.base import Shim, aws_response, request_region

STORE = __name__  # shim-state key: {(region, service code, quota code): applied value}


def applied_value(ctx, region: str, service_code: str, quota_code: str) -> Optional[float]:
    """The value an approved increase applied in ``region``, or ``None`` (the default holds)."""
    return ctx.store(STORE).get((region, service_code, quota_code))


def request_increase(params, ctx, context=None, **_):
    region = request_region(context)
    key = (region, params["ServiceCode"], params["QuotaCode"])
    ctx.store(STORE)[key] = float(params["DesiredValue"])
    now = _dt.datetime.now(_dt.UTC)
    return aws_response({"RequestedQuota": {
        "Id": secrets.token_hex(16), "ServiceCode": params["ServiceCode"], "QuotaCode": params["QuotaCode"],
        "DesiredValue": float(params["DesiredValue"]), "Status": "APPROVED", "Created": now, "LastUpdated": now,
        "Requester": f"arn:aws:iam::{ctx.account_id}:root", "GlobalQuota": False, "Unit": "None",
        "QuotaArn": f"arn:aws:servicequotas:{region}:{ctx.account_id}:{params['ServiceCode']}/{params['QuotaCode']}"}})


def quota_read(parsed, ctx, params=None, context=None, **_):
    value = applied_value(ctx, request_region(context), (params or {}).get("ServiceCode", ""),
                          (params or {}).get("QuotaCode", ""))
    if value is not None and "Quota" in parsed:
        parsed["Quota"]["Value"] = value


SHIMS = [
    Shim("service-quotas", "RequestServiceQuotaIncrease", "call",
         "RequestServiceQuotaIncrease: approved at once in the sandbox (AWS reviews it)", request_increase),
    Shim("service-quotas", "GetServiceQuota", "result", "GetServiceQuota answers with the applied value",
         quota_read),
]
