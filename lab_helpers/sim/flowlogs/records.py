"""VPC Flow Log records from one evaluated flow: which network interfaces saw it, and what each logged.

The default format (version 2) has 14 space-separated fields — ``version account-id interface-id srcaddr dstaddr
srcport dstport protocol packets bytes start end action log-status`` — one record per flow per network interface
per aggregation interval (https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html). What this
module models, from the engine's hop list (:class:`~lab_helpers.sim.netsim.Analysis`):

* the **source** interface logs the request as it leaves (ACCEPT, or REJECT when its own security group or its
  subnet's network ACL stops it) and, when a reply comes back to it, the reply;
* the **destination** interface logs the request when it reaches the destination's subnet (REJECT when the
  destination's security group or network ACL drops it — a security group drop shows only this one REJECT) and the
  reply it sends; a network ACL is stateless, so it can **ACCEPT the request and REJECT the reply** on the way
  out — the two records AWS's "security group vs network ACL" example shows;
* a **NAT gateway**'s interface logs both legs of a translated flow: the instance's address on the inside and the
  gateway's private address on the outside, so its records name the instances behind it (the top talker).

Addresses are those on the interface: inbound traffic from the internet is logged to the private IPv4 address.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Optional

FIELDS = ("version", "account_id", "interface_id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
          "packets", "bytes", "start", "end", "action", "log_status")
HEADER = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action " \
         "log-status"
GATEWAYS = ("internet-gateway", "nat-gateway", "vpc-peering-connection", "transit-gateway",
            "transit-gateway-attachment", "vpc-endpoint", "egress-only-internet-gateway")
FILTERS = ("security-group", "network-acl")


@dataclass(frozen=True)
class FlowRecord:
    """One default-format (version 2) record; ``str()`` is the line AWS writes."""

    version: int
    account_id: str
    interface_id: str
    srcaddr: str
    dstaddr: str
    srcport: int
    dstport: int
    protocol: int
    packets: int
    bytes: int
    start: int
    end: int
    action: str  # ACCEPT | REJECT
    log_status: str = "OK"

    def __str__(self) -> str:
        return " ".join(str(getattr(self, f)) for f in FIELDS)


def parse(line: str) -> FlowRecord:
    """A default-format line back into a :class:`FlowRecord` (``-`` fields, as in NODATA records, become 0)."""
    parts = line.split()
    if len(parts) != len(FIELDS):
        raise ValueError(f"a default-format flow log record has {len(FIELDS)} fields, this one {len(parts)}: "
                         f"{line!r}")
    values: list = []
    for name, raw in zip(FIELDS, parts):
        numeric = name in ("version", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end")
        values.append((int(raw) if raw != "-" else 0) if numeric else raw)
    return FlowRecord(*values)


@dataclass
class Seen:
    """What one interface saw of a flow: the request and, if any, the reply (each ACCEPT or REJECT)."""

    interface_id: str
    local_ip: str  # the interface's address in the records (instead of a public IP)
    request: Optional[str]
    reply: Optional[str]
    role: str  # source | destination | nat


def _side(hops, subnet: str, from_start: bool) -> int:
    """How many hops at one end of ``hops`` belong to the interface in ``subnet`` (its filters, its route table)."""
    ordered = hops if from_start else list(reversed(hops))
    count, groups = 0, 0
    for index, hop in enumerate(ordered):
        if index and (hop.component_type in GATEWAYS or (hop.subnet_id and hop.subnet_id != subnet)):
            break
        if hop.component_type == "security-group":
            groups += 1
            if groups > 1:  # a second group is the other end's (same-subnet traffic)
                break
        count += 1
    return count


def _leg(hops, subnet: str, near_start: bool) -> tuple[bool, Optional[str]]:
    """(reached the interface, its action) for a leg whose interface is at the start or the end of ``hops``."""
    blocked = next((i for i, h in enumerate(hops) if not h.ok), None)
    side = _side(hops, subnet, near_start)
    if near_start:
        if blocked is not None and blocked < side:
            return True, "REJECT"
        return True, "ACCEPT"
    if blocked is None:
        return True, "ACCEPT"
    first_local = len(hops) - side
    if blocked >= first_local and hops[blocked].component_type in FILTERS:
        return True, "REJECT"
    return False, None


def seen(analysis, snapshot) -> list[Seen]:
    """Every interface on the path and what it logged (see the module docstring)."""
    out: list[Seen] = []
    src, dst, fwd, ret = analysis.source, analysis.destination, analysis.forward, analysis.ret
    forward_done = bool(fwd) and fwd[-1].ok and fwd[-1].verdict == "reached"
    if src.kind == "eni" and src.eni is not None:
        _, request = _leg(fwd, src.eni.subnet_id, near_start=True)
        reply = None
        if forward_done and request == "ACCEPT":
            reached, reply = _leg(ret, src.eni.subnet_id, near_start=False)
            reply = reply if reached else None
        out.append(Seen(src.eni.id, src.eni.private_ips[0], request, reply, "source"))
    if dst.kind == "eni" and dst.eni is not None:
        reached, request = _leg(fwd, dst.eni.subnet_id, near_start=False)
        if reached:
            reply = _leg(ret, dst.eni.subnet_id, near_start=True)[1] if request == "ACCEPT" else None
            out.append(Seen(dst.eni.id, dst.eni.private_ips[0], request, reply, "destination"))
    for hop in fwd:
        nat = snapshot.nat_gateways.get(hop.component_id) if hop.component_type == "nat-gateway" else None
        if nat is not None and nat.eni_ids and hop.ok:
            back = any(h.component_id == nat.id for h in ret) and analysis.reachable
            out.append(Seen(nat.eni_ids[0], nat.private_ips[0] if nat.private_ips else "", "ACCEPT",
                            "ACCEPT" if back else None, "nat"))
    return out


def exchange(account: str, interface_id: str, client: tuple[str, int], server: tuple[str, int], protocol: int,
             request: Optional[str], reply: Optional[str], start: int, *, packets: int = 10, size: int = 4000,
             reply_size: Optional[int] = None) -> list[FlowRecord]:
    """The records one interface writes for one connection: the request ``client`` → ``server`` (if it saw it) and
    the reply back (if it saw one), each with its own action. Any flow evaluator's records go through here (the
    engine's, :func:`records`; the Lattice data plane's, :mod:`lab_helpers.sim.k8s.lattice_flows`). A rejected
    request is the client's retried SYNs (a few 60-byte packets); a rejected reply, a few 40-byte ones."""
    (src, sport), (dst, dport), end = client, server, start + 60
    out = []
    if request:
        n, b = (packets, size) if request == "ACCEPT" else (min(packets, 3), 60 * min(packets, 3))
        out.append(FlowRecord(2, account, interface_id, src, dst, sport, dport, protocol, n, b, start, end, request))
    if reply:
        n, b = (packets, size if reply_size is None else reply_size) if reply == "ACCEPT" else \
            (min(packets, 3), 40 * min(packets, 3))
        out.append(FlowRecord(2, account, interface_id, dst, src, dport, sport, protocol, n, b, start, end, reply))
    return out


def records(analysis, snapshot, account: str, start: int, *, packets: int = 10, size: int = 4000,
            rng: Optional[random.Random] = None) -> list[FlowRecord]:
    """The default-format records of one flow (request ``size`` bytes; a reply of the same size when accepted)."""
    rng = rng or random.Random()
    pkt = analysis.packet
    proto = int(pkt.proto) if pkt.proto not in ("-1", "") else 0
    low, high = pkt.sport
    sport = rng.randint(max(low, 1024), max(high, 1024)) if high else 0
    dport = pkt.dport[0]
    src_ip, dst_ip = analysis.source.ip, analysis.destination.ip
    out = []
    for s in seen(analysis, snapshot):
        here_src = s.local_ip if s.role == "source" else src_ip
        here_dst = s.local_ip if s.role == "destination" else dst_ip
        legs = [(here_src, here_dst)]
        if s.role == "nat":  # and the translated leg: from the gateway's own private address
            legs.append((s.local_ip, dst_ip))
        for src, dst in legs:
            out += exchange(account, s.interface_id, (src, sport), (dst, dport), proto, s.request, s.reply, start,
                            packets=packets, size=size)
    return out
