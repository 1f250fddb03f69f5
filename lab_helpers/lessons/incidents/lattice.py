"""Incidents of VPC Lattice through the Gateway API (lab 08), proven with ``lab.http`` from the client VPC.

The world is the seminar's (lab 08): an EKS cluster with the two demo apps, a Gateway that is a service network,
an HTTPRoute, and a client VPC — built under names of its own (``sn-<tag>``, ``route-<tag>``, ``eks-<tag>``) so it
never meets the lab's own seminar objects (Lattice names must be unique in an account).
"""
from __future__ import annotations

from dataclasses import dataclass

from lab_helpers.lessons import seminar
from lab_helpers.lessons.incidents import docs
from lab_helpers.lessons.incidents import world as w
from lab_helpers.lessons.incidents.engine import Case, Kind, Probe, Seeded
from lab_helpers.sim import k8s
from lab_helpers.sim.k8s.cluster import Cluster

APP_PORT = 3000  # the demo apps' container port (manifests/seminar/01-deployments.yaml)
PATHS = ("/v1/health", "/v2/health", "/v1/env?select=ROUTE")
MANIFESTS = ("01-deployments.yaml", "02-services.yaml", "03-target-group-policies.yaml", "04-gateway.yaml",
             "05-httproute.yaml")


@dataclass
class LatticeWorld:
    eks_vpc: str
    client_vpc: str
    cluster: Cluster
    network: str
    route: str
    path: str

    def url(self, lab) -> str:
        domain = k8s.kubectl_get(lab, "HTTPRoute", self.route, cluster=self.cluster.name).annotations[
            k8s.ASSIGNED_DOMAIN]
        return f"http://{domain}{self.path}"


def build(lab, rng: Seeded, kind: str, *, allow: bool = True, associate_client: bool = True) -> LatticeWorld:
    zones, tag = w.azs(lab), f"{rng.getrandbits(24):06x}"
    octet = rng.randint(20, 120)
    eks_vpc = w.vpc(lab, f"10.{octet}.0.0/16", f"eks-{tag}", kind)
    subnets = [w.subnet(lab, eks_vpc, f"10.{octet}.{n + 1}.0/24", zones[n], f"eks-{tag}-{n}", kind) for n in (0, 1)]
    client_vpc = w.vpc(lab, f"10.{octet + 100}.0.0/16", f"client-{tag}", kind)
    w.subnet(lab, client_vpc, f"10.{octet + 100}.1.0/24", zones[0], f"client-{tag}", kind)
    cluster = lab.eks_cluster(f"eks-{tag}", eks_vpc, subnets)
    network, route = f"sn-{tag}", f"route-{tag}"
    seminar.ensure_service_network(lab, network, [eks_vpc] + ([client_vpc] if associate_client else []))
    if allow:
        seminar.allow_lattice(lab, cluster.security_group_id, APP_PORT)
    for name in MANIFESTS:
        text = (seminar.manifest(name).replace("demo-sn", network).replace("demo-http-route", route)
                .replace("demo-app-", f"app-{tag}-"))  # target group names derive from these: unique per world
        lab.kubectl_apply(text, cluster=cluster.name)
    return LatticeWorld(eks_vpc, client_vpc, cluster, network, route, rng.variant_of(PATHS))


def _answers(lab, world: LatticeWorld) -> Probe:
    return Probe(f"GET {world.path} from {world.client_vpc} answers 200",
                 lambda: lab.http(world.client_vpc, world.url(lab)).status == 200)


def cluster_sg(lab, rng: Seeded) -> Case:
    kind = "lattice-cluster-sg"
    world = build(lab, rng, kind, allow=False)
    ec2, group = lab.client("ec2"), world.cluster.security_group_id
    variant = rng.variant_of(("none", "vpc-cidr", "wrong-port"))
    if variant == "vpc-cidr":
        w.allow(ec2, group, APP_PORT, ec2.describe_vpcs(VpcIds=[world.client_vpc])["Vpcs"][0]["CidrBlock"])
    elif variant == "wrong-port":
        seminar.allow_lattice(lab, group, 8080)
    return Case(
        symptom=f"Clients in {world.client_vpc} get 503 from the {world.route} service; the pods are running and "
                "the route is Accepted.",
        resources={"client_vpc": world.client_vpc, "cluster": world.cluster.name, "cluster_security_group": group,
                   "route": world.route, "path": world.path},
        symptom_probe=_answers(lab, world), healthy=[],
        fix=lambda: seminar.allow_lattice(lab, group, APP_PORT),
        hints=("lab.http(client_vpc, url) and read the last hops; list_targets on the target group: what health?",
               f"Which sources does {group} (the cluster security group) allow, on which port? A flow log on the "
               f"cluster VPC {world.eks_vpc} (ec2.create_flow_logs) shows what the nodes drop: send one more "
               "lab.http, then flowlogs.talkers(flowlogs.read(lab, log_group=...), action='REJECT').",
               f"Allow tcp {APP_PORT} from the VPC Lattice managed prefix list (com.amazonaws.<region>.vpc-lattice)."),
        fault=f"The cluster security group {group} does not admit Lattice ({variant}): traffic and health checks "
              "come from Lattice's link-local range, not from the client VPC.",
        rule="Targets' security groups must allow inbound traffic from the VPC Lattice managed prefix list.",
        doc=docs.LATTICE_SECURITY_GROUPS, vpcs=[world.eks_vpc, world.client_vpc])


def vpc_not_associated(lab, rng: Seeded) -> Case:
    kind = "lattice-vpc-not-associated"
    world = build(lab, rng, kind, associate_client=False)
    lattice = lab.client("vpc-lattice")
    network_id = next(n["id"] for n in lattice.list_service_networks()["items"] if n["name"] == world.network)
    return Case(
        symptom=f"A new client VPC {world.client_vpc} gets no answer at all from {world.route}'s DNS name; the "
                "cluster's own VPC is fine.",
        resources={"client_vpc": world.client_vpc, "service_network": world.network, "route": world.route,
                   "path": world.path},
        symptom_probe=_answers(lab, world), healthy=[],
        fix=lambda: lattice.create_service_network_vpc_association(serviceNetworkIdentifier=network_id,
                                                                   vpcIdentifier=world.client_vpc),
        hints=("lab.http(client_vpc, url): where does the request stop?",
               f"list_service_network_vpc_associations for {world.client_vpc}.",
               f"Associate {world.client_vpc} with the service network {world.network}."),
        fault=f"{world.client_vpc} is not associated with the service network {world.network}.",
        rule="Clients reach Lattice services only from VPCs associated with the service network.",
        doc=docs.LATTICE_VPC_ASSOCIATIONS, vpcs=[world.eks_vpc, world.client_vpc])


KINDS = [
    Kind("lattice-cluster-sg", "08", "Cluster security group without the Lattice prefix list", "medium", cluster_sg),
    Kind("lattice-vpc-not-associated", "08", "Client VPC not associated with the service network", "easy",
         vpc_not_associated),
]
