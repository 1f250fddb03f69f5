"""VPC endpoint rules moto skips, and the endpoint-connection API it lacks (AWS docs: s3-gateway-endpoint,
interface-endpoints, vpc-dns, endpoint-service).

Pure rules first (testable without botocore), then the glue:

* AWS docs: s3-gateway-endpoint, privatelink-cross-region: a **gateway** endpoint serves only its own Region, so
  ``com.amazonaws.<other-region>.s3`` as a gateway endpoint does not exist here (``InvalidServiceName``). An
  **interface** endpoint may reach another Region (cross-Region PrivateLink) when the request names that Region in
  ``ServiceRegion`` and the service is one AWS lists as cross-Region enabled (:data:`CROSS_REGION_SERVICES`, from the
  PrivateLink guide's "Cross-region enabled AWS services"); other AWS services stay same-Region. An *endpoint
  service* (``com.amazonaws.vpce.…``) whose provider enabled the consumer's Region is passed through, as before.
* AWS docs: vpc-dns: private DNS for an interface endpoint needs the VPC's ``enableDnsSupport`` **and**
  ``enableDnsHostnames``; AWS refuses the create with ``InvalidParameter`` otherwise. ``PrivateDnsEnabled``
  defaults to true for AWS services, so a plain create in a VPC without DNS hostnames fails.
* AWS docs: endpoint-service: an endpoint to a service with ``AcceptanceRequired`` waits in ``pendingAcceptance``
  until the provider calls ``AcceptVpcEndpointConnections`` (or ``RejectVpcEndpointConnections``). moto makes it
  ``available`` at once and implements neither call, nor ``DescribeVpcEndpointConnections``; they are served here from
  per-lab state.
"""
from __future__ import annotations

import datetime as _dt
import ipaddress
import re
from typing import Optional

from lab_helpers.data.aws_docs import sourced
from lab_helpers.fidelity.base import Shim, aws_error, aws_response, request_region

AWS_SERVICE = re.compile(r"^com\.amazonaws\.([a-z]{2}(?:-[a-z]+)+-\d)\.(.+)$")
# https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html (IAM and
# Route 53 are there too, as the Region-less com.amazonaws.iam / com.amazonaws.route53). AWS adds to the list;
# describe_vpc_endpoint_services(ServiceRegion=...) answers for a live account.
CROSS_REGION_SERVICES = frozenset({"s3", "ecr.api", "ecr.dkr", "kms", "kms-fips", "ecs", "lambda",
                                   "kinesis-firehose", "kinesisanalytics", "kinesisanalytics-fips"})
STORE = __name__  # shim-state key: this module owns its served state


# -- rules -------------------------------------------------------------------------------------------------------
def other_region_service(service_name: str, region: str, endpoint_type: str = "Gateway",
                         service_region: Optional[str] = None) -> Optional[tuple]:
    """Where an endpoint to an AWS service in another Region is refused: always for a gateway endpoint; for an
    interface endpoint unless ``ServiceRegion`` names that Region and the service is cross-Region enabled."""
    match = AWS_SERVICE.match(service_name or "")
    if not match or match.group(1) == region:
        return None
    other, service = match.group(1), match.group(2)
    missing = ("InvalidServiceName", f"The Vpc Endpoint Service '{service_name}' does not exist")
    if endpoint_type != "Interface":
        return (missing[0], missing[1] + f" in {region}: gateway endpoints serve their own Region only.")
    if service_region != other:
        return (missing[0], missing[1] + f" in {region}. For cross-Region access pass ServiceRegion='{other}'.")
    if service not in CROSS_REGION_SERVICES:
        return ("InvalidServiceName", f"{service} does not support cross-Region interface endpoints; create the "
                                      f"endpoint in {other} instead.")
    return None


def private_dns_needs_vpc_dns(vpc_id: str, dns_support: bool, dns_hostnames: bool) -> Optional[tuple]:
    if dns_support and dns_hostnames:
        return None
    return ("InvalidParameter", "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC "
                                f"attributes set to true for {vpc_id}")


# -- glue --------------------------------------------------------------------------------------------------------

def create_endpoint(params, ctx, context=None, **_):
    region = request_region(context)
    name = params.get("ServiceName", "")
    refusal = other_region_service(name, region, params.get("VpcEndpointType", "Gateway"),
                                   params.get("ServiceRegion"))
    if refusal:
        return aws_error(*refusal)
    if params.get("VpcEndpointType") == "Interface" and AWS_SERVICE.match(name) \
            and params.get("PrivateDnsEnabled", True):
        ec2 = ctx.raw_client("ec2", region)
        try:
            support = ec2.describe_vpc_attribute(VpcId=params["VpcId"], Attribute="enableDnsSupport")
            hostnames = ec2.describe_vpc_attribute(VpcId=params["VpcId"], Attribute="enableDnsHostnames")
        except Exception:  # unknown VPC: let the backend answer with its own NotFound
            return None
        refusal = private_dns_needs_vpc_dns(params["VpcId"], support["EnableDnsSupport"]["Value"],
                                            hostnames["EnableDnsHostnames"]["Value"])
        if refusal:
            return aws_error(*refusal)
    return None


def _config_for(ctx, region, service_name):
    configs = ctx.raw_client("ec2", region).describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
    return next((c for c in configs if c.get("ServiceName") == service_name), None)


def _fix_interfaces(ec2, ep: dict, params: dict) -> None:
    """AWS docs: interface-endpoints: an endpoint's network interfaces take an address *in their subnet* and the
    endpoint's security groups (the VPC's default group when none is given). moto gives them a random 10.x address
    anywhere and the default group. The fix goes through the EC2 API (assign an address in the subnet, release the stray
    one, set the groups), so anything that reads with describe calls — the network engine included — sees AWS's picture.
    One moto quirk remains: the scalar ``PrivateIpAddress`` field keeps the stray address; ``PrivateIpAddresses`` is
    right."""
    groups = params.get("SecurityGroupIds") or [g["GroupId"] for g in ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [ep["VpcId"]]}, {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]]
    for eni_id in ep.get("NetworkInterfaceIds", []):
        eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"][0]
        subnet = ec2.describe_subnets(SubnetIds=[eni["SubnetId"]])["Subnets"][0]
        net = ipaddress.ip_network(subnet["CidrBlock"])
        taken = _addresses_in_use(ec2, eni["SubnetId"], but=eni_id)
        stray = [a["PrivateIpAddress"] for a in eni.get("PrivateIpAddresses", [])
                 if ipaddress.ip_address(a["PrivateIpAddress"]) not in net or a["PrivateIpAddress"] in taken]
        if stray:
            ec2.assign_private_ip_addresses(NetworkInterfaceId=eni_id, PrivateIpAddresses=[_free_address(net, taken)])
            ec2.unassign_private_ip_addresses(NetworkInterfaceId=eni_id, PrivateIpAddresses=stray)
        if groups:
            ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, Groups=groups)
        ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, Description={
            "Value": f"VPC Endpoint Interface {ep['VpcEndpointId']}"})


def _addresses_in_use(ec2, subnet_id: str, but: str) -> set[str]:
    """Every private address another interface in the subnet holds (read whole: a filter is not trusted)."""
    return {a["PrivateIpAddress"] for e in ec2.describe_network_interfaces()["NetworkInterfaces"]
            if e.get("SubnetId") == subnet_id and e["NetworkInterfaceId"] != but
            for a in e.get("PrivateIpAddresses", [])}


def _free_address(net, taken: set[str]) -> str:
    """An address no interface holds, from the top of the subnet down (AWS docs: subnet-sizing: the first four and
    the last address are reserved). moto's own draw is random and checks only the interface's own addresses, so
    it could hand an endpoint an instance's address; moto gives instances addresses from the bottom up."""
    hosts = list(net.hosts())[3:]  # .1-.3 are AWS's (router, DNS, future); hosts() already drops .0 and broadcast
    return next(str(ip) for ip in reversed(hosts) if str(ip) not in taken)


def endpoint_created(parsed, ctx, params=None, context=None, **_):
    ep = parsed.get("VpcEndpoint", {})
    if (params or {}).get("ServiceRegion"):  # moto accepts it but never says so
        ctx.store(STORE + ".regions")[ep.get("VpcEndpointId")] = ep["ServiceRegion"] = params["ServiceRegion"]
    if ep.get("VpcEndpointType") in ("Interface", "GatewayLoadBalancer") and ep.get("NetworkInterfaceIds"):
        _fix_interfaces(ctx.raw_client("ec2", request_region(context)), ep, params or {})
    config = _config_for(ctx, request_region(context), ep.get("ServiceName"))
    if config is None:
        return
    state = "pendingAcceptance" if config.get("AcceptanceRequired") else "available"
    ctx.store(STORE)[ep["VpcEndpointId"]] = {"state": state, "service_id": config["ServiceId"],
                                             "created": _dt.datetime.now(_dt.UTC)}
    ep["State"] = state


def endpoints_described(parsed, ctx, **_):
    store = ctx.store(STORE)
    for ep in parsed.get("VpcEndpoints", []):
        if ep["VpcEndpointId"] in ctx.store(STORE + ".regions"):
            ep["ServiceRegion"] = ctx.store(STORE + ".regions")[ep["VpcEndpointId"]]
        # only while the endpoint lives: once deleted, the backend's "deleted"/"deleting" is the truth
        if ep["VpcEndpointId"] in store and str(ep.get("State", "")).lower() in ("available", "pending",
                                                                                  "pendingacceptance"):
            ep["State"] = store[ep["VpcEndpointId"]]["state"]


def _decide(new_state):
    def serve(params, ctx, **_):
        store = ctx.store(STORE)
        failed = []
        for vpce in params.get("VpcEndpointIds", []):
            row = store.get(vpce)
            if row is None or row["service_id"] != params["ServiceId"]:
                failed.append({"ResourceId": vpce, "Error": {
                    "Code": "InvalidVpcEndpointId.NotFound",
                    "Message": f"The Vpc Endpoint Id '{vpce}' does not exist for service {params['ServiceId']}"}})
            elif row["state"] != "pendingAcceptance":
                failed.append({"ResourceId": vpce, "Error": {
                    "Code": "InvalidState", "Message": f"Endpoint {vpce} is {row['state']}, not pendingAcceptance"}})
            else:
                row["state"] = new_state
        return aws_response({"Unsuccessful": failed})
    return serve


def describe_connections(params, ctx, context=None, **_):
    region = request_region(context)
    ec2 = ctx.raw_client("ec2", region)
    store = ctx.store(STORE)
    configs = {c["ServiceName"]: c for c in ec2.describe_vpc_endpoint_service_configurations()
               ["ServiceConfigurations"]}
    wanted = {f["Name"]: set(f["Values"]) for f in params.get("Filters", [])}
    rows = []
    for ep in ec2.describe_vpc_endpoints()["VpcEndpoints"]:
        config = configs.get(ep.get("ServiceName"))
        if config is None:
            continue
        row = store.get(ep["VpcEndpointId"], {})
        conn = {"ServiceId": config["ServiceId"], "VpcEndpointId": ep["VpcEndpointId"],
                "VpcEndpointOwner": ep.get("OwnerId", ctx.account_id),
                "VpcEndpointState": row.get("state", ep.get("State", "available")),
                "NetworkLoadBalancerArns": config.get("NetworkLoadBalancerArns", []),
                "GatewayLoadBalancerArns": config.get("GatewayLoadBalancerArns", [])}
        if "created" in row:
            conn["CreationTimestamp"] = row["created"]
        keys = {"service-id": conn["ServiceId"], "vpc-endpoint-id": conn["VpcEndpointId"],
                "vpc-endpoint-state": conn["VpcEndpointState"], "vpc-endpoint-owner": conn["VpcEndpointOwner"]}
        if all(keys.get(k) in v for k, v in wanted.items()):
            rows.append(conn)
    return aws_response({"VpcEndpointConnections": rows})


def gateway_routes_follow(parsed, ctx, params=None, context=None, **_):
    """AWS docs: gateway-endpoints: adding a route table to a gateway endpoint adds its ``pl-… → vpce-…`` route;
    removing the table removes it. moto updates the endpoint's RouteTableIds but never the route tables themselves."""
    if not params or not (params.get("AddRouteTableIds") or params.get("RemoveRouteTableIds")):
        return
    ec2 = ctx.raw_client("ec2", request_region(context))
    ep = ec2.describe_vpc_endpoints(VpcEndpointIds=[params["VpcEndpointId"]])["VpcEndpoints"][0]
    if ep.get("VpcEndpointType") != "Gateway":
        return
    pl = next((p["PrefixListId"] for p in ec2.describe_managed_prefix_lists()["PrefixLists"]
               if p.get("PrefixListName") == ep["ServiceName"]), None)
    if pl is None:
        return
    for rtb in params.get("AddRouteTableIds", []):
        routes = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
        if not any(r.get("DestinationPrefixListId") == pl for r in routes):
            ec2.create_route(RouteTableId=rtb, DestinationPrefixListId=pl, GatewayId=ep["VpcEndpointId"])
    for rtb in params.get("RemoveRouteTableIds", []):
        routes = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
        if any(r.get("DestinationPrefixListId") == pl and r.get("GatewayId") == ep["VpcEndpointId"] for r in routes):
            ec2.delete_route(RouteTableId=rtb, DestinationPrefixListId=pl)


def default_endpoint_type(params, ctx, **_):
    """AWS documents VpcEndpointType as defaulting to Gateway; moto stores None and later fails to delete it."""
    params.setdefault("VpcEndpointType", "Gateway")


SHIMS = [
    Shim("ec2", "CreateVpcEndpoint", "params", "CreateVpcEndpoint: VpcEndpointType defaults to Gateway",
         default_endpoint_type),
    Shim("ec2", "ModifyVpcEndpoint", "result",
         sourced("The endpoint's prefix-list route follows its route tables", "gateway-endpoints"),
         gateway_routes_follow),
    Shim("ec2", "CreateVpcEndpoint", "call",
         sourced("Gateway endpoints reach services in their own Region only; interface endpoints reach other Regions "
                 "only for cross-Region enabled services; private DNS needs enableDnsSupport and enableDnsHostnames",
                 "s3-gateway-endpoint", "privatelink-cross-region", "vpc-dns"),
         create_endpoint),
    Shim("ec2", "CreateVpcEndpoint", "result",
         sourced("Endpoint interfaces in their subnet with the endpoint's security groups; AcceptanceRequired -> "
                 "pendingAcceptance", "interface-endpoints", "endpoint-service"),
         endpoint_created),
    Shim("ec2", "DescribeVpcEndpoints", "result", sourced("Endpoint state follows acceptance", "endpoint-service"),
         endpoints_described),
    Shim("ec2", "AcceptVpcEndpointConnections", "call", sourced("The provider accepts", "endpoint-service"),
         _decide("available")),
    Shim("ec2", "RejectVpcEndpointConnections", "call", sourced("The provider rejects", "endpoint-service"),
         _decide("rejected")),
    Shim("ec2", "DescribeVpcEndpointConnections", "call",
         sourced("The provider sees its consumers", "endpoint-service"),
         describe_connections),
]
