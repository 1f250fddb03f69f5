"""What a walk carries and produces: packets, hops, the two ends of a flow, and the finished analysis."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from lab_helpers.errors import TraceInputError
from lab_helpers.sim.netsim.explain import Blocked
from lab_helpers.sim.netsim.snapshot.model import Eni

MAX_HOPS = 64
INTERNET_CLIENT = "198.51.100.10"  # TEST-NET-2: the address "the internet" sends from when none is given
INTERNET_SERVER = "8.8.8.8"


@dataclass
class Hop:
    """One step of a path: which component, what decided, the rule or route used, and the verdict."""

    component_id: str
    component_type: str  # instance | network-interface | security-group | network-acl | route-table | ...
    decided_by: str  # "source", "security group rule", "network ACL rule", "route", "gateway", "destination", ...
    rule: str  # the rule or route, in words
    verdict: str  # "allow" | "deny" | "forward" | "reached" | "drop"
    direction: str = "forward"  # forward | return
    region: str = ""
    vpc_id: str = ""
    subnet_id: str = ""
    aws: dict = field(default_factory=dict)  # AWS PathComponent fields (AclRule, RouteTableRoute, ...)

    @property
    def ok(self) -> bool:
        return self.verdict not in ("deny", "drop")


@dataclass
class Packet:
    src: str
    dst: str
    proto: str  # IANA number as a string: "6" tcp, "17" udp, "1" icmp, "-1" all
    dport: tuple[int, int]
    sport: tuple[int, int]

    def reply(self) -> Packet:
        return Packet(self.dst, self.src, self.proto, self.sport, self.dport)

    @property
    def port(self) -> Optional[int]:
        return self.dport[0] if self.dport[0] == self.dport[1] else None


@dataclass
class Endpoint:
    """A resolved source or destination."""

    kind: str  # eni | internet | service | igw | nat | vpce | pcx | tgw | tgw-attach | ip
    id: str  # what the caller named (instance id, eni id, "internet", an IP...)
    ip: str = ""
    region: str = ""
    vpc_id: str = ""
    eni: Optional[Eni] = None
    service: str = ""  # for kind service: prefix-list name, e.g. com.amazonaws.us-east-1.s3
    resource_type: str = ""  # AWS type name for the component (instance, network-interface, internet-gateway...)

    @property
    def interface(self) -> Eni:
        """The network interface of an ``eni`` endpoint (resolving one always sets it)."""
        if self.eni is None:
            raise TraceInputError(f"{self.id} is a {self.kind} endpoint, not a network interface.")
        return self.eni


@dataclass
class Analysis:
    source: Endpoint
    destination: Endpoint
    packet: Packet
    reachable: bool
    forward: list[Hop]
    ret: list[Hop]
    blocked: Optional[Blocked]
    notes: list[str] = field(default_factory=list)
    via: str = ""  # how the destination was reached, e.g. "gateway endpoint vpce-..." or "internet gateway igw-..."


class WalkStopped(Exception):
    """Raised inside the walk when a hop drops the packet."""
