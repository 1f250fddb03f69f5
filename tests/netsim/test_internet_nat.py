"""Internet gateway, NAT gateway and security-group scenarios in one shared VPC (AWS docs: nat-gateway,
internet-gateway, nat-instance, security-group-rules, infrastructure-security, default-security-group, vpc-quotas,
gateway-endpoints, s3-gateway-endpoint).

World: VPC 10.0.0.0/16 with an IGW; public subnet (1a, 0.0.0.0/0 -> IGW) holding a public web instance, an
instance without a public IP and a NAT gateway; private subnet B (1a, no default route); private subnet C (1b,
0.0.0.0/0 -> NAT).
"""
import pytest
from netsim_builders import igw, instance, nat, prefix_list, route_table, sg, subnet, verify, vpc


@pytest.fixture(scope="module")
def w(lab):
    ec2 = lab.client("ec2")
    v = vpc(ec2, "10.0.0.0/16", "main")
    pub = subnet(ec2, v, "10.0.1.0/24", "us-east-1a")
    b = subnet(ec2, v, "10.0.2.0/24", "us-east-1a")
    c = subnet(ec2, v, "10.0.3.0/24", "us-east-1b")
    g = igw(ec2, v)
    rpub = route_table(ec2, v, pub)
    ec2.create_route(RouteTableId=rpub, DestinationCidrBlock="0.0.0.0/0", GatewayId=g)
    rb = route_table(ec2, v, b)
    rc = route_table(ec2, v, c)
    web = sg(ec2, v, "web", [("tcp", 443, "0.0.0.0/0"), ("tcp", 22, "10.0.0.0/16")])
    other = sg(ec2, v, "other")
    app = sg(ec2, v, "app", [("tcp", 443, web)])
    n = nat(ec2, pub)
    ec2.create_route(RouteTableId=rc, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=n)
    ids = dict(vpc=v, pub=pub, b=b, c=c, igw=g, rpub=rpub, rb=rb, rc=rc, web=web, app=app, other=other, nat=n,
               pubweb=instance(ec2, pub, [web], public=True), pubnoip=instance(ec2, pub, [other]),
               privb=instance(ec2, b, [app]), privb_public=instance(ec2, b, [app, web], public=True),
               privc=instance(ec2, c, [app]))
    ids["nat_eip"] = ec2.describe_nat_gateways(NatGatewayIds=[n])["NatGateways"][0]["NatGatewayAddresses"][0]["PublicIp"]
    return ids


def test_public_instance_reaches_internet(lab, w):
    """AWS docs: internet-gateway: IGW attached + route + public IP + SG/NACL allow = internet."""
    r = verify(lab, w["pubweb"], "internet", reachable=True, via=w["igw"])
    assert any("1:1 NAT" in h.rule for h in r.hops)  # AWS docs: internet-gateway: the IGW translates


def test_public_subnet_instance_without_public_ip_has_no_internet(lab, w):
    """AWS docs: internet-gateway: in a public subnet but no public IPv4 -> the IGW cannot translate it."""
    verify(lab, w["pubnoip"], "internet", reachable=False, code="VPCLAB_NO_PUBLIC_IP", blocked_by=w["igw"])


def test_internet_reaches_public_web_on_443(lab, w):
    """AWS docs: internet-gateway: inbound to the public IP is rewritten to the private IP; SG allows 443 from anywhere.
    """
    verify(lab, "internet", w["pubweb"], reachable=True, api_source=w["igw"])


def test_internet_blocked_on_22_by_security_group(lab, w):
    """AWS docs: security-group-rules: SG allows 22 only from the VPC CIDR; nothing else gets in."""
    verify(lab, "internet", w["pubweb"], port=22, reachable=False, code="ENI_SG_RULES_MISMATCH",
           api_source=w["igw"], blocked_by=w["web"])


def test_internet_cannot_reach_private_ip(lab, w):
    """AWS docs: internet-gateway: traffic from the IGW addressed to a private IP is dropped."""
    verify(lab, w["igw"], w["pubnoip"], reachable=False, code="IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS")


def test_private_subnet_without_nat_has_no_route(lab, w):
    """AWS docs: internet-gateway: a subnet with no route to an IGW (or NAT) is private: no internet."""
    verify(lab, w["privb"], "internet", reachable=False, code="NO_ROUTE_TO_DESTINATION", blocked_by=w["rb"])


def test_public_ip_in_private_subnet_still_no_internet(lab, w):
    """AWS docs: internet-gateway: an instance with a public IP in a private subnet still has no internet."""
    verify(lab, w["privb_public"], "internet", reachable=False, code="NO_ROUTE_TO_DESTINATION")


def test_internet_to_public_ip_in_private_subnet_fails_on_the_reply(lab, w):
    """AWS docs: internet-gateway, infrastructure-security: the request arrives, but the reply finds no route back to
    the IGW."""
    verify(lab, w["igw"], w["privb_public"], reachable=False, code="NO_ROUTE_TO_DESTINATION", direction="return")


def test_private_subnet_with_nat_reaches_internet(lab, w):
    """AWS docs: nat-gateway: 0.0.0.0/0 -> NAT GW in a public subnet -> IGW; source rewritten to the NAT."""
    r = verify(lab, w["privc"], "internet", reachable=True, via=w["nat"])
    assert any(h.component_id == w["nat"] and h.direction == "return" for h in r.hops)  # reply un-NATed


def test_nat_gateway_drops_unsolicited_inbound(lab, w):
    """AWS docs: nat-gateway: unsolicited inbound from the internet to the NAT's EIP is dropped."""
    verify(lab, "internet", w["nat_eip"], reachable=False, code="VPCLAB_NAT_NO_INBOUND", api_source=w["igw"])


def test_security_group_reference_allows_members(lab, w):
    """AWS docs: security-group-rules: app allows 443 from members of the web group; pubweb is a member."""
    verify(lab, w["pubweb"], w["privb"], reachable=True)


def test_security_group_reference_blocks_non_members(lab, w):
    """AWS docs: security-group-rules: pubnoip is not in the web group, so app's reference rule does not match it."""
    verify(lab, w["pubnoip"], w["privb"], reachable=False, code="ENI_SG_RULES_MISMATCH", blocked_by=w["app"])


def test_sg_rule_matches_vpc_cidr(lab, w):
    """AWS docs: security-group-rules: web allows 22 from 10.0.0.0/16; privb is inside."""
    verify(lab, w["privb"], w["pubweb"], port=22, reachable=True)


def test_s3_via_nat_then_via_gateway_endpoint(lab, w):
    """AWS docs: gateway-endpoints: S3 goes via the NAT until a gateway endpoint adds pl-s3 -> vpce; then the endpoint
    wins."""
    ec2 = lab.client("ec2")
    verify(lab, w["privc"], "s3", reachable=True, via=w["nat"])
    ep = ec2.create_vpc_endpoint(VpcId=w["vpc"], ServiceName="com.amazonaws.us-east-1.s3",
                                 RouteTableIds=[w["rc"]])["VpcEndpoint"]["VpcEndpointId"]
    r = verify(lab, w["privc"], "s3", reachable=True, via=ep)
    assert not any(h.component_id == w["nat"] for h in r.forward_hops)
    verify(lab, w["privc"], "internet", reachable=True, via=w["nat"])  # other traffic still uses the NAT
    # AWS docs: gateway-endpoints: an explicit route for the exact S3 CIDR beats the prefix-list route.
    pl = prefix_list(ec2, "s3")
    cidr = ec2.get_managed_prefix_list_entries(PrefixListId=pl)["Entries"][0]["Cidr"]
    ec2.create_route(RouteTableId=w["rc"], DestinationCidrBlock=cidr, NatGatewayId=w["nat"])
    verify(lab, w["privc"], "s3", reachable=True, via=w["nat"])
    ec2.delete_route(RouteTableId=w["rc"], DestinationCidrBlock=cidr)
    ec2.delete_vpc_endpoints(VpcEndpointIds=[ep])


def test_removing_all_outbound_rules_blocks_egress(lab, w):
    """AWS docs: security-group-rules: a group with no outbound rules allows no egress."""
    ec2 = lab.client("ec2")
    closed = sg(ec2, w["vpc"], "closed", egress_all=False)
    i = instance(ec2, w["pub"], [closed], public=True)
    verify(lab, i, "internet", reachable=False, code="ENI_SG_RULES_MISMATCH", blocked_by=closed)


def test_stopped_instance_is_bad_state(lab, w):
    """A stopped source instance sends nothing (AWS BAD_STATE)."""
    ec2 = lab.client("ec2")
    i = instance(ec2, w["pub"], [w["web"]], public=True)
    ec2.stop_instances(InstanceIds=[i])
    verify(lab, i, "internet", reachable=False, code="BAD_STATE")


def test_multiple_security_groups_are_a_union(lab, w):
    """AWS docs: security-group-rules: with 'other' (no inbound) and 'web' (443) on one ENI, 443 is allowed."""
    ec2 = lab.client("ec2")
    i = instance(ec2, w["pub"], [w["other"], w["web"]], public=True)
    verify(lab, "internet", i, reachable=True, api_source=w["igw"])


def test_subnet_without_association_uses_main_route_table(lab, w):
    """AWS docs: route-tables: an unassociated subnet uses the VPC's main route table (here: local only, until we add
    0/0)."""
    ec2 = lab.client("ec2")
    loose = subnet(ec2, w["vpc"], "10.0.9.0/24", "us-east-1a")
    i = instance(ec2, loose, [w["web"]], public=True)
    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [w["vpc"]]},
                                              {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0][
        "RouteTableId"]
    verify(lab, i, "internet", reachable=False, code="NO_ROUTE_TO_DESTINATION", blocked_by=main)
    ec2.create_route(RouteTableId=main, DestinationCidrBlock="0.0.0.0/0", GatewayId=w["igw"])
    r = verify(lab, i, "internet", reachable=True)
    assert any(h.component_id == main for h in r.hops)
    ec2.delete_route(RouteTableId=main, DestinationCidrBlock="0.0.0.0/0")


def test_default_security_group_admits_its_own_members(lab, w):
    """AWS docs: default-security-group: the default SG allows all inbound from members of the same group (moto forgets;
    a shim adds it)."""
    ec2 = lab.client("ec2")
    default = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [w["vpc"]]},
                                                    {"Name": "group-name", "Values": ["default"]}])[
        "SecurityGroups"][0]
    assert default["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"] == default["GroupId"]
    one, two = (instance(ec2, w["b"], [default["GroupId"]]) for _ in range(2))
    verify(lab, one, two, port=5432, reachable=True)
    verify(lab, w["pubweb"], two, port=5432, reachable=False, code="ENI_SG_RULES_MISMATCH")
