"""EKS fidelity: the cluster security group, node groups that launch (and terminate) EC2 nodes."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from lattice_world import make_vpc

from lab_helpers.errors import LiveModeRefused
from lab_helpers.fidelity.eks.clusters import node_instances
from lab_helpers.sim.k8s.cluster import refuse_real_account


def test_cluster_security_group_and_nodes(lab):
    ec2, eks = lab.client("ec2"), lab.client("eks")
    vpc, subnets = make_vpc(ec2, "10.1.0.0/16",
                            [("10.1.1.0/24", "ap-northeast-2a"), ("10.1.2.0/24", "ap-northeast-2c")])
    cluster = lab.eks_cluster("c1", vpc, subnets, node_count=3)
    cfg = eks.describe_cluster(name="c1")["cluster"]["resourcesVpcConfig"]
    sg = cfg["clusterSecurityGroupId"]
    assert sg == cluster.security_group_id and cfg["vpcId"] == vpc
    group = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]
    assert group["GroupName"].startswith("eks-cluster-sg-c1-") and group["VpcId"] == vpc
    assert group["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"] == sg  # all traffic from itself only
    nodes = node_instances(ec2, "c1", "c1-nodes")
    assert len(nodes) == 3 and {n["SubnetId"] for n in nodes} == set(subnets)
    assert all(sg in [g["GroupId"] for g in n["SecurityGroups"]] for n in nodes)
    eks.delete_nodegroup(clusterName="c1", nodegroupName="c1-nodes")
    assert node_instances(ec2, "c1", "c1-nodes") == []
    eks.delete_cluster(name="c1")
    assert not ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": [sg]}])["SecurityGroups"]


def test_subnets_of_another_vpc_are_refused(lab):
    ec2 = lab.client("ec2")
    vpc, _ = make_vpc(ec2, "10.1.0.0/16", [])
    _, other = make_vpc(ec2, "10.2.0.0/16", [("10.2.1.0/24", "ap-northeast-2a")])
    import pytest

    with pytest.raises(Exception, match="not in"):
        lab.eks_cluster("c2", vpc, other)


def test_the_model_refuses_a_real_aws_endpoint():
    """Live mode against AWS itself: stop with what to install, before a billed cluster or a modelled target."""
    with pytest.raises(LiveModeRefused, match="install eksctl, kubectl and helm"):
        refuse_real_account(SimpleNamespace(mode="live", backend="aws"))
    refuse_real_account(SimpleNamespace(mode="live", backend="moto"))  # the loopback emulator of the live tests
    refuse_real_account(SimpleNamespace(mode="sandbox", backend="moto"))
