"""What one walk knows and records: the snapshot it walks, the destination, the hops so far, and why it stopped.

The walker's hop families (:mod:`.walker`, :mod:`.walk_edge`, :mod:`.walk_transit`) all build on this class, so
each can record a hop or stop the walk; the methods one family calls on another are declared below for type
checkers only (Walker defines them).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn, Optional

from lab_helpers.sim.netsim.explain import Blocked
from lab_helpers.sim.netsim.packets import MAX_HOPS, Endpoint, Hop, Packet, WalkStopped
from lab_helpers.sim.netsim.snapshot.index import SnapshotIndex
from lab_helpers.sim.netsim.snapshot.model import Eni, Snapshot, Subnet


class WalkState:
    def __init__(self, idx: SnapshotIndex, dest: Endpoint, mode: str = "forward", translations: Optional[dict] = None):
        self.idx = idx
        self.snap: Snapshot = idx.snap
        self.dest = dest
        self.mode = mode
        self.hops: list[Hop] = []
        self.blocked: Optional[Blocked] = None
        self.reached: Optional[tuple] = None  # ("eni", Eni, Packet) | ("internet", igw_id, Packet) | ("endpoint", ...)
        self.translations = translations if translations is not None else {}
        self.steps = 0

    # -- recording ---------------------------------------------------------------------------------------------
    def hop(self, cid, ctype, decided_by, rule, verdict, subnet: Optional[Subnet] = None, vpc_id="", region="",
            **aws) -> Hop:
        h = Hop(cid, ctype, decided_by, rule, verdict, self.mode, region or (subnet.region if subnet else ""),
                vpc_id or (subnet.vpc_id if subnet else ""), subnet.id if subnet else "", aws)
        self.hops.append(h)
        return h

    def stop(self, code: str, sentence: str, cid: str, ctype: str, **aws) -> NoReturn:
        if self.blocked is None:
            self.blocked = Blocked(code, sentence, cid, ctype, self.mode, aws)
        raise WalkStopped()

    def tick(self):
        self.steps += 1
        if self.steps > MAX_HOPS:
            self.stop("VPCLAB_ROUTING_LOOP", "The packet kept being forwarded without arriving: two route tables "
                      "point at each other. Check the routes on the path for a loop.", "", "route-table")

    if TYPE_CHECKING:  # defined by Walker and the hop families; declared so each family type-checks alone
        def nacl(self, subnet: Subnet, egress: bool, pkt: Packet) -> None: ...
        def route(self, subnet: Subnet, pkt: Packet, origin: str, sender: Optional[Eni] = None) -> None: ...
        def deliver(self, eni: Eni, pkt: Packet, origin: str) -> None: ...
        def appliance(self, eni: Eni, pkt: Packet, origin: str) -> None: ...
        def untranslate(self, pkt: Packet, origin: str) -> None: ...
        def target_eni(self, r) -> Optional[Eni]: ...
        def internet(self, pkt: Packet, igw_id: str, subnet: Subnet) -> None: ...
        def igw_in(self, pkt: Packet, igw_id: Optional[str]) -> None: ...
        def tgw_route(self, tgw_id: str, from_att: str, pkt: Packet, az: str) -> None: ...
