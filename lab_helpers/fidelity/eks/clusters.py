"""EKS shims: what ``CreateCluster`` and ``CreateNodegroup`` do in AWS that moto 5.2.5 skips.

* AWS creates a **cluster security group** for every cluster (``eks-cluster-sg-<name>-<digits>``, inbound all
  traffic from itself, outbound all) and returns it as ``resourcesVpcConfig.clusterSecurityGroupId``. Managed nodes,
  and so every pod on them (VPC CNI pods share the node's primary interface groups), carry it. moto creates none.
* A managed node group launches EC2 instances in its subnets (through an Auto Scaling group) tagged
  ``eks:cluster-name`` / ``eks:nodegroup-name``; moto launches none. We launch them, spread over the subnets.
* Deleting the node group terminates its nodes; deleting the cluster deletes its cluster security group.
"""
from __future__ import annotations

import secrets

from lab_helpers.fidelity.base import Shim, request_region
from lab_helpers.sim.k8s.cluster import node_instances

STORE = __name__  # shim-state key: this module owns its served state
CLUSTER_SG_DESCRIPTION = ("EKS created security group applied to ENI that is attached to EKS Control Plane master "
                          "nodes, as well as any managed workloads.")
NODE_IMAGE = "ami-12c6146b"  # any image: the sandbox runs no OS; AWS would pick the EKS-optimized AMI



def _clusters(ctx, region):
    return ctx.store(STORE).setdefault(region, {})


def create_cluster_sg(parsed, ctx, params=None, context=None, **_):
    cluster = parsed["cluster"]
    region = request_region(context)
    ec2 = ctx.raw_client("ec2", region)
    subnets = cluster.get("resourcesVpcConfig", {}).get("subnetIds", [])
    if not subnets:
        return
    vpc_id = ec2.describe_subnets(SubnetIds=subnets[:1])["Subnets"][0]["VpcId"]
    name = cluster["name"]
    sg = ec2.create_security_group(
        GroupName=f"eks-cluster-sg-{name}-{secrets.randbelow(10**10):010d}", Description=CLUSTER_SG_DESCRIPTION,
        VpcId=vpc_id, TagSpecifications=[{"ResourceType": "security-group", "Tags": [
            {"Key": f"kubernetes.io/cluster/{name}", "Value": "owned"}, {"Key": "aws:eks:cluster-name", "Value": name},
            {"Key": "Name", "Value": f"eks-cluster-sg-{name}"}]}])["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": sg, "Description": "Allow all from the cluster SG"}]}])
    _clusters(ctx, region)[name] = {"clusterSecurityGroupId": sg, "vpcId": vpc_id}
    _fill(cluster, ctx, region)


def _fill(cluster: dict, ctx, region: str) -> None:
    known = _clusters(ctx, region).get(cluster.get("name"))
    if known:
        cfg = cluster.setdefault("resourcesVpcConfig", {})
        cfg.setdefault("clusterSecurityGroupId", known["clusterSecurityGroupId"])
        cfg.setdefault("vpcId", known["vpcId"])


def describe_cluster(parsed, ctx, params=None, context=None, **_):
    _fill(parsed["cluster"], ctx, request_region(context))


def launch_nodes(parsed, ctx, params=None, context=None, **_):
    group = parsed["nodegroup"]
    region = request_region(context)
    known = _clusters(ctx, region).get(group["clusterName"], {})
    ec2 = ctx.raw_client("ec2", region)
    size = group.get("scalingConfig", {}).get("desiredSize", 2)
    subnets = group.get("subnets", [])
    itype = (group.get("instanceTypes") or ["t3.medium"])[0]
    groups = [known["clusterSecurityGroupId"]] if known else []
    for i in range(size):
        ec2.run_instances(
            ImageId=NODE_IMAGE, MinCount=1, MaxCount=1, InstanceType=itype, SubnetId=subnets[i % len(subnets)],
            SecurityGroupIds=groups, TagSpecifications=[{"ResourceType": "instance", "Tags": [
                {"Key": "eks:cluster-name", "Value": group["clusterName"]},
                {"Key": "eks:nodegroup-name", "Value": group["nodegroupName"]},
                {"Key": f"kubernetes.io/cluster/{group['clusterName']}", "Value": "owned"},
                {"Key": "Name", "Value": f"{group['clusterName']}-{group['nodegroupName']}-node"}]}])


def terminate_nodes(parsed, ctx, params=None, context=None, **_):
    group = parsed["nodegroup"]
    ec2 = ctx.raw_client("ec2", request_region(context))
    ids = [i["InstanceId"] for i in node_instances(ec2, group["clusterName"], group["nodegroupName"])]
    if ids:
        ec2.terminate_instances(InstanceIds=ids)


def delete_cluster_sg(parsed, ctx, params=None, context=None, **_):
    region = request_region(context)
    known = _clusters(ctx, region).pop(parsed["cluster"]["name"], None)
    if not known:
        return
    ec2 = ctx.raw_client("ec2", region)
    sg = known["clusterSecurityGroupId"]
    found = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"]
    if found and found[0].get("IpPermissions"):
        ec2.revoke_security_group_ingress(GroupId=sg, IpPermissions=found[0]["IpPermissions"])
    # Other groups may still reference it (the lab's own rules): AWS would fail the same way; teardown reports it.
    try:
        ec2.delete_security_group(GroupId=sg)
    except Exception:  # noqa: BLE001 - the VPC teardown reports a group it cannot delete
        pass


SHIMS = [
    Shim("eks", "CreateCluster", "result", "EKS creates a cluster security group (clusterSecurityGroupId)",
         create_cluster_sg),
    Shim("eks", "DescribeCluster", "result", "describe_cluster returns resourcesVpcConfig.clusterSecurityGroupId",
         describe_cluster),
    Shim("eks", "CreateNodegroup", "result", "A managed node group launches EC2 nodes in its subnets", launch_nodes),
    Shim("eks", "DeleteNodegroup", "result", "Deleting a node group terminates its nodes", terminate_nodes),
    Shim("eks", "DeleteCluster", "result", "Deleting a cluster deletes its cluster security group",
         delete_cluster_sg),
]
