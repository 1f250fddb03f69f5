"""Live mode, proven without an AWS account: each lab runs in live mode against ``vpclab serve`` on 127.0.0.1
(moto with the course's AWS rules, as AWS itself enforces them), then nothing tagged with its run id may be left and
every ledger entry must be deleted."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import boto3
import pytest
from local_endpoint import local_endpoint
from nbrun import SEEDS, environment, lab_notebooks, run, run_until_refused

from lab_helpers.core.teardown import leftovers

NOTEBOOKS = lab_notebooks()
STOPS_AT_THE_LIVE_BOUNDARY = {"08_eks_and_lattice"}
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-2", "ap-northeast-1", "eu-central-1"]


@pytest.fixture
def moto_server():
    # One stand-in account per test: a run's leftovers (or a quota it used) never decide another test's outcome.
    with local_endpoint() as url:  # vpclab serve: AWS's rules, as AWS itself would enforce them
        yield url


def _client_for(url):
    return lambda service, region: boto3.client(service, region_name=region, endpoint_url=url)


def _live_env(url, home):
    return {"AWS_ENDPOINT_URL": url, "VPCLAB_LIVE_OK": "yes", "VPCLAB_HOME": str(home), "VPCLAB_STRICT": "1",
            "VPCLAB_MODE": "live"}


@pytest.mark.live
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_lab_in_live_mode_leaves_nothing_tagged(notebook, moto_server, tmp_path):
    home = tmp_path / "home"
    parameters = {"MODE": "live", "REGION": "us-east-1", "SOLUTIONS": True, **SEEDS}
    if notebook.stem in STOPS_AT_THE_LIVE_BOUNDARY:
        # Live, lab 08 drives the real eksctl/helm/kubectl (never the model) or stops before Kubernetes; here it
        # stops (no LIVE_EKS_OK, no tools), and vpclab cleanup must finish what it had made.
        stopped = run_until_refused(notebook, tmp_path, parameters, env=_live_env(moto_server, home))
        assert stopped in ("LiveRunNotConfirmed", "LiveToolsMissing"), stopped
        for path in sorted((home / "ledgers").glob("*.json")):
            done = _cleanup(moto_server, home, json.loads(path.read_text())["run_id"])
            assert done.returncode == 0, done.stdout + done.stderr
    else:
        run(notebook, tmp_path, parameters, env=_live_env(moto_server, home))
    ledgers = sorted((home / "ledgers").glob("*.json"))
    assert ledgers, f"{notebook.name} opened no live lab (no ledger written)"
    for path in ledgers:
        ledger = json.loads(path.read_text())
        alive = [e for e in ledger["entries"] if not e["deleted"]]
        assert not alive, f"{notebook.name}: ledger entries not deleted: {alive}"
        left = leftovers(ledger["run_id"], REGIONS, _client_for(moto_server))
        assert not left, f"{notebook.name}: resources tagged vpclab:run={ledger['run_id']} left: {left}"


@pytest.mark.live
def test_leftover_detector_sees_a_forgotten_resource(moto_server, tmp_path):
    """The check above must be able to fail: a live lab that skips teardown is caught."""
    import lab_helpers

    with environment(**_live_env(moto_server, tmp_path)):
        lab = lab_helpers.start_lab("01_vpc_basics", mode="live", region="us-east-1", quiet=True)
        vpc = lab.client("ec2").create_vpc(CidrBlock="10.99.0.0/16")["Vpc"]["VpcId"]
        lab.closed = True  # forget it without teardown, as a crashed kernel would
    left = leftovers(lab.run_id, ["us-east-1"], _client_for(moto_server))
    assert ("us-east-1", "vpc", vpc) in left
    boto3.client("ec2", region_name="us-east-1", endpoint_url=moto_server).delete_vpc(VpcId=vpc)


@pytest.mark.live
def test_live_mode_tags_and_records_every_create(moto_server, tmp_path):
    import lab_helpers

    with environment(**_live_env(moto_server, tmp_path)):
        lab = lab_helpers.start_lab("01_vpc_basics", mode="live", region="us-east-1", quiet=True)
        assert lab.backend == "moto-server" and not lab.uses_fidelity  # the server enforces AWS's rules, as AWS does
        ec2 = lab.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.98.0.0/16")["Vpc"]
        tags = {t["Key"]: t["Value"] for t in vpc["Tags"]}
        assert tags == {"vpclab:run": lab.run_id, "vpclab:lab": "01_vpc_basics"}
        assert json.loads(lab.ledger.path.read_text())["entries"][0]["resource_id"] == vpc["VpcId"]
        report = lab.teardown()
    assert report.clean and report.deleted[0].resource_id == vpc["VpcId"]


@pytest.mark.live
def test_the_live_paths_server_refuses_what_aws_refuses(moto_server, tmp_path):
    from botocore.exceptions import ClientError

    import lab_helpers

    with environment(**_live_env(moto_server, tmp_path)):
        lab = lab_helpers.start_lab("01_vpc_basics", mode="live", region="us-east-1", quiet=True)
        ec2 = lab.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.97.0.0/16")["Vpc"]["VpcId"]
        with pytest.raises(ClientError) as refused:
            ec2.create_subnet(VpcId=vpc, CidrBlock="10.97.0.0/29")
        report = lab.teardown()
    assert refused.value.response["Error"]["Code"] == "InvalidSubnet.Range"
    assert report.clean


@pytest.mark.live
def test_live_mode_prints_the_price_before_a_billed_create(moto_server, tmp_path, capsys):
    import lab_helpers

    with environment(**_live_env(moto_server, tmp_path)):
        lab = lab_helpers.start_lab("01_vpc_basics", mode="live", region="us-east-1", quiet=True)
        ec2 = lab.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.97.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.97.1.0/24")["Subnet"]["SubnetId"]
        eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
        capsys.readouterr()
        ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip)
        notice = capsys.readouterr().out
        lab.teardown()
    assert "💲 Creating this bills nat gateway hours in us-east-1: $0.045 per hour" in notice
    assert "OFF-E1" in notice  # the price names its source


def _cleanup(url, home, run_id):
    env = {**os.environ, **_live_env(url, home)}
    return subprocess.run([sys.executable, "-m", "lab_helpers.cli", "cleanup", "--run-id", run_id, "--yes",
                           "--region", "us-east-1"], capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.live
def test_an_interrupted_teardown_is_finished_by_vpclab_cleanup(moto_server, tmp_path):
    import lab_helpers
    from lab_helpers.core import resources

    with environment(**_live_env(moto_server, tmp_path)):
        lab = lab_helpers.start_lab("01_vpc_basics", mode="live", region="us-east-1", quiet=True)
        ec2 = lab.client("ec2")
        vpc = ec2.create_vpc(CidrBlock="10.96.0.0/16")["Vpc"]["VpcId"]
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.96.1.0/24")
        ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)
        subnet_kind = next(k for k in resources.KINDS if k.name == "subnet")

        def interrupted(*_):
            raise KeyboardInterrupt  # Ctrl-C while teardown is half-way

        delete = subnet_kind.delete
        object.__setattr__(subnet_kind, "delete", interrupted)  # Kind is frozen: the table is not for editing
        try:
            with pytest.raises(KeyboardInterrupt):
                lab.teardown()
        finally:
            object.__setattr__(subnet_kind, "delete", delete)
        assert lab.ledger.alive(), "the interruption left work for cleanup"
    done = _cleanup(moto_server, tmp_path, lab.run_id)
    assert done.returncode == 0, done.stdout + done.stderr
    assert leftovers(lab.run_id, ["us-east-1"], _client_for(moto_server)) == []
    assert vpc not in [v["VpcId"] for v in _client_for(moto_server)("ec2", "us-east-1").describe_vpcs()["Vpcs"]]


@pytest.mark.live
def test_a_create_interrupted_before_the_ledger_is_found_by_its_tags(moto_server, tmp_path):
    import lab_helpers

    with environment(**_live_env(moto_server, tmp_path)):
        lab = lab_helpers.start_lab("01_vpc_basics", mode="live", region="us-east-1", quiet=True)

        def interrupt_after_the_response(**_):
            raise KeyboardInterrupt  # the kernel stopped after AWS created the VPC, before the ledger heard of it

        lab.session.events.register_first("after-call.ec2.CreateVpc", interrupt_after_the_response)
        with pytest.raises(KeyboardInterrupt):
            lab.client("ec2").create_vpc(CidrBlock="10.95.0.0/16")
        assert lab.ledger.alive() == []
        tagged = leftovers(lab.run_id, ["us-east-1"], _client_for(moto_server))
        assert [kind for _, kind, _ in tagged] == ["vpc"], "tagged at creation, so the run can still find it"
    done = _cleanup(moto_server, tmp_path, lab.run_id)
    assert done.returncode == 0, done.stdout + done.stderr
    assert leftovers(lab.run_id, ["us-east-1"], _client_for(moto_server)) == []
