"""Live mode says what a create will cost before it makes it, priced from data/pricing."""


def test_price_notice_prices_what_the_request_makes():
    """The live notice uses the cost model's kinds: a free gateway endpoint says nothing, an ALB is an ALB."""
    from lab_helpers.sim.costs.notices import price_notice

    assert price_notice("ec2", "CreateVpcEndpoint", {"VpcEndpointType": "Gateway"}, "us-east-1") is None
    interface = price_notice("ec2", "CreateVpcEndpoint", {"VpcEndpointType": "Interface"}, "us-east-1")
    assert "$0.01 per endpoint-AZ-hour" in interface and "$0.01 per GB" in interface
    assert "application load balancer" in price_notice("elbv2", "CreateLoadBalancer", {}, "us-east-1")
    peering = price_notice("ec2", "CreateTransitGatewayPeeringAttachment", {}, "us-east-1")
    assert "tgw peering attachment-hours" in peering and "TGW-PEER" in peering
    assert "unknown" in price_notice("elbv2", "CreateLoadBalancer", {"Type": "gateway"}, "us-east-1")
    assert "$0.1 per analysis" in price_notice("ec2", "StartNetworkInsightsAnalysis", {}, "us-east-1")
