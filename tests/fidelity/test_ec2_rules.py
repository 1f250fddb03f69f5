"""The pure EC2 rules, one AWS statement each (each AWS page: lab_helpers.data.aws_docs)."""
import pytest

from lab_helpers.fidelity.ec2 import instance_metadata, network_acls, vpc_peering, vpcs


@pytest.mark.parametrize("cidr,ok", [("10.0.0.0/16", True), ("10.0.0.0/28", True), ("10.0.0.0/15", False),
                                     ("10.0.0.0/29", False), ("10.0.0.0/33", False), ("banana", False)])
def test_rule69_subnet_sizes(cidr, ok):
    assert (vpcs.subnet_cidr_size(cidr) is None) is ok


def test_rule69_host_bits_are_canonicalised_not_refused():
    assert vpcs.vpc_cidr_size("100.68.0.18/18") is None


def test_rule45_any_overlap_blocks_peering_and_names_both_cidrs():
    code, msg = vpc_peering.peering_overlap("vpc-a", ["10.0.0.0/16", "100.64.0.0/24"], "vpc-b", ["192.168.0.0/16",
                                                                                           "100.64.0.128/25"])
    assert code == "InvalidParameterValue" and "100.64.0.0/24" in msg and "100.64.0.128/25" in msg
    assert vpc_peering.peering_overlap("vpc-a", ["10.0.0.0/16"], "vpc-b", ["10.1.0.0/16"]) is None


@pytest.mark.parametrize("n,ok", [(0, False), (1, True), (32766, True), (32767, False), (40000, False)])
def test_rule30_nacl_rule_numbers(n, ok):
    assert (network_acls.nacl_rule_number(n) is None) is ok


def test_modify_metadata_keeps_endpoint_and_hops_but_http_tokens_takes_its_default():
    current = {"HttpTokens": "required", "HttpPutResponseHopLimit": 1, "HttpEndpoint": "enabled", "State": "applied"}
    merged = instance_metadata.modified_metadata_options(current, {"HttpPutResponseHopLimit": 2, "InstanceId": "i-1"})
    assert merged == {"HttpTokens": "optional", "HttpPutResponseHopLimit": 2, "HttpEndpoint": "enabled"}
    # the documented default depends on the AMI and the account default
    assert instance_metadata.modified_metadata_options(current, {}, "v2.0", {})["HttpTokens"] == "required"
    assert instance_metadata.modified_metadata_options(current, {}, "v2.0", {"HttpTokens": "optional"})[
        "HttpTokens"] == "optional"
    every = {"HttpTokens": "required", "HttpPutResponseHopLimit": 2, "HttpEndpoint": "enabled"}
    assert instance_metadata.modified_metadata_options(current, every) == every  # the safe call: say everything


@pytest.mark.parametrize("requested,account,ami,expected", [
    ({}, {}, None, {}),  # moto then fills AWS's own: optional, 1
    ({}, {}, "v2.0", {"HttpTokens": "required", "HttpPutResponseHopLimit": 2}),
    ({}, {"HttpTokens": "optional"}, "v2.0", {"HttpTokens": "optional", "HttpPutResponseHopLimit": 2}),
    ({"HttpPutResponseHopLimit": 1}, {"HttpPutResponseHopLimit": 3}, "v2.0",
     {"HttpTokens": "required", "HttpPutResponseHopLimit": 1}),
])
def test_launch_precedence_request_then_account_then_ami(requested, account, ami, expected):
    assert instance_metadata.launch_metadata_options(requested, account, ami) == expected


@pytest.mark.parametrize("hops,ok", [(1, True), (64, True), (0, False), (65, False), (None, True)])
def test_rule67_hop_limit_range(hops, ok):
    assert (instance_metadata.hop_limit(hops) is None) is ok


def test_a_vpc_with_an_attached_gateway_or_a_group_of_its_own_cannot_be_deleted():
    igw = {"InternetGatewayId": "igw-1", "Attachments": [{"VpcId": "vpc-1", "State": "available"}]}
    detached = {"InternetGatewayId": "igw-2", "Attachments": []}
    eigw = {"EgressOnlyInternetGatewayId": "eigw-1", "Attachments": [{"VpcId": "vpc-1", "State": "attached"}]}
    groups = [{"GroupId": "sg-d", "GroupName": "default", "VpcId": "vpc-1"},
              {"GroupId": "sg-web", "GroupName": "web", "VpcId": "vpc-1"},
              {"GroupId": "sg-other", "GroupName": "web", "VpcId": "vpc-2"}]
    code, message = vpcs.vpc_dependencies("vpc-1", [igw, detached], [eigw], groups)
    assert code == "DependencyViolation"
    assert "igw-1" in message and "eigw-1" in message and "sg-web" in message
    assert "igw-2" not in message and "sg-d" not in message and "sg-other" not in message
    assert vpcs.vpc_dependencies("vpc-1", [detached], [], groups[:1] + groups[2:]) is None
