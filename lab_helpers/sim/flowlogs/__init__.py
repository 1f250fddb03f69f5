"""VPC Flow Logs for the sandbox: the flows the engine evaluates, written as AWS's default-format records.

After ``ec2.create_flow_logs(...)`` on a VPC, a subnet or a network interface, every flow the lab evaluates —
``lab.trace``, the traffic generator ``lab.traffic`` and ``lab.http``'s requests through VPC Lattice — is logged
per network interface (:mod:`.records`; for Lattice, :mod:`lab_helpers.sim.k8s.lattice_flows`: the client's
interface, and the pod's node from a 169.254.171.x address of Lattice's prefix list, health checks the target's
security group rejects included) and delivered to the flow log's CloudWatch Logs group or S3 bucket with ordinary
API calls (:mod:`.publish`). Read
them back as you would in AWS (``logs.filter_log_events``, ``s3.get_object``), or with :func:`read` and
:func:`talkers`. Only where the backend is moto (the sandbox, or a moto server on 127.0.0.1): a real account writes
its own flow logs, and the lab never adds invented records to them.
"""
from __future__ import annotations

import gzip
import ipaddress
import random
from collections import defaultdict
from dataclasses import dataclass
from typing import Optional

from lab_helpers.sim.flowlogs import publish
from lab_helpers.sim.flowlogs.records import FIELDS, HEADER, FlowRecord, exchange, parse, records, seen

_RNG = random.Random()


def enabled(lab) -> bool:
    """Simulated records only where moto is the backend (never into a real account's logs)."""
    return getattr(lab, "backend", "moto") != "aws" and bool(publish.flow_logs(lab))


def _interfaces(snapshot, recs) -> dict:
    out = {}
    for r in recs:
        eni = snapshot.enis.get(r.interface_id)
        if eni is not None:
            out[r.interface_id] = {"id": eni.id, "subnet_id": eni.subnet_id, "vpc_id": eni.vpc_id}
        else:  # a NAT gateway's interface: its subnet and VPC from the gateway
            nat = next((n for n in snapshot.nat_gateways.values() if r.interface_id in n.eni_ids), None)
            if nat is not None:
                out[r.interface_id] = {"id": r.interface_id, "subnet_id": nat.subnet_id, "vpc_id": nat.vpc_id}
    return out


def log_analysis(lab, analysis, snapshot, *, start: Optional[int] = None, packets: int = 10, size: int = 4000,
                 rng: Optional[random.Random] = None) -> list[FlowRecord]:
    """Write the records of one evaluated flow to the flow logs that cover its interfaces; return them."""
    if not enabled(lab):
        return []
    recs = records(analysis, snapshot, publish.account_of(lab), start or publish.now(), packets=packets, size=size,
                   rng=rng or _RNG)
    interfaces = _interfaces(snapshot, recs)
    by_interface: dict[str, list[FlowRecord]] = defaultdict(list)
    for r in recs:
        if r.interface_id in interfaces:
            by_interface[r.interface_id].append(r)
    publish.deliver(lab, dict(by_interface), interfaces)
    return recs


def observe(lab, result) -> None:
    """Called by ``lab.trace``: log the traced flow when flow logs are on."""
    if result.engine is not None and result.snapshot is not None:
        log_analysis(lab, result.engine, result.snapshot)


@dataclass
class Talker:
    address: str
    bytes: int
    packets: int
    flows: int

    def __str__(self) -> str:
        return f"{self.address:<16} {self.bytes:>14,} bytes {self.packets:>10,} packets {self.flows:>6} flows"


def talkers(recs, by: str = "srcaddr", interface: Optional[str] = None, action: Optional[str] = None,
            inside: Optional[str] = None, exclude=(), top: int = 10) -> list[Talker]:
    """Group records by ``by`` (srcaddr or dstaddr), biggest first. Keep only one ``interface``'s records, one
    ``action``'s, those whose ``by`` address is ``inside`` a CIDR (e.g. the VPC's: who *in the VPC* sends), and
    drop the ``exclude`` addresses (a NAT gateway's own private address, on its translated leg)."""
    network = ipaddress.ip_network(inside) if inside else None
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in recs:
        if (interface and r.interface_id != interface) or (action and r.action != action):
            continue
        address = getattr(r, by)
        if address in exclude or (network is not None and ipaddress.ip_address(address) not in network):
            continue
        t = totals[getattr(r, by)]
        t[0], t[1], t[2] = t[0] + r.bytes, t[1] + r.packets, t[2] + 1
    ranked = sorted(totals.items(), key=lambda kv: -kv[1][0])[:top]
    return [Talker(addr, b, p, n) for addr, (b, p, n) in ranked]


def read(lab, *, log_group: Optional[str] = None, bucket: Optional[str] = None, interface: Optional[str] = None,
         filter_pattern: str = "") -> list[FlowRecord]:
    """Flow log records back from CloudWatch Logs (``filter_log_events``) or S3 (``get_object``, gunzipped)."""
    out: list[FlowRecord] = []
    if log_group:
        logs = lab.client("logs")
        kwargs: dict = {"logGroupName": log_group, "filterPattern": filter_pattern}
        if interface:
            kwargs["logStreamNames"] = [interface]
        for page in logs.get_paginator("filter_log_events").paginate(**kwargs):
            out += [parse(e["message"]) for e in page["events"]]
    if bucket:
        s3 = lab.client("s3")
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for obj in page.get("Contents", []):
                text = gzip.decompress(s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()).decode()
                out += [parse(line) for line in text.splitlines()[1:] if line.strip()]
        if interface:
            out = [r for r in out if r.interface_id == interface]
    return out


__all__ = ["FlowRecord", "FIELDS", "HEADER", "parse", "records", "seen", "log_analysis", "observe", "talkers",
           "Talker", "read", "enabled", "exchange"]
