"""The capture reads a world in a fixed number of describe calls, however many VPCs it holds (the 500-VPC benchmark
depends on it), follows every page, and computes TGW propagations the way a pairwise overlap scan would."""
from __future__ import annotations

import collections
import ipaddress
import random

from netsim_builders import instance, route_table, sg, subnet, vpc

from lab_helpers.sim.netsim import capture_with_state
from lab_helpers.sim.netsim.snapshot.describe import page_size, pages
from lab_helpers.sim.netsim.snapshot.model import Snapshot, TgwAttachment, TgwRoute, TgwRouteTable, TransitGateway, Vpc
from lab_helpers.sim.netsim.tgw import recover_routes


def _counted_capture(lab) -> tuple[Snapshot, collections.Counter]:
    calls: collections.Counter = collections.Counter()

    def count(model, **_):
        calls[model.name] += 1

    handed = []

    def raw_client(service, region=None):
        client = lab.raw_client(service, region)
        client.meta.events.register("before-call", count, unique_id="test-capture-count")
        handed.append(client)
        return client

    try:
        snap = capture_with_state(raw_client, lab.shim_state, [lab.region])
    finally:
        for client in handed:
            client.meta.events.unregister("before-call", unique_id="test-capture-count")
    return snap, calls


def _spokes(ec2, tgw: str, first: int, count: int) -> None:
    for k in range(first, first + count):
        v = vpc(ec2, f"10.{60 + k}.0.0/16", f"spoke-{k}")
        s = subnet(ec2, v, f"10.{60 + k}.1.0/24", "us-east-1a")
        rt = route_table(ec2, v, s)
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw)
        ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=v, SubnetIds=[s])
        instance(ec2, s, [sg(ec2, v, f"spoke-{k}", [("tcp", 443, "10.0.0.0/8")])])


def test_a_capture_makes_the_same_calls_for_two_spokes_and_for_six(lab):
    ec2 = lab.client("ec2")
    tgw = ec2.create_transit_gateway(Description="hub")["TransitGateway"]["TransitGatewayId"]
    _spokes(ec2, tgw, 0, 2)
    small, calls_small = _counted_capture(lab)
    _spokes(ec2, tgw, 2, 4)
    big, calls_big = _counted_capture(lab)
    assert len(big.tgw_attachments) == len(small.tgw_attachments) + 4
    assert len(big.instances) == len(small.instances) + 4
    # The prefix lists' entries were read by the first capture and kept in the lab's shim state.
    assert calls_small.pop("GetManagedPrefixListEntries", 0) >= 1 and "GetManagedPrefixListEntries" not in calls_big
    assert calls_big == calls_small
    per_table = {"GetTransitGatewayRouteTableAssociations", "GetTransitGatewayRouteTablePropagations",
                 "SearchTransitGatewayRoutes"}
    assert all(n == 1 for op, n in calls_big.items() if op not in per_table), calls_big
    assert "DescribeTransitGatewayPeeringAttachments" not in calls_big  # no peering attachment: not asked


def test_pages_follow_next_token_and_ask_for_the_model_s_largest_page(lab):
    ec2 = lab.client("ec2")
    assert page_size(ec2, "DescribeRouteTables") == 100  # botocore's EC2 model: DescribeRouteTablesMaxResults
    assert page_size(ec2, "DescribeVpcs") == 1000
    assert page_size(ec2, "DescribeInstances") == 1000  # modelled as a bare integer; AWS documents 5-1000
    assert page_size(ec2, "GetManagedPrefixListEntries") == 100
    v = vpc(ec2, "10.90.0.0/16")
    s = subnet(ec2, v, "10.90.1.0/24", "us-east-1a")
    launched = {instance(ec2, s, []) for _ in range(7)}
    raw = lab.raw_client("ec2")
    seen = {i["InstanceId"] for r in pages(raw, "describe_instances", "Reservations", MaxResults=5)
            for i in r["Instances"]}
    assert launched <= seen


def _pairwise(routes: list, order: list, cidrs: dict) -> tuple[list, list]:
    """The reference: every earlier propagated CIDR compared with every new one (what the engine did before)."""
    routes, notes = [(r.cidr, (r.attachment_ids or [""])[0]) for r in routes], []
    taken = [(ipaddress.ip_network(c), a) for c, a in routes]
    for att in order:
        for cidr in cidrs[att]:
            net = ipaddress.ip_network(cidr)
            clash = next((other for n, other in taken if other != att and n.overlaps(net)), None)
            if clash:
                notes.append((cidr, att, clash))
            elif all(c != cidr for c, _ in routes):
                routes.append((cidr, att))
                taken.append((net, att))
    return routes, notes


def test_propagated_routes_and_overlap_notes_match_a_pairwise_scan():
    rng = random.Random(16)
    for _ in range(300):
        snap = Snapshot(regions=["r"])
        snap.tgws["tgw-1"] = TransitGateway("tgw-1", "r", "available")
        cidrs = {}
        for k in range(rng.randint(1, 10)):
            nets = {str(ipaddress.ip_network((rng.choice([10 << 24, (10 << 24) + (rng.randint(0, 3) << 16)]),
                                              rng.choice([8, 16, 20, 24])), strict=False))
                    for _ in range(rng.randint(1, 3))}
            cidrs[f"a{k}"] = sorted(nets)
            snap.vpcs[f"v{k}"] = Vpc(f"v{k}", "r", cidrs[f"a{k}"])
            snap.tgw_attachments[f"a{k}"] = TgwAttachment(f"a{k}", "tgw-1", "r", "vpc", f"v{k}", "available")
        order = list(cidrs)
        rng.shuffle(order)
        given = [TgwRoute("10.1.0.0/16", "propagated", "active", rng.choice([[], ["a0"], ["elsewhere"]]))]
        snap.tgw_route_tables["rt"] = TgwRouteTable("rt", "tgw-1", "r", True, True, list(given), [], order)
        recover_routes(snap, "r", {})
        routes, notes = _pairwise(given, order, cidrs)
        got = snap.tgw_route_tables["rt"].routes
        assert [(r.cidr, (r.attachment_ids or [""])[0]) for r in got] == routes
        assert [n for n in snap.notes if "is not propagated" in n] == [
            f"rt: {c} of {a} is not propagated: it overlaps a CIDR that {o} already propagates (AWS accepts the "
            "attachment, not the route)" for c, a, o in notes]
