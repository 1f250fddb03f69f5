"""The seminar's world (two VPCs, a cluster, demo-sn, the manifests) built through the real APIs, for tests."""
from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

from lab_helpers.sim import k8s as lattice

ROOT = Path(__file__).resolve().parents[2]
SEMINAR = sorted(glob.glob(str(ROOT / "lab_helpers" / "data" / "manifests" / "seminar" / "0[1-5]-*.yaml")))


@dataclass
class World:
    lab: object
    eks_vpc: str
    client_vpc: str
    other_vpc: str
    cluster: object
    network: dict

    @property
    def domain(self) -> str:
        return lattice.kubectl_get(self.lab, "HTTPRoute", "demo-http-route").annotations[lattice.ASSIGNED_DOMAIN]

    def get(self, path: str, **kw):
        return self.lab.http(self.client_vpc, f"http://{self.domain}{path}", **kw)


def make_vpc(ec2, cidr: str, subnets: list[tuple[str, str]]):
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):  # private hosted zones need both (AWS docs: phz-considerations)
        ec2.modify_vpc_attribute(VpcId=vpc, **{attribute: {"Value": True}})
    ids = [ec2.create_subnet(VpcId=vpc, CidrBlock=c, AvailabilityZone=az)["Subnet"]["SubnetId"] for c, az in subnets]
    return vpc, ids


def allow_lattice(lab, group_id: str, port: int = 3000) -> None:
    pl = lattice.lattice_prefix_list(lab)
    lab.client("ec2").authorize_security_group_ingress(GroupId=group_id, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": port, "ToPort": port,
        "PrefixListIds": [{"PrefixListId": pl["PrefixListId"]}]}])


def build_world(lab, manifests=SEMINAR, fix_sg=True) -> World:
    ec2 = lab.client("ec2")
    eks_vpc, subnets = make_vpc(ec2, "10.1.0.0/16", [("10.1.1.0/24", "ap-northeast-2a"),
                                                     ("10.1.2.0/24", "ap-northeast-2c")])
    client_vpc, _ = make_vpc(ec2, "10.2.0.0/16", [("10.2.1.0/24", "ap-northeast-2a")])
    other_vpc, _ = make_vpc(ec2, "10.3.0.0/16", [("10.3.1.0/24", "ap-northeast-2a")])
    cluster = lab.eks_cluster("eks-demo", eks_vpc, subnets)
    lat = lab.client("vpc-lattice")
    net = lat.create_service_network(name="demo-sn")
    for vpc in (eks_vpc, client_vpc):
        lat.create_service_network_vpc_association(serviceNetworkIdentifier=net["id"], vpcIdentifier=vpc)
    if fix_sg:
        allow_lattice(lab, cluster.security_group_id)
    for path in manifests:
        lab.kubectl_apply(path, cluster="eks-demo")
    return World(lab, eks_vpc, client_vpc, other_vpc, cluster, net)

