"""Scenarios for the simulated Route 53 Resolver (AWS docs: vpc-dns, peering-dns, phz-considerations, resolver)."""
import pytest
from dns_world import add, make_vpc, make_zone

from lab_helpers.errors import LabError
from lab_helpers.sim import dns


def test_resolver_addresses_are_primary_cidr_plus_two_and_link_local(lab, ec2):
    """AWS docs: resolver."""
    vpc = make_vpc(ec2, "10.20.0.0/16")
    assert dns.resolver_addresses(lab, vpc) == ["10.20.0.2", "169.254.169.253"]


def test_associated_vpc_resolves_unassociated_gets_nxdomain(lab, ec2, r53):
    """AWS docs: phz-considerations: only associated VPCs read a private zone; .internal is NXDOMAIN publicly."""
    a, b, c = (make_vpc(ec2, cidr) for cidr in ("10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"))
    zone = make_zone(r53, "my-app.internal", a)
    add(r53, zone, "api.my-app.internal", "A", "10.0.1.10")
    assert lab.resolve("api.my-app.internal", a).answers == ["10.0.1.10"]
    before = lab.resolve("api.my-app.internal", b)
    assert before.rcode == "NXDOMAIN" and before.answers == []
    r53.associate_vpc_with_hosted_zone(HostedZoneId=zone, VPC={"VPCRegion": "us-east-1", "VPCId": b})
    after = lab.resolve("API.my-app.internal.", b)
    assert after.rcode == "NOERROR" and after.answers == ["10.0.1.10"]
    assert lab.resolve("api.my-app.internal", c).rcode == "NXDOMAIN"


def test_both_dns_attributes_are_needed(lab, ec2, r53):
    """AWS docs: phz-considerations: without enableDnsHostnames the zone is ignored; without enableDnsSupport nothing
    answers."""
    vpc = make_vpc(ec2, "10.0.0.0/16")
    add(r53, make_zone(r53, "my-app.internal", vpc), "api.my-app.internal", "A", "10.0.1.10")
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": False})
    ignored = lab.resolve("api.my-app.internal", vpc)
    assert ignored.rcode == "NXDOMAIN" and "enableDnsHostnames is false" in str(ignored)
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": False})
    off = lab.resolve("api.my-app.internal", vpc)
    assert off.rcode == "REFUSED" and "enableDnsSupport is false" in str(off)
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    assert lab.resolve("api.my-app.internal", vpc).answers == ["10.0.1.10"]


def test_most_specific_zone_wins_and_missing_record_is_nxdomain(lab, ec2, r53):
    """AWS docs: phz-considerations: acc.example.com beats example.com; a miss there does not fall back to example.com.
    """
    vpc = make_vpc(ec2, "10.0.0.0/16")
    parent = make_zone(r53, "example.com", vpc)
    child = make_zone(r53, "acc.example.com", vpc)
    add(r53, parent, "db.acc.example.com", "A", "10.0.9.9")
    add(r53, parent, "www.example.com", "A", "10.0.0.80")
    add(r53, child, "api.acc.example.com", "A", "10.0.2.2")
    assert lab.resolve("api.acc.example.com", vpc).answers == ["10.0.2.2"]
    miss = lab.resolve("db.acc.example.com", vpc)
    assert miss.rcode == "NXDOMAIN" and "acc.example.com." in miss.source
    assert lab.resolve("www.example.com", vpc).answers == ["10.0.0.80"]


def test_cname_chain_is_followed_and_shown(lab, ec2, r53):
    vpc = make_vpc(ec2, "10.0.0.0/16")
    zone = make_zone(r53, "my-app.internal", vpc)
    add(r53, zone, "api.my-app.internal", "CNAME", "web.my-app.internal")
    add(r53, zone, "web.my-app.internal", "CNAME", "origin.my-app.internal")
    add(r53, zone, "origin.my-app.internal", "A", "10.0.3.3")
    got = lab.resolve("api.my-app.internal", vpc)
    assert got.answers == ["web.my-app.internal.", "origin.my-app.internal.", "10.0.3.3"]
    assert got.addresses == ["10.0.3.3"]
    assert lab.resolve("api.my-app.internal", vpc, "CNAME").answers == ["web.my-app.internal."]


def test_cname_loop_is_servfail(lab, ec2, r53):
    vpc = make_vpc(ec2, "10.0.0.0/16")
    zone = make_zone(r53, "loop.internal", vpc)
    add(r53, zone, "a.loop.internal", "CNAME", "b.loop.internal")
    add(r53, zone, "b.loop.internal", "CNAME", "a.loop.internal")
    assert lab.resolve("a.loop.internal", vpc).rcode == "SERVFAIL"


def test_cname_to_internal_alb_shows_the_balancer(lab, ec2, r53):
    vpc = make_vpc(ec2, "10.0.0.0/16")
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{az}")
               ["Subnet"]["SubnetId"] for i, az in ((1, "a"), (2, "b"))]
    lb = lab.client("elbv2").create_load_balancer(Name="api", Subnets=subnets, Scheme="internal",
                                                  Type="application")["LoadBalancers"][0]
    zone = make_zone(r53, "my-app.internal", vpc)
    add(r53, zone, "api.my-app.internal", "CNAME", lb["DNSName"])
    got = lab.resolve("api.my-app.internal", vpc)
    assert got.rcode == "NOERROR" and got.answers[0] == lb["DNSName"].lower() + "."
    assert "load balancer api" in str(got)


def test_wildcard_record(lab, ec2, r53):
    vpc = make_vpc(ec2, "10.0.0.0/16")
    zone = make_zone(r53, "svc.internal", vpc)
    add(r53, zone, "*.svc.internal", "A", "10.0.7.7")
    assert lab.resolve("anything.svc.internal", vpc).answers == ["10.0.7.7"]


def test_missing_type_is_nodata(lab, ec2, r53):
    vpc = make_vpc(ec2, "10.0.0.0/16")
    add(r53, make_zone(r53, "my-app.internal", vpc), "api.my-app.internal", "A", "10.0.1.10")
    got = lab.resolve("api.my-app.internal", vpc, "AAAA")
    assert got.rcode == "NOERROR" and got.answers == []


def test_public_name_is_not_invented(lab, ec2):
    vpc = make_vpc(ec2, "10.0.0.0/16")
    got = lab.resolve("www.amazon.com", vpc)
    assert got.rcode == "SERVFAIL" and got.answers == [] and "public DNS, not simulated" in str(got)


def test_unknown_vpc_is_a_clear_error(lab):
    with pytest.raises(LabError, match="no VPC"):
        lab.resolve("x.internal", "vpc-00000000000000000")


def _interface_endpoint(lab, ec2, vpc, private_dns=True):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]
    return ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.logs",
                                   VpcEndpointType="Interface", SubnetIds=[subnet["SubnetId"]],
                                   PrivateDnsEnabled=private_dns)["VpcEndpoint"]


def test_interface_endpoint_private_dns(lab, ec2):
    """AWS docs: vpc-dns: the regional service name answers with the endpoint's ENI IPs only with both attributes on."""
    vpc = make_vpc(ec2, "10.0.0.0/16")
    ep = _interface_endpoint(lab, ec2, vpc)
    eni_ips = [e["PrivateIpAddress"] for e in ec2.describe_network_interfaces(
        NetworkInterfaceIds=ep["NetworkInterfaceIds"])["NetworkInterfaces"]]
    got = lab.resolve("logs.us-east-1.amazonaws.com", vpc)
    assert got.answers == eni_ips and ep["VpcEndpointId"] in got.source
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": False})
    assert lab.resolve("logs.us-east-1.amazonaws.com", vpc).rcode == "SERVFAIL"  # public name: not simulated


def test_interface_endpoint_without_private_dns(lab, ec2):
    vpc = make_vpc(ec2, "10.0.0.0/16")
    ep = _interface_endpoint(lab, ec2, vpc, private_dns=False)
    assert not lab.resolve("logs.us-east-1.amazonaws.com", vpc).answers
    # the endpoint-specific name still resolves (it is a public record)
    assert lab.resolve(ep["DnsEntries"][0]["DnsName"], vpc).answers


def _forward_rule(lab, ec2, vpc, domain):
    rr = lab.client("route53resolver")
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"us-east-1{az}")
               ["Subnet"]["SubnetId"] for i, az in ((11, "a"), (12, "b"))]
    sg = ec2.create_security_group(VpcId=vpc, GroupName=f"dns-{domain}", Description="outbound dns")["GroupId"]
    endpoint = rr.create_resolver_endpoint(CreatorRequestId=f"ep-{domain}", SecurityGroupIds=[sg],
                                           Direction="OUTBOUND",
                                           IpAddresses=[{"SubnetId": s} for s in subnets])["ResolverEndpoint"]
    rule = rr.create_resolver_rule(CreatorRequestId=f"r-{domain}", RuleType="FORWARD", DomainName=domain,
                                   TargetIps=[{"Ip": "192.168.10.53", "Port": 53}],
                                   ResolverEndpointId=endpoint["Id"])["ResolverRule"]
    rr.associate_resolver_rule(ResolverRuleId=rule["Id"], VPCId=vpc)
    return rule


def test_forwarding_rule_beats_a_zone_of_the_same_name(lab, ec2, r53):
    """AWS docs: phz-considerations: a Resolver forwarding rule for the same name wins over the private zone."""
    vpc = make_vpc(ec2, "10.0.0.0/16")
    add(r53, make_zone(r53, "corp.example.com", vpc), "app.corp.example.com", "A", "10.0.5.5")
    assert lab.resolve("app.corp.example.com", vpc).answers == ["10.0.5.5"]
    rule = _forward_rule(lab, ec2, vpc, "corp.example.com")
    got = lab.resolve("app.corp.example.com", vpc)
    assert got.forwarded_to == ["192.168.10.53:53"] and got.source == f"rule:{rule['Id']}"
    assert "outside the sandbox" in str(got) and got.answers == []


def test_more_specific_zone_beats_a_broader_rule(lab, ec2, r53):
    vpc = make_vpc(ec2, "10.0.0.0/16")
    _forward_rule(lab, ec2, vpc, "example.com")
    add(r53, make_zone(r53, "acc.example.com", vpc), "api.acc.example.com", "A", "10.0.2.2")
    assert lab.resolve("api.acc.example.com", vpc).answers == ["10.0.2.2"]
    assert lab.resolve("www.example.com", vpc).forwarded_to


def test_forwarding_rule_only_for_associated_vpc(lab, ec2):
    a, b = make_vpc(ec2, "10.0.0.0/16"), make_vpc(ec2, "10.1.0.0/16")
    _forward_rule(lab, ec2, a, "corp.example.com")
    assert not lab.resolve("x.corp.example.com", b).forwarded_to


def test_answer_renders_as_text_and_html(lab, ec2, r53):
    vpc = make_vpc(ec2, "10.0.0.0/16")
    add(r53, make_zone(r53, "my-app.internal", vpc), "api.my-app.internal", "A", "10.0.1.10")
    got = lab.resolve("api.my-app.internal", vpc)
    assert "private hosted zone my-app.internal." in str(got)
    assert "10.0.1.10" in got._repr_html_()


def test_teardown_removes_resolver_rules_endpoints_and_zones(lab, ec2, r53):
    vpc = make_vpc(ec2, "10.0.0.0/16")
    add(r53, make_zone(r53, "corp.example.com", vpc), "app.corp.example.com", "A", "10.0.5.5")
    _forward_rule(lab, ec2, vpc, "corp.example.com")
    kinds = {e.kind for e in lab.ledger.entries}
    assert {"resolver-endpoint", "resolver-rule", "resolver-rule-association", "hosted-zone"} <= kinds
    report = lab.teardown()
    assert report.clean, str(report)
    assert not [e for e in lab.ledger.entries if not e.deleted]


def _instance_with_public_ip(ec2, vpc, cidr):
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)["Subnet"]["SubnetId"]
    iid = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, NetworkInterfaces=[
        {"DeviceIndex": 0, "SubnetId": subnet, "AssociatePublicIpAddress": True}])["Instances"][0]["InstanceId"]
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]


def test_ec2_hostnames_and_peering_dns_resolution(lab, ec2):
    """AWS docs: peering-dns: a peer's public hostname gives the private IP only with AllowDnsResolutionFromRemoteVpc.
    """
    a, b = make_vpc(ec2, "10.0.0.0/16"), make_vpc(ec2, "10.1.0.0/16")
    inst = _instance_with_public_ip(ec2, a, "10.0.1.0/24")
    private, public = inst["PrivateIpAddress"], inst["PublicIpAddress"]
    assert lab.resolve(inst["PrivateDnsName"], a).answers == [private]
    assert lab.resolve(inst["PublicDnsName"], a).answers == [private]  # inside its VPC
    assert lab.resolve(inst["PublicDnsName"], b).answers == [public]  # not peered: public DNS
    pcx = ec2.create_vpc_peering_connection(VpcId=b, PeerVpcId=a)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert lab.resolve(inst["PublicDnsName"], b).answers == [public]  # peered, option off
    ec2.modify_vpc_peering_connection_options(VpcPeeringConnectionId=pcx, RequesterPeeringConnectionOptions={
        "AllowDnsResolutionFromRemoteVpc": True})  # b's side: wrong side for a's hostnames
    assert lab.resolve(inst["PublicDnsName"], b).answers == [public]
    ec2.modify_vpc_peering_connection_options(VpcPeeringConnectionId=pcx, AccepterPeeringConnectionOptions={
        "AllowDnsResolutionFromRemoteVpc": True})  # a's side
    got = lab.resolve(inst["PublicDnsName"], b)
    assert got.answers == [private] and "vpc-peering-dns.html" in str(got)
    assert lab.resolve(inst["PrivateDnsName"], b).rcode == "SERVFAIL"  # not modelled, said so


def lattice_like_zones(lab, vpc_id, attrs):
    """A stand-in extra source, as a Lattice simulator would provide."""
    return [dns.Zone("svc-1", "svc-1.example.vpc-lattice-svcs.us-east-1.on.aws.",
                     [{"Name": "svc-1.example.vpc-lattice-svcs.us-east-1.on.aws.", "Type": "A",
                       "ResourceRecords": [{"Value": "169.254.171.1"}]}], "test source for " + vpc_id)]


def test_extra_zone_sources(lab, ec2, monkeypatch):
    vpc = make_vpc(ec2, "10.0.0.0/16")
    monkeypatch.setattr(dns.resolver, "ZONE_SOURCES", ("test_resolver:lattice_like_zones",))
    got = lab.resolve("svc-1.example.vpc-lattice-svcs.us-east-1.on.aws", vpc)
    assert got.answers == ["169.254.171.1"] and f"test source for {vpc}" in str(got)
