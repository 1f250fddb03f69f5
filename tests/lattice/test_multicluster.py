"""Multi-cluster (issue 14, item 3): a ServiceExport in one EKS cluster, a ServiceImport + HTTPRoute in another,
and traffic from a third VPC crossing one service network to the exporting cluster's pods."""
from __future__ import annotations

import ipaddress

from lattice_world import ROOT, make_vpc

from lab_helpers.lessons import seminar
from lab_helpers.sim import k8s as lattice
from lab_helpers.sim.k8s.conditions import condition

EXPORT = seminar.manifest("export.yaml", folder="multicluster")  # the files lab 08 applies
IMPORT = seminar.manifest("import.yaml", folder="multicluster")


def second_cluster(world):
    lab = world.lab
    vpc, subnets = make_vpc(lab.client("ec2"), "10.4.0.0/16", [("10.4.1.0/24", "ap-northeast-2a"),
                                                                 ("10.4.2.0/24", "ap-northeast-2c")])
    lab.client("vpc-lattice").create_service_network_vpc_association(serviceNetworkIdentifier=world.network["id"],
                                                                     vpcIdentifier=vpc)
    lab.eks_cluster("eks-two", vpc, subnets)
    lab.kubectl_apply(str(ROOT / "lab_helpers/data/manifests/seminar/04-gateway.yaml"), cluster="eks-two")
    return vpc


def test_export_in_one_cluster_import_in_another(world):
    lab = world.lab
    second_cluster(world)
    lab.kubectl_apply(EXPORT, cluster="eks-demo")
    lab.kubectl_apply(IMPORT, cluster="eks-two")
    cross = lattice.kubectl_get(lab, "HTTPRoute", "cross-cluster", cluster="eks-two")
    assert condition(cross, "ResolvedRefs")["status"] == "True"
    r = lab.http(world.client_vpc, f"http://{cross.annotations[lattice.ASSIGNED_DOMAIN]}/v1/health")
    assert r.status == 200, str(r)
    pod_ips = {p.ip for p in lattice.kubectl_get(lab, "pods", cluster="eks-demo")}
    assert any(ip in r.hops[-1].detail for ip in pod_ips)  # answered by the exporting cluster's pod
    assert ipaddress.ip_address(next(iter(pod_ips))) in ipaddress.ip_network("10.1.0.0/16")


def test_import_before_export_resolves_once_the_export_exists(world):
    lab = world.lab
    second_cluster(world)
    lab.kubectl_apply(IMPORT, cluster="eks-two")
    cross = lattice.kubectl_get(lab, "HTTPRoute", "cross-cluster", cluster="eks-two")
    assert condition(cross, "ResolvedRefs")["reason"] == "BackendNotFound"
    lab.kubectl_apply(EXPORT, cluster="eks-demo")  # the importing cluster's controller sees the new target group
    cross = lattice.kubectl_get(lab, "HTTPRoute", "cross-cluster", cluster="eks-two")
    assert condition(cross, "ResolvedRefs")["status"] == "True"
