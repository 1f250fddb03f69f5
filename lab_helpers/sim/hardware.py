"""A small hardware model: which rack and host each instance sits on, and who dies when one fails.

AWS never tells you the rack or host of an instance (only the partition number of a partition group), so this
is a *model*, built deterministically from what describe calls do tell you: each instance's Availability Zone,
placement group, strategy and partition. It follows the strategies as AWS documents them (AWS docs: placement-rules):

* default (no group): EC2 spreads instances over hardware, but promises nothing — two instances may share a rack.
  Modelled as a round-robin over a shared pool of ``SHARED_RACKS`` racks per AZ.
* cluster: packed onto few hosts in **one rack** (low latency, high throughput, one blast radius).
* partition: each partition gets its own rack(s); partitions never share racks (AWS docs: placement-rules).
* spread: every instance on its own rack (AWS docs: placement-rules).

Typical use::

    layout = hardware.layout(lab)                  # [Slot(instance_id, az, rack, host, group, strategy, partition)]
    hit = hardware.fail(lab, rack=layout[0].rack)   # BlastRadius: .lost, .survivors, .by_group()

The pictures are :func:`lab_helpers.teach.draw.placement` and :func:`lab_helpers.teach.draw.failure`.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional

from lab_helpers.core import tagging
from lab_helpers.errors import LabInputError

SHARED_RACKS = 6  # racks per AZ that instances without a placement group land on
HOSTS_PER_RACK = 4
SLOTS_PER_HOST = 4  # instances a host carries in the model (a cluster group fills hosts before moving on)
ALIVE = ("pending", "running", "stopping", "stopped")


@dataclass(frozen=True)
class Slot:
    """Where one instance runs, in the model."""

    instance_id: str
    name: str
    az: str
    rack: str
    host: str
    group: str = ""
    strategy: str = "default"
    partition: Optional[int] = None


@dataclass
class BlastRadius:
    """What a rack or host failure takes down."""

    failed: str
    lost: list = field(default_factory=list)  # Slots
    survivors: list = field(default_factory=list)
    layout: list = field(default_factory=list)

    def by_group(self) -> dict:
        """``{group or "(no group)": (lost, total)}`` — the number a team cares about."""
        out: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
        for slot in self.layout:
            key = slot.group or "(no group)"
            out[key][1] += 1
            if slot in self.lost:
                out[key][0] += 1
        return {k: tuple(v) for k, v in out.items()}

    def __str__(self) -> str:
        lines = [f"Failure of {self.failed}: {len(self.lost)} instance(s) lost, {len(self.survivors)} survive."]
        for group, (lost, total) in sorted(self.by_group().items()):
            lines.append(f"  {group:<24} lost {lost} of {total}")
        return "\n".join(lines)


def _instances(lab) -> list:
    # lab.client, not raw_client: in the sandbox the placement group lives in the fidelity layer's describe
    # results (moto drops Placement.GroupName); against AWS the same call returns it natively.
    found: list[dict] = []
    for page in lab.client("ec2").get_paginator("describe_instances").paginate():
        for res in page["Reservations"]:
            found.extend(i for i in res["Instances"] if i["State"]["Name"] in ALIVE)
    return sorted(found, key=lambda i: (i.get("LaunchTime") and i["LaunchTime"].timestamp() or 0,
                                        i.get("AmiLaunchIndex", 0)))


def _strategies(lab) -> dict:
    try:
        groups = lab.client("ec2").describe_placement_groups()["PlacementGroups"]
    except Exception:  # no placement group API in this backend: everything is default placement
        return {}
    return {g["GroupName"]: g["Strategy"] for g in groups}


def _name(instance: dict) -> str:
    return tagging.name_of(instance.get("Tags"), default=instance["InstanceId"])


def layout(lab) -> list[Slot]:
    """Place every live instance on a rack and host, deterministically (same describe output, same layout)."""
    strategies = _strategies(lab)
    by_az = defaultdict(list)
    for inst in _instances(lab):
        by_az[inst["Placement"]["AvailabilityZone"]].append(inst)
    slots = []
    for az in sorted(by_az):
        slots.extend(_place_az(az, by_az[az], strategies))
    return slots


def _place_az(az: str, instances: list, strategies: dict) -> list[Slot]:
    next_rack = [SHARED_RACKS]  # racks 1..SHARED_RACKS are the shared pool; groups get fresh racks after it
    # (rack, host) -> instances placed on that host; (rack, "n") -> instances placed on the rack
    fill: defaultdict[tuple[int, int | str], int] = defaultdict(int)
    group_racks: dict = {}  # (group, key) -> rack number
    shared_turn = [0]

    def new_rack() -> int:
        next_rack[0] += 1
        return next_rack[0]

    def host_on(rack: int, start: int = 0) -> int:
        for h in range(HOSTS_PER_RACK):
            host = (start + h) % HOSTS_PER_RACK + 1
            if fill[(rack, host)] < SLOTS_PER_HOST:
                return host
        return 0

    out: list[Slot] = []
    for inst in instances:
        p = inst.get("Placement", {})
        group, partition = p.get("GroupName") or "", p.get("PartitionNumber")
        strategy = strategies.get(group, "default") if group else "default"
        if strategy == "cluster":
            rack = group_racks.get((group, "cluster"))
            if rack is None or host_on(rack) == 0:  # a full rack spills into the next one
                rack = group_racks[(group, "cluster")] = new_rack()
            host = host_on(rack)
        elif strategy == "partition":
            key = (group, partition or 1)
            rack = group_racks.get(key)
            if rack is None or host_on(rack) == 0:
                rack = group_racks[key] = new_rack()
            host = host_on(rack, start=fill[(rack, "n")])
        elif strategy == "spread":
            rack, host = new_rack(), 1
        else:
            # default placement: round-robin over the shared racks, hosts rotating too; no promise of separation
            turn = shared_turn[0]
            shared_turn[0] += 1
            rack = turn % SHARED_RACKS + 1
            host = host_on(rack, start=turn // SHARED_RACKS) or 1
        fill[(rack, host)] += 1
        fill[(rack, "n")] += 1
        rack_name = f"{az}-rack{rack:02d}"
        out.append(Slot(inst["InstanceId"], _name(inst), az, rack_name, f"{rack_name}-host{host}", group,
                        strategy, partition))
    return out


def fail(lab, rack: str = None, host: str = None, slots: list = None) -> BlastRadius:
    """Fail one rack (its power or top-of-rack switch) or one host, and return who is lost and who survives."""
    if bool(rack) == bool(host):
        raise LabInputError("Fail exactly one thing: hardware.fail(lab, rack='us-east-1a-rack07') or host='...'. "
                            "Names come from hardware.layout(lab).")
    slots = slots if slots is not None else layout(lab)
    known = {s.rack for s in slots} | {s.host for s in slots}
    target = rack or host or ""
    if target not in known:
        raise LabInputError(f"No instance runs on {target!r} in the model; pick one of {sorted(known)[:6]}...")
    lost = [s for s in slots if (s.rack if rack else s.host) == target]
    return BlastRadius(target, lost, [s for s in slots if s not in lost], slots)

