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


# What a live create costs before it is made: (service, operation) -> (what, price items, condition on params)
BILLED_CREATES = {
    ("ec2", "CreateNatGateway"): ("NAT gateway", ("nat_gateway_hour", "nat_gateway_gb"), None),
    ("ec2", "CreateVpcEndpoint"): ("interface endpoint (per AZ)", ("interface_endpoint_az_hour",
                                                                   "interface_endpoint_gb"),
                                   lambda p: p.get("VpcEndpointType", "Gateway") == "Interface"),
    ("ec2", "CreateTransitGatewayVpcAttachment"): ("Transit Gateway attachment",
                                                   ("tgw_attachment_hour", "tgw_gb"), None),
    ("ec2", "CreateTransitGatewayPeeringAttachment"): ("Transit Gateway peering attachment",
                                                       ("tgw_attachment_hour",), None),
    ("ec2", "StartNetworkInsightsAnalysis"): ("Reachability Analyzer analysis", ("network_insights_analysis",),
                                              None),
    ("vpc-lattice", "CreateService"): ("VPC Lattice service", ("lattice_service_hour", "lattice_gb"), None),
    ("elbv2", "CreateLoadBalancer"): ("load balancer", ("nlb_hour",), None),
}


def price_notice(service: str, operation: str, params: dict, region: str) -> Optional[str]:
    entry = BILLED_CREATES.get((service, operation))
    if entry is None:
        return None
    what, items, condition = entry
    if condition is not None and not condition(params):
        return None
    parts = [str(price(item, region)) for item in items]
    return f"💲 Creating a {what} in {region} bills: " + "; ".join(parts) + \
        ". lab.teardown() deletes it; lab.estimate() shows what is running."
