"""Network ACL and gateway-edge scenarios (AWS docs: nat-gateway, nat-instance, infrastructure-security, nacl-rules,
network-acls, nacl-ephemeral-ports, interface-endpoints).

World: VPC 10.1.0.0/16, IGW; public subnet P (1a, default route to IGW), app subnet A (1a), data subnet D (1a,
custom NACLs per test), NAT subnet N (1b, public) and a private subnet Q (1b) routed to the NAT.
"""
import pytest
from netsim_builders import igw, instance, nat, route_table, sg, subnet, verify, vpc


def nacl(ec2, vpc_id, subnet_id, inbound=(), outbound=()):
    """A custom NACL on ``subnet_id``; rules are (number, action, proto, from, to, cidr)."""
    acl = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    for egress, rules in ((False, inbound), (True, outbound)):
        for num, action, proto, lo, hi, cidr in rules:
            kw = {"PortRange": {"From": lo, "To": hi}} if proto in ("6", "17") else {}
            ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=num, Protocol=proto, RuleAction=action,
                                         Egress=egress, CidrBlock=cidr, **kw)
    assoc = next(a for n in ec2.describe_network_acls()["NetworkAcls"] for a in n["Associations"]
                 if a["SubnetId"] == subnet_id)
    ec2.replace_network_acl_association(AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=acl)
    return acl


def reset_nacl(ec2, vpc_id, subnet_id):
    default = next(n["NetworkAclId"] for n in ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["NetworkAcls"] if n["IsDefault"])
    assoc = next(a for n in ec2.describe_network_acls()["NetworkAcls"] for a in n["Associations"]
                 if a["SubnetId"] == subnet_id)
    ec2.replace_network_acl_association(AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=default)


@pytest.fixture(scope="module")
def w(lab):
    ec2 = lab.client("ec2")
    v = vpc(ec2, "10.1.0.0/16")
    p = subnet(ec2, v, "10.1.0.0/24", "us-east-1a")
    a = subnet(ec2, v, "10.1.1.0/24", "us-east-1a")
    d = subnet(ec2, v, "10.1.2.0/24", "us-east-1a")
    n = subnet(ec2, v, "10.1.3.0/24", "us-east-1b")
    q = subnet(ec2, v, "10.1.4.0/24", "us-east-1b")
    g = igw(ec2, v)
    rp = route_table(ec2, v, p, n)
    ec2.create_route(RouteTableId=rp, DestinationCidrBlock="0.0.0.0/0", GatewayId=g)
    rq = route_table(ec2, v, q)
    open_sg = sg(ec2, v, "open", [("tcp", 443, "10.1.0.0/16"), ("tcp", 5432, "10.1.0.0/16")])
    ids = dict(vpc=v, p=p, a=a, d=d, n=n, q=q, igw=g, rp=rp, rq=rq, sg=open_sg,
               app=instance(ec2, a, [open_sg]), db=instance(ec2, d, [open_sg]), db2=instance(ec2, d, [open_sg]),
               q1=instance(ec2, q, [open_sg]))
    return ids


def test_nacl_without_ephemeral_outbound_blocks_the_reply(lab, w):
    """AWS docs: infrastructure-security, nacl-ephemeral-ports: inbound 5432 allowed, outbound only 5432 -> the reply to
    ports 32768-60999 is denied."""
    ec2 = lab.client("ec2")
    acl = nacl(ec2, w["vpc"], w["d"], inbound=[(100, "allow", "6", 5432, 5432, "10.1.1.0/24")],
               outbound=[(100, "allow", "6", 5432, 5432, "10.1.1.0/24")])
    r = verify(lab, w["app"], w["db"], port=5432, reachable=False, code="SUBNET_ACL_RESTRICTION",
               direction="return", blocked_by=acl)
    assert "ephemeral" in r.explanation
    # the fix: allow the ephemeral range outbound
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=110, Protocol="6", RuleAction="allow", Egress=True,
                                 CidrBlock="10.1.1.0/24", PortRange={"From": 1024, "To": 65535})
    verify(lab, w["app"], w["db"], port=5432, reachable=True)
    reset_nacl(ec2, w["vpc"], w["d"])


def test_lower_numbered_deny_wins(lab, w):
    """AWS docs: nacl-rules: rule 90 deny beats rule 100 allow for the same traffic (lowest number first)."""
    ec2 = lab.client("ec2")
    acl = nacl(ec2, w["vpc"], w["d"],
               inbound=[(90, "deny", "6", 5432, 5432, "10.1.1.0/24"), (100, "allow", "-1", 0, 0, "0.0.0.0/0")],
               outbound=[(100, "allow", "-1", 0, 0, "0.0.0.0/0")])
    r = verify(lab, w["app"], w["db"], port=5432, reachable=False, code="SUBNET_ACL_RESTRICTION", blocked_by=acl)
    exp = r.analysis["Explanations"][0]
    assert exp["AclRule"]["RuleNumber"] == 90 and exp["Direction"] == "ingress"
    verify(lab, w["app"], w["db"], port=443, reachable=True)  # rule 100 still allows the rest
    reset_nacl(ec2, w["vpc"], w["d"])


def test_new_custom_nacl_denies_everything(lab, w):
    """AWS docs: nacl-rules: a new custom NACL denies all inbound and outbound until rules are added."""
    ec2 = lab.client("ec2")
    acl = nacl(ec2, w["vpc"], w["d"])
    verify(lab, w["app"], w["db"], port=5432, reachable=False, code="SUBNET_ACL_RESTRICTION", blocked_by=acl)
    reset_nacl(ec2, w["vpc"], w["d"])


def test_nacl_not_evaluated_inside_one_subnet(lab, w):
    """AWS docs: network-acls: NACLs sit at the subnet boundary; db -> db2 in the same subnet ignores a deny-all NACL.
    """
    ec2 = lab.client("ec2")
    nacl(ec2, w["vpc"], w["d"])
    r = verify(lab, w["db"], w["db2"], port=5432, reachable=True)
    assert not any(h.component_type == "network-acl" for h in r.hops)
    reset_nacl(ec2, w["vpc"], w["d"])


def test_default_nacl_allows_all(lab, w):
    """AWS docs: nacl-rules: the default NACL allows all traffic in and out."""
    r = verify(lab, w["app"], w["db"], port=5432, reachable=True)
    assert any(h.component_type == "network-acl" and "rule 100" in h.rule for h in r.hops)


def test_nat_needs_1024_65535_back_through_its_subnet_nacl(lab, w):
    """AWS docs: nat-gateway, nacl-ephemeral-ports: the NAT GW uses source ports 1024-65535; a NACL letting in only
    32768-65535 breaks replies."""
    ec2 = lab.client("ec2")
    n = nat(ec2, w["n"])
    ec2.create_route(RouteTableId=w["rq"], DestinationCidrBlock="0.0.0.0/0", NatGatewayId=n)
    acl = nacl(ec2, w["vpc"], w["n"],
               inbound=[(100, "allow", "6", 443, 443, "10.1.0.0/16"), (110, "allow", "6", 32768, 65535, "0.0.0.0/0")],
               outbound=[(100, "allow", "-1", 0, 0, "0.0.0.0/0")])
    r = verify(lab, w["q1"], "internet", reachable=False, code="SUBNET_ACL_RESTRICTION", direction="return",
               blocked_by=acl)
    assert "1024-32767" in r.explanation
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=120, Protocol="6", RuleAction="allow", Egress=False,
                                 CidrBlock="0.0.0.0/0", PortRange={"From": 1024, "To": 65535})
    verify(lab, w["q1"], "internet", reachable=True, via=n)
    reset_nacl(ec2, w["vpc"], w["n"])
    # AWS docs: nat-gateway: delete the NAT -> the route stays but is a blackhole (moto still says active).
    ec2.delete_nat_gateway(NatGatewayId=n)
    state = [r["State"] for r in ec2.describe_route_tables(RouteTableIds=[w["rq"]])["RouteTables"][0]["Routes"]
             if r.get("NatGatewayId") == n]
    assert state  # the route is still there
    verify(lab, w["q1"], "internet", reachable=False, code="BAD_STATE_ROUTE", blocked_by=w["rq"])
    ec2.delete_route(RouteTableId=w["rq"], DestinationCidrBlock="0.0.0.0/0")


def test_nat_gateway_in_private_subnet_cannot_reach_internet(lab, w):
    """AWS docs: nat-gateway: a public NAT GW must sit in a public subnet; in a private one its own route table has no
    way out."""
    ec2 = lab.client("ec2")
    n = nat(ec2, w["a"])  # subnet A has no route to the IGW
    ec2.create_route(RouteTableId=w["rq"], DestinationCidrBlock="0.0.0.0/0", NatGatewayId=n)
    r = verify(lab, w["q1"], "internet", reachable=False, code="NO_ROUTE_TO_DESTINATION")
    assert r.blocked_at.subnet_id == w["a"]
    ec2.delete_route(RouteTableId=w["rq"], DestinationCidrBlock="0.0.0.0/0")


def test_private_nat_gateway_traffic_dropped_at_igw(lab, w):
    """AWS docs: nat-gateway: a private NAT GW's traffic sent to an IGW is dropped."""
    ec2 = lab.client("ec2")
    n = ec2.create_nat_gateway(SubnetId=w["n"], ConnectivityType="private")["NatGateway"]["NatGatewayId"]
    ec2.create_route(RouteTableId=w["rq"], DestinationCidrBlock="0.0.0.0/0", NatGatewayId=n)
    verify(lab, w["q1"], "internet", reachable=False, code="VPCLAB_PRIVATE_NAT_TO_IGW")
    ec2.delete_route(RouteTableId=w["rq"], DestinationCidrBlock="0.0.0.0/0")


def test_nat_instance_needs_source_dest_check_off(lab, w):
    """AWS docs: nat-instance: a NAT instance with SourceDestCheck=true drops forwarded traffic; false -> it forwards.
    """
    ec2 = lab.client("ec2")
    nat_sg = sg(ec2, w["vpc"], "nat-instance", [("tcp", 443, "10.1.0.0/16")])
    ni = instance(ec2, w["p"], [nat_sg], public=True)
    ec2.create_route(RouteTableId=w["rq"], DestinationCidrBlock="0.0.0.0/0", InstanceId=ni)
    verify(lab, w["q1"], "internet", reachable=False, code="VPCLAB_SOURCE_DEST_CHECK")
    ec2.modify_instance_attribute(InstanceId=ni, SourceDestCheck={"Value": False})
    r = verify(lab, w["q1"], "internet", reachable=True, via=ni)
    assert any("masquerades" in h.rule for h in r.hops)
    ec2.delete_route(RouteTableId=w["rq"], DestinationCidrBlock="0.0.0.0/0")


def test_interface_endpoint_security_group_must_allow_443(lab, w):
    """AWS docs: interface-endpoints: an interface endpoint is ENIs in your subnets; their SG must allow 443 from the
    clients."""
    ec2 = lab.client("ec2")
    ec2.modify_vpc_attribute(VpcId=w["vpc"], EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=w["vpc"], EnableDnsHostnames={"Value": True})
    closed = sg(ec2, w["vpc"], "endpoint-closed")
    ep = ec2.create_vpc_endpoint(VpcId=w["vpc"], ServiceName="com.amazonaws.us-east-1.sqs",
                                 VpcEndpointType="Interface", SubnetIds=[w["d"]],
                                 SecurityGroupIds=[closed])["VpcEndpoint"]["VpcEndpointId"]
    verify(lab, w["app"], ep, reachable=False, code="ENI_SG_RULES_MISMATCH", blocked_by=closed)
    ec2.authorize_security_group_ingress(GroupId=closed, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}])
    verify(lab, w["app"], ep, reachable=True)
    verify(lab, ep, w["app"], reachable=False, code="VPCLAB_ENDPOINT_CANNOT_INITIATE")


def test_route_to_detached_igw_is_blackhole(lab, w):
    """AWS docs: nat-gateway, internet-gateway: a route to an IGW that is no longer attached cannot deliver."""
    ec2 = lab.client("ec2")
    v = vpc(ec2, "10.2.0.0/16")
    s = subnet(ec2, v, "10.2.0.0/24", "us-east-1a")
    g = igw(ec2, v)
    rt = route_table(ec2, v, s)
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=g)
    i = instance(ec2, s, [sg(ec2, v, "x")], public=True)
    verify(lab, i, "internet", reachable=True)
    ec2.detach_internet_gateway(InternetGatewayId=g, VpcId=v)
    verify(lab, i, "internet", reachable=False, code="BAD_STATE_ROUTE", blocked_by=rt)
