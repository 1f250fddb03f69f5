"""Live mode prints the price before it creates anything billed: the notice, from the cost model's own kinds."""
from __future__ import annotations

from typing import Optional

from lab_helpers.sim.costs.model import HOURLY, PER_GB
from lab_helpers.sim.costs.pricing import price

# What a live create makes, as a resource kind of the cost model (lab_helpers.sim.costs.model.HOURLY), so the notice
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
# The data a kind then processes, as a hop of the cost model (lab_helpers.sim.costs.model.PER_GB).
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
    item, label = HOURLY[kind]
    if item is None:  # a kind the model prices per GB only: nothing bills by the hour
        return None
    parts = [str(price(item, region))]
    per_gb_item = PER_GB[_PER_GB_OF[kind]][0] if kind in _PER_GB_OF else None
    if per_gb_item is not None:
        parts.append(str(price(per_gb_item, region)))
    return f"💲 Creating this bills {label.lower()} in {region}: " + "; ".join(parts) + \
        ". lab.teardown() deletes it; lab.estimate() shows what is running."
