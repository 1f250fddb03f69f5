"""Incidents of the private subnet's way out (lab 02): NAT gateway routes and placement, NAT instances."""
from __future__ import annotations

from lab_helpers.lessons.incidents import docs
from lab_helpers.lessons.incidents import world as w
from lab_helpers.lessons.incidents.engine import Case, Kind, Probe, Seeded
from lab_helpers.lessons.incidents.routing import DESTINATIONS


def _healthy(lab, world: w.TwoTier) -> list[Probe]:
    return [Probe(f"{world.web} reaches {DESTINATIONS[0]} on 443",
                  lambda: w.reaches(lab, world.web, DESTINATIONS[0], 443)),
            Probe(f"{world.web} reaches {world.app} on {world.app_port}",
                  lambda: w.reaches(lab, world.web, world.app, world.app_port))]


def _app_out(lab, world: w.TwoTier, dest: str, port: int) -> Probe:
    return Probe(f"{world.app} reaches {dest} on {port}", lambda: w.reaches(lab, world.app, dest, port))


def _new_nat_route(lab, world: w.TwoTier, replace: bool):
    ec2 = lab.client("ec2")
    nat = w.nat_gateway(lab, world.public_subnet, "fix")
    call = ec2.replace_route if replace else ec2.create_route
    call(RouteTableId=world.private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)


def nat_route_missing(lab, rng: Seeded) -> Case:
    world = w.two_tier(lab, rng, "nat-route-missing", nat=True)
    ec2, dest, port = lab.client("ec2"), rng.variant_of(DESTINATIONS), rng.choice((443, 80))
    ec2.delete_route(RouteTableId=world.private_rt, DestinationCidrBlock="0.0.0.0/0")
    return Case(
        symptom=f"{world.app} cannot reach {dest}:{port} (its package mirror); the NAT gateway {world.nat} is "
                "'available' and nobody deleted it.",
        resources={"vpc": world.vpc, "app": world.app, "nat": world.nat, "private_route_table": world.private_rt},
        symptom_probe=_app_out(lab, world, dest, port), healthy=_healthy(lab, world),
        fix=lambda: ec2.create_route(RouteTableId=world.private_rt, DestinationCidrBlock="0.0.0.0/0",
                                     NatGatewayId=world.nat),
        hints=(f"Trace {world.app} to {dest} on {port}.", f"Read the routes of {world.private_rt}.",
               f"Add 0.0.0.0/0 -> {world.nat} to the private route table."),
        fault=f"{world.private_rt} lost its 0.0.0.0/0 -> {world.nat} route.",
        rule="A NAT gateway is used only by subnets whose route table sends internet traffic to it.",
        doc=docs.NAT_GATEWAY, vpcs=[world.vpc])


def nat_in_private(lab, rng: Seeded) -> Case:
    world = w.two_tier(lab, rng, "nat-in-private-subnet")
    ec2, dest = lab.client("ec2"), rng.variant_of(DESTINATIONS)
    wrong = w.nat_gateway(lab, world.private_subnet, "nat-in-private-subnet")
    ec2.create_route(RouteTableId=world.private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=wrong)
    return Case(
        symptom=f"The new NAT gateway {wrong} is 'available' and {world.private_rt} routes to it, yet {world.app} "
                f"still cannot reach {dest}.",
        resources={"vpc": world.vpc, "app": world.app, "nat": wrong, "public_subnet": world.public_subnet},
        symptom_probe=_app_out(lab, world, dest, 443), healthy=_healthy(lab, world),
        fix=lambda: _new_nat_route(lab, world, replace=True),
        hints=(f"Trace {world.app} to {dest}: follow it past the NAT gateway.",
               f"Which subnet is {wrong} in, and where does that subnet's route table send 0.0.0.0/0?",
               "Create the NAT gateway in the public subnet and point the private route table at it."),
        fault=f"{wrong} was created in the private subnet, whose route table has no internet gateway route.",
        rule="A public NAT gateway must be in a public subnet: its own traffic leaves through the subnet's "
             "route to the internet gateway.",
        doc=docs.NAT_GATEWAY, vpcs=[world.vpc])


def nat_blackhole(lab, rng: Seeded) -> Case:
    world = w.two_tier(lab, rng, "nat-blackhole", nat=True)
    ec2, dest = lab.client("ec2"), rng.variant_of(DESTINATIONS)
    ec2.delete_nat_gateway(NatGatewayId=world.nat)
    return Case(
        symptom=f"Overnight someone 'cleaned up unused NAT gateways'; this morning {world.app} cannot reach "
                f"{dest}.",
        resources={"vpc": world.vpc, "app": world.app, "private_route_table": world.private_rt,
                   "public_subnet": world.public_subnet},
        symptom_probe=_app_out(lab, world, dest, 443), healthy=_healthy(lab, world),
        fix=lambda: _new_nat_route(lab, world, replace=True),
        hints=(f"Trace {world.app} to {dest}.", f"Look at the State of each route in {world.private_rt}.",
               "The route points at a deleted NAT gateway (blackhole): create a new one in the public subnet and "
               "replace_route to it."),
        fault=f"{world.nat} was deleted; {world.private_rt}'s 0.0.0.0/0 route became a blackhole.",
        rule="A route whose target is deleted stays in the table with State=blackhole and drops the traffic.",
        doc=docs.ROUTE_TABLES, vpcs=[world.vpc])


def nat_instance_check(lab, rng: Seeded) -> Case:
    world = w.two_tier(lab, rng, "nat-instance-check")
    ec2, dest = lab.client("ec2"), rng.variant_of(DESTINATIONS)
    nat_sg = w.group(lab, world.vpc, f"{world.service}-nat", "nat-instance-check")
    ec2.authorize_security_group_ingress(GroupId=nat_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": world.cidr}]}])
    nat_instance = w.launch(lab, world.public_subnet, f"{world.service}-nat-{rng.randint(1, 9)}", public_ip=True,
                            security_groups=[nat_sg])
    ec2.create_route(RouteTableId=world.private_rt, DestinationCidrBlock="0.0.0.0/0", InstanceId=nat_instance)
    return Case(
        symptom=f"To save money the NAT gateway was replaced by a NAT instance ({nat_instance}); since then "
                f"{world.app} cannot reach {dest}. The NAT instance itself can.",
        resources={"vpc": world.vpc, "app": world.app, "nat_instance": nat_instance},
        symptom_probe=_app_out(lab, world, dest, 443),
        healthy=_healthy(lab, world) + [Probe(f"{nat_instance} reaches {dest}",
                                              lambda: w.reaches(lab, nat_instance, dest, 443))],
        fix=lambda: ec2.modify_instance_attribute(InstanceId=nat_instance, SourceDestCheck={"Value": False}),
        hints=(f"Trace {world.app} to {dest}: which hop drops it?",
               f"describe_instance_attribute on {nat_instance}: what does it do with packets not addressed to it?",
               "A NAT instance must have SourceDestCheck=false."),
        fault=f"{nat_instance} kept SourceDestCheck=true, so it dropped every packet not addressed to itself.",
        rule="An instance that forwards traffic (a NAT instance, an appliance) needs source/destination checking "
             "switched off.",
        doc=docs.NAT_INSTANCE, vpcs=[world.vpc])


KINDS = [
    Kind("nat-route-missing", "02", "Private route table lost its NAT route", "easy", nat_route_missing),
    Kind("nat-in-private-subnet", "02", "NAT gateway placed in the private subnet", "medium", nat_in_private),
    Kind("nat-blackhole", "02", "Blackhole route after the NAT gateway was deleted", "medium", nat_blackhole),
    Kind("nat-instance-check", "02", "NAT instance with source/destination check on", "hard", nat_instance_check),
]
