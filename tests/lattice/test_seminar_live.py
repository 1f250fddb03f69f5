"""Lab 08's live path (issue 14, item 7): the real eksctl / kubectl / helm, in the notes' order, never the model.

The tools are tiny shell scripts on a temporary PATH that record their argv; the AWS API steps run against a moto
server on 127.0.0.1 (a live lab, backend ``moto-server``). What this cannot cover: that eksctl really builds the
cluster and node group (the fake exits at once; the test creates the cluster through the EKS API the way eksctl
would), that Helm really installs the controller and the controller really reconciles the manifests (the fake
kubectl only answers the assigned-domain query), real pods and health checks, and the URLs the real run downloads
(the controller's namespace file and IAM policy; the test passes its own policy document).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from local_endpoint import local_endpoint

import lab_helpers
from lab_helpers.errors import LiveRunNotConfirmed, LiveToolsMissing
from lab_helpers.lessons import seminar_live

POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "vpc-lattice:*", "Resource": "*"}]}'
DOMAIN = "demo-http-route-default-0abc.7d67968.vpc-lattice-svcs.ap-northeast-2.on.aws"


def fake_tools(bin_dir: Path, log: Path, names=("eksctl", "kubectl", "helm")) -> str:
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        answer = f'[ "$1" = get ] && printf %s "{DOMAIN}"\n' if name == "kubectl" else ""
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\n{answer}exit 0\n')
        script.chmod(0o755)
    return str(bin_dir)


@pytest.fixture(scope="module")
def moto_url():
    with local_endpoint() as url:  # vpclab serve: AWS's rules, as AWS itself would enforce them
        yield url


@pytest.fixture
def live_lab(moto_url, tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("VPCLAB_LIVE_OK", "yes")
    monkeypatch.setenv("VPCLAB_HOME", str(tmp_path / "home"))
    lab = lab_helpers.start_lab("08_eks_and_lattice", mode="live", region="ap-northeast-2", quiet=True)
    yield lab
    lab.teardown()


def _world(lab):
    """What eksctl would have made (a VPC and the cluster), and the lab's service network."""
    ec2 = lab.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=c, AvailabilityZone=z)["Subnet"]["SubnetId"]
               for c, z in (("10.1.1.0/24", "ap-northeast-2a"), ("10.1.2.0/24", "ap-northeast-2c"))]
    lab.client("eks").create_cluster(name="eks-demo", roleArn="arn:aws:iam::123456789012:role/eks",
                                     resourcesVpcConfig={"subnetIds": subnets})
    return vpc, lab.client("vpc-lattice").create_service_network(name="demo-sn")["id"]


def test_without_the_tools_it_stops_naming_exactly_what_is_missing(tmp_path):
    path = fake_tools(tmp_path / "bin", tmp_path / "argv.log", names=("kubectl",))
    with pytest.raises(LiveToolsMissing) as err:
        seminar_live.require_tools(path)
    message = str(err.value)
    assert "Missing: eksctl, helm." in message
    assert seminar_live.TOOLS["eksctl"] in message and seminar_live.TOOLS["helm"] in message
    assert "kubectl:" not in message  # only what is missing is named


def test_price_and_plan_come_first_and_nothing_runs_unconfirmed(live_lab, tmp_path):
    log = tmp_path / "argv.log"
    path = fake_tools(tmp_path / "bin", log)
    _, network = _world(live_lab)
    said = []
    with pytest.raises(LiveRunNotConfirmed, match="Nothing was created"):
        seminar_live.drive(live_lab, network, path=path, get=lambda url: POLICY, out=said.append)
    assert "a month" in said[0] and "NOT in our price data" in said[0] and "eks/pricing" in said[0]
    assert "eksctl create cluster -f cluster.yaml" in said[1] and "helm install" in said[1]
    assert not log.exists()  # no tool ran
    assert live_lab.client("iam").list_roles()["Roles"] == []  # and no AWS call created anything
    assert not (lab_helpers.config.home() / "eks" / live_lab.run_id).exists()  # nor a file


def test_confirmed_run_drives_the_tools_in_the_notes_order(live_lab, tmp_path):
    log = tmp_path / "argv.log"
    path = fake_tools(tmp_path / "bin", log)
    vpc, network = _world(live_lab)
    said = []
    result = seminar_live.drive(live_lab, network, path=path, get=lambda url: POLICY, out=said.append,
                                confirmed=True, interval=0.01, sleep=lambda s: None)
    ran = log.read_text().splitlines()
    heads = [" ".join(line.split()[:3]) for line in ran]
    assert heads == ["eksctl create cluster", "kubectl apply -k", "kubectl apply -f", "kubectl apply -f",
                     "eksctl create addon", "eksctl create podidentityassociation", "helm install gateway-api-controller",
                     "helm upgrade gateway-api-controller", *["kubectl apply -f"] * 5, "kubectl get httproute"]
    assert "gateway-api/config/crd?ref=v1.1.0" in ran[1]
    assert "--version=v1.1.4" in ran[6] and "--set=serviceAccount.name=gateway-api-controller" in ran[6]
    assert "--set=defaultServiceNetwork=demo-sn" in ran[7] and "--reuse-values" in ran[7]
    applied = [line.split()[-1] for line in ran[8:13]]
    assert [Path(p).name for p in applied] == list(seminar_live.MANIFESTS)  # the same packaged manifests
    assert result.domain == DOMAIN and [c[0] for c in result.commands] == [h.split()[0] for h in heads]
    # The AWS API steps happened in the (emulated) account, between the tools.
    iam = live_lab.client("iam")
    attached = iam.list_attached_role_policies(RoleName=seminar_live.ROLE_NAME)["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == [seminar_live.POLICY_NAME]
    assert live_lab.client("vpc-lattice").list_service_network_vpc_associations(vpcIdentifier=vpc)["items"]
    cluster_sg = live_lab.client("eks").describe_cluster(name="eks-demo")["cluster"]["resourcesVpcConfig"][
        "clusterSecurityGroupId"]
    perms = live_lab.client("ec2").describe_security_groups(GroupIds=[cluster_sg])["SecurityGroups"][0][
        "IpPermissions"]
    lists = {pl["PrefixListId"] for perm in perms for pl in perm.get("PrefixListIds", [])}
    assert len(lists) == 2  # both Lattice prefix lists, IPv4 and IPv6
    assert ran[0] == "eksctl create cluster -f cluster.yaml"
    kept = lab_helpers.config.home() / "eks" / live_lab.run_id  # what `eksctl delete` and the learner need later
    assert f"vpclab-eks-for-run: {live_lab.run_id}" in (kept / "cluster.yaml").read_text().replace('"', "")
    assert said[-1] == "✅ kubectl apply 05-httproute.yaml"
    with pytest.raises(lab_helpers.LiveModeRefused, match="eksctl delete cluster --name eks-demo") as told:
        seminar_live.hand_over(live_lab, result)
    assert str(kept) in str(told.value)  # and where its files are
    # Running the cell again unconfirmed creates nothing, and keeps what the confirmed run left for the cleanup.
    with pytest.raises(LiveRunNotConfirmed):
        seminar_live.drive(live_lab, network, path=path, get=lambda url: POLICY, out=said.append)
    assert (kept / "cluster.yaml").exists()


def test_the_cluster_config_is_the_notes_and_carries_the_lab_tags():
    text = seminar_live.cluster_config("ap-northeast-2", {"vpclab:run": "08-x"})
    for fact in ("name: eks-demo", "region: ap-northeast-2", 'version: "1.33"', "cidr: 10.1.0.0/16",
                 "gateway: Single", "instanceType: t3.medium", "desiredCapacity: 2", "privateNetworking: true",
                 '"vpclab:run": "08-x"', "- name: coredns"):
        assert fact in text, fact


def test_a_failing_eksctl_stops_the_wait_and_says_why(live_lab, tmp_path):
    bin_dir = tmp_path / "bin"
    path = fake_tools(bin_dir, tmp_path / "argv.log")
    (bin_dir / "eksctl").write_text("#!/bin/sh\necho 'Error: no credentials' >&2\nexit 1\n")
    _, network = _world(live_lab)
    live_lab.client("eks").delete_cluster(name="eks-demo")  # eksctl failed: no cluster appears
    with pytest.raises(lab_helpers.errors.LiveToolFailed, match="no credentials"):
        seminar_live.drive(live_lab, network, path=path, get=lambda url: POLICY, out=lambda *_: None,
                           confirmed=True, interval=0.01, sleep=lambda s: None)
