"""IPv6 on a hand-built snapshot (moto assigns no IPv6 addresses to instances, so the sandbox cannot build this).
 AWS docs: route-tables (IPv4 and IPv6 routes are independent: ::/0 is needed), 15 (IPv6 needs no NAT: the address is
public), and the egress-only internet gateway (outbound-only for IPv6).
"""
from lab_helpers.sim.netsim import Snapshot, trace
from lab_helpers.sim.netsim.snapshot.model import (
    EgressOnlyInternetGateway,
    Eni,
    Instance,
    InternetGateway,
    NaclEntry,
    NetworkAcl,
    Route,
    RouteTable,
    SecurityGroup,
    SgRule,
    Subnet,
    Vpc,
)

V6_VPC, V6_SUBNET, V6_ADDR = "2600:1f18:1:ab00::/56", "2600:1f18:1:ab01::/64", "2600:1f18:1:ab01::10"
GOOGLE_V6 = "2001:4860:4860::8888"


def world(route_v6_to: str = "eigw", sg_inbound_v6: bool = False) -> Snapshot:
    snap = Snapshot(regions=["us-east-1"], account="123456789012")
    snap.vpcs["vpc-6"] = Vpc("vpc-6", "us-east-1", ["10.6.0.0/16"], [V6_VPC])
    snap.subnets["subnet-6"] = Subnet("subnet-6", "vpc-6", "us-east-1", "10.6.1.0/24", "us-east-1a", V6_SUBNET)
    routes = [Route("10.6.0.0/16", "local", "local", "CreateRouteTable"),
              Route(V6_VPC, "local", "local", "CreateRouteTable"),
              Route("0.0.0.0/0", "gateway", "igw-6")]
    if route_v6_to == "eigw":
        routes.append(Route("::/0", "eigw", "eigw-6"))
    elif route_v6_to == "igw":
        routes.append(Route("::/0", "gateway", "igw-6"))
    snap.route_tables["rtb-6"] = RouteTable("rtb-6", "vpc-6", "us-east-1", True, ["subnet-6"], routes)
    every = [NaclEntry(100, e, "-1", "allow", c) for e in (True, False) for c in ("0.0.0.0/0", "::/0")]
    snap.nacls["acl-6"] = NetworkAcl("acl-6", "vpc-6", "us-east-1", True, ["subnet-6"], every)
    rules = [SgRule(True, "-1", None, None, "cidr", "0.0.0.0/0"), SgRule(True, "-1", None, None, "cidr6", "::/0")]
    if sg_inbound_v6:
        rules.append(SgRule(False, "6", 443, 443, "cidr6", "::/0"))
    snap.security_groups["sg-6"] = SecurityGroup("sg-6", "vpc-6", "us-east-1", "web6", rules)
    snap.enis["eni-6"] = Eni("eni-6", "subnet-6", "vpc-6", "us-east-1", ["10.6.1.10"], "", ["sg-6"],
                             instance_id="i-6", ipv6_ips=[V6_ADDR])
    snap.instances["i-6"] = Instance("i-6", "us-east-1", "running", ["eni-6"], "subnet-6", "vpc-6")
    snap.igws["igw-6"] = InternetGateway("igw-6", "us-east-1", ["vpc-6"])
    snap.eigws["eigw-6"] = EgressOnlyInternetGateway("eigw-6", "us-east-1", ["vpc-6"])
    return snap


def test_ipv6_egress_through_egress_only_igw_and_reply_back():
    r = trace(None, "i-6", GOOGLE_V6, snapshot=world("eigw"))
    assert r.reachable, str(r)
    assert any(h.component_id == "eigw-6" for h in r.forward_hops)
    assert any(h.component_id == "eigw-6" for h in r.return_hops)


def test_ipv4_default_route_does_not_carry_ipv6():
    """AWS docs: route-tables: with only 0.0.0.0/0 there is no route for an IPv6 destination."""
    r = trace(None, "i-6", GOOGLE_V6, snapshot=world(route_v6_to=""))
    assert not r.reachable and r.code == "NO_ROUTE_TO_DESTINATION"


def test_inbound_ipv6_via_igw_needs_no_nat_but_an_sg_rule():
    """AWS docs: internet-gateway: an IPv6 address is public; with ::/0 -> IGW and an SG rule, the internet reaches it.
    """
    assert not trace(None, "internet", "i-6", source_ip="2001:db8::1", snapshot=world("igw")).reachable
    r = trace(None, "internet", "i-6", source_ip="2001:db8::1", snapshot=world("igw", sg_inbound_v6=True))
    assert r.reachable, str(r)
