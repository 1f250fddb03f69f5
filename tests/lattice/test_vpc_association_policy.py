"""VpcAssociationPolicy: security groups on the VPC association, and lab.http enforcing their inbound rules."""
from __future__ import annotations

import pytest
from botocore.exceptions import ParamValidationError
from lattice_world import build_world

from lab_helpers.errors import LabInputError, ManifestError
from lab_helpers.sim import k8s as lattice

POLICY = """
apiVersion: application-networking.k8s.aws/v1alpha1
kind: VpcAssociationPolicy
metadata: {name: demo-sn-sgs}
spec:
  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: demo-sn}
  securityGroupIds: [SG]
"""


def _association(world, vpc):
    lat = world.lab.client("vpc-lattice")
    aid = lat.list_service_network_vpc_associations(vpcIdentifier=vpc)["items"][0]["id"]
    return lat.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=aid)


def _group(world, cidr: str) -> str:
    ec2 = world.lab.client("ec2")
    sg = ec2.create_security_group(GroupName=f"sn-assoc-{cidr.replace('/', '-')}", Description="who may reach demo-sn",
                                   VpcId=world.eks_vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": cidr}]}])
    return sg


def test_policy_puts_security_groups_on_the_cluster_vpc_association(world):
    sg = _group(world, "10.1.1.0/24")
    world.lab.kubectl_apply(POLICY.replace("SG", sg), cluster="eks-demo")
    assert _association(world, world.eks_vpc)["securityGroupIds"] == [sg]
    assert world.lab.kubectl_get("VpcAssociationPolicy", "demo-sn-sgs").status["conditions"][0]["status"] == "True"
    assert _association(world, world.client_vpc)["securityGroupIds"] == []  # only the cluster's VPC


def test_http_from_a_client_the_sg_does_not_allow_is_refused_naming_the_sg(world):
    sg = _group(world, "10.1.1.0/24")
    world.lab.kubectl_apply(POLICY.replace("SG", sg), cluster="eks-demo")
    url = f"http://{world.domain}/v1/health"
    denied = world.lab.http(world.eks_vpc, url, source="10.1.2.9")
    assert denied.status is None and not denied.hops[-1].ok and sg in denied.hops[-1].detail
    allowed = world.lab.http(world.eks_vpc, url, source="10.1.1.9")
    assert allowed.status == 200 and any(h.step == "VPC association" and sg in h.detail for h in allowed.hops)
    with pytest.raises(LabInputError, match="source="):
        world.lab.http(world.eks_vpc, url)
    assert world.lab.http(world.client_vpc, url).status == 200  # the client VPC's association has no groups


def test_deleting_the_policy_reassociates_without_groups(world):
    sg = _group(world, "10.1.1.0/24")
    world.lab.kubectl_apply(POLICY.replace("SG", sg), cluster="eks-demo")
    lattice.kubectl_delete(world.lab, "VpcAssociationPolicy", "demo-sn-sgs", cluster="eks-demo")
    assert _association(world, world.eks_vpc)["securityGroupIds"] == []
    assert world.lab.http(world.eks_vpc, f"http://{world.domain}/v1/health").status == 200


def test_served_update_sets_groups_and_botocore_keeps_one_to_five(world):
    lat = world.lab.client("vpc-lattice")
    aid = _association(world, world.eks_vpc)["id"]
    sg = _group(world, "10.1.1.0/24")
    lat.update_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=aid, securityGroupIds=[sg])
    assert _association(world, world.eks_vpc)["securityGroupIds"] == [sg]
    with pytest.raises(ParamValidationError):  # at least one group: botocore checks it before sending
        lat.update_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=aid, securityGroupIds=[])
    with pytest.raises(lat.exceptions.ValidationException, match="At most 5"):
        lat.update_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=aid,
                                                   securityGroupIds=[sg] * 6)


def test_policy_on_a_route_or_with_a_bad_group_id_is_refused(lab):
    build_world(lab)
    with pytest.raises(ManifestError, match="must be Gateway"):
        lab.kubectl_apply(POLICY.replace("kind: Gateway", "kind: HTTPRoute").replace("SG", "sg-0123456789abcdef0"),
                          cluster="eks-demo")
    with pytest.raises(ManifestError, match="not a security group id"):
        lab.kubectl_apply(POLICY.replace("SG", "default"), cluster="eks-demo")
