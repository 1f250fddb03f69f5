"""Reference solutions for lab 08 (EKS and VPC Lattice). One function per exercise."""
from __future__ import annotations

import json


def create_service_network_and_associate(lattice_api, name, vpc_ids):
    network = lattice_api.create_service_network(name=name, authType="NONE")
    for vpc_id in vpc_ids:
        lattice_api.create_service_network_vpc_association(serviceNetworkIdentifier=network["id"],
                                                           vpcIdentifier=vpc_id)
    return network["id"]


def allow_lattice_prefix_lists(ec2, group_id, region, port):
    names = [f"com.amazonaws.{region}.vpc-lattice", f"com.amazonaws.{region}.ipv6.vpc-lattice"]
    found = ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": names}])["PrefixLists"]
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": port, "ToPort": port,
        "PrefixListIds": [{"PrefixListId": pl["PrefixListId"], "Description": "VPC Lattice"} for pl in found]}])


def point_api_at(route53, zone_name, record, target):
    zones = route53.list_hosted_zones_by_name(DNSName=zone_name)["HostedZones"]
    zone = next(z for z in zones if z["Name"].rstrip(".") == zone_name and z["Config"]["PrivateZone"])
    zone_id = zone["Id"].split("/")[-1]
    route53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {"Name": record, "Type": "CNAME", "TTL": 300,
                                                  "ResourceRecords": [{"Value": target}]}}]})
    return zone_id


def iam_auth_policy(principal_arn, service_arn):
    policy = {"Version": "2012-10-17", "Statement": [{
        "Sid": "OnlyClientApp", "Effect": "Allow", "Principal": {"AWS": principal_arn},
        "Action": "vpc-lattice-svcs:Invoke", "Resource": f"{service_arn}/*"}]}
    return {"apiVersion": "application-networking.k8s.aws/v1alpha1", "kind": "IAMAuthPolicy",
            "metadata": {"name": "demo-auth", "namespace": "default"},
            "spec": {"targetRef": {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute",
                                   "name": "demo-http-route"},
                     "policy": json.dumps(policy)}}


def _rule(prefix, backends):
    return {"matches": [{"path": {"type": "PathPrefix", "value": prefix}}],
            "backendRefs": [{"name": name, "kind": "Service", "port": 80, "weight": weight}
                            for name, weight in backends]}


def canary_route(weight_v1, weight_v2):
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": "demo-http-route", "namespace": "default"},
            "spec": {"hostnames": ["api.example.com"], "parentRefs": [{"name": "demo-sn", "sectionName": "http"}],
                     "rules": [_rule("/v1", [("demo-app-a", weight_v1), ("demo-app-a-v2", weight_v2)]),
                               _rule("/v2", [("demo-app-b", 1)])]}}


def fixed_shadow_route():
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": "shadow-route", "namespace": "default"},
            "spec": {"parentRefs": [{"name": "demo-sn", "sectionName": "http"}],
                     "rules": [_rule("/v2", [("demo-app-b", 1)]), _rule("/", [("demo-app-a", 1)])]}}
