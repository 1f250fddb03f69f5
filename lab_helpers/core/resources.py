"""The kinds of AWS resource a lab can create: how to find the id in a create response, how to tag it at
creation, and how (and in which order) to delete it.

One table drives three things — the ledger (what was created), live-mode tagging, and teardown order — so adding
a kind in one place makes all three work. ``order`` is the teardown order: lower numbers are deleted first, because
dependents must go before what they depend on (instances before subnets, attachments before transit gateways…).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Optional

RUN_TAG = "vpclab:run"
LAB_TAG = "vpclab:lab"


@dataclass(frozen=True)
class Kind:
    name: str
    service: str
    create_op: str
    id_path: tuple  # keys into the create response; "*" maps over a list
    order: int
    delete: Callable  # delete(client, resource_id, raw_client) -> None
    ec2_type: Optional[str] = None  # the TagSpecifications ResourceType, for EC2 kinds
    ec2_prefix: Optional[str] = None  # id prefix, to map a tagged EC2 id back to its kind in a sweep
    id_param: Optional[str] = None  # for kinds whose id is the caller's own name (S3 buckets)


def _ec2(name, op, path, order, prefix, delete, ec2_type=None):
    return Kind(name, "ec2", op, path, order, delete, ec2_type or name, prefix)


def _wait(client, waiter, **kw):
    client.get_waiter(waiter).wait(**kw, WaiterConfig={"Delay": 5, "MaxAttempts": 120})


def _terminate(ec2, iid, raw):
    ec2.terminate_instances(InstanceIds=[iid])
    _wait(ec2, "instance_terminated", InstanceIds=[iid])


def _delete_nat(ec2, nid, raw):
    ec2.delete_nat_gateway(NatGatewayId=nid)
    _wait(ec2, "nat_gateway_deleted", NatGatewayIds=[nid])


def _delete_igw(ec2, igw, raw):
    found = ec2.describe_internet_gateways(InternetGatewayIds=[igw])["InternetGateways"]
    for att in found[0].get("Attachments", []) if found else []:
        ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=att["VpcId"])
    ec2.delete_internet_gateway(InternetGatewayId=igw)


def _delete_route_table(ec2, rtb, raw):
    table = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]
    for assoc in table.get("Associations", []):
        if assoc.get("Main"):
            return  # the main route table goes with its VPC
        if assoc.get("RouteTableAssociationId"):
            ec2.disassociate_route_table(AssociationId=assoc["RouteTableAssociationId"])
    ec2.delete_route_table(RouteTableId=rtb)


def _delete_sg(ec2, sg, raw):
    group = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]
    if group["GroupName"] == "default":
        return  # AWS refuses (Client.CannotDelete); it goes with its VPC
    # Rules that reference other groups would block their deletion; drop ours first.
    if group.get("IpPermissions"):
        ec2.revoke_security_group_ingress(GroupId=sg, IpPermissions=group["IpPermissions"])
    if group.get("IpPermissionsEgress"):
        ec2.revoke_security_group_egress(GroupId=sg, IpPermissions=group["IpPermissionsEgress"])
    ec2.delete_security_group(GroupId=sg)


def _delete_nacl(ec2, acl, raw):
    found = ec2.describe_network_acls(NetworkAclIds=[acl])["NetworkAcls"]
    if not found or found[0].get("IsDefault"):
        return
    # An ACL still associated with subnets cannot be deleted. AWS drops the association when a subnet is deleted;
    # moto keeps it, and a subnet that outlived the lab keeps its. Either way: hand them back to the default ACL.
    associations = found[0].get("Associations", [])
    if associations:
        default = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [found[0]["VpcId"]]},
                                                     {"Name": "default", "Values": ["true"]}])["NetworkAcls"]
        for assoc in associations if default else []:
            ec2.replace_network_acl_association(AssociationId=assoc["NetworkAclAssociationId"],
                                                NetworkAclId=default[0]["NetworkAclId"])
    ec2.delete_network_acl(NetworkAclId=acl)


def _delete_tgw_attachment(ec2, att, raw):
    found = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[att])
    kind = found["TransitGatewayAttachments"][0]["ResourceType"] if found["TransitGatewayAttachments"] else "vpc"
    if kind == "peering":
        ec2.delete_transit_gateway_peering_attachment(TransitGatewayAttachmentId=att)
    else:
        ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att)


def _delete_hosted_zone(r53, zone_id, raw):
    zone_id = zone_id.split("/")[-1]
    records = r53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    changes = [{"Action": "DELETE", "ResourceRecordSet": r} for r in records if r["Type"] not in ("SOA", "NS")]
    if changes:
        r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": changes})
    r53.delete_hosted_zone(Id=zone_id)


def _disassociate_resolver_rule(rr, assoc_id, raw):
    assoc = rr.get_resolver_rule_association(ResolverRuleAssociationId=assoc_id)["ResolverRuleAssociation"]
    rr.disassociate_resolver_rule(ResolverRuleId=assoc["ResolverRuleId"], VPCId=assoc["VPCId"])


def _delete_bucket(s3, bucket, raw):
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys})
    s3.delete_bucket(Bucket=bucket)


def _delete_lattice_listener(lattice, arn, raw):
    # arn:aws:vpc-lattice:<region>:<account>:service/<svc-id>/listener/<listener-id>
    parts = arn.split(":")[-1].split("/")
    lattice.delete_listener(serviceIdentifier=parts[1], listenerIdentifier=parts[3])


def _delete_lattice_rule(lattice, arn, raw):
    # .../service/<svc-id>/listener/<listener-id>/rule/<rule-id>
    parts = arn.split(":")[-1].split("/")
    lattice.delete_rule(serviceIdentifier=parts[1], listenerIdentifier=parts[3], ruleIdentifier=parts[5])


def _call(method, **fixed):
    """A delete that is one API call taking the id as ``param``."""
    param = fixed.pop("param")
    return lambda client, rid, raw: getattr(client, method)(**{param: rid}, **fixed)


KINDS: tuple[Kind, ...] = (
    Kind("network-insights-analysis", "ec2", "StartNetworkInsightsAnalysis",
         ("NetworkInsightsAnalysis", "NetworkInsightsAnalysisId"), 5,
         _call("delete_network_insights_analysis", param="NetworkInsightsAnalysisId"), "network-insights-analysis",
         "nia-"),
    _ec2("network-insights-path", "CreateNetworkInsightsPath", ("NetworkInsightsPath", "NetworkInsightsPathId"), 6,
         "nip-", _call("delete_network_insights_path", param="NetworkInsightsPathId")),
    Kind("eks-nodegroup", "eks", "CreateNodegroup", ("nodegroup", "nodegroupArn"), 8,
         lambda c, arn, raw: c.delete_nodegroup(clusterName=arn.split("/")[1], nodegroupName=arn.split("/")[2])),
    Kind("eks-cluster", "eks", "CreateCluster", ("cluster", "name"), 9, _call("delete_cluster", param="name")),
    # VPC Lattice: associations first, then rules and listeners, services, target groups, and networks last
    # (AWS refuses to delete a network with associations or a target group a rule still uses).
    Kind("lattice-service-association", "vpc-lattice", "CreateServiceNetworkServiceAssociation", ("arn",), 10,
         _call("delete_service_network_service_association", param="serviceNetworkServiceAssociationIdentifier")),
    Kind("lattice-vpc-association", "vpc-lattice", "CreateServiceNetworkVpcAssociation", ("arn",), 11,
         _call("delete_service_network_vpc_association", param="serviceNetworkVpcAssociationIdentifier")),
    Kind("lattice-rule", "vpc-lattice", "CreateRule", ("arn",), 12, _delete_lattice_rule),
    Kind("lattice-listener", "vpc-lattice", "CreateListener", ("arn",), 13, _delete_lattice_listener),
    Kind("lattice-service", "vpc-lattice", "CreateService", ("arn",), 14,
         _call("delete_service", param="serviceIdentifier")),
    Kind("lattice-target-group", "vpc-lattice", "CreateTargetGroup", ("arn",), 15,
         _call("delete_target_group", param="targetGroupIdentifier")),
    Kind("lattice-service-network", "vpc-lattice", "CreateServiceNetwork", ("arn",), 16,
         _call("delete_service_network", param="serviceNetworkIdentifier")),
    _ec2("instance", "RunInstances", ("Instances", "*", "InstanceId"), 20, "i-", _terminate),
    Kind("load-balancer", "elbv2", "CreateLoadBalancer", ("LoadBalancers", "*", "LoadBalancerArn"), 25,
         _call("delete_load_balancer", param="LoadBalancerArn")),
    Kind("target-group", "elbv2", "CreateTargetGroup", ("TargetGroups", "*", "TargetGroupArn"), 26,
         _call("delete_target_group", param="TargetGroupArn")),
    Kind("resolver-rule-association", "route53resolver", "AssociateResolverRule",
         ("ResolverRuleAssociation", "Id"), 27, _disassociate_resolver_rule),
    Kind("resolver-rule", "route53resolver", "CreateResolverRule", ("ResolverRule", "Id"), 28,
         _call("delete_resolver_rule", param="ResolverRuleId")),
    Kind("resolver-endpoint", "route53resolver", "CreateResolverEndpoint", ("ResolverEndpoint", "Id"), 29,
         _call("delete_resolver_endpoint", param="ResolverEndpointId")),
    _ec2("natgateway", "CreateNatGateway", ("NatGateway", "NatGatewayId"), 30, "nat-", _delete_nat),
    # Flow logs go before the VPCs, subnets and interfaces they watch; a VPC with a flow log cannot be deleted.
    _ec2("vpc-flow-log", "CreateFlowLogs", ("FlowLogIds", "*"), 31, "fl-",
         lambda c, rid, raw: c.delete_flow_logs(FlowLogIds=[rid])),
    _ec2("vpc-endpoint", "CreateVpcEndpoint", ("VpcEndpoint", "VpcEndpointId"), 32, "vpce-",
         lambda c, rid, raw: c.delete_vpc_endpoints(VpcEndpointIds=[rid])),
    _ec2("vpc-endpoint-service", "CreateVpcEndpointServiceConfiguration", ("ServiceConfiguration", "ServiceId"), 33,
         "vpce-svc-", lambda c, rid, raw: c.delete_vpc_endpoint_service_configurations(ServiceIds=[rid])),
    _ec2("transit-gateway-attachment", "CreateTransitGatewayVpcAttachment",
         ("TransitGatewayVpcAttachment", "TransitGatewayAttachmentId"), 35, "tgw-attach-", _delete_tgw_attachment),
    _ec2("transit-gateway-peering-attachment", "CreateTransitGatewayPeeringAttachment",
         ("TransitGatewayPeeringAttachment", "TransitGatewayAttachmentId"), 35, None, _delete_tgw_attachment,
         ec2_type="transit-gateway-attachment"),
    _ec2("transit-gateway-route-table", "CreateTransitGatewayRouteTable",
         ("TransitGatewayRouteTable", "TransitGatewayRouteTableId"), 36, "tgw-rtb-",
         _call("delete_transit_gateway_route_table", param="TransitGatewayRouteTableId")),
    _ec2("transit-gateway", "CreateTransitGateway", ("TransitGateway", "TransitGatewayId"), 37, "tgw-",
         _call("delete_transit_gateway", param="TransitGatewayId")),
    _ec2("vpc-peering-connection", "CreateVpcPeeringConnection",
         ("VpcPeeringConnection", "VpcPeeringConnectionId"), 40, "pcx-",
         _call("delete_vpc_peering_connection", param="VpcPeeringConnectionId")),
    _ec2("network-interface", "CreateNetworkInterface", ("NetworkInterface", "NetworkInterfaceId"), 45, "eni-",
         _call("delete_network_interface", param="NetworkInterfaceId")),
    _ec2("elastic-ip", "AllocateAddress", ("AllocationId",), 47, "eipalloc-",
         _call("release_address", param="AllocationId")),
    _ec2("internet-gateway", "CreateInternetGateway", ("InternetGateway", "InternetGatewayId"), 50, "igw-",
         _delete_igw),
    _ec2("egress-only-internet-gateway", "CreateEgressOnlyInternetGateway",
         ("EgressOnlyInternetGateway", "EgressOnlyInternetGatewayId"), 51, "eigw-",
         _call("delete_egress_only_internet_gateway", param="EgressOnlyInternetGatewayId")),
    _ec2("subnet", "CreateSubnet", ("Subnet", "SubnetId"), 55, "subnet-", _call("delete_subnet", param="SubnetId")),
    _ec2("route-table", "CreateRouteTable", ("RouteTable", "RouteTableId"), 57, "rtb-", _delete_route_table),
    _ec2("network-acl", "CreateNetworkAcl", ("NetworkAcl", "NetworkAclId"), 58, "acl-", _delete_nacl),
    _ec2("security-group", "CreateSecurityGroup", ("GroupId",), 60, "sg-", _delete_sg),
    _ec2("prefix-list", "CreateManagedPrefixList", ("PrefixList", "PrefixListId"), 62, "pl-",
         _call("delete_managed_prefix_list", param="PrefixListId")),
    Kind("hosted-zone", "route53", "CreateHostedZone", ("HostedZone", "Id"), 65, _delete_hosted_zone),
    _ec2("vpc", "CreateVpc", ("Vpc", "VpcId"), 70, "vpc-", _call("delete_vpc", param="VpcId")),
    _ec2("placement-group", "CreatePlacementGroup", ("PlacementGroup", "GroupName"), 80, None,
         _call("delete_placement_group", param="GroupName")),
    _ec2("key-pair", "CreateKeyPair", ("KeyPairId",), 80, "key-",
         _call("delete_key_pair", param="KeyPairId")),
    Kind("s3-bucket", "s3", "CreateBucket", (), 85, _delete_bucket, id_param="Bucket"),
    Kind("log-group", "logs", "CreateLogGroup", (), 86, _call("delete_log_group", param="logGroupName"),
         id_param="logGroupName"),
)

BY_OPERATION = {(k.service, k.create_op): k for k in KINDS}
# Longest prefix first, so "tgw-attach-" wins over "tgw-" and "vpce-svc-" over "vpce-".
_EC2_PREFIXES = sorted(((k.ec2_prefix, k) for k in KINDS if k.ec2_prefix), key=lambda pk: -len(pk[0]))


def ec2_kind_of(resource_id: str) -> Optional[Kind]:
    """The kind of an EC2 id, by its prefix (describe_tags' ResourceType differs between AWS and moto)."""
    return next((k for prefix, k in _EC2_PREFIXES if resource_id.startswith(prefix)), None)


def ids_in(response: dict, path: tuple, params: Optional[dict] = None, kind: Optional[Kind] = None) -> list[str]:
    """Follow ``path`` through a create response; ``"*"`` fans out over a list."""
    if kind is not None and kind.id_param:
        return [params[kind.id_param]] if params and kind.id_param in params else []
    values: list[Any] = [response]
    for key in path:
        nxt: list[Any] = []
        for v in values:
            if key == "*":
                nxt.extend(v or [])
            elif isinstance(v, dict) and key in v:
                nxt.append(v[key])
        values = nxt
    return [v for v in values if isinstance(v, str)]
