"""Every incident kind, in the sandbox: inject -> the symptom is real -> ❌ -> a fix of something else is still ❌
-> solve -> ✅ -> an over-broad change on top is ❌ with the reason. And the over-broad guards one by one."""
from __future__ import annotations

import pytest

from lab_helpers.lessons import incidents
from lab_helpers.lessons.incidents import guards


def unrelated_fix(lab, incident):
    """A plausible change that fixes nothing: ssh from the VPC's own range on one of its groups."""
    ec2 = lab.client("ec2")
    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": incident.vpcs[:1]}])["SecurityGroups"]
    ec2.authorize_security_group_ingress(GroupId=groups[0]["GroupId"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])


def open_everything(lab, incident):
    """The classic over-broad "fix": every port from anywhere on every group of the incident's VPCs."""
    ec2 = lab.client("ec2")
    for group in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": incident.vpcs}])["SecurityGroups"]:
        ec2.authorize_security_group_ingress(GroupId=group["GroupId"], IpPermissions=[
            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])


@pytest.mark.parametrize("kind", sorted(incidents.KINDS))
def test_kind_inject_check_solve(kind, fresh_lab):
    incident = fresh_lab.incident(kind, seed=11, solutions=True)
    assert incident.kind == kind and incident.seed == 11 and incident.symptom and incident.resources
    assert not incident.symptom_gone(), f"{kind}: the injected fault shows no symptom"
    assert incident.broken_before_fix() == [], f"{kind}: the world was broken beyond its one fault"
    first = incident.check()
    assert not first.passed and "symptom is still there" in first.detail
    unrelated_fix(fresh_lab, incident)
    verdict = incident.verify()
    assert not verdict.passed and not verdict.over_broad, f"{kind}: an unrelated change passed: {verdict}"
    incident.solve()
    assert incident.check().passed, incident.verify().detail
    assert incident.solved and incident.minutes is not None
    assert "docs.aws.amazon.com" in incident.explain()
    open_everything(fresh_lab, incident)
    verdict = incident.verify()
    assert verdict.over_broad and "That is not a fix" in verdict.detail and "0.0.0.0/0" in verdict.detail


def test_replacing_the_acl_with_allow_all_is_refused(fresh_lab):
    """Swapping the custom ACL for the VPC's default (allow all) makes the symptom go away, and is refused."""
    incident = fresh_lab.incident("nacl-ephemeral", seed=2, solutions=True)
    ec2 = fresh_lab.client("ec2")
    subnet = incident.resources["public_subnet"]
    default = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": incident.vpcs},
                                                 {"Name": "default", "Values": ["true"]}])["NetworkAcls"][0]
    current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])
    association = next(a for a in current["NetworkAcls"][0]["Associations"] if a["SubnetId"] == subnet)
    ec2.replace_network_acl_association(AssociationId=association["NetworkAclAssociationId"],
                                        NetworkAclId=default["NetworkAclId"])
    assert incident.symptom_gone()
    result = incident.check()
    assert not result.passed and "allows all traffic both ways" in result.detail and incident.refused == 1


def test_switching_imdsv2_off_is_refused(fresh_lab):
    incident = fresh_lab.incident("imds-hop-limit", seed=4, solutions=True)
    fresh_lab.client("ec2").modify_instance_metadata_options(InstanceId=incident.resources["instance"],
                                                              HttpTokens="optional")
    verdict = incident.verify()
    assert verdict.over_broad and "IMDSv2" in verdict.detail


def test_routing_a_private_table_to_the_igw_is_refused(fresh_lab):
    incident = fresh_lab.incident("wrong-route-table", seed=5, solutions=True)
    ec2 = fresh_lab.client("ec2")
    table = incident.resources["private_route_table"]
    igw = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": incident.vpcs}])[
        "InternetGateways"][0]["InternetGatewayId"]
    ec2.replace_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    verdict = incident.verify()
    assert verdict.over_broad and table in verdict.detail and "subnets become public" in verdict.detail


def test_a_fix_that_breaks_what_worked_is_refused(fresh_lab):
    """The symptom gone, but the web tier cut off: ❌ naming what broke."""
    incident = fresh_lab.incident("private-subnet-public", seed=6, solutions=True)
    ec2 = fresh_lab.client("ec2")
    public_rt = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id",
                                                    "Values": [incident.resources["private_subnet"]]}])[
        "RouteTables"][0]["RouteTableId"]
    ec2.delete_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0")  # "fixes" app, breaks web
    verdict = incident.verify()
    assert not verdict.passed and "something that worked before broke" in verdict.detail


def test_allows_everything_reads_rule_order():
    entry = lambda n, action, proto="-1", cidr="0.0.0.0/0", egress=False: {  # noqa: E731
        "RuleNumber": n, "RuleAction": action, "Protocol": proto, "CidrBlock": cidr, "Egress": egress}
    assert guards.allows_everything([entry(100, "allow"), entry(32767, "deny")], egress=False)
    assert not guards.allows_everything([entry(90, "deny", "6"), entry(100, "allow")], egress=False)
    assert not guards.allows_everything([entry(100, "allow", "6"), entry(32767, "deny")], egress=False)
