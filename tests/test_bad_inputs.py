"""Issue 16's bad inputs, each refused with a message that says what to do (never a wrong answer or a traceback)."""
from __future__ import annotations

import os

import pytest

import lab_helpers
from lab_helpers import cli
from lab_helpers.core import regions
from lab_helpers.core.ledger import Ledger, vpclab_home
from lab_helpers.errors import (
    CredentialsMissing,
    LabClosedError,
    LabInputError,
    LedgerError,
    ManifestError,
    TraceInputError,
    UnknownRegionError,
)


@pytest.fixture
def pair(lab, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    ids = [i["InstanceId"] for i in ec2.run_instances(ImageId="ami-12c6146b", InstanceType="t3.micro", MinCount=2,
                                                      MaxCount=2, SubnetId=subnet)["Instances"]]
    return ids


# -- 1. ports and protocols AWS does not accept ----------------------------------------------------------------
@pytest.mark.parametrize("port", [70000, 65536, -1, "443", 44.3, True])
def test_trace_refuses_a_port_outside_0_to_65535(lab, pair, port):
    with pytest.raises(TraceInputError, match="0 to 65535"):
        lab.trace(pair[0], pair[1], port=port)
    with pytest.raises(TraceInputError, match="0 to 65535"):
        lab.reachability_matrix(pair, port=port)


@pytest.mark.parametrize("protocol", ["http", "sctp", "all", "-1", "tcp/443", None, 6.0])
def test_trace_refuses_a_protocol_reachability_analyzer_does_not_take(lab, pair, protocol):
    with pytest.raises(TraceInputError, match="'tcp' or 'udp'"):
        lab.trace(pair[0], pair[1], protocol=protocol)
    with pytest.raises(TraceInputError, match="'tcp' or 'udp'"):
        lab.reachability_matrix(pair, protocol=protocol)


def test_the_edges_and_the_aws_spellings_still_trace(lab, pair):
    for port in (0, 65535, None):
        assert lab.trace(pair[0], pair[1], port=port).port == port
    assert lab.trace(pair[0], pair[1], protocol="UDP", port=53).protocol == "udp"
    assert lab.trace(pair[0], pair[1], protocol="6").protocol == "tcp"
    with pytest.raises(TraceInputError, match="ICMP type"):
        lab.trace(pair[0], pair[1], protocol="icmp", port=300)


def test_the_served_analyzer_refuses_a_port_over_65535(lab, pair):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError, match="between 0 and 65535"):
        lab.client("ec2").create_network_insights_path(Source=pair[0], Destination=pair[1], Protocol="tcp",
                                                       DestinationPort=70000)


# -- 2. an unknown Region, sandbox and live ---------------------------------------------------------------------
def test_a_sandbox_refuses_a_region_aws_does_not_have_and_keeps_the_open_one(lab):
    with pytest.raises(UnknownRegionError) as err:
        lab_helpers.start_lab("01", region="mars-1", quiet=True)
    assert "'mars-1' is not an AWS Region" in str(err.value) and "us-east-1" in str(err.value)
    assert not lab.closed  # a typo does not cost the learner the sandbox already open
    with pytest.raises(UnknownRegionError, match="Did you mean 'us-east-1'"):
        lab_helpers.start_lab("01", region="us-east1", quiet=True)


def test_a_live_lab_refuses_a_region_aws_does_not_have(monkeypatch):
    monkeypatch.setenv("VPCLAB_LIVE_OK", "yes")
    with pytest.raises(UnknownRegionError, match="a live lab"):
        lab_helpers.start_lab("01", mode="live", region="mars-1", quiet=True)


def test_the_known_regions_come_from_every_partition():
    names = regions.known()
    assert {"us-east-1", "eu-west-1", "ap-northeast-2", "cn-north-1", "us-gov-west-1"} <= names
    assert "aws-global" not in names


# -- 3. manifests that are not YAML, not Kubernetes, or of an unknown kind (the parser, before any cluster) -------
@pytest.mark.parametrize("text, says", [
    ("kind: Service\n  metadata: [", "not valid YAML"),
    ("name: web\nreplicas: 3\n", "not a Kubernetes object"),
    ("just a sentence", "must be a mapping"),
    ("apiVersion: v1\nkind: CronJob\nmetadata: {name: x}\n", "Unknown kind 'CronJob'"),
])
def test_a_manifest_that_is_not_a_kubernetes_object_is_refused(text, says):
    from lab_helpers.sim.k8s import manifests

    with pytest.raises(ManifestError, match=says):
        [manifests.parse(doc) for doc in manifests.load(text)]


# -- 4. an http URL that is not a URL ---------------------------------------------------------------------------
@pytest.mark.parametrize("url, says", [
    ("not a url", "not a URL"), ("", "not a URL"), ("ftp://files.internal/x", "not 'ftp'"),
    ("http:///v1/health", "not a host name"), ("http://bad_host!/", "not a host name"),
    ("http://svc.internal:99999/", "port is not a number"), ("http://svc.internal:http/", "port is not a number"),
])
def test_lab_http_refuses_what_is_not_a_url(lab, url, says):
    with pytest.raises(LabInputError, match=says):
        lab.http("vpc-0123456789abcdef0", url)


# -- 5. a closed lab, 6. a teardown run twice --------------------------------------------------------------------
def test_a_closed_lab_refuses_every_call_even_through_a_client_kept_from_before(lab, pair):
    ec2, raw = lab.client("ec2"), lab.raw_client("ec2")
    lab.teardown()
    for call in (lambda: ec2.describe_vpcs(), lambda: raw.describe_vpcs(), lambda: lab.raw_client("ec2"),
                 lambda: lab.trace(pair[0], pair[1])):
        with pytest.raises(LabClosedError, match=r"start_lab\('01_vpc_basics'\)"):
            call()


def test_teardown_twice_is_harmless(lab, ec2, capsys):
    ec2.create_vpc(CidrBlock="10.7.0.0/16")
    first = lab.teardown()
    capsys.readouterr()
    second = lab.teardown()
    assert second.clean and not second.deleted and first.run_id == second.run_id
    assert capsys.readouterr().out == ""


# -- 7. a corrupt ledger, 8. cleanup with no credentials ---------------------------------------------------------
def test_a_corrupt_ledger_is_a_clear_error(tmp_path):
    path = tmp_path / "run.json"
    path.write_text('{"run_id": "01-x", "entries": [{"serv')
    with pytest.raises(LedgerError, match="cannot be read.*tagged vpclab:run"):
        Ledger.load(path)


def test_cleanup_still_finds_the_run_when_its_ledger_is_corrupt(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("VPCLAB_HOME", str(tmp_path))
    lab = lab_helpers.start_lab("01", server=True, quiet=True)
    try:
        vpc = lab.client("ec2").create_vpc(CidrBlock="10.5.0.0/16")["Vpc"]["VpcId"]
        ledger = vpclab_home() / "ledgers" / f"{lab.run_id}.json"
        ledger.parent.mkdir(parents=True, exist_ok=True)
        ledger.write_text("{ this is not json")
        assert os.environ["AWS_ENDPOINT_URL"] == lab._sandbox.endpoint_url  # the sandbox exports its server
        assert cli.main(["cleanup", "--run-id", lab.run_id, "--region", "us-east-1", "--yes"]) == 0
        out, err = capsys.readouterr()
        assert "cannot be read" in err and "tag sweep" in err and "Traceback" not in err
        assert vpc in out
        assert not lab.client("ec2").describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Vpcs"]
    finally:
        lab.teardown()


@pytest.fixture
def no_credentials(monkeypatch, tmp_path):
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask 169.254.169.254
    monkeypatch.setenv("VPCLAB_HOME", str(tmp_path))


def test_cleanup_without_credentials_says_how_to_sign_in(no_credentials, capsys):
    assert cli.main(["cleanup", "--run-id", "01-20260101-000000-ab12", "--region", "us-east-1"]) == 2
    err = capsys.readouterr().err
    assert "No AWS credentials found" in err and "aws sso login" in err and "Traceback" not in err


def test_cleanup_refuses_a_region_aws_does_not_have(no_credentials, capsys):
    assert cli.main(["cleanup", "--all-vpclab", "--region", "mars-1"]) == 2
    assert "'mars-1' is not an AWS Region" in capsys.readouterr().err


def test_a_live_lab_without_credentials_says_how_to_sign_in(no_credentials, monkeypatch):
    monkeypatch.setenv("VPCLAB_LIVE_OK", "yes")
    with pytest.raises(CredentialsMissing, match="aws configure"):
        lab_helpers.start_lab("01", mode="live", region="us-east-1", quiet=True)
