"""The seminar's own path in a real account: eksctl, Helm and kubectl, run in the notes' order (issue 14, item 7).

In live mode lab 08 must not play Kubernetes: the model would bill an EKS cluster and then register pod addresses
no real pod answers on. With the real tools present this module drives the notes' path instead —

1. price first (what our price data knows, and what it does not);
2. ``eksctl create cluster -f cluster.yaml`` (the notes' ClusterConfig), with progress from ``describe_cluster``
   through :func:`lab_helpers.core.waits.poll` while eksctl works (EKS takes 15 minutes or more);
3. the EKS VPC joins the service network, and the cluster security group admits both Lattice prefix lists;
4. the Gateway API CRDs (v1.1.0) and the controller's namespace and service account (``kubectl apply``);
5. the controller's IAM policy and a role EKS Pod Identity may assume (IAM API), the Pod Identity agent add-on and
   the association (``eksctl create addon`` / ``eksctl create podidentityassociation``);
6. ``helm install`` of the controller chart v1.1.4, then ``helm upgrade --set defaultServiceNetwork=<network>``;
7. ``kubectl apply -f`` of the same packaged manifests the sandbox applies, and the route's assigned domain.

Without ``eksctl``, ``kubectl`` and ``helm`` on ``PATH`` it stops (:class:`~lab_helpers.errors.LiveToolsMissing`)
naming exactly what to install. Nothing here imports the Kubernetes model: no modelled target can reach a real
account from this path. Every tool is found on ``path`` (default: ``$PATH``), so tests put tiny fake tools first.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from lab_helpers import config, data
from lab_helpers.core import waits
from lab_helpers.errors import LiveModeRefused, LiveRunNotConfirmed, LiveToolFailed, LiveToolsMissing
from lab_helpers.lessons import seminar
from lab_helpers.sim import costs
from lab_helpers.teach import widgets

TOOLS = {  # what to install, and where AWS / the projects say how
    "eksctl": "https://docs.aws.amazon.com/eks/latest/eksctl/installation.html",
    "kubectl": "https://docs.aws.amazon.com/eks/latest/userguide/install-kubectl.html",
    "helm": "https://helm.sh/docs/intro/install/",
}
CLUSTER, NODE_TYPE, NODES, K8S_VERSION = "eks-demo", "t3.medium", 2, "1.33"  # the notes' cluster.yaml
CRDS = "github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.1.0"
CONTROLLER_FILES = ("https://raw.githubusercontent.com/aws/aws-application-networking-k8s/main/files/"
                    "controller-installation/")
CHART = "oci://public.ecr.aws/aws-application-networking-k8s/aws-gateway-controller-chart"
CHART_VERSION = "v1.1.4"
NAMESPACE, SERVICE_ACCOUNT, RELEASE = "aws-application-networking-system", "gateway-api-controller", \
    "gateway-api-controller"
POLICY_NAME, ROLE_NAME = "VPCLatticeControllerIAMPolicy", "VPCLatticeControllerIAMRole"
MANIFESTS = ("01-deployments.yaml", "02-services.yaml", "03-target-group-policies.yaml", "04-gateway.yaml",
             "05-httproute.yaml")
ASSIGNED_DOMAIN_PATH = r"{.metadata.annotations.application-networking\.k8s\.aws/lattice-assigned-domain-name}"
EKS_CLUSTER = waits.Waitable("EKS cluster", "eks", "describe_cluster", "name", "cluster", "status",
                             ready=("ACTIVE",), failed=("FAILED", "DELETING"), typical_seconds=900)
POD_IDENTITY_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Sid": "AllowEksAuthToAssumeRoleForPodIdentity", "Effect": "Allow",
    "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]}


def missing_tools(path: Optional[str] = None) -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool, path=path) is None]


def require_tools(path: Optional[str] = None) -> dict[str, str]:
    """The absolute path of each tool, or :class:`LiveToolsMissing` naming exactly what to install."""
    missing = missing_tools(path)
    if missing:
        how = "; ".join(f"{tool}: {TOOLS[tool]}" for tool in missing)
        raise LiveToolsMissing(
            f"Live mode drives the real EKS cluster and the real Gateway API controller, not the model, and needs "
            f"{', '.join(TOOLS)} on PATH. Missing: {', '.join(missing)}. Install them ({how}), then run the cell "
            "again. (The sandbox runs this whole lab without them.)")
    return {tool: str(shutil.which(tool, path=path)) for tool in TOOLS}


def price(region: str, services: int = 1) -> str:
    """What the notes' setup costs per month, from our price data — and what that data does not cover."""
    bill = costs.monthly([costs.Resource("nat_gateway", 1), costs.Resource("lattice_service", services)],
                         [], region=region)
    return (f"Priced from our data for {region}: {costs.money(bill.total)} a month for one NAT gateway and "
            f"{services} Lattice service(s), before data and requests.\n"
            f"NOT in our price data, so not added up: the EKS control plane (https://aws.amazon.com/eks/pricing/) "
            f"and {NODES} × {NODE_TYPE} nodes (https://aws.amazon.com/ec2/pricing/on-demand/). EKS bills from the "
            f"moment the cluster exists; delete it with `eksctl delete cluster --name {CLUSTER} --region {region}`.")


def cluster_config(region: str, tags: dict) -> str:
    """The notes' eksctl ClusterConfig (their cluster.yaml), in ``region``, tagged with the lab's run tags."""
    tag_lines = "".join(f"    {json.dumps(k)}: {json.dumps(v)}\n" for k, v in tags.items())
    return (f"apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: {CLUSTER}\n"
            f"  region: {region}\n  version: \"{K8S_VERSION}\"\n  tags:\n{tag_lines}"
            "vpc:\n  cidr: 10.1.0.0/16\n  nat:\n    gateway: Single\n"
            f"managedNodeGroups:\n  - name: ng-1\n    instanceType: {NODE_TYPE}\n    desiredCapacity: {NODES}\n"
            "    privateNetworking: true\n    iam:\n      withAddonPolicies:\n        ebs: true\n"
            "addons:\n  - name: vpc-cni\n  - name: kube-proxy\n  - name: coredns\n")


SERVICE_ACCOUNT_YAML = (f"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {SERVICE_ACCOUNT}\n"
                        f"  namespace: {NAMESPACE}\n")


@dataclass
class Step:
    """One step of the path: a command line (``argv``, tool name first) or an AWS API call (``call``)."""

    label: str
    argv: Sequence[str] = ()
    call: Optional[Callable[[], str]] = None
    waits_for_cluster: bool = False  # eksctl create cluster: poll EKS while it runs


@dataclass
class LiveRun:
    """What the real path did: each step's label and output, and the route's Lattice domain."""

    steps: list[tuple[str, str]] = field(default_factory=list)
    domain: str = ""
    commands: list[list[str]] = field(default_factory=list)  # every command line, in the order it ran

    def __str__(self) -> str:
        done = "\n".join(f"✅ {label}" for label, _ in self.steps)
        return f"{done}\nLattice assigned demo-http-route the domain {self.domain or '(not yet)'}"


# -- running the tools -------------------------------------------------------------------------------------------
class Runner:
    """Runs the tools found by :func:`require_tools`; every command line it ran is in ``ran`` (for the lab's log)."""

    def __init__(self, tools: dict[str, str], cwd: Path):
        self.tools, self.cwd = tools, cwd
        self.ran: list[list[str]] = []

    def _argv(self, argv: Sequence[str]) -> list[str]:
        return [self.tools.get(argv[0], argv[0]), *argv[1:]]

    def run(self, argv: Sequence[str]) -> str:
        self.ran.append(list(argv))
        done = subprocess.run(self._argv(argv), cwd=self.cwd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise LiveToolFailed(f"`{' '.join(argv)}` exited {done.returncode}: "
                                 f"{(done.stderr or done.stdout).strip()[-600:]}")
        return done.stdout

    def start(self, argv: Sequence[str]) -> subprocess.Popen:
        self.ran.append(list(argv))
        return subprocess.Popen(self._argv(argv), cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True)


def fetch(url: str) -> str:
    """The controller's recommended IAM policy, as the notes download it (only ever called in a real live run)."""
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - a fixed https URL
        return response.read().decode()


# -- the AWS API steps -------------------------------------------------------------------------------------------
def join_service_network(lab, network_id: str) -> str:
    """Associate the VPC eksctl made with the service network; let both Lattice prefix lists reach the pods."""
    described = lab.client("eks").describe_cluster(name=CLUSTER)["cluster"]["resourcesVpcConfig"]
    vpc, group = described["vpcId"], described["clusterSecurityGroupId"]
    lattice = lab.client("vpc-lattice")
    if not lattice.list_service_network_vpc_associations(vpcIdentifier=vpc)["items"]:
        lattice.create_service_network_vpc_association(serviceNetworkIdentifier=network_id, vpcIdentifier=vpc)
    seminar.allow_lattice(lab, group, 3000)
    return f"{vpc} associated with {network_id}; {group} admits both Lattice prefix lists on 3000"


def controller_iam(lab, account: str, get: Callable[[str], str]) -> str:
    """The notes' IAM policy (the controller's recommended one) and a role that EKS Pod Identity may assume."""
    iam = lab.client("iam")
    policy_arn = f"arn:aws:iam::{account}:policy/{POLICY_NAME}"
    try:
        iam.create_policy(PolicyName=POLICY_NAME,
                          PolicyDocument=get(CONTROLLER_FILES + "recommended-inline-policy.json"))
    except iam.exceptions.EntityAlreadyExistsException:
        pass  # a second run reuses it, as the notes' `list-policies` lookup does
    try:
        iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=json.dumps(POD_IDENTITY_TRUST),
                        Description="IAM Role for AWS Gateway API Controller for VPC Lattice")
    except iam.exceptions.EntityAlreadyExistsException:
        pass
    iam.attach_role_policy(RoleName=ROLE_NAME, PolicyArn=policy_arn)
    return f"role {ROLE_NAME} with {POLICY_NAME}"


def plan(lab, network_id: str, network_name: str, workdir: Path, get: Callable[[str], str]) -> list[Step]:
    """The notes' path as an ordered list of steps (nothing runs here)."""
    account = lab.client("sts").get_caller_identity()["Account"]
    # Tags that say which run made the cluster, but not the run tag itself: the lab's teardown sweeps that tag, and
    # eksctl's CloudFormation stacks (cluster, VPC, NAT gateway) must go with `eksctl delete cluster`, in its order.
    (workdir / "cluster.yaml").write_text(cluster_config(lab.region, {"vpclab-eks-for-run": lab.run_id,
                                                                      "vpclab-lab": lab.name}))
    (workdir / "gateway-api-controller-service-account.yaml").write_text(SERVICE_ACCOUNT_YAML)
    role_arn = f"arn:aws:iam::{account}:role/{ROLE_NAME}"
    chart = [CHART, f"--version={CHART_VERSION}", "--namespace", NAMESPACE]
    # eksctl writes the kubeconfig for the new cluster itself, so the notes' `aws eks update-kubeconfig` (and the
    # AWS CLI) is not needed; their `helm registry login` is skipped too: the chart is public on public.ecr.aws.
    steps = [
        Step("EKS cluster eks-demo and its node group (eksctl)", ("eksctl", "create", "cluster", "-f", "cluster.yaml"),
             waits_for_cluster=True),
        Step("the EKS VPC joins the service network", call=lambda: join_service_network(lab, network_id)),
        # The notes pipe `kubectl kustomize <crd dir>` into `kubectl apply -f -`; `apply -k` is the same in one call.
        Step("Gateway API CRDs v1.1.0", ("kubectl", "apply", "-k", CRDS)),
        Step("the controller's namespace", ("kubectl", "apply", "-f", CONTROLLER_FILES + "deploy-namesystem.yaml")),
        Step("the controller's service account",
             ("kubectl", "apply", "-f", "gateway-api-controller-service-account.yaml")),
        Step("the controller's IAM policy and role", call=lambda: controller_iam(lab, account, get)),
        Step("EKS Pod Identity agent add-on", ("eksctl", "create", "addon", "--cluster", CLUSTER, "--name",
                                               "eks-pod-identity-agent", "--region", lab.region)),
        Step("Pod Identity association for the controller",
             ("eksctl", "create", "podidentityassociation", "--cluster", CLUSTER, "--namespace", NAMESPACE,
              "--service-account-name", SERVICE_ACCOUNT, "--role-arn", role_arn, "--region", lab.region)),
        Step("the AWS Gateway API controller (Helm)",
             ("helm", "install", RELEASE, *chart, "--set=serviceAccount.create=false",
              f"--set=serviceAccount.name={SERVICE_ACCOUNT}", "--set=log.level=info")),
        Step(f"the controller's default service network: {network_name}",
             ("helm", "upgrade", RELEASE, *chart, "--reuse-values", f"--set=defaultServiceNetwork={network_name}")),
    ]
    steps += [Step(f"kubectl apply {name}", ("kubectl", "apply", "-f", str(data.path("manifests", "seminar", name))))
              for name in MANIFESTS]
    return steps


# -- the whole path ----------------------------------------------------------------------------------------------
def _create_cluster(lab, runner: Runner, step: Step, reporter, timeout: float, interval: float,
                    sleep: Callable[[float], None]) -> str:
    """Start eksctl, show EKS's own status while it works, then wait for eksctl (it goes on to the node group)."""
    proc = runner.start(step.argv)
    eks = lab.client("eks")

    def state() -> Optional[str]:
        if proc.poll() not in (None, 0):
            return "FAILED"  # eksctl gave up (credentials, quota...): stop waiting for a cluster that will not come
        try:
            return eks.describe_cluster(name=CLUSTER)["cluster"]["status"]
        except eks.exceptions.ResourceNotFoundException:
            return "CREATING" if proc.poll() is None else None

    outcome = waits.poll(state, EKS_CLUSTER, CLUSTER, reporter, timeout=timeout, interval=interval, sleep=sleep)
    output = proc.communicate()[0] or ""
    if proc.returncode != 0 or not outcome.ready:
        raise LiveToolFailed(f"`{' '.join(step.argv)}` did not finish ({outcome}): {output.strip()[-600:]}")
    return output


def drive(lab, network_id: str, network_name: str = "demo-sn", *, confirmed: bool = False,
          path: Optional[str] = None, get: Callable[[str], str] = fetch, reporter=None, out=print,
          timeout: float = 3600, interval: float = 20, sleep: Callable[[float], None] = time.sleep) -> LiveRun:
    """Run the notes' path in ``lab``'s account, or stop before anything is billed (no tools, or not ``confirmed``)."""
    tools = require_tools(path)
    out(price(lab.region))
    # The run's own folder under VPCLAB_HOME, not a temporary one: cluster.yaml and the manifests are what the
    # learner needs to inspect or delete the cluster later. An unconfirmed run leaves nothing behind.
    workdir = run_folder(lab)
    ours = not workdir.exists()  # a re-run keeps what an earlier, confirmed run of this lab wrote there
    workdir.mkdir(parents=True, exist_ok=True)
    steps = plan(lab, network_id, network_name, workdir, get)
    out("The notes' path, in order:\n" + "\n".join(f"  {i}. {s.label}" + (f": {' '.join(s.argv)}" if s.argv else "")
                                                   for i, s in enumerate(steps, 1)))
    if not confirmed:
        if ours:
            shutil.rmtree(workdir, ignore_errors=True)
        raise LiveRunNotConfirmed(
            "Nothing was created. This path bills an EKS cluster, two nodes and a NAT gateway from the first minute "
            "(see the price above). To run it, set LIVE_EKS_OK = True in the parameters cell and run again.")
    runner, result = Runner(tools, workdir), LiveRun()
    for step in steps:
        if step.waits_for_cluster:
            bar = reporter or widgets.wait_reporter() or waits.TextReporter()  # the notebook bar, else text lines
            said = _create_cluster(lab, runner, step, bar, timeout, interval, sleep)
        else:
            said = step.call() if step.call else runner.run(step.argv)
        result.steps.append((step.label, said))
        out(f"✅ {step.label}")
    result.domain = _assigned_domain(runner, timeout, interval, sleep)
    result.commands = runner.ran
    return result


def _assigned_domain(runner: Runner, timeout: float, interval: float, sleep: Callable[[float], None]) -> str:
    """The real controller annotates the route once it has reconciled it: ask until it has (or give up)."""
    argv = ("kubectl", "get", "httproute", "demo-http-route", "-o", f"jsonpath={ASSIGNED_DOMAIN_PATH}")
    for _ in range(max(1, int(min(timeout, 600) // max(interval, 1)))):
        domain = runner.run(argv).strip()
        if domain:
            return domain
        sleep(interval)
    return ""


def run_folder(lab) -> Path:
    """Where a run keeps the files it handed to eksctl and kubectl: ``$VPCLAB_HOME/eks/<run id>``."""
    return config.home() / "eks" / lab.run_id


def hand_over(lab, result: LiveRun) -> None:
    """Stop the notebook after the real path: the rest of lab 08 models Lattice's data plane (sandbox only)."""
    raise LiveModeRefused(
        f"{result}\nThe real cluster and controller are running in your account. The rest of this lab models "
        "Lattice's data plane and runs only in the sandbox, so it stops here. Call the service from an instance "
        f"in a VPC associated with the service network: curl http://{result.domain or '<assigned domain>'}"
        f"/v1/env?select=POD,ROUTE . Then clean up: `eksctl delete cluster --name {CLUSTER} --region {lab.region}`, "
        f"delete the IAM role {ROLE_NAME} and policy {POLICY_NAME}, and run lab.teardown(). The cluster.yaml and "
        f"manifests this run used are in {run_folder(lab)}.")
