"""Incidents of placement groups (lab 06): a spread group asked for more than it can hold in one AZ."""
from __future__ import annotations

from collections import Counter

from lab_helpers.lessons.incidents import docs
from lab_helpers.lessons.incidents import world as w
from lab_helpers.lessons.incidents.engine import Case, Kind, Probe, Seeded

SPREAD_PER_AZ = 7  # EC2 user guide, placement strategies: a rack-level spread group has at most 7 per AZ


def _members(ec2, vpc: str, group: str) -> list[dict]:
    found = ec2.describe_instances(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                            {"Name": "instance-state-name", "Values": ["pending", "running"]}])
    return [i for r in found["Reservations"] for i in r["Instances"] if i["Placement"].get("GroupName") == group]


def spread_limit(lab, rng: Seeded) -> Case:
    kind, ec2, zones = "spread-over-limit", lab.client("ec2"), w.azs(lab)
    octet, service = rng.randint(20, 250), rng.choice(w.NAMES)
    wanted = rng.variant_of((8, 9, 10))
    vpc = w.vpc(lab, f"10.{octet}.0.0/16", f"{service}-quorum", kind)
    subnets = [w.subnet(lab, vpc, f"10.{octet}.{n + 1}.0/24", zones[n], f"{service}-{n}", kind) for n in (0, 1)]
    group = f"{service}-spread-{rng.randint(100, 999)}"
    ec2.create_placement_group(GroupName=group, Strategy="spread")
    for n in range(SPREAD_PER_AZ):
        w.launch(lab, subnets[0], f"{service}-node-{n + 1}", Placement={"GroupName": group})

    def healthy_quorum() -> bool:
        members = _members(ec2, vpc, group)
        per_az = Counter(i["Placement"]["AvailabilityZone"] for i in members)
        return len(members) >= wanted and max(per_az.values()) <= SPREAD_PER_AZ

    def fix():
        for n in range(SPREAD_PER_AZ, wanted):
            w.launch(lab, subnets[1], f"{service}-node-{n + 1}", Placement={"GroupName": group})

    return Case(
        symptom=f"The {service} quorum needs {wanted} nodes, each on its own rack; launching node "
                f"{SPREAD_PER_AZ + 1} into {group} in {zones[0]} fails, and the team asks for 'a bigger limit'.",
        resources={"placement_group": group, "vpc": vpc, "subnets": subnets, "nodes_needed": wanted},
        symptom_probe=Probe(f"{wanted} nodes run in {group}, at most {SPREAD_PER_AZ} per AZ", healthy_quorum),
        healthy=[], fix=fix,
        hints=(f"Try to launch one more into {group} in {zones[0]} and read the error.",
               "How many running instances can a spread placement group hold per Availability Zone?",
               f"Launch the extra nodes in {group} in a second AZ ({subnets[1]}): a spread group spans AZs."),
        fault=f"{group} already has {SPREAD_PER_AZ} instances in {zones[0]}: the spread limit per AZ.",
        rule="A rack-level spread placement group can have at most seven running instances per Availability Zone; "
             "the limit cannot be raised, but the group can span several AZs.",
        doc=docs.PLACEMENT_GROUPS, vpcs=[vpc])


KINDS = [Kind("spread-over-limit", "06", "Spread placement group over its per-AZ limit", "medium", spread_limit)]
