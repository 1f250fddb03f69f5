"""Flow log records, field by field against AWS's default format (version 2), for accepted, security-group-rejected
and network-ACL-rejected flows; both destinations; TrafficType; the NAT gateway's top talker.

The format (https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html): ``version account-id
interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status``; version 2 for
the default format; protocol an IANA number (6 = TCP); action ACCEPT or REJECT; log-status OK when data was logged.
"""
from __future__ import annotations

import gzip
import ipaddress
import re

import pytest

import lab_helpers
from lab_helpers.sim import flowlogs
from lab_helpers.teach.compute import launch

ROLE = "arn:aws:iam::123456789012:role/flow-logs"


@pytest.fixture
def lab(monkeypatch):
    monkeypatch.delenv("VPCLAB_STRICT", raising=False)
    lab = lab_helpers.start_lab("01_vpc_basics", quiet=True)
    yield lab
    lab.teardown()


def cloudwatch(lab, resource, kind="VPC", traffic="ALL", group="flows"):
    lab.client("ec2").create_flow_logs(ResourceIds=[resource], ResourceType=kind, TrafficType=traffic,
                                       LogGroupName=group, DeliverLogsPermissionArn=ROLE)


def eni_of(lab, instance):
    reservation = lab.client("ec2").describe_instances(InstanceIds=[instance])["Reservations"][0]
    inst = reservation["Instances"][0]
    return inst["NetworkInterfaces"][0]["NetworkInterfaceId"], inst["PrivateIpAddress"]


def assert_default_format(line: str):
    """Every field as AWS documents it, read from the raw line (not from our own parser)."""
    fields = line.split(" ")
    assert len(fields) == 14, line
    version, account, eni, src, dst, sport, dport, proto, packets, size, start, end, action, status = fields
    assert version == "2" and re.fullmatch(r"\d{12}", account) and re.fullmatch(r"eni-[0-9a-f]+", eni)
    ipaddress.ip_address(src), ipaddress.ip_address(dst)
    assert 0 <= int(sport) <= 65535 and 0 <= int(dport) <= 65535 and proto == "6"
    assert int(packets) > 0 and int(size) > 0 and int(start) <= int(end) and int(end) - int(start) <= 600
    assert action in ("ACCEPT", "REJECT") and status == "OK"
    return fields


def messages(lab, group="flows", stream=None):
    kwargs = {"logGroupName": group}
    if stream:
        kwargs["logStreamNames"] = [stream]
    return [e["message"] for e in lab.client("logs").filter_log_events(**kwargs)["events"]]


def test_accepted_flow_is_logged_on_both_interfaces(lab):
    incident = lab.incident("sg-wrong-source", seed=0, solutions=True)
    incident.solve()
    web, app = incident.resources["web"], incident.resources["app"]
    (web_eni, web_ip), (app_eni, app_ip) = eni_of(lab, web), eni_of(lab, app)
    cloudwatch(lab, incident.vpcs[0])
    port = lab.client("ec2").describe_security_groups(GroupIds=[incident.resources["app_security_group"]])[
        "SecurityGroups"][0]["IpPermissions"][-1]["FromPort"]
    assert lab.trace(web, app, port=port).reachable
    for eni in (web_eni, app_eni):  # CloudWatch Logs: one stream per network interface, named after it
        lines = messages(lab, stream=eni)
        parsed = [assert_default_format(x) for x in lines]
        assert [(p[3], p[4], p[6], p[12]) for p in parsed] == [(web_ip, app_ip, str(port), "ACCEPT"),
                                                               (app_ip, web_ip, parsed[0][5], "ACCEPT")]
        assert all(p[2] == eni for p in parsed) and parsed[1][5] == str(port)
        assert 1024 <= int(parsed[0][5]) <= 65535  # the client's ephemeral port


def test_security_group_drop_is_one_reject_on_the_destination(lab):
    incident = lab.incident("sg-inbound-missing", seed=0)  # variant "revoked"
    web = incident.resources["web"]
    web_eni, web_ip = eni_of(lab, web)
    cloudwatch(lab, incident.vpcs[0])
    port = incident.resources["port"]
    assert not lab.trace("internet", web, port=port).reachable
    parsed = [assert_default_format(x) for x in messages(lab, stream=web_eni)]
    assert len(parsed) == 1, "a stateful security group drop produces no reply to log"
    assert parsed[0][3] == "198.51.100.10" and parsed[0][4] == web_ip and parsed[0][6] == str(port)
    assert parsed[0][12] == "REJECT"


def test_network_acl_rejects_the_reply(lab):
    """Stateless: the request is ACCEPTed inbound and the reply REJECTed outbound, on the same interface."""
    incident = lab.incident("nacl-ephemeral", seed=0)
    web = incident.resources["web"]
    web_eni, web_ip = eni_of(lab, web)
    cloudwatch(lab, incident.vpcs[0])
    lab.trace("internet", web, port=443)
    lab.trace("internet", web, port=80)
    parsed = [assert_default_format(x) for x in messages(lab, stream=web_eni)]
    first, reply = parsed[0], parsed[1]
    assert (first[3], first[4], first[12]) == ("198.51.100.10", web_ip, "ACCEPT")
    assert (reply[3], reply[4], reply[5], reply[6], reply[12]) == (web_ip, "198.51.100.10", first[6], first[5],
                                                                     "REJECT")


def test_network_acl_inbound_deny_is_a_reject(lab):
    incident = lab.incident("nacl-deny-first", seed=0)
    web = incident.resources["web"]
    cloudwatch(lab, incident.vpcs[0])
    port = incident.resources["port"]
    lab.trace("internet", web, port=port)
    records = flowlogs.read(lab, log_group="flows", interface=eni_of(lab, web)[0])
    assert [r.action for r in records] == ["REJECT"] and records[0].dstport == port


def test_reject_only_flow_log_and_subnet_scope(lab):
    incident = lab.incident("nacl-ephemeral", seed=1)
    cloudwatch(lab, incident.resources["public_subnet"], kind="Subnet", traffic="REJECT", group="rejects")
    lab.trace("internet", incident.resources["web"], port=443)
    assert [r.action for r in flowlogs.read(lab, log_group="rejects")] == ["REJECT"]


def test_s3_destination_writes_aws_key_layout_with_a_header(lab):
    incident = lab.incident("nacl-ephemeral", seed=2)
    lab.client("s3").create_bucket(Bucket="flow-log-bucket")
    lab.client("ec2").create_flow_logs(ResourceIds=[incident.vpcs[0]], ResourceType="VPC", TrafficType="ALL",
                                       LogDestinationType="s3", LogDestination="arn:aws:s3:::flow-log-bucket")
    lab.trace("internet", incident.resources["web"], port=443)
    s3 = lab.client("s3")
    key = s3.list_objects_v2(Bucket="flow-log-bucket")["Contents"][0]["Key"]
    assert re.fullmatch(r"AWSLogs/\d{12}/vpcflowlogs/us-east-1/\d{4}/\d{2}/\d{2}/\d{12}_vpcflowlogs_us-east-1_fl-"
                        r"[0-9a-f]+_\d{8}T\d{4}Z_[0-9a-f]+\.log\.gz", key), key
    lines = gzip.decompress(s3.get_object(Bucket="flow-log-bucket", Key=key)["Body"].read()).decode().splitlines()
    assert lines[0] == flowlogs.HEADER
    assert [assert_default_format(x)[12] for x in lines[1:]] == ["ACCEPT", "REJECT"]


def test_nat_gateway_top_talker(lab):
    incident = lab.incident("nat-route-missing", seed=0, solutions=True)
    incident.solve()
    ec2 = lab.client("ec2")
    nat = ec2.describe_nat_gateways(NatGatewayIds=[incident.resources["nat"]])["NatGateways"][0]
    nat_eni = nat["NatGatewayAddresses"][0]["NetworkInterfaceId"]
    private = ec2.describe_instances(InstanceIds=[incident.resources["app"]])["Reservations"][0]["Instances"][0][
        "SubnetId"]
    others = [launch(lab, private, f"worker-{n}") for n in range(2)]
    cloudwatch(lab, incident.vpcs[0])
    report = lab.traffic(day_from=[incident.resources["app"], *others], seed=3, heavy=others[1])
    assert report.rejected == 0 and report.records
    vpc_cidr = ec2.describe_vpcs(VpcIds=incident.vpcs)["Vpcs"][0]["CidrBlock"]
    nat_ip = nat["NatGatewayAddresses"][0]["PrivateIp"]
    records = flowlogs.read(lab, log_group="flows", interface=nat_eni)
    assert {r.srcaddr for r in records} >= {nat_ip, eni_of(lab, others[0])[1]}  # both legs of the translation
    top = flowlogs.talkers(records, by="srcaddr", inside=vpc_cidr, exclude=[nat_ip])
    assert top[0].address == eni_of(lab, others[1])[1]
    assert top[0].bytes > 10 * top[1].bytes


def test_nothing_is_written_into_a_real_account(lab):
    class Live:
        backend = "aws"

    assert not flowlogs.enabled(Live())


def test_parse_round_trips_and_refuses_other_formats():
    line = "2 123456789012 eni-0a1b 10.0.1.5 10.0.2.7 49152 443 6 10 4000 1700000000 1700000060 ACCEPT OK"
    assert str(flowlogs.parse(line)) == line
    with pytest.raises(ValueError, match="14 fields"):
        flowlogs.parse("2 123456789012 eni-0a1b")


@pytest.mark.parametrize("kind", ["sg-inbound-missing", "sg-egress-removed", "nacl-ephemeral", "nacl-deny-first"])
def test_incidents_come_with_flow_logs_that_show_the_rejects(lab, kind):
    """Four incidents are diagnosable from their flow logs alone: the users' failed flows are REJECTs there."""
    incident = lab.incident(kind, seed=1)
    records = flowlogs.read(lab, log_group=incident.resources["flow_log_group"], filter_pattern="REJECT")
    assert records and all(r.action == "REJECT" for r in records)
    assert any(r.action == "ACCEPT" for r in flowlogs.read(lab, log_group=incident.resources["flow_log_group"]))
