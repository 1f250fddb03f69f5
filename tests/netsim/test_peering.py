"""VPC peering scenarios (AWS docs: security-group-rules, s3-gateway-endpoint, peering-lifecycle, peering-limitations,
peering-basics, peering-quotas, peering-dns), including an inter-Region peering.

World: A 10.10/16, B 10.20/16 (with IGW, NAT and an S3 gateway endpoint), C 10.30/16, D 10.40/16 in us-east-1;
E 10.50/16 in eu-west-1. Peerings A-B and A-C (active), A-D (never accepted), A-E (inter-Region, active).
"""
import pytest
from netsim_builders import igw, instance, nat, route_table, sg, subnet, verify, vpc


def peer(ec2, a, b, region=None, accept_client=None):
    kw = {"PeerRegion": region} if region else {}
    pcx = ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId=b, **kw)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"]
    if accept_client is not None:
        accept_client.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    return pcx


@pytest.fixture(scope="module")
def w(lab):
    ec2 = lab.client("ec2")
    eu = lab.client("ec2", "eu-west-1")
    ids = {}
    for name, cidr in (("A", "10.10.0.0/16"), ("B", "10.20.0.0/16"), ("C", "10.30.0.0/16"), ("D", "10.40.0.0/16")):
        v = vpc(ec2, cidr, name)
        s = subnet(ec2, v, cidr.replace("0.0/16", "1.0/24"), "us-east-1a")
        ids[name] = v
        ids[name + "s"] = s
        ids[name + "rt"] = route_table(ec2, v, s)
        ids[name + "sg"] = sg(ec2, v, f"sg{name}", [("tcp", 443, "10.0.0.0/8")])
        ids[name.lower()] = instance(ec2, s, [ids[name + "sg"]])
    e = vpc(eu, "10.50.0.0/16", "E")
    es = subnet(eu, e, "10.50.1.0/24", "eu-west-1a")
    ids.update(E=e, Es=es, Ert=route_table(eu, e, es), Esg=sg(eu, e, "sgE", [("tcp", 443, "10.0.0.0/8")]))
    ids["e"] = instance(eu, es, [ids["Esg"]])
    ids["ab"] = peer(ec2, ids["A"], ids["B"], accept_client=ec2)
    ids["ac"] = peer(ec2, ids["A"], ids["C"], accept_client=ec2)
    ids["ad"] = peer(ec2, ids["A"], ids["D"])
    ids["ae"] = peer(ec2, ids["A"], ids["E"], region="eu-west-1", accept_client=eu)
    for rt, cidr, pcx in (("Art", "10.20.0.0/16", "ab"), ("Brt", "10.10.0.0/16", "ab"), ("Art", "10.30.0.0/16", "ac"),
                          ("Art", "10.40.0.0/16", "ad"), ("Art", "10.50.0.0/16", "ae")):
        ec2.create_route(RouteTableId=ids[rt], DestinationCidrBlock=cidr, VpcPeeringConnectionId=ids[pcx])
    eu.create_route(RouteTableId=ids["Ert"], DestinationCidrBlock="10.10.0.0/16", VpcPeeringConnectionId=ids["ae"])
    # B has its own way out (IGW + NAT in a public subnet) and an S3 gateway endpoint
    bpub = subnet(ec2, ids["B"], "10.20.9.0/24", "us-east-1a")
    g = igw(ec2, ids["B"])
    rpub = route_table(ec2, ids["B"], bpub)
    ec2.create_route(RouteTableId=rpub, DestinationCidrBlock="0.0.0.0/0", GatewayId=g)
    ec2.create_route(RouteTableId=ids["Brt"], DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat(ec2, bpub))
    ids["Bvpce"] = ec2.create_vpc_endpoint(VpcId=ids["B"], ServiceName="com.amazonaws.us-east-1.s3",
                                           RouteTableIds=[ids["Brt"]])["VpcEndpoint"]["VpcEndpointId"]
    return ids


def test_peering_with_routes_on_both_sides(lab, w):
    """AWS docs: peering-lifecycle, peering-basics: an active peering plus a route on each side carries the flow both
    ways."""
    verify(lab, w["a"], w["b"], reachable=True, via=w["ab"])
    verify(lab, w["b"], w["a"], reachable=True, via=w["ab"])


def test_route_missing_on_the_far_side_breaks_the_reply(lab, w):
    """AWS docs: peering-basics: routes must be added manually on both sides; C has none back to A."""
    ec2 = lab.client("ec2")
    r = verify(lab, w["a"], w["c"], reachable=False, code="NO_ROUTE_TO_DESTINATION", direction="return",
               blocked_by=w["Crt"])
    assert w["ac"] in r.explanation  # the hint names the peering to route to
    ec2.create_route(RouteTableId=w["Crt"], DestinationCidrBlock="10.10.0.0/16", VpcPeeringConnectionId=w["ac"])
    verify(lab, w["a"], w["c"], reachable=True)


def test_peering_is_not_transitive(lab, w):
    """AWS docs: peering-limitations: B -> C through A fails even with routes, because A never forwards peering traffic.
    """
    ec2 = lab.client("ec2")
    ec2.create_route(RouteTableId=w["Brt"], DestinationCidrBlock="10.30.0.0/16", VpcPeeringConnectionId=w["ab"])
    r = verify(lab, w["b"], w["c"], reachable=False, code="VPCLAB_PEERING_NOT_TRANSITIVE", blocked_by=w["ab"])
    assert "not transitive" in r.explanation
    ec2.delete_route(RouteTableId=w["Brt"], DestinationCidrBlock="10.30.0.0/16")


def test_gateway_endpoint_of_peer_cannot_be_used(lab, w):
    """AWS docs: s3-gateway-endpoint, peering-limitations: A routes everything to B, but B's S3 gateway endpoint serves
    only B's own traffic."""
    ec2 = lab.client("ec2")
    ec2.create_route(RouteTableId=w["Art"], DestinationCidrBlock="0.0.0.0/0", VpcPeeringConnectionId=w["ab"])
    try:
        r = verify(lab, w["a"], "s3", reachable=False, code="VPCLAB_PEERING_NOT_TRANSITIVE")
        assert w["Bvpce"] in r.explanation and "gateway endpoint" in r.explanation
        verify(lab, w["b"], "s3", reachable=True, via=w["Bvpce"])  # from B itself it works
    finally:
        ec2.delete_route(RouteTableId=w["Art"], DestinationCidrBlock="0.0.0.0/0")


def test_no_edge_to_edge_internet(lab, w):
    """AWS docs: peering-limitations: A cannot use B's NAT gateway / internet gateway through the peering."""
    ec2 = lab.client("ec2")
    ec2.create_route(RouteTableId=w["Art"], DestinationCidrBlock="0.0.0.0/0", VpcPeeringConnectionId=w["ab"])
    try:
        r = verify(lab, w["a"], "internet", reachable=False, code="VPCLAB_PEERING_NOT_TRANSITIVE")
        assert "edge-to-edge" in r.explanation
    finally:
        ec2.delete_route(RouteTableId=w["Art"], DestinationCidrBlock="0.0.0.0/0")


def test_unaccepted_peering_does_not_carry_traffic(lab, w):
    """AWS docs: peering-lifecycle: until the accepter accepts, the peering is pending-acceptance and routes to it go
    nowhere."""
    verify(lab, w["a"], w["d"], reachable=False, code="BAD_STATE_ROUTE", blocked_by=w["Art"])


def test_security_group_can_reference_peer_group_in_same_region(lab, w):
    """AWS docs: security-group-rules: B's group may allow members of A's group across a same-Region peering."""
    ec2 = lab.client("ec2")
    ec2.authorize_security_group_ingress(GroupId=w["Bsg"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": w["Asg"]}]}])
    verify(lab, w["a"], w["b"], port=5432, reachable=True)
    outsider = instance(ec2, w["As"], [sg(ec2, w["A"], "not-a-member")])
    verify(lab, outsider, w["b"], port=5432, reachable=False, code="ENI_SG_RULES_MISMATCH", blocked_by=w["Bsg"])


def test_inter_region_peering(lab, w):
    """AWS docs: peering-dns: an inter-Region peering works like any other once accepted and routed on both sides.

    Reachability Analyzer wants source and destination resources in one Region, so the API face names the
    far instance by its IP (DestinationIp), as on AWS.
    """
    r = verify(lab, w["a"], w["e"], reachable=True, via=w["ae"], api_ip_only=True)
    assert any("inter-Region" in h.rule for h in r.hops)
    verify(lab, w["e"], w["a"], reachable=True, region="eu-west-1", api_ip_only=True)


def test_api_refuses_a_destination_resource_in_another_region(lab, w):
    """Reachability Analyzer: resources named as Source/Destination must be in the client's Region."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as err:
        lab.client("ec2").create_network_insights_path(Source=w["a"], Destination=w["e"], Protocol="tcp")
    assert err.value.response["Error"]["Code"] == "InvalidInstanceID.NotFound"


def test_security_group_cannot_reference_group_across_regions(lab, w):
    """AWS docs: security-group-rules, peering-dns: over an inter-Region peering a rule naming the peer's group matches
    nothing."""
    eu = lab.client("ec2", "eu-west-1")
    ref = sg(eu, w["E"], "refs-peer")
    e2 = instance(eu, w["Es"], [ref])
    try:  # moto may refuse the foreign group id outright, as AWS does; either way nothing matches
        eu.authorize_security_group_ingress(GroupId=ref, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": w["Asg"]}]}])
    except Exception:
        pass
    verify(lab, w["a"], e2, reachable=False, code="ENI_SG_RULES_MISMATCH", api_ip_only=True)
