"""Incidents of routing and public addressing (labs 01 and 02): the internet gateway, route tables, NAT gateways."""
from __future__ import annotations

from lab_helpers.lessons.incidents import docs
from lab_helpers.lessons.incidents import world as w
from lab_helpers.lessons.incidents.engine import Case, Kind, Probe, Seeded

DESTINATIONS = ("8.8.8.8", "1.1.1.1", "9.9.9.9", "208.67.222.222")


def _basics(lab, world: w.TwoTier) -> list[Probe]:
    return [Probe(f"the internet reaches {world.web} on 443", lambda: w.reaches(lab, "internet", world.web, 443)),
            Probe(f"{world.web} reaches {world.app} on {world.app_port}",
                  lambda: w.reaches(lab, world.web, world.app, world.app_port))]


def igw_route_missing(lab, rng: Seeded) -> Case:
    world = w.two_tier(lab, rng, "igw-route-missing")
    ec2, dest, port = lab.client("ec2"), rng.variant_of(DESTINATIONS), rng.choice((443, 80))
    ec2.delete_route(RouteTableId=world.public_rt, DestinationCidrBlock="0.0.0.0/0")
    return Case(
        symptom=f"{world.web} (the {world.service} web server, public subnet) cannot reach {dest} on {port} any "
                "more; nobody touched the instance.",
        resources={"vpc": world.vpc, "web": world.web, "public_subnet": world.public_subnet},
        symptom_probe=Probe(f"{world.web} reaches {dest} on {port}", lambda: w.reaches(lab, world.web, dest, port)),
        healthy=[_basics(lab, world)[1]],
        fix=lambda: ec2.create_route(RouteTableId=world.public_rt, DestinationCidrBlock="0.0.0.0/0",
                                     GatewayId=world.igw),
        hints=(f"Trace {world.web} to {dest} and read which hop says no.",
               f"Look at the route table associated with {world.public_subnet}.",
               "A public subnet needs 0.0.0.0/0 -> the VPC's internet gateway in its route table."),
        fault=f"{world.public_rt} lost its 0.0.0.0/0 -> {world.igw} route: only the local route was left.",
        rule="A subnet is public only when its route table sends internet-bound traffic to an internet gateway.",
        doc=docs.INTERNET_GATEWAY, vpcs=[world.vpc], exempt={world.public_rt})


def private_subnet_public(lab, rng: Seeded) -> Case:
    world = w.two_tier(lab, rng, "private-subnet-public")
    ec2, dest = lab.client("ec2"), rng.variant_of(DESTINATIONS)
    current = ec2.describe_route_tables(RouteTableIds=[world.private_rt])["RouteTables"][0]["Associations"][0]
    ec2.replace_route_table_association(AssociationId=current["RouteTableAssociationId"],
                                        RouteTableId=world.public_rt)
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=eip, InstanceId=world.app)

    def private_again() -> bool:
        table = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id",
                                                    "Values": [world.private_subnet]}])["RouteTables"]
        routes = table[0]["Routes"] if table else []
        return not any(str(r.get("GatewayId", "")).startswith("igw-") for r in routes) and \
            not w.reaches(lab, world.app, dest, 443)

    def fix():
        assoc = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id",
                                                    "Values": [world.private_subnet]}])["RouteTables"][0]
        association = next(a for a in assoc["Associations"] if a.get("SubnetId") == world.private_subnet)
        ec2.replace_route_table_association(AssociationId=association["RouteTableAssociationId"],
                                            RouteTableId=world.private_rt)

    return Case(
        symptom=f"The security audit says {world.app} in the private subnet {world.private_subnet} talks to "
                f"{dest} directly, without going through anything we control.",
        resources={"vpc": world.vpc, "app": world.app, "private_subnet": world.private_subnet,
                   "private_route_table": world.private_rt},
        symptom_probe=Probe(f"{world.private_subnet} has no internet-gateway route and {world.app} cannot reach "
                            f"{dest}", private_again),
        healthy=_basics(lab, world), fix=fix,
        hints=(f"Trace {world.app} to {dest}: which gateway does it leave by?",
               f"Which route table is {world.private_subnet} associated with?",
               f"Associate {world.private_subnet} with {world.private_rt} again (replace_route_table_association)."),
        fault=f"{world.private_subnet} was associated with the public route table {world.public_rt}, and "
              f"{world.app} has an Elastic IP: the private subnet became public.",
        rule="A subnet's route table, not its name, decides whether it is public: 0.0.0.0/0 -> igw makes it so.",
        doc=docs.SUBNET_ROUTE_TABLES, vpcs=[world.vpc])


def no_public_ip(lab, rng: Seeded) -> Case:
    world = w.two_tier(lab, rng, "no-public-ip")
    variant, port = rng.variant_of((("never-had-one", 443), ("never-had-one", 80), ("eip-disassociated", 443)))
    new = w.launch(lab, world.public_subnet, f"{world.service}-web-new", security_groups=[world.web_sg])
    ec2, kept = lab.client("ec2"), None
    if variant == "eip-disassociated":  # someone moved the address "temporarily" and never put it back
        kept = ec2.allocate_address(Domain="vpc")["AllocationId"]
        association = ec2.associate_address(AllocationId=kept, InstanceId=new)["AssociationId"]
        ec2.disassociate_address(AssociationId=association)

    def fix():
        eip = kept or ec2.allocate_address(Domain="vpc")["AllocationId"]
        ec2.associate_address(AllocationId=eip, InstanceId=new)

    return Case(
        symptom=f"The new {world.service} web server {new} in the public subnet does not answer on {port} from "
                f"the internet; the old one ({world.web}) does, and both have the same security group.",
        resources={"vpc": world.vpc, "new_web": new, "old_web": world.web, "public_subnet": world.public_subnet},
        symptom_probe=Probe(f"the internet reaches {new} on {port}", lambda: w.reaches(lab, "internet", new, port)),
        healthy=_basics(lab, world), fix=fix,
        hints=(f"Compare {new} and {world.web} in describe_instances.",
               "Look at PublicIpAddress: which one has none?",
               "Associate an Elastic IP with the new instance (describe_addresses: is one lying idle?)."),
        fault=f"{new} has no public IPv4 address: " + ("it was launched without one (the subnet does not "
              "auto-assign one)." if kept is None else f"its Elastic IP {kept} was disassociated and left idle."),
        rule="An instance is reachable from the internet only with a public IPv4 address or an Elastic IP, "
             "besides the route and the security group.",
        doc=docs.INTERNET_GATEWAY, vpcs=[world.vpc])


def _associate(ec2, subnet: str, table: str) -> None:
    """Point ``subnet`` at ``table``, whether it has an explicit association now or falls back to the main table."""
    found = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])["RouteTables"]
    current = [a for t in found for a in t["Associations"] if a.get("SubnetId") == subnet]
    if current:
        ec2.replace_route_table_association(AssociationId=current[0]["RouteTableAssociationId"], RouteTableId=table)
    else:
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)


def wrong_table(lab, rng: Seeded) -> Case:
    world = w.two_tier(lab, rng, "wrong-route-table", nat=True)
    ec2, dest = lab.client("ec2"), rng.choice(DESTINATIONS)
    variant = rng.variant_of(("legacy", "main", "public"))
    if variant == "main":
        assoc = ec2.describe_route_tables(RouteTableIds=[world.private_rt])["RouteTables"][0]["Associations"][0]
        ec2.disassociate_route_table(AssociationId=assoc["RouteTableAssociationId"])
        wrong = "the main route table (no explicit association)"
    else:
        table = world.public_rt if variant == "public" else \
            w.table(lab, world.vpc, f"{world.service}-legacy-rt", "wrong-route-table")
        _associate(ec2, world.private_subnet, table)
        wrong = f"{table} ({variant})"
    return Case(
        symptom=f"Package updates on {world.app} (private subnet) time out since last night's change; the NAT "
                f"gateway {world.nat} is available and its route table looks right.",
        resources={"vpc": world.vpc, "app": world.app, "nat": world.nat, "private_route_table": world.private_rt},
        symptom_probe=Probe(f"{world.app} reaches {dest} on 443", lambda: w.reaches(lab, world.app, dest, 443)),
        healthy=_basics(lab, world), fix=lambda: _associate(ec2, world.private_subnet, world.private_rt),
        hints=(f"Trace {world.app} to {dest}: which route table does the trace use?",
               f"describe_route_tables with the filter association.subnet-id={world.private_subnet}.",
               f"Associate the subnet with {world.private_rt}, the table that has 0.0.0.0/0 -> {world.nat}."),
        fault=f"{world.private_subnet} uses {wrong}, which has no route to the NAT gateway.",
        rule="Each subnet uses exactly one route table: the one it is associated with, or else the main table.",
        doc=docs.SUBNET_ROUTE_TABLES, vpcs=[world.vpc])


KINDS = [
    Kind("igw-route-missing", "01", "Public subnet lost its internet route", "easy", igw_route_missing),
    Kind("private-subnet-public", "01", "Private subnet routed to the internet gateway", "medium",
         private_subnet_public),
    Kind("no-public-ip", "01", "Web server without a public IP", "easy", no_public_ip),
    Kind("wrong-route-table", "02", "Subnet associated with the wrong route table", "medium", wrong_table),
]
