"""Delete what a lab created, dependents first, then sweep by tag and report anything left.

Two passes because each catches what the other misses: the ledger knows about resources whose create call came
back (even untaggable ones); the tag sweep finds resources created by a kernel that died before its ledger was
saved, or by hand with the lab's tags.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from botocore.exceptions import ClientError, WaiterError

from lab_helpers.core.ledger import Entry, Ledger
from lab_helpers.core.resources import KINDS, RUN_TAG, ec2_kind_of

# States in which a tagged EC2 resource is already gone, although describe calls still show it for a while.
GONE = {"terminated", "shutting-down", "deleted", "deleting", "rejected", "failed", "expired"}

# kind -> (describe method, id parameter, result key, state field or None). moto keeps the tags of deleted
# resources, and AWS shows some deleted resources for a while, so a tag alone does not prove a resource is alive.
_EXISTS = {
    "instance": ("describe_instances", "InstanceIds", "Reservations", None),
    "natgateway": ("describe_nat_gateways", "NatGatewayIds", "NatGateways", "State"),
    # moto keeps a deleted flow log's tags, so existence is asked of DescribeFlowLogs, not inferred from the tags
    "vpc-flow-log": ("describe_flow_logs", "FlowLogIds", "FlowLogs", None),
    "vpc-endpoint": ("describe_vpc_endpoints", "VpcEndpointIds", "VpcEndpoints", "State"),
    "vpc-endpoint-service": ("describe_vpc_endpoint_service_configurations", "ServiceIds", "ServiceConfigurations",
                             "ServiceState"),
    "transit-gateway": ("describe_transit_gateways", "TransitGatewayIds", "TransitGateways", "State"),
    "transit-gateway-attachment": ("describe_transit_gateway_attachments", "TransitGatewayAttachmentIds",
                                   "TransitGatewayAttachments", "State"),
    "transit-gateway-route-table": ("describe_transit_gateway_route_tables", "TransitGatewayRouteTableIds",
                                    "TransitGatewayRouteTables", "State"),
    "vpc-peering-connection": ("describe_vpc_peering_connections", "VpcPeeringConnectionIds",
                               "VpcPeeringConnections", "Status.Code"),
    "vpc": ("describe_vpcs", "VpcIds", "Vpcs", None),
    "subnet": ("describe_subnets", "SubnetIds", "Subnets", None),
    "internet-gateway": ("describe_internet_gateways", "InternetGatewayIds", "InternetGateways", None),
    "egress-only-internet-gateway": ("describe_egress_only_internet_gateways", "EgressOnlyInternetGatewayIds",
                                     "EgressOnlyInternetGateways", None),
    "route-table": ("describe_route_tables", "RouteTableIds", "RouteTables", None),
    "network-acl": ("describe_network_acls", "NetworkAclIds", "NetworkAcls", None),
    "security-group": ("describe_security_groups", "GroupIds", "SecurityGroups", None),
    "network-interface": ("describe_network_interfaces", "NetworkInterfaceIds", "NetworkInterfaces", None),
    "elastic-ip": ("describe_addresses", "AllocationIds", "Addresses", None),
    "prefix-list": ("describe_managed_prefix_lists", "PrefixListIds", "PrefixLists", "State"),
    "key-pair": ("describe_key_pairs", "KeyPairIds", "KeyPairs", None),
}


@dataclass
class TeardownReport:
    run_id: str
    deleted: list[Entry] = field(default_factory=list)
    failed: list[tuple[Entry, str]] = field(default_factory=list)
    leftovers: list[tuple[str, str, str]] = field(default_factory=list)  # (region, kind, id)
    released: tuple = ()  # set by lab.release(): these VPCs went mid-lab, not the whole run

    @property
    def clean(self) -> bool:
        return not self.failed and not self.leftovers

    def __str__(self) -> str:
        if self.released:
            lines = [f"🧹 Released {', '.join(self.released)}: deleted {len(self.deleted)} resource(s), the VPCs "
                     "and what they held."]
            lines += [f"   ❌ could not delete {e.kind} {e.resource_id} ({e.region}): {why}" for e, why in self.failed]
            lines.append("   The rest of the lab's world is untouched." if not self.failed else
                         "   lab.teardown() tries these again at the end.")
            return "\n".join(lines)
        lines = [f"🧹 Teardown of run {self.run_id}: deleted {len(self.deleted)} resource(s)."]
        lines += [f"   ❌ could not delete {e.kind} {e.resource_id} ({e.region}): {why}" for e, why in self.failed]
        lines += [f"   ⚠️ still tagged and alive: {kind} {rid} ({region})" for region, kind, rid in self.leftovers]
        lines.append("   Nothing tagged with this run is left." if self.clean else
                     f"   Finish with: vpclab cleanup --run-id {self.run_id} --yes")
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def _not_found(err: ClientError) -> bool:
    code = err.response.get("Error", {}).get("Code", "")
    return "NotFound" in code or "NoSuch" in code or code in ("InvalidPlacementGroup.Unknown",
                                                             "ResourceNotFoundException")


def delete_entries(entries: list[Entry], client_for: Callable, report: TeardownReport,
                   on_deleted: Callable[[Entry], None] = lambda e: None) -> None:
    by_name = {k.name: k for k in KINDS}
    for entry in entries:
        kind = by_name[entry.kind]
        client = client_for(kind.service, entry.region)
        try:
            kind.delete(client, entry.resource_id, client)
        except ClientError as err:
            if not _not_found(err):
                report.failed.append((entry, err.response["Error"].get("Message", str(err))))
                continue
        except WaiterError as err:
            report.failed.append((entry, f"timed out waiting: {err}"))
            continue
        except NotImplementedError:
            report.failed.append((entry, "the emulator cannot delete this kind"))
            continue
        except Exception as err:  # teardown must report and go on, never stop half-way
            report.failed.append((entry, f"{type(err).__name__}: {err}"))
            continue
        report.deleted.append(entry)
        on_deleted(entry)


def tagged_ec2(ec2, run_id: str | None) -> list[tuple[str, str]]:
    """(kind, id) of every EC2 resource tagged with this run (any run when ``None``) that is not already gone."""
    found = []
    filters = [{"Name": "key", "Values": [RUN_TAG]}] + ([{"Name": "value", "Values": [run_id]}] if run_id else [])
    pages = ec2.get_paginator("describe_tags").paginate(Filters=filters)
    for page in pages:
        for tag in page["Tags"]:
            kind = ec2_kind_of(tag["ResourceId"])
            if kind and _alive(ec2, kind.name, tag["ResourceId"]):
                found.append((kind.name, tag["ResourceId"]))
    return found


def _alive(ec2, kind: str, rid: str) -> bool:
    if kind not in _EXISTS:
        return True  # no way to ask; assume alive so a leftover is reported rather than hidden
    method, param, key, state_field = _EXISTS[kind]
    try:
        result = getattr(ec2, method)(**{param: [rid]})
    except ClientError as err:
        if _not_found(err) or "Malformed" in err.response["Error"].get("Code", ""):
            return False
        raise
    if kind == "instance":
        items = [i for r in result["Reservations"] for i in r["Instances"]]
        return any(i["State"]["Name"] not in GONE for i in items)
    if state_field is None:
        return bool(result[key])
    for item in result[key]:
        value = item
        for part in state_field.split("."):
            value = value.get(part, {}) if isinstance(value, dict) else value
        if value not in GONE:
            return True
    return False


def teardown(ledger: Ledger, client_for: Callable, regions: list[str]) -> TeardownReport:
    report = TeardownReport(ledger.run_id)
    delete_entries(ledger.in_teardown_order(), client_for, report, ledger.mark_deleted)
    for region in regions:
        sweep_region(ledger.run_id, region, client_for, report)
    report.leftovers = leftovers(ledger.run_id, regions, client_for)
    return report


def sweep_region(run_id: str | None, region: str, client_for: Callable, report: TeardownReport) -> None:
    rank = {k.name: k.order for k in KINDS}
    found = sorted(tagged_ec2(client_for("ec2", region), run_id), key=lambda kr: rank[kr[0]])
    delete_entries([Entry(kind, rid, region, "ec2") for kind, rid in found], client_for, report)


def leftovers(run_id: str, regions: list[str], client_for: Callable) -> list[tuple[str, str, str]]:
    return [(region, kind, rid) for region in regions for kind, rid in tagged_ec2(client_for("ec2", region), run_id)]


def vpc_contents(ec2, vpc_id: str, region: str, run_id: str | None = None) -> list[Entry]:
    """Everything a VPC holds that must go before the VPC itself, read through describe calls, dependents first.

    Each answer is checked for the VPC id as well as filtered by it: a delete must never trust a filter (moto, for
    one, ignores the peering connection filters and answers with every connection).

    With ``run_id``, also the Elastic IPs of the VPC's NAT gateways that this run allocated (tagged with it): AWS
    keeps a NAT gateway's address allocated after the gateway is deleted, and a new account holds five per Region
    (https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html), so a lab that releases one
    NAT world after another would run out. An address the run did not allocate stays.
    """
    by_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]

    def mine(items, *path):
        return [i for i in items if _dig(i, path) == vpc_id]

    found: list[tuple[str, str]] = []
    instances = [i for r in ec2.describe_instances(Filters=by_vpc)["Reservations"] for i in r["Instances"]]
    found += [("instance", i["InstanceId"]) for i in mine(instances, "VpcId") if i["State"]["Name"] not in GONE]
    nats = [n for n in mine(ec2.describe_nat_gateways(Filter=by_vpc)["NatGateways"], "VpcId")
            if n.get("State") not in GONE]
    found += [("natgateway", n["NatGatewayId"]) for n in nats]
    if run_id is not None:
        found += [("elastic-ip", a) for a in _run_addresses(ec2, nats, run_id)]
    found += [("vpc-endpoint", e["VpcEndpointId"])
              for e in mine(ec2.describe_vpc_endpoints(Filters=by_vpc)["VpcEndpoints"], "VpcId")]
    attachments = ec2.describe_transit_gateway_vpc_attachments(Filters=by_vpc)["TransitGatewayVpcAttachments"]
    found += [("transit-gateway-attachment", a["TransitGatewayAttachmentId"]) for a in mine(attachments, "VpcId")
              if a.get("State") not in GONE]
    peerings = ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
    found += [("vpc-peering-connection", p["VpcPeeringConnectionId"]) for p in peerings
              if vpc_id in (_dig(p, ("RequesterVpcInfo", "VpcId")), _dig(p, ("AccepterVpcInfo", "VpcId")))
              and p["Status"]["Code"] not in GONE]
    found += [("internet-gateway", g["InternetGatewayId"]) for g in ec2.describe_internet_gateways()["InternetGateways"]
              if any(a.get("VpcId") == vpc_id for a in g.get("Attachments", []))]
    found += [("subnet", s["SubnetId"]) for s in mine(ec2.describe_subnets(Filters=by_vpc)["Subnets"], "VpcId")]
    found += [("route-table", t["RouteTableId"]) for t in mine(ec2.describe_route_tables(Filters=by_vpc)["RouteTables"],
                                                               "VpcId")
              if not any(a.get("Main") for a in t.get("Associations", []))]
    found += [("network-acl", a["NetworkAclId"]) for a in mine(ec2.describe_network_acls(Filters=by_vpc)["NetworkAcls"],
                                                               "VpcId") if not a["IsDefault"]]
    found += [("security-group", g["GroupId"]) for g in mine(
        ec2.describe_security_groups(Filters=by_vpc)["SecurityGroups"], "VpcId") if g["GroupName"] != "default"]
    rank = {k.name: k.order for k in KINDS}
    ordered = sorted(dict.fromkeys(found), key=lambda kr: rank[kr[0]])
    return [Entry(kind, rid, region, "ec2") for kind, rid in ordered] + [Entry("vpc", vpc_id, region, "ec2")]


def _run_addresses(ec2, nats: list, run_id: str) -> list[str]:
    held = [a["AllocationId"] for n in nats for a in n.get("NatGatewayAddresses", []) if a.get("AllocationId")]
    if not held:
        return []
    addresses = ec2.describe_addresses(AllocationIds=held)["Addresses"]
    return [a["AllocationId"] for a in addresses if a.get("AllocationId") in held
            and any(t.get("Key") == RUN_TAG and t.get("Value") == run_id for t in a.get("Tags", []))]


def drop_group_references(ec2, vpc_id: str) -> None:
    """Revoke the rules by which the VPC's security groups name each other: AWS refuses to delete a group that
    another group's rule references (DependencyViolation), so a VPC's groups go in any order only after this."""
    groups = [g for g in ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])[
        "SecurityGroups"] if g.get("VpcId") == vpc_id]
    for group in groups:
        for direction, revoke in (("IpPermissions", ec2.revoke_security_group_ingress),
                                  ("IpPermissionsEgress", ec2.revoke_security_group_egress)):
            naming = [{**rule, "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": []}
                      for rule in group.get(direction, []) if rule.get("UserIdGroupPairs")]
            if naming:
                revoke(GroupId=group["GroupId"], IpPermissions=naming)


def _dig(item: dict, path: tuple):
    for key in path:
        item = item.get(key, {}) if isinstance(item, dict) else {}
    return item or None
