"""Incidents between VPCs (lab 04): peering (routes, acceptance, transitivity, groups) and transit gateways."""
from __future__ import annotations

from dataclasses import dataclass

from lab_helpers.lessons.incidents import docs
from lab_helpers.lessons.incidents import world as w
from lab_helpers.lessons.incidents.engine import Case, Kind, Probe, Seeded


@dataclass
class Spoke:
    name: str
    vpc: str
    cidr: str
    subnet: str
    table: str
    group: str
    instance: str


def spoke(lab, kind: str, label: str, octet: int, port: int, az: str, peers: str = "10.0.0.0/8") -> Spoke:
    cidr = f"10.{octet}.0.0/16"
    vpc = w.vpc(lab, cidr, label, kind)
    subnet = w.subnet(lab, vpc, f"10.{octet}.1.0/24", az, f"{label}-a", kind)
    table = w.table(lab, vpc, f"{label}-rt", kind, subnet)
    group = w.group(lab, vpc, label, kind, [(port, peers)])
    return Spoke(label, vpc, cidr, subnet, table, group, w.launch(lab, subnet, f"{label}-1", security_groups=[group]))


def _octets(rng: Seeded, n: int) -> list[int]:
    return rng.sample(range(20, 250), n)


def _peer(lab, a: Spoke, b: Spoke, accept: bool = True, routes=(True, True)) -> str:
    ec2 = lab.client("ec2")
    pcx = ec2.create_vpc_peering_connection(VpcId=a.vpc, PeerVpcId=b.vpc)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"]
    if accept:
        ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    for side, other, wanted in ((a, b, routes[0]), (b, a, routes[1])):
        if wanted:
            ec2.create_route(RouteTableId=side.table, DestinationCidrBlock=other.cidr, VpcPeeringConnectionId=pcx)
    return pcx


def _probe(lab, a: Spoke, b: Spoke, port: int) -> Probe:
    return Probe(f"{a.instance} ({a.name}) reaches {b.instance} ({b.name}) on {port}",
                 lambda: w.reaches(lab, a.instance, b.instance, port))


def peering_one_side(lab, rng: Seeded) -> Case:
    kind, port, az = "peering-route-one-side", rng.variant_of((443, 5432, 8080)), w.first_az(lab)
    o1, o2 = _octets(rng, 2)
    a, b = spoke(lab, kind, "shop", o1, port, az), spoke(lab, kind, "payments", o2, port, az)
    missing = rng.choice((0, 1))
    pcx = _peer(lab, a, b, routes=(missing != 0, missing != 1))
    lacking, other = (a, b) if missing == 0 else (b, a)
    ec2 = lab.client("ec2")
    return Case(
        symptom=f"The peering {pcx} is active and {b.name}'s route table 'looks fine', yet {a.instance} cannot "
                f"open {port} to {b.instance}.",
        resources={"peering": pcx, "client": a.instance, "server": b.instance, "client_vpc": a.vpc,
                   "server_vpc": b.vpc},
        symptom_probe=_probe(lab, a, b, port), healthy=[],
        fix=lambda: ec2.create_route(RouteTableId=lacking.table, DestinationCidrBlock=other.cidr,
                                     VpcPeeringConnectionId=pcx),
        hints=(f"Trace {a.instance} to {b.instance} on {port}, both legs.",
               "Read both VPCs' route tables: does each one know the other's CIDR?",
               f"Add {other.cidr} -> {pcx} to {lacking.table}."),
        fault=f"{lacking.table} ({lacking.name}) has no route to {other.cidr} via {pcx}.",
        rule="Peering needs a route in each VPC's route table to the other VPC's CIDR through the peering "
             "connection; traffic and its replies need both.",
        doc=docs.PEERING_ROUTES, vpcs=[a.vpc, b.vpc])


def peering_not_accepted(lab, rng: Seeded) -> Case:
    kind, port, az = "peering-not-accepted", rng.variant_of((443, 5432, 8080)), w.first_az(lab)
    o1, o2 = _octets(rng, 2)
    a, b = spoke(lab, kind, "analytics", o1, port, az), spoke(lab, kind, "warehouse", o2, port, az)
    pcx = _peer(lab, a, b, accept=False, routes=(True, False))
    ec2 = lab.client("ec2")

    def fix():
        ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
        ec2.create_route(RouteTableId=b.table, DestinationCidrBlock=a.cidr, VpcPeeringConnectionId=pcx)

    return Case(
        symptom=f"The {a.name} team requested peering {pcx} with {b.name} and added their route; "
                f"{a.instance} still cannot reach {b.instance} on {port}.",
        resources={"peering": pcx, "client": a.instance, "server": b.instance, "accepter_vpc": b.vpc,
                   "accepter_route_table": b.table},
        symptom_probe=_probe(lab, a, b, port), healthy=[], fix=fix,
        hints=(f"describe_vpc_peering_connections for {pcx}: what is its Status?",
               "A request is not a connection until the accepter accepts it.",
               f"accept_vpc_peering_connection, then add {a.cidr} -> {pcx} on the accepter's side."),
        fault=f"{pcx} was left in pending-acceptance, and the accepter had no return route.",
        rule="A VPC peering connection carries traffic only once the accepter VPC's owner accepts it (status active).",
        doc=docs.PEERING_ACCEPT, vpcs=[a.vpc, b.vpc])


def peering_transitive(lab, rng: Seeded) -> Case:
    kind, port, az = "peering-transitive", rng.variant_of((443, 5432, 8080)), w.first_az(lab)
    o1, o2, o3 = _octets(rng, 3)
    a, hub, c = (spoke(lab, kind, "dev", o1, port, az), spoke(lab, kind, "shared", o2, port, az),
                 spoke(lab, kind, "tools", o3, port, az))
    ab, bc = _peer(lab, a, hub), _peer(lab, hub, c)
    ec2 = lab.client("ec2")
    ec2.create_route(RouteTableId=a.table, DestinationCidrBlock=c.cidr, VpcPeeringConnectionId=ab)

    def fix():
        ec2.delete_route(RouteTableId=a.table, DestinationCidrBlock=c.cidr)
        _peer(lab, a, c)

    return Case(
        symptom=f"{a.name} reaches {hub.name} and {hub.name} reaches {c.name}, but {a.instance} cannot reach "
                f"{c.instance} on {port} — 'the route through {hub.name} is there'.",
        resources={"client": a.instance, "server": c.instance, "peering_client_hub": ab, "peering_hub_server": bc,
                   "client_route_table": a.table},
        symptom_probe=_probe(lab, a, c, port), healthy=[_probe(lab, a, hub, port), _probe(lab, hub, c, port)],
        fix=fix,
        hints=(f"Trace {a.instance} to {c.instance}: where does it stop?",
               f"{a.table} sends {c.cidr} to {ab}. Can a peering connection forward to a third VPC?",
               f"Peer {a.name} with {c.name} directly (routes both ways), or use a transit gateway."),
        fault=f"{a.table} routes {c.cidr} over {ab} to {hub.name}: peering is not transitive, so {hub.name} never "
              "forwards it.",
        rule="VPC peering does not support transitive routing: traffic can only go between the two peered VPCs.",
        doc=docs.PEERING_LIMITS, vpcs=[a.vpc, hub.vpc, c.vpc])


def peering_group(lab, rng: Seeded) -> Case:
    kind, port, az = "peering-security-group", rng.variant_of((443, 5432, 8080)), w.first_az(lab)
    o1, o2 = _octets(rng, 2)
    a = spoke(lab, kind, "frontend", o1, port, az)
    b = spoke(lab, kind, "backend", o2, port, az, peers=f"10.{o2}.0.0/16")
    pcx = _peer(lab, a, b)
    ec2 = lab.client("ec2")
    return Case(
        symptom=f"Peering {pcx} is active and both route tables have their routes; {a.instance} still times out "
                f"on {b.instance}:{port}.",
        resources={"peering": pcx, "client": a.instance, "server": b.instance, "server_security_group": b.group},
        symptom_probe=_probe(lab, a, b, port), healthy=[],
        fix=lambda: w.allow(ec2, b.group, port, a.cidr),
        hints=(f"Trace {a.instance} to {b.instance} on {port}: which component decides?",
               f"Read {b.group}'s inbound rules: which sources does it allow?",
               f"Allow tcp {port} from the peer VPC's CIDR {a.cidr}."),
        fault=f"{b.group} allows {port} only from its own VPC ({b.cidr}), not from the peer.",
        rule="Security groups in a peered VPC must allow the peer's CIDR (or its group, same Region) explicitly.",
        doc=docs.PEERING_SG, vpcs=[a.vpc, b.vpc])


KINDS = [
    Kind("peering-route-one-side", "04", "Peering route on one side only", "medium", peering_one_side),
    Kind("peering-not-accepted", "04", "Peering connection never accepted", "easy", peering_not_accepted),
    Kind("peering-transitive", "04", "Transitive peering assumed", "hard", peering_transitive),
    Kind("peering-security-group", "04", "Peer's security group does not allow the peer CIDR", "easy",
         peering_group),
]
