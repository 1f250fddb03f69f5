"""Live mode's guard rails: explicit consent, a region, who you are, and prices before billed creates."""
from __future__ import annotations

import ipaddress
import os
from typing import Optional
from urllib.parse import urlparse

from .errors import LiveModeRefused
from .pricing import price

CONSENT_VAR = "VPCLAB_LIVE_OK"


def require_consent(live_ok: bool) -> None:
    if live_ok or os.environ.get(CONSENT_VAR, "").lower() == "yes":
        return
    raise LiveModeRefused(
        "Live mode creates real resources in your AWS account, and some of them bill by the hour "
        "(a NAT gateway is about $1 a day). To go ahead, set the environment variable VPCLAB_LIVE_OK=yes "
        "(or pass live_ok=True to start_lab, or click lab_helpers.confirm_live()). "
        "To learn without an account, use MODE='sandbox' instead.")


def require_region(region: Optional[str]) -> str:
    region = region or os.environ.get("VPCLAB_REGION") or os.environ.get("AWS_REGION") or \
        os.environ.get("AWS_DEFAULT_REGION")
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


# What a live create makes, as a resource kind of the cost model (lab_helpers.costs.model.HOURLY), so the notice
# and lab.estimate() price the same thing the same way. A function of the request: one operation can make
# billed or free things (a gateway endpoint is free, an interface endpoint is not).
_ENDPOINT_KINDS = {"Interface": "interface_endpoint_az", "GatewayLoadBalancer": "gwlb_endpoint_az"}
_LB_KINDS = {"network": "nlb", "gateway": "gwlb"}
BILLED_CREATES = {
    ("ec2", "CreateNatGateway"): lambda p: "nat_gateway",
    ("ec2", "CreateVpcEndpoint"): lambda p: _ENDPOINT_KINDS.get(p.get("VpcEndpointType", "Gateway")),
    ("ec2", "CreateTransitGatewayVpcAttachment"): lambda p: "tgw_attachment",
    ("ec2", "CreateTransitGatewayPeeringAttachment"): lambda p: "tgw_peering_attachment",
    ("vpc-lattice", "CreateService"): lambda p: "lattice_service",
    ("elbv2", "CreateLoadBalancer"): lambda p: _LB_KINDS.get(p.get("Type", "application"), "alb"),
}
# The data a kind then processes, as a hop of the cost model (lab_helpers.costs.model.PER_GB).
_PER_GB_OF = {"nat_gateway": "nat", "interface_endpoint_az": "interface_endpoint", "tgw_attachment": "tgw",
              "lattice_service": "lattice"}
# Operations billed per call rather than per hour.
BILLED_CALLS = {("ec2", "StartNetworkInsightsAnalysis"): ("Reachability Analyzer analysis",
                                                          "network_insights_analysis")}


def price_notice(service: str, operation: str, params: dict, region: str) -> Optional[str]:
    if (service, operation) in BILLED_CALLS:
        what, item = BILLED_CALLS[(service, operation)]
        return f"💲 A {what} in {region} bills {price(item, region)}."
    make = BILLED_CREATES.get((service, operation))
    kind = make(params) if make else None
    if kind is None:
        return None
    from .costs.model import HOURLY, PER_GB

    item, label = HOURLY[kind]
    parts = [str(price(item, region))]
    if kind in _PER_GB_OF:
        parts.append(str(price(PER_GB[_PER_GB_OF[kind]][0], region)))
    return f"💲 Creating this bills {label.lower()} in {region}: " + "; ".join(parts) + \
        ". lab.teardown() deletes it; lab.estimate() shows what is running."
