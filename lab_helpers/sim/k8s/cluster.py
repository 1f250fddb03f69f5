"""An EKS cluster as the labs see it: a real EKS API call for the control plane and node group, EC2 instances
for the nodes, and a Kubernetes object store (per lab) that ``kubectl_apply`` writes and the controller reads.

Teaching points the model keeps true to AWS:

* One cluster lives in one VPC; its nodes are EC2 instances in the node group's subnets.
* Pods get **real VPC addresses** (the VPC CNI assigns secondary IPs of the node's interface), so a pod is a
  routable target for Lattice, and the node interface's security groups — the **cluster security group** — decide
  what reaches it.
* Kubernetes Services here are ClusterIP only: Lattice targets pods directly, by IP.
"""
from __future__ import annotations

import copy
import random
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Optional

from lab_helpers.errors import LabError, LiveModeRefused
from lab_helpers.sim.k8s import apps
from lab_helpers.sim.k8s.health import HOSTS_KEY
from lab_helpers.sim.k8s.manifests import K8sObject

STORE = "vpclab.k8s"


@dataclass
class Node:
    instance_id: str
    subnet_id: str
    availability_zone: str
    eni_id: str
    private_ip: str


@dataclass
class Pod:
    name: str
    namespace: str
    deployment: str
    node: Node
    ip: str
    labels: dict
    ports: list[int]
    env: dict
    image: str = ""
    readiness: Optional[dict] = None  # the first container's readinessProbe
    handlers: dict = field(default_factory=dict)  # port -> what answers there (the pod's listening sockets)
    named_ports: dict = field(default_factory=dict)  # containerPort name -> number
    app: Optional[Callable] = None  # the first container's server, for a port no manifest declares

    @property
    def ready(self) -> bool:
        """The kubelet's readiness probe: an httpGet answered 200-399, or a tcpSocket port something listens on.

        Without a probe a running container is ready; an ``exec`` probe is taken to pass (nothing runs here).
        Only ready pods are in the Service's endpoints, so only they become Lattice targets.
        """
        probe = self.readiness or {}
        if "httpGet" in probe:
            handler = self.handlers.get(self.probe_port(probe["httpGet"].get("port")))
            return handler is not None and 200 <= handler("GET", probe["httpGet"].get("path", "/"),
                                                           {"user-agent": "kube-probe/1.33"})[0] < 400
        if "tcpSocket" in probe:
            return self.probe_port(probe["tcpSocket"].get("port")) in self.handlers
        return True

    def probe_port(self, port) -> Optional[int]:
        if isinstance(port, int):
            return port
        return self.named_ports.get(port) if port is not None else None


@dataclass
class Cluster:
    """The modelled cluster: what EKS created plus the objects applied to it."""

    name: str
    region: str
    vpc_id: str
    arn: str
    security_group_id: str
    nodegroup: str
    nodes: list[Node]
    version: str
    objects: dict = field(default_factory=dict)  # (kind, ns, name) -> K8sObject
    pods: dict = field(default_factory=dict)  # (ns, deployment) -> [Pod]
    controller: dict = field(default_factory=dict)  # the controller's own memory (target groups it made…)
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    default_service_network: Optional[str] = None

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{n.instance_id}</td><td>{n.subnet_id}</td><td>{n.availability_zone}</td>"
                       f"<td>{n.private_ip}</td></tr>" for n in self.nodes)
        return (f"<b>EKS cluster {self.name}</b> ({self.region}, VPC {self.vpc_id}, Kubernetes {self.version})<br>"
                f"cluster security group: <code>{self.security_group_id}</code><br>"
                f"<table><tr><th>node</th><th>subnet</th><th>AZ</th><th>IP</th></tr>{rows}</table>")

    def __str__(self) -> str:
        nodes = "\n".join(f"  node {n.instance_id} {n.subnet_id} {n.availability_zone} {n.private_ip}"
                          for n in self.nodes)
        return (f"EKS cluster {self.name} ({self.region}, VPC {self.vpc_id}, Kubernetes {self.version}); "
                f"cluster security group {self.security_group_id}\n{nodes}")

    def all_pods(self) -> list[Pod]:
        return [p for pods in self.pods.values() for p in pods]


INSTALL_HINT = ("This model plays Kubernetes and the controller; against a real account it would bill an EKS cluster "
                "and write Lattice targets (modelled pod addresses) that no real pod answers on. Drive the real thing "
                "instead: install eksctl, kubectl and helm; create the cluster (eksctl create cluster); install the "
                "Gateway API CRDs and the AWS Gateway API controller with Helm (chart "
                "oci://public.ecr.aws/aws-application-networking-k8s/aws-gateway-controller-chart); then "
                "`kubectl apply -f` the same manifests (lab_helpers/data/manifests/seminar/). Lab 08 runs exactly "
                "that path in live mode when the tools are on PATH (lab_helpers.lessons.seminar_live.drive).")


def refuse_real_account(lab) -> None:
    """Stop before the model touches a real AWS account (the live-path tests use a loopback emulator instead)."""
    if getattr(lab, "mode", "sandbox") == "live" and getattr(lab, "backend", "") == "aws":
        raise LiveModeRefused(f"Not modelling Kubernetes in a real AWS account. {INSTALL_HINT}")


def clusters(lab) -> dict:
    return lab.shim_state.setdefault(STORE, {})


def get(lab, name: Optional[str]) -> Cluster:
    known = clusters(lab)
    if name is None and len(known) == 1:
        return next(iter(known.values()))
    if name not in known:
        raise LabError(f"No cluster {name!r} in this lab. Create it first with lab.eks_cluster(name, vpc_id, subnets)"
                       + (f"; known: {', '.join(known)}" if known else "") + ".")
    return known[name]


def create(lab, name: str, vpc_id: str, subnets, version: str = "1.33", node_count: int = 2,
           instance_type: str = "t3.medium", cluster_role_arn: Optional[str] = None,
           node_role_arn: Optional[str] = None, default_service_network: Optional[str] = None) -> Cluster:
    """Create cluster ``name`` in ``vpc_id`` with a managed node group of ``node_count`` nodes in ``subnets``.

    ``default_service_network`` is remembered for the controller (the Helm value ``defaultServiceNetwork``);
    :func:`lab_helpers.sim.k8s.eks_cluster` then has the controller adopt it.
    """
    subnets = [subnets] if isinstance(subnets, str) else list(subnets)
    ec2, eks = lab.client("ec2"), lab.client("eks")
    refuse_real_account(lab)
    found = ec2.describe_subnets(SubnetIds=subnets)["Subnets"]
    strangers = [s["SubnetId"] for s in found if s["VpcId"] != vpc_id]
    if strangers:
        raise LabError(f"Subnet(s) {', '.join(strangers)} are not in {vpc_id}: a cluster and its nodes live in one "
                       "VPC.")
    account = lab.client("sts").get_caller_identity()["Account"]
    cluster_role = cluster_role_arn or f"arn:aws:iam::{account}:role/{name}-cluster-role"
    node_role = node_role_arn or f"arn:aws:iam::{account}:role/{name}-node-role"
    created = eks.create_cluster(name=name, version=version, roleArn=cluster_role,
                                 resourcesVpcConfig={"subnetIds": subnets, "endpointPrivateAccess": True,
                                                     "endpointPublicAccess": True})["cluster"]
    delay = 30 if lab.backend == "aws" else 0.1
    eks.get_waiter("cluster_active").wait(name=name, WaiterConfig={"Delay": delay, "MaxAttempts": 60})
    nodegroup = f"{name}-nodes"
    eks.create_nodegroup(clusterName=name, nodegroupName=nodegroup, subnets=subnets, nodeRole=node_role,
                         instanceTypes=[instance_type], scalingConfig={"minSize": node_count, "maxSize": node_count,
                                                                       "desiredSize": node_count})
    eks.get_waiter("nodegroup_active").wait(clusterName=name, nodegroupName=nodegroup,
                                            WaiterConfig={"Delay": delay, "MaxAttempts": 60})
    described = eks.describe_cluster(name=name)["cluster"]
    sg = described["resourcesVpcConfig"].get("clusterSecurityGroupId")
    nodes = _nodes(ec2, name, nodegroup)
    cluster = Cluster(name, lab.region, vpc_id, created["arn"], sg, nodegroup, nodes, described.get("version", version),
                      default_service_network=default_service_network)
    clusters(lab)[name] = cluster
    return cluster


def node_instances(ec2, cluster: str, nodegroup: str) -> list[dict]:
    """The running nodes of a managed node group, found by the tags EKS puts on them."""
    found = ec2.describe_instances(Filters=[
        {"Name": "tag:eks:cluster-name", "Values": [cluster]},
        {"Name": "tag:eks:nodegroup-name", "Values": [nodegroup]},
        {"Name": "instance-state-name", "Values": ["pending", "running"]}])
    return [i for r in found["Reservations"] for i in r["Instances"]]


def _nodes(ec2, cluster: str, nodegroup: str) -> list[Node]:
    nodes = []
    for inst in sorted(node_instances(ec2, cluster, nodegroup), key=lambda i: i["InstanceId"]):
        eni = next(e for e in inst["NetworkInterfaces"] if e.get("Attachment", {}).get("DeviceIndex", 0) == 0)
        nodes.append(Node(inst["InstanceId"], inst["SubnetId"], inst["Placement"]["AvailabilityZone"],
                          eni["NetworkInterfaceId"], inst["PrivateIpAddress"]))
    return nodes


# -- pods (the VPC CNI's job) ---------------------------------------------------------------------------------
def _pod_name(deployment: str, template_hash: str, rng: random.Random) -> str:
    return f"{deployment}-{template_hash}-" + "".join(rng.choice(string.ascii_lowercase + string.digits)
                                                       for _ in range(5))


def _container_env(container: dict, pod_name: str, namespace: str, pod_ip: str, node: Node) -> dict:
    env = {}
    for item in container.get("env", []):
        if "value" in item:
            env[item["name"]] = str(item["value"])
        else:
            path = (item.get("valueFrom") or {}).get("fieldRef", {}).get("fieldPath", "")
            env[item["name"]] = {"metadata.name": pod_name, "metadata.namespace": namespace, "status.podIP": pod_ip,
                                 "spec.nodeName": node.instance_id}.get(path, "")
    env.setdefault("POD", pod_name)
    return env


def _assign_ip(lab, node: Node) -> str:
    """Ask EC2 for one more private IP on the node's interface — exactly what the VPC CNI (ipamd) does."""
    ec2 = lab.client("ec2")
    before = _eni_ips(ec2, node.eni_id)
    ec2.assign_private_ip_addresses(NetworkInterfaceId=node.eni_id, SecondaryPrivateIpAddressCount=1)
    added = [ip for ip in _eni_ips(ec2, node.eni_id) if ip not in before]
    if not added:
        raise LabError(f"The node {node.instance_id} got no pod IP: subnet {node.subnet_id} may be full.")
    return added[0]


def _eni_ips(ec2, eni_id: str) -> list[str]:
    eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"][0]
    return [a["PrivateIpAddress"] for a in eni.get("PrivateIpAddresses", [])]


def run_deployment(lab, cluster: Cluster, dep: K8sObject) -> list[Pod]:
    """(Re)create the pods of ``dep``: replicas spread over the nodes, each with a VPC IP and the demo app."""
    stop_deployment(lab, cluster, dep.namespace, dep.name)
    template = dep.spec["template"]
    labels = dict(template.get("metadata", {}).get("labels", {}))
    containers = template["spec"]["containers"]
    template_hash = secrets.token_hex(5)[:10]
    hosts = lab.shim_state.setdefault(HOSTS_KEY, {})
    pods = []
    for i in range(dep.spec.get("replicas", 1)):
        node = cluster.nodes[i % len(cluster.nodes)]
        ip = _assign_ip(lab, node)
        name = _pod_name(dep.name, template_hash, cluster.rng)
        pod = Pod(name, dep.namespace, dep.name, node, ip, labels, [], {}, image=containers[0].get("image", ""),
                  readiness=containers[0].get("readinessProbe"))
        for container in containers:
            cenv = _container_env(container, name, dep.namespace, ip, node)
            pod.env.update(cenv)
            image = container.get("image", "")
            handler = _named(apps.app_for(image, name, cenv), name)
            declared = [p["containerPort"] for p in container.get("ports", [])]
            pod.named_ports.update({p["name"]: p["containerPort"] for p in container.get("ports", []) if "name" in p})
            if apps.is_seminar_image(image):  # it binds HOST:PORT, whatever the manifest declares
                declared = [apps.listen_port(cenv)] if apps.reachable_from_outside(cenv, ip) else []
            for port in declared:
                listen(hosts, pod, port, handler)
            pod.app = pod.app or handler
        pods.append(pod)
    cluster.pods[(dep.namespace, dep.name)] = pods
    return pods


def listen(hosts: dict, pod: Pod, port: int, handler) -> None:
    """The pod answers on ``port`` (its socket, in the lab's hosts table)."""
    pod.handlers[port] = handler
    hosts[(pod.ip, port)] = handler
    if port not in pod.ports:
        pod.ports.append(port)


def listen_on_target_ports(lab, cluster: Cluster) -> None:
    """A container that declares no port still listens on one: the one its Services send traffic to.

    For a generic image we do not know that port, so we take the Service's numeric ``targetPort`` (named ports
    need a declared containerPort, as in Kubernetes).
    """
    hosts = lab.shim_state.setdefault(HOSTS_KEY, {})
    for (kind, _, _), service in list(cluster.objects.items()):
        if kind != "Service":
            continue
        selector = service.spec.get("selector", {})
        for spec in service.spec["ports"]:
            target = spec.get("targetPort", spec["port"])
            if not isinstance(target, int):
                continue
            for pod in cluster.all_pods():
                if pod.namespace != service.namespace or any(pod.labels.get(k) != v for k, v in selector.items()):
                    continue
                if pod.app is None or apps.is_seminar_image(pod.image) or _pod_ports(cluster, pod) or \
                        target in pod.handlers:
                    continue
                listen(hosts, pod, target, pod.app)


def _named(handler, pod_name: str):
    def answer(method, path, headers):
        status, body, meta = handler(method, path, headers)
        return status, body, {**meta, "pod": pod_name}
    return answer


def stop_deployment(lab, cluster: Cluster, namespace: str, name: str) -> None:
    hosts = lab.shim_state.setdefault(HOSTS_KEY, {})
    ec2 = lab.client("ec2")
    for pod in cluster.pods.pop((namespace, name), []):
        for port in pod.ports:
            hosts.pop((pod.ip, port), None)
        ec2.unassign_private_ip_addresses(NetworkInterfaceId=pod.node.eni_id, PrivateIpAddresses=[pod.ip])


def endpoints(cluster: Cluster, service: K8sObject) -> list[tuple[Pod, int]]:
    """The Service's EndpointSlice: (pod, target port) for every ready pod its selector picks."""
    selector = service.spec.get("selector", {})
    port_spec = service.spec["ports"][0]
    target = port_spec.get("targetPort", port_spec["port"])
    out = []
    for pod in cluster.all_pods():
        if pod.namespace != service.namespace or any(pod.labels.get(k) != v for k, v in selector.items()):
            continue
        port = target if isinstance(target, int) else next(
            (c["containerPort"] for c in _pod_ports(cluster, pod) if c.get("name") == target), None)
        if port is not None and pod.ready:
            out.append((pod, port))
    return out


def _pod_ports(cluster: Cluster, pod: Pod) -> list[dict]:
    dep = cluster.objects.get(("Deployment", pod.namespace, pod.deployment))
    if dep is None:
        return []
    return [p for c in dep.spec["template"]["spec"]["containers"] for p in c.get("ports", [])]


def snapshot(obj: K8sObject) -> K8sObject:
    return copy.deepcopy(obj)
