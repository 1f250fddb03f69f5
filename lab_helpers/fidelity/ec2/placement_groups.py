"""Placement groups, served in the sandbox (moto-fidelity §6: moto implements none of it).

Served: ``CreatePlacementGroup``, ``DescribePlacementGroups``, ``DeletePlacementGroup``, ``ModifyInstancePlacement``.
Enforced on ``RunInstances(Placement={"GroupName"|"GroupId", "PartitionNumber"})`` and patched into
``DescribeInstances`` / ``RunInstances`` results, so ``Placement.GroupName`` reads back as in AWS.

The rules (AWS docs: placement-rules, and the EC2 user guide's "placement group rules and limitations"):

- names are unique per account and Region; at most 500 groups per Region;
- cluster: one Availability Zone (a launch in another AZ while the group has running instances fails
  ``InvalidPlacementGroup.InUse``); burstable types (T2, T3, T3a, T4g) and Mac1 are not supported;
- partition: 1-7 partitions per AZ; ``PartitionNumber`` must be 1..PartitionCount; without it EC2 spreads
  instances evenly over the partitions;
- spread (rack level): at most 7 running instances per AZ per group — the 8th launch fails;
- an instance is in at most one group; ``ModifyInstancePlacement`` needs a stopped instance;
- a group that still has instances (not terminated) cannot be deleted.

Error codes: ``InvalidPlacementGroup.Duplicate``, ``.Unknown`` and ``.InUse`` are AWS's documented codes. For
the limits (partition count, spread 7/AZ, burstable in cluster) AWS documents the rule but not the exact error
code; we use ``InvalidParameterValue`` / ``InvalidParameterCombination``, EC2's codes for a parameter that breaks a
rule, and say so in each message.

State lives in the lab's shim store (``ctx.store(STORE)``): ``groups`` by name and ``members`` (instance id →
group name and partition). The hardware model (:mod:`lab_helpers.sim.hardware`) reads it back through describe calls.
"""
from __future__ import annotations

import secrets
from collections import Counter
from typing import Optional

from lab_helpers.data.aws_docs import cite, sourced
from lab_helpers.fidelity.base import Shim, aws_error, aws_response, request_region

STORE = __name__  # shim-state key: this module owns its served state
STRATEGIES = ("cluster", "spread", "partition")
MAX_PARTITIONS = 7
MAX_SPREAD_PER_AZ = 7
MAX_GROUPS_PER_REGION = 500
BURSTABLE_FAMILIES = ("t1", "t2", "t3", "t3a", "t4g", "mac1")
ALIVE = ("pending", "running", "stopping", "stopped", "shutting-down")
RUNNING = ("pending", "running")

Refusal = Optional[tuple]


# -- pure rules ------------------------------------------------------------------------------------------------
def create_refusal(name: str, strategy: str, partition_count, existing: dict) -> Refusal:
    if not name:
        return ("MissingParameter", "The request must contain the parameter groupName.")
    if name in existing:
        return ("InvalidPlacementGroup.Duplicate", f"The placement group '{name}' already exists.")
    if len(existing) >= MAX_GROUPS_PER_REGION:
        return ("PlacementGroupLimitExceeded",
                f"You've reached the limit of {MAX_GROUPS_PER_REGION} placement groups in this Region.")
    if strategy not in STRATEGIES:
        return ("InvalidParameterValue", f"Value ({strategy}) for parameter strategy is invalid. "
                f"Use one of {', '.join(STRATEGIES)}.")
    if partition_count is not None:
        if strategy != "partition":
            return ("InvalidParameterCombination",
                    "PartitionCount is valid only when Strategy is 'partition'.")
        if not 1 <= int(partition_count) <= MAX_PARTITIONS:
            return ("InvalidParameterValue",
                    f"Value ({partition_count}) for parameter partitionCount is invalid. A partition placement group "
                    f"has 1 to {MAX_PARTITIONS} partitions per Availability Zone ({cite('placement-rules')}).")
    return None


def burstable(instance_type: str) -> bool:
    return (instance_type or "").split(".")[0] in BURSTABLE_FAMILIES


def launch_refusal(group: dict, instance_type: str, az: str, count: int, partition: Optional[int],
                   members: list) -> Refusal:
    """May ``count`` instances of ``instance_type`` start in ``group`` in ``az``?

    ``members`` are the group's current instances as dicts with ``az`` and ``state`` (from describe).
    """
    name, strategy = group["GroupName"], group["Strategy"]
    running = [m for m in members if m["state"] in RUNNING]
    if strategy == "cluster":
        if burstable(instance_type):
            return ("InvalidParameterCombination",
                    f"The instance type {instance_type} is not supported in a cluster placement group: burstable "
                    f"(T-family) and Mac1 instances cannot be clustered ({cite('placement-rules')}). Use e.g. "
                    "c5.large.")
        other = sorted({m["az"] for m in running if m["az"] != az})
        if other:
            return ("InvalidPlacementGroup.InUse",
                    f"The placement group '{name}' is in use in another availability zone: {other[0]}. A cluster "
                    f"placement group lives in one Availability Zone ({cite('placement-rules')}).")
    if strategy == "partition" and partition is not None:
        if not 1 <= int(partition) <= int(group.get("PartitionCount", 0)):
            return ("InvalidParameterValue",
                    f"Value ({partition}) for parameter partitionNumber is invalid. Group '{name}' has partitions 1 to "
                    f"{group.get('PartitionCount')} ({cite('placement-rules')}).")
    if strategy != "partition" and partition is not None:
        return ("InvalidParameterCombination",
                f"PartitionNumber is valid only for partition placement groups; '{name}' is {strategy}.")
    if strategy == "spread":
        in_az = sum(1 for m in running if m["az"] == az)
        if in_az + count > MAX_SPREAD_PER_AZ:
            return ("InvalidParameterValue",
                    f"Spread placement group '{name}' already has {in_az} running instance(s) in {az}; it can hold at "
                    f"most {MAX_SPREAD_PER_AZ} per Availability Zone ({cite('placement-rules')}), so {count} more "
                    "cannot start. Use another AZ, a second spread group, or a partition group.")
    return None


def next_partitions(group: dict, taken: list, count: int) -> list:
    """EC2 spreads instances launched without a PartitionNumber evenly over the partitions (lowest first)."""
    load = Counter({p: 0 for p in range(1, int(group.get("PartitionCount", 1)) + 1)})
    load.update(taken)
    chosen = []
    for _ in range(count):
        p = min(load, key=lambda k: (load[k], k))
        chosen.append(p)
        load[p] += 1
    return chosen


# -- glue -------------------------------------------------------------------------------------------------------
def _state(ctx, region: str) -> dict:
    # Placement groups belong to a Region: the same name may exist once in each (CreatePlacementGroup's uniqueness).
    store = ctx.store(STORE).setdefault(region, {})
    store.setdefault("groups", {})  # name -> PlacementGroup dict (AWS shape)
    store.setdefault("members", {})  # instance id -> {"group": name, "partition": int|None}
    return store


def _err(refusal: Refusal):
    return aws_error(*refusal) if refusal else None


def _find_group(state: dict, name: str = None, group_id: str = None) -> Optional[dict]:
    for group in state["groups"].values():
        if (name and group["GroupName"] == name) or (group_id and group["GroupId"] == group_id):
            return group
    return None


def _unknown(name) -> tuple:
    return ("InvalidPlacementGroup.Unknown", f"The Placement Group '{name}' is unknown.")


def _instances(ctx, region: str, ids=None) -> list:
    ec2 = ctx.raw_client("ec2", region)
    kw = {"InstanceIds": list(ids)} if ids else {}
    found = []
    for page in ec2.get_paginator("describe_instances").paginate(**kw):
        for res in page["Reservations"]:
            found.extend(res["Instances"])
    return found


def _members(ctx, region: str, state: dict, group_name: str, exclude: str = None) -> list:
    ids = [i for i, m in state["members"].items() if m["group"] == group_name and i != exclude]
    if not ids:
        return []
    return [{"id": i["InstanceId"], "az": i["Placement"]["AvailabilityZone"], "state": i["State"]["Name"],
             "partition": state["members"][i["InstanceId"]].get("partition")} for i in _instances(ctx, region, ids)]


def create_placement_group(params, ctx, context=None, **_):
    region = request_region(context)
    state = _state(ctx, region)
    strategy = params.get("Strategy", "")
    refusal = create_refusal(params.get("GroupName", ""), strategy, params.get("PartitionCount"), state["groups"])
    if refusal:
        return aws_error(*refusal)
    group_id = "pg-" + secrets.token_hex(9)[:17]
    tags = [t for spec in params.get("TagSpecifications", []) if spec.get("ResourceType") == "placement-group"
            for t in spec.get("Tags", [])]
    group = {"GroupName": params["GroupName"], "State": "available", "Strategy": strategy, "GroupId": group_id,
             "Tags": tags, "GroupArn": f"arn:aws:ec2:{region}:{ctx.account_id}:placement-group/{params['GroupName']}"}
    if strategy == "partition":
        group["PartitionCount"] = int(params.get("PartitionCount") or 2)
    if strategy == "spread":
        group["SpreadLevel"] = params.get("SpreadLevel", "rack")
    state["groups"][params["GroupName"]] = group
    return aws_response({"PlacementGroup": dict(group)})


def _matches(group: dict, flt: dict) -> bool:
    name, values = flt["Name"], flt.get("Values", [])
    if name.startswith("tag:"):
        return any(t["Key"] == name[4:] and t["Value"] in values for t in group.get("Tags", []))
    if name == "tag-key":
        return any(t["Key"] in values for t in group.get("Tags", []))
    field = {"group-name": "GroupName", "group-id": "GroupId", "group-arn": "GroupArn", "state": "State",
             "strategy": "Strategy", "spread-level": "SpreadLevel"}.get(name)
    return field is not None and group.get(field) in values


def describe_placement_groups(params, ctx, context=None, **_):
    region = request_region(context)
    state = _state(ctx, region)
    groups = list(state["groups"].values())
    for name in params.get("GroupNames", []):
        if _find_group(state, name=name) is None:
            return aws_error(*_unknown(name))
    for gid in params.get("GroupIds", []):
        if _find_group(state, group_id=gid) is None:
            return aws_error("InvalidPlacementGroupId.NotFound", f"The placement group ID '{gid}' does not exist.")
    if params.get("GroupNames"):
        groups = [g for g in groups if g["GroupName"] in params["GroupNames"]]
    if params.get("GroupIds"):
        groups = [g for g in groups if g["GroupId"] in params["GroupIds"]]
    for flt in params.get("Filters", []):
        groups = [g for g in groups if _matches(g, flt)]
    return aws_response({"PlacementGroups": [dict(g) for g in groups]})


def delete_placement_group(params, ctx, context=None, **_):
    region = request_region(context)
    state = _state(ctx, region)
    name = params.get("GroupName", "")
    if name not in state["groups"]:
        return aws_error(*_unknown(name))
    alive = [m for m in _members(ctx, region, state, name) if m["state"] in ALIVE]
    if alive:
        return aws_error("InvalidPlacementGroup.InUse",
                         f"The placement group '{name}' is in use and may not be deleted: "
                         f"{', '.join(m['id'] for m in alive)} still in it. Terminate them (or move them out with "
                         "modify_instance_placement) first.")
    del state["groups"][name]
    for iid in [i for i, m in state["members"].items() if m["group"] == name]:
        del state["members"][iid]
    return aws_response({})


def _target_az(ctx, region: str, params) -> str:
    placement = params.get("Placement") or {}
    if placement.get("AvailabilityZone"):
        return placement["AvailabilityZone"]
    subnet = params.get("SubnetId") or next((n.get("SubnetId") for n in params.get("NetworkInterfaces", [])
                                             if n.get("SubnetId")), None)
    ec2 = ctx.raw_client("ec2", region)
    if subnet:
        return ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailabilityZone"]
    defaults = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    return sorted(s["AvailabilityZone"] for s in defaults)[0] if defaults else ""


def run_instances_check(params, ctx, context=None, **_):
    region = request_region(context)
    placement = params.get("Placement") or {}
    name, gid = placement.get("GroupName"), placement.get("GroupId")
    if not name and not gid:
        return None
    state = _state(ctx, region)
    group = _find_group(state, name=name, group_id=gid)
    if group is None:
        return aws_error(*_unknown(name or gid))
    try:
        az = _target_az(ctx, region, params)
    except Exception:  # a bad subnet id: let moto give its own InvalidSubnetID.NotFound
        return None
    count = int(params.get("MaxCount", 1))
    return _err(launch_refusal(group, params.get("InstanceType", "m1.small"), az, count,
                               placement.get("PartitionNumber"), _members(ctx, region, state, group["GroupName"])))


def run_instances_record(parsed, ctx, params=None, context=None, **_):
    region = request_region(context)
    placement = (params or {}).get("Placement") or {}
    state = _state(ctx, region)
    group = _find_group(state, name=placement.get("GroupName"), group_id=placement.get("GroupId"))
    if group is None:
        return
    instances = parsed.get("Instances", [])
    partitions = [None] * len(instances)
    if group["Strategy"] == "partition":
        if placement.get("PartitionNumber"):
            partitions = [int(placement["PartitionNumber"])] * len(instances)
        else:
            taken = [m["partition"] for m in state["members"].values()
                     if m["group"] == group["GroupName"] and m.get("partition")]
            partitions = next_partitions(group, taken, len(instances))
    for inst, part in zip(instances, partitions):
        state["members"][inst["InstanceId"]] = {"group": group["GroupName"], "partition": part}
        _patch(inst, state)


def _patch(instance: dict, state: dict) -> None:
    member = state["members"].get(instance.get("InstanceId"))
    placement = instance.setdefault("Placement", {})
    if member is None or member["group"] not in state["groups"]:
        return
    group = state["groups"][member["group"]]
    placement["GroupName"] = group["GroupName"]
    placement["GroupId"] = group["GroupId"]
    if member.get("partition"):
        placement["PartitionNumber"] = member["partition"]


def describe_instances_patch(parsed, ctx, context=None, **_):
    region = request_region(context)
    state = _state(ctx, region)
    if not state["members"]:
        return
    for res in parsed.get("Reservations", []):
        for inst in res.get("Instances", []):
            _patch(inst, state)


def modify_instance_placement(params, ctx, context=None, **_):
    region = request_region(context)
    name, gid = params.get("GroupName"), params.get("GroupId")
    if name is None and gid is None:
        return None  # tenancy/affinity/host changes: moto's own behaviour
    state = _state(ctx, region)
    iid = params["InstanceId"]
    try:
        inst = _instances(ctx, region, [iid])[0]
    except Exception:
        return aws_error("InvalidInstanceID.NotFound", f"The instance ID '{iid}' does not exist")
    if inst["State"]["Name"] != "stopped":
        return aws_error("IncorrectInstanceState",
                         f"The instance '{iid}' is not in the 'stopped' state. Stop it before changing its "
                         "placement group.")
    if name == "":  # AWS: an empty GroupName removes the instance from its group
        state["members"].pop(iid, None)
        return aws_response({"Return": True})
    group = _find_group(state, name=name, group_id=gid)
    if group is None:
        return aws_error(*_unknown(name or gid))
    partition = params.get("PartitionNumber")
    refusal = launch_refusal(group, inst["InstanceType"], inst["Placement"]["AvailabilityZone"], 0, partition,
                             _members(ctx, region, state, group["GroupName"], exclude=iid))
    if refusal:
        return aws_error(*refusal)
    if group["Strategy"] == "partition" and not partition:
        taken = [m["partition"] for i, m in state["members"].items()
                 if m["group"] == group["GroupName"] and i != iid and m.get("partition")]
        partition = next_partitions(group, taken, 1)[0]
    # One group per instance: moving it replaces its previous membership.
    state["members"][iid] = {"group": group["GroupName"], "partition": partition}
    return aws_response({"Return": True})


SHIMS = [
    Shim("ec2", "CreatePlacementGroup", "call", sourced("Placement groups served (moto lacks them)", "placement-rules"),
         create_placement_group),
    Shim("ec2", "DescribePlacementGroups", "call", "Placement groups served (moto lacks them)",
         describe_placement_groups),
    Shim("ec2", "DeletePlacementGroup", "call", "A placement group with instances cannot be deleted",
         delete_placement_group),
    Shim("ec2", "ModifyInstancePlacement", "call",
         sourced("One group per instance; instance must be stopped", "placement-rules"),
         modify_instance_placement),
    Shim("ec2", "RunInstances", "call",
         sourced("Cluster one AZ/no burstable, partitions 1-7, spread 7/AZ", "placement-rules"),
         run_instances_check),
    Shim("ec2", "RunInstances", "result", "Placement.GroupName reads back (moto drops it)", run_instances_record),
    Shim("ec2", "DescribeInstances", "result", "Placement.GroupName reads back (moto drops it)",
         describe_instances_patch),
]
