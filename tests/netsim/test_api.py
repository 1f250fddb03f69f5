"""The served Reachability Analyzer API: AWS's exact shapes and error codes, and the learner-facing objects.

Shapes are checked against botocore's own ec2 service model: every key the sandbox returns must be a member of
the AWS output shape, recursively, with the right kind of value.
"""
from pathlib import Path

import botocore.session
import pytest
from aws_shapes import assert_conforms
from botocore.exceptions import ClientError
from netsim_builders import igw, instance, route_table, sg, subnet, verify, vpc

MODEL = botocore.session.get_session().get_service_model("ec2")


def output(op):
    return MODEL.operation_model(op).output_shape


@pytest.fixture(scope="module")
def w(lab):
    ec2 = lab.client("ec2")
    v = vpc(ec2, "10.9.0.0/16")
    s = subnet(ec2, v, "10.9.1.0/24", "us-east-1a")
    g = igw(ec2, v)
    rt = route_table(ec2, v, s)
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=g)
    web = sg(ec2, v, "web", [("tcp", 443, "0.0.0.0/0")])
    return dict(vpc=v, subnet=s, igw=g, rt=rt, web=web, a=instance(ec2, s, [web], public=True),
                b=instance(ec2, s, [web]))


def test_create_start_describe_shapes(lab, w):
    ec2 = lab.client("ec2")
    created = ec2.create_network_insights_path(Source=w["igw"], Destination=w["a"], Protocol="tcp",
                                               FilterAtSource={"DestinationPortRange": {"FromPort": 22, "ToPort": 22}})
    assert_conforms(created, output("CreateNetworkInsightsPath"))
    path = created["NetworkInsightsPath"]
    assert path["NetworkInsightsPathId"].startswith("nip-") and path["SourceArn"].endswith(w["igw"])
    assert path["FilterAtSource"]["DestinationPortRange"] == {"FromPort": 22, "ToPort": 22}
    started = ec2.start_network_insights_analysis(NetworkInsightsPathId=path["NetworkInsightsPathId"])
    assert_conforms(started, output("StartNetworkInsightsAnalysis"))
    assert started["NetworkInsightsAnalysis"]["Status"] == "running"  # as AWS: the result comes from describe
    aid = started["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
    described = ec2.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[aid])
    assert_conforms(described, output("DescribeNetworkInsightsAnalyses"))
    a = described["NetworkInsightsAnalyses"][0]
    assert a["Status"] == "succeeded" and a["NetworkPathFound"] is False  # port 22 is closed (AWS docs: security-group-rules)
    exp = a["Explanations"][0]
    assert exp["ExplanationCode"] == "ENI_SG_RULES_MISMATCH" and exp["SecurityGroups"][0]["Id"] == w["web"]
    assert_conforms(ec2.describe_network_insights_paths(NetworkInsightsPathIds=[path["NetworkInsightsPathId"]]),
             output("DescribeNetworkInsightsPaths"))


def test_reachable_analysis_lists_forward_and_return_components(lab, w):
    ec2 = lab.client("ec2")
    pid = ec2.create_network_insights_path(Source=w["a"], Destination=w["b"], Protocol="tcp",
                                           DestinationPort=443)["NetworkInsightsPath"]["NetworkInsightsPathId"]
    aid = ec2.start_network_insights_analysis(NetworkInsightsPathId=pid)["NetworkInsightsAnalysis"][
        "NetworkInsightsAnalysisId"]
    a = ec2.describe_network_insights_analyses(NetworkInsightsPathId=pid)["NetworkInsightsAnalyses"][0]
    assert a["NetworkInsightsAnalysisId"] == aid and a["NetworkPathFound"] is True and a["Explanations"] == []
    fwd = a["ForwardPathComponents"]
    assert [c["SequenceNumber"] for c in fwd] == list(range(1, len(fwd) + 1))
    assert fwd[0]["Component"]["Id"] == w["a"] and fwd[-1]["Component"]["Id"] == w["b"]
    assert any("SecurityGroupRule" in c for c in fwd) and any("RouteTableRoute" in c for c in fwd)
    assert a["ReturnPathComponents"]
    found = ec2.describe_network_insights_analyses(Filters=[{"Name": "path-found", "Values": ["true"]}])
    assert aid in [x["NetworkInsightsAnalysisId"] for x in found["NetworkInsightsAnalyses"]]


def _code(fn):
    with pytest.raises(ClientError) as err:
        fn()
    return err.value.response["Error"]["Code"]


def test_error_codes(lab, w):
    ec2 = lab.client("ec2")
    assert _code(lambda: ec2.start_network_insights_analysis(
        NetworkInsightsPathId="nip-0123456789abcdef0")) == "InvalidNetworkInsightsPathId.NotFound"
    assert _code(lambda: ec2.describe_network_insights_paths(
        NetworkInsightsPathIds=["nip-0123456789abcdef0"])) == "InvalidNetworkInsightsPathId.NotFound"
    assert _code(lambda: ec2.describe_network_insights_analyses(
        NetworkInsightsAnalysisIds=["nia-0123456789abcdef0"])) == "InvalidNetworkInsightsAnalysisId.NotFound"
    assert _code(lambda: ec2.delete_network_insights_analysis(
        NetworkInsightsAnalysisId="nia-0123456789abcdef0")) == "InvalidNetworkInsightsAnalysisId.NotFound"
    assert _code(lambda: ec2.delete_network_insights_path(
        NetworkInsightsPathId="nip-0123456789abcdef0")) == "InvalidNetworkInsightsPathId.NotFound"
    assert _code(lambda: ec2.create_network_insights_path(
        Source="i-0123456789abcdef0", Destination=w["a"], Protocol="tcp")) == "InvalidInstanceID.NotFound"
    assert _code(lambda: ec2.create_network_insights_path(
        Source=w["igw"], Destination="eni-0123456789abcdef0", Protocol="tcp")) == "InvalidNetworkInterfaceID.NotFound"
    assert _code(lambda: ec2.create_network_insights_path(
        Source=w["vpc"], Destination=w["a"], Protocol="tcp")) == "InvalidParameterValue"
    assert _code(lambda: ec2.create_network_insights_path(Source=w["a"], Protocol="tcp")) == "MissingParameter"
    pid = ec2.create_network_insights_path(Source=w["a"], Destination=w["b"], Protocol="tcp")[
        "NetworkInsightsPath"]["NetworkInsightsPathId"]
    aid = ec2.start_network_insights_analysis(NetworkInsightsPathId=pid)["NetworkInsightsAnalysis"][
        "NetworkInsightsAnalysisId"]
    assert _code(lambda: ec2.delete_network_insights_path(NetworkInsightsPathId=pid)) == \
        "AnalysisExistsForNetworkInsightsPath"
    assert ec2.delete_network_insights_analysis(NetworkInsightsAnalysisId=aid)["NetworkInsightsAnalysisId"] == aid
    assert ec2.delete_network_insights_path(NetworkInsightsPathId=pid)["NetworkInsightsPathId"] == pid


def test_client_token_is_idempotent_and_arns_accepted(lab, w):
    ec2 = lab.client("ec2")
    arn = f"arn:aws:ec2:us-east-1:123456789012:instance/{w['a']}"
    one = ec2.create_network_insights_path(Source=arn, Destination=w["b"], Protocol="tcp", ClientToken="tok-1")
    two = ec2.create_network_insights_path(Source=arn, Destination=w["b"], Protocol="tcp", ClientToken="tok-1")
    assert one["NetworkInsightsPath"]["NetworkInsightsPathId"] == two["NetworkInsightsPath"]["NetworkInsightsPathId"]
    assert one["NetworkInsightsPath"]["Source"] == w["a"] and one["NetworkInsightsPath"]["SourceArn"] == arn


def test_trace_result_renders_and_explains(lab, w):
    r = verify(lab, "internet", w["a"], port=22, reachable=False, code="ENI_SG_RULES_MISMATCH", api_source=w["igw"])
    text, page = str(r), r._repr_html_()
    assert "❌" in text and "Why:" in text and w["web"] in text
    assert "<table>" in page and "deny" in page
    assert r.blocked_at.component_type == "security-group"
    assert "inbound rule" in r.explanation  # the hint says what to add


def test_bad_input_gets_a_clear_message(lab, w):
    from lab_helpers.sim.netsim import TraceInputError

    with pytest.raises(TraceInputError, match="Use an id|use an id"):
        lab.trace(w["a"], "not-a-thing")
    with pytest.raises(TraceInputError, match="describe_instances"):
        lab.trace("i-0123456789abcdef0", "internet")


def test_reachability_matrix(lab, w):
    ec2 = lab.client("ec2")
    closed = instance(ec2, w["subnet"], [sg(ec2, w["vpc"], "closed-m")])
    m = lab.reachability_matrix([w["a"], w["b"], closed], port=443)
    assert m.matrix[w["a"]][w["b"]] is True and m.matrix[w["a"]][closed] is False
    assert m.matrix[closed][w["a"]] is True and m.matrix[w["a"]][w["a"]] is None
    assert "✗" in str(m) and "background" in m._repr_html_()


def test_offline_analysis_of_a_saved_snapshot():
    """A saved snapshot is analysed with no sandbox at all: private subnet -> S3 uses the gateway endpoint."""
    from lab_helpers.sim.netsim import Snapshot, trace

    snap = Snapshot.load(Path(__file__).resolve().parents[2] / "lab_helpers" / "data" / "snapshots" / "public_private_nat.json")
    private = next(i for i in snap.instances.values() if snap.subnets[i.subnet_id].name == "private-a")
    public = next(i for i in snap.instances.values() if snap.subnets[i.subnet_id].name == "public-a")
    r = trace(None, private.id, "s3", snapshot=snap)
    assert r.reachable and any(h.component_type == "vpc-endpoint" for h in r.hops)
    assert trace(None, private.id, "internet", snapshot=snap).reachable
    assert not trace(None, public.id, private.id, port=443, snapshot=snap).reachable  # app allows only 8080
    assert trace(None, public.id, private.id, port=8080, snapshot=snap).reachable


def test_icmp_ping_follows_icmp_rules(lab, w):
    """AWS docs: security-group-rules, infrastructure-security: an SG allowing ICMP echo lets ping in; the engine treats
    the ICMP type as the 'port'."""
    ec2 = lab.client("ec2")
    assert not lab.trace(w["a"], w["b"], port=None, protocol="icmp").reachable  # web allows only tcp/443
    ec2.authorize_security_group_ingress(GroupId=w["web"], IpPermissions=[
        {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "10.9.0.0/16"}]}])
    assert lab.trace(w["a"], w["b"], port=None, protocol="icmp").reachable


def test_dry_run_and_pagination(lab, w):
    ec2 = lab.client("ec2")
    assert _code(lambda: ec2.create_network_insights_path(Source=w["a"], Destination=w["b"], Protocol="tcp",
                                                           DryRun=True)) == "DryRunOperation"
    for _ in range(7):
        ec2.create_network_insights_path(Source=w["a"], Destination=w["b"], Protocol="udp", DestinationPort=53)
    udp = [{"Name": "protocol", "Values": ["udp"]}]
    first = ec2.describe_network_insights_paths(MaxResults=5, Filters=udp)
    assert len(first["NetworkInsightsPaths"]) == 5 and first["NextToken"]
    rest = ec2.describe_network_insights_paths(MaxResults=5, Filters=udp, NextToken=first["NextToken"])
    assert len(rest["NetworkInsightsPaths"]) == 2 and "NextToken" not in rest
    ids = {p["NetworkInsightsPathId"] for p in first["NetworkInsightsPaths"] + rest["NetworkInsightsPaths"]}
    assert len(ids) == 7


def test_analysis_that_cannot_start_reports_failed(lab, w):
    """An analysis the engine cannot set up (a TGW source without SourceIp) ends in Status 'failed' with a reason."""
    ec2 = lab.client("ec2")
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    pid = ec2.create_network_insights_path(Source=tgw, DestinationIp="10.9.1.10", Protocol="tcp")[
        "NetworkInsightsPath"]["NetworkInsightsPathId"]
    aid = ec2.start_network_insights_analysis(NetworkInsightsPathId=pid)["NetworkInsightsAnalysis"][
        "NetworkInsightsAnalysisId"]
    got = ec2.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[aid])
    assert_conforms(got, output("DescribeNetworkInsightsAnalyses"))
    a = got["NetworkInsightsAnalyses"][0]
    assert a["Status"] == "failed" and "source_ip" in a["StatusMessage"]
