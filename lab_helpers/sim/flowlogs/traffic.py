"""A small traffic generator: a few flows, or a day of instances talking to the internet (through a NAT gateway).

Each flow is walked by the reachability engine once on one snapshot, then logged as many times as it repeats,
spread over the period, with the byte counts given — so the flow logs show who talks to whom, how much, and what
was rejected, as a day of real traffic would. Sizes are the caller's (or, for a day, drawn from the seed).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Optional

from lab_helpers.sim import netsim
from lab_helpers.sim.flowlogs import log_analysis, publish
from lab_helpers.sim.flowlogs.records import FlowRecord

DESTINATIONS = ("52.94.236.248", "151.101.0.223", "140.82.112.4", "104.16.132.229", "13.107.42.14")
DAY = 24 * 3600


@dataclass
class Flow:
    source: str
    destination: str
    port: int = 443
    bytes: int = 50_000
    repeat: int = 1
    protocol: str = "tcp"


@dataclass
class TrafficReport:
    flows: int = 0
    accepted: int = 0
    rejected: int = 0
    records: list[FlowRecord] = field(default_factory=list, repr=False)
    heavy: str = field(default="", repr=False)  # for a day: the source that sent the most (what a lab checks)

    def __str__(self) -> str:
        return (f"{self.flows} flow(s) evaluated: {self.accepted} reached, {self.rejected} did not; "
                f"{len(self.records)} flow log record(s) written")


def _as_flow(item) -> Flow:
    if isinstance(item, Flow):
        return item
    if isinstance(item, dict):
        return Flow(**item)
    return Flow(*item)


def send(lab, flows, *, start: Optional[int] = None, period: int = 3600, seed: Optional[int] = None) -> TrafficReport:
    """Evaluate each flow (``(source, destination, port, bytes, repeat)`` or a dict) and log its records."""
    rng = random.Random(seed)
    snap = netsim.snapshot_of(lab)
    begin = start or publish.now() - period
    report = TrafficReport()
    for item in flows:
        flow = _as_flow(item)
        analysis = netsim.trace_api_run(snap, flow.source, flow.destination, flow.port, flow.protocol, lab.region)
        report.flows += 1
        report.accepted += analysis.reachable
        report.rejected += not analysis.reachable
        for _ in range(max(1, flow.repeat)):
            at = begin + rng.randrange(max(1, period))
            packets = max(1, flow.bytes // 1200)
            report.records += log_analysis(lab, analysis, snap, start=at, packets=packets, size=flow.bytes, rng=rng)
    return report


def day(lab, sources, *, seed: int = 0, heavy: Optional[str] = None) -> TrafficReport:
    """A day of internet traffic from ``sources`` (instance ids): most send a few MB to a few sites, one sends a
    lot — the surprise on the NAT bill. ``heavy`` names it; otherwise the seed picks it."""
    rng = random.Random(f"day:{seed}")
    sources = list(sources)
    heavy = heavy or rng.choice(sources)
    flows = []
    for source in sources:
        for destination in rng.sample(DESTINATIONS, 3):
            size = rng.randint(200_000, 2_000_000) * (40 if source == heavy else 1)
            flows.append(Flow(source, destination, 443, size, rng.randint(4, 12)))
    report = send(lab, flows, start=publish.now() - DAY, period=DAY, seed=seed)
    report.heavy = heavy
    return report
