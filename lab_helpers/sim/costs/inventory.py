"""What in a lab bills by the hour, read only through describe/list calls (so it works on a real account too).

Only this lab's resources count: every describe is filtered on the ``vpclab:run`` tag that the session adds at
creation, so an estimate in a real account never includes someone else's NAT gateway.
"""
from __future__ import annotations

from lab_helpers.sim.costs.model import Resource

LIVE_STATES = {"pending", "available", "pendingAcceptance", "pending-acceptance", "initiating", "initiatingRequest",
               "modifying", "active", "provisioning", "PendingAcceptance", "Available", "Pending", "in-use"}


def _tag_filter(run_id: str) -> list:
    return [{"Name": "tag:vpclab:run", "Values": [run_id]}]


def _safe(fn, default):
    """A service the backend does not offer (or a permission the user lacks) means 'none found', not a crash."""
    try:
        return fn()
    except Exception:  # noqa: BLE001 - an estimate must never break a lab; the report says what it read
        return default


def _mine(items: list, run_id: str, id_key: str = "", created: frozenset = frozenset()) -> list:
    """Check the tag on each item too: some backends (moto's DescribeNatGateways) ignore tag filters, and some
    (moto's TGW attachments) return no tags at all — then the lab's ledger of created ids decides."""
    def mine(item):
        tags = item.get("Tags", item.get("TagSet"))
        if tags is None and id_key:
            return item.get(id_key) in created
        return any(t.get("Key") == "vpclab:run" and t.get("Value") == run_id for t in tags or [])
    return [i for i in items if mine(i)]


def ec2_resources(ec2, run_id: str, region: str, created: frozenset = frozenset()) -> list[Resource]:
    out: list[Resource] = []
    flt = _tag_filter(run_id)
    nats = _mine(_safe(lambda: ec2.describe_nat_gateways(Filter=flt)["NatGateways"], []), run_id)
    nats = [n for n in nats if n.get("State") in ("pending", "available")]
    if nats:
        out.append(Resource("nat_gateway", len(nats), region, tuple(n["NatGatewayId"] for n in nats)))

    endpoints = _mine(_safe(lambda: ec2.describe_vpc_endpoints(Filters=flt)["VpcEndpoints"], []), run_id)
    endpoints = [e for e in endpoints if str(e.get("State", "available")).lower() not in ("deleted", "deleting",
                                                                                         "rejected", "failed")]
    for kind, etype in (("interface_endpoint_az", "Interface"), ("gwlb_endpoint_az", "GatewayLoadBalancer")):
        # billed per AZ (= per subnet: at most one subnet per AZ), whatever the acceptance state
        chosen = [e for e in endpoints if e.get("VpcEndpointType") == etype]
        azs = sum(max(1, len(e.get("SubnetIds", []))) for e in chosen)
        if chosen:
            out.append(Resource(kind, azs, region, tuple(e["VpcEndpointId"] for e in chosen),
                                note=", ".join(e["ServiceName"].rsplit(".", 1)[-1] for e in chosen)))
    gateways = [e for e in endpoints if e.get("VpcEndpointType") == "Gateway"]
    if gateways:
        out.append(Resource("gateway_endpoint", len(gateways), region, tuple(e["VpcEndpointId"] for e in gateways)))

    attachments = _mine(_safe(lambda: ec2.describe_transit_gateway_attachments(Filters=flt)
                              ["TransitGatewayAttachments"], []), run_id,
                        "TransitGatewayAttachmentId", created)
    attachments = [a for a in attachments if a.get("State") not in ("deleted", "deleting", "rejected", "failed")]
    for kind, types in (("tgw_attachment", ("vpc", "vpn", "direct-connect-gateway", "connect")),
                        ("tgw_peering_attachment", ("peering",))):
        chosen = [a for a in attachments if a.get("ResourceType") in types]
        if chosen:
            out.append(Resource(kind, len(chosen), region, tuple(a["TransitGatewayAttachmentId"] for a in chosen)))

    addresses = _mine(_safe(lambda: ec2.describe_addresses(Filters=flt)["Addresses"], []), run_id)
    eips = {a.get("PublicIp") for a in addresses}
    reservations = _safe(lambda: ec2.describe_instances(Filters=flt + [
        {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]}])["Reservations"], [])
    auto_ips = [i["InstanceId"] for r in reservations for i in _mine(r["Instances"], run_id)
                if i.get("PublicIpAddress") and i["PublicIpAddress"] not in eips]
    count = len(addresses) + len(auto_ips)
    if count:
        out.append(Resource("public_ipv4", count, region,
                            tuple(a.get("AllocationId", a.get("PublicIp")) for a in addresses) + tuple(auto_ips),
                            note="Elastic IPs (associated or idle) and auto-assigned instance addresses"))
    return out


def elb_resources(elbv2, run_id: str, region: str) -> list[Resource]:
    lbs = _safe(lambda: elbv2.describe_load_balancers()["LoadBalancers"], [])
    if not lbs:
        return []
    arns = [lb["LoadBalancerArn"] for lb in lbs]
    tagged = set()
    for i in range(0, len(arns), 20):  # DescribeTags takes at most 20 ARNs
        for desc in _safe(lambda i=i: elbv2.describe_tags(ResourceArns=arns[i:i + 20])["TagDescriptions"], []):
            if any(t["Key"] == "vpclab:run" and t["Value"] == run_id for t in desc.get("Tags", [])):
                tagged.add(desc["ResourceArn"])
    out = []
    for kind, lbtype in (("alb", "application"), ("nlb", "network"), ("gwlb", "gateway")):
        chosen = [lb for lb in lbs if lb["LoadBalancerArn"] in tagged and lb.get("Type") == lbtype]
        if chosen:
            out.append(Resource(kind, len(chosen), region, tuple(lb["LoadBalancerName"] for lb in chosen),
                                note="plus capacity units (LCU/NLCU), which depend on traffic"))
    public_azs = sum(len(lb.get("AvailabilityZones", [])) for lb in lbs
                     if lb["LoadBalancerArn"] in tagged and lb.get("Scheme") == "internet-facing")
    if public_azs:
        out.append(Resource("public_ipv4", public_azs, region,
                            note="internet-facing load balancers: at least one public IPv4 per AZ"))
    return out


def lattice_resources(lattice, run_id: str, region: str) -> list[Resource]:
    services = _safe(lambda: lattice.list_services()["items"], [])
    mine = []
    for s in services:
        tags = _safe(lambda s=s: lattice.list_tags_for_resource(resourceArn=s["arn"])["tags"], {})
        if tags.get("vpclab:run") == run_id:
            mine.append(s)
    if not mine:
        return []
    return [Resource("lattice_service", len(mine), region, tuple(s["name"] for s in mine))]


def snapshot(lab, regions=None) -> list[Resource]:
    """Every hourly-billed resource this lab has alive, per region, from describe calls."""
    out: list[Resource] = []
    for region in regions or lab.regions:
        created = frozenset(e.resource_id for e in lab.ledger.entries if e.region == region)
        out += ec2_resources(lab.raw_client("ec2", region), lab.run_id, region, created)
        out += elb_resources(lab.raw_client("elbv2", region), lab.run_id, region)
        if any(e.service == "vpc-lattice" and e.region == region for e in lab.ledger.entries):
            # lab.client, not raw_client: in the sandbox the Lattice API is served by the fidelity layer
            # (lab_helpers/fidelity/lattice), which a raw client bypasses; against AWS both are the same.
            out += lattice_resources(lab.client("vpc-lattice", region), lab.run_id, region)
    return out
