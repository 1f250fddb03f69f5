"""Live mode's guard rails: consent, a region, credentials, and whether the endpoint is AWS or a loopback emulator.

(Prices before billed creates come from the cost model: :mod:`lab_helpers.sim.costs.notices`.)
"""
from __future__ import annotations

import ipaddress
from typing import Any, Optional
from urllib.parse import urlparse

from lab_helpers import config
from lab_helpers.errors import CredentialsMissing, LiveModeRefused


def require_consent(live_ok: bool) -> None:
    if live_ok or config.live_consent():
        return
    raise LiveModeRefused(
        "Live mode creates real resources in your AWS account, and some of them bill by the hour "
        "(a NAT gateway is about $1 a day). To go ahead, set the environment variable VPCLAB_LIVE_OK=yes "
        "(or pass live_ok=True to start_lab, or click lab_helpers.confirm_live()). "
        "To learn without an account, use MODE='sandbox' instead.")


def require_region(region: Optional[str]) -> str:
    region = config.live_region(region)
    if not region:
        raise LiveModeRefused(
            "Live mode needs a region, so nothing lands somewhere you did not expect. Pass "
            "start_lab(..., region='us-east-1') or set REGION in the parameters cell (or export VPCLAB_REGION).")
    return region


def endpoint_is_loopback(url: Optional[str]) -> bool:
    """A live endpoint on 127.0.0.0/8 is an emulator (a moto server), not AWS."""
    if not url:
        return False
    host = urlparse(url).hostname or ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


NO_CREDENTIALS = ("No AWS credentials found, so nothing can be signed. Sign in first: `aws configure` (keys), "
                  "`aws sso login --profile NAME` then export AWS_PROFILE=NAME, or run where an instance or container "
                  "role provides them. (Against a local emulator, any keys do: export AWS_ACCESS_KEY_ID=testing "
                  "AWS_SECRET_ACCESS_KEY=testing.)")


def require_credentials(session: Any) -> None:
    """Fail now, with what to do, rather than at the first call with botocore's ``NoCredentialsError``."""
    try:
        found = session.get_credentials()
    except Exception as exc:  # a broken profile (missing SSO cache, bad config) says why in its message
        raise CredentialsMissing(f"{NO_CREDENTIALS} ({type(exc).__name__}: {exc})") from exc
    if found is None:
        raise CredentialsMissing(NO_CREDENTIALS)
