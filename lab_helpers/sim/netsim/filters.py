"""Security groups (stateful, allow-only) and network ACLs (stateless, ordered) — AWS docs: security-group-rules,
infrastructure-security, default-security-group, nacl-rules, network-acls, nacl-ephemeral-ports, vpc-quotas,
gateway-endpoints.

Security groups:
* allow rules only; several groups on one ENI = the union of their rules (AWS docs: security-group-rules);
* a rule may name a CIDR, a prefix list (each CIDR entry counts) or another security group, which matches the
  *private* IPs of that group's members (AWS docs: security-group-rules);
* stateful: the reply of an allowed flow is allowed whatever the rules say (AWS docs: infrastructure-security), so the
  engine checks a group only in the direction the flow was opened.

Network ACLs:
* rules evaluated lowest number first; the first rule whose protocol, port range and CIDR match decides; the final
  ``*`` rule denies (AWS docs: nacl-rules). A NACL with no entries at all (moto's new custom NACL) therefore denies;
* stateless: the reply needs its own rule in each NACL it crosses, on the client's *ephemeral* ports (AWS docs:
  infrastructure-security, nacl-ephemeral-ports);
* only evaluated when a packet crosses the subnet boundary (AWS docs: network-acls).

``nacl_evaluate`` works on a port *range* (a reply goes to any of the client's ephemeral ports), splitting it into
the pieces each rule decides; the range is allowed only if every piece is.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from lab_helpers.sim.netsim.snapshot.index import SnapshotIndex
from lab_helpers.sim.netsim.snapshot.model import NaclEntry, NetworkAcl, SgRule, parse_ip

PROTO_NAMES = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
PORTED = ("6", "17")

# Ephemeral (client) source port ranges, AWS docs: nacl-ephemeral-ports.
EPHEMERAL_LINUX = (32768, 60999)
EPHEMERAL_NAT_GATEWAY = (1024, 65535)
EPHEMERAL_ANY = (1024, 65535)


def proto_number(protocol) -> str:
    p = str(protocol).lower()
    return {"tcp": "6", "udp": "17", "icmp": "1", "all": "-1", "icmpv6": "58", "-1": "-1"}.get(p, p)


@lru_cache(maxsize=65536)
def _net(cidr: str):
    # A pure parse memo (values are immutable), not lab state.
    return ipaddress.ip_network(cidr, strict=False)


_addr = parse_ip


def _in(ip, cidr: str) -> bool:
    addr = _addr(ip)
    net = _net(cidr)
    return addr.version == net.version and addr in net


# ---------------------------------------------------------------------------------------------- security groups
def sg_rule_text(rule: SgRule) -> str:
    proto = PROTO_NAMES.get(rule.protocol, rule.protocol)
    ports = "all ports" if rule.port_from is None else (
        f"port {rule.port_from}" if rule.port_from == rule.port_to else f"ports {rule.port_from}-{rule.port_to}")
    way = "to" if rule.egress else "from"
    return f"{'outbound' if rule.egress else 'inbound'} {proto} {ports} {way} {rule.peer}"


def sg_rule_matches(idx: SnapshotIndex, rule: SgRule, proto: str, port: Optional[int], remote_ip,
                    own_region: str = "") -> bool:
    if rule.protocol != "-1" and rule.protocol != proto:
        return False
    if rule.protocol in PORTED and rule.port_from is not None and port is not None:
        assert rule.port_to is not None, "AWS gives FromPort and ToPort together"
        if not rule.port_from <= port <= rule.port_to:
            return False
    if rule.protocol == "1" and rule.port_from not in (None, -1) and port is not None and rule.port_from != port:
        return False  # ICMP: FromPort is the ICMP type
    if rule.peer_type in ("cidr", "cidr6"):
        return _in(remote_ip, rule.peer)
    if rule.peer_type == "prefix-list":
        addr = parse_ip(remote_ip)
        return any(n.version == addr.version and addr in n for n in idx.prefix_networks.get(rule.peer, []))
    if rule.peer_type == "security-group":
        ref = idx.snap.security_groups.get(rule.peer)
        if ref is not None and own_region and ref.region != own_region:
            return False  # AWS docs: security-group-rules: an inter-Region peer's groups cannot be referenced
        return str(remote_ip) in idx.sg_member_ips.get(rule.peer, ())
    return False


@dataclass(frozen=True)
class SgVerdict:
    allowed: bool
    group_id: str = ""  # the group whose rule allowed (or the first group, when nothing allowed)
    rule: Optional[SgRule] = None


def sg_evaluate(idx: SnapshotIndex, sg_ids: list[str], egress: bool, proto: str, port: Optional[int],
                remote_ip) -> SgVerdict:
    """Union of the ENI's groups (AWS docs: security-group-rules): allowed if any rule of any group matches."""
    for sg_id in sg_ids:
        sg = idx.snap.security_groups.get(sg_id)
        if sg is None:
            continue
        for rule in sg.rules:
            if rule.egress == egress and sg_rule_matches(idx, rule, proto, port, remote_ip, sg.region):
                return SgVerdict(True, sg_id, rule)
    return SgVerdict(False, sg_ids[0] if sg_ids else "")


# ------------------------------------------------------------------------------------------------- network ACLs
def nacl_entry_text(e: Optional[NaclEntry]) -> str:
    if e is None:
        return "rule * (implicit final deny: no rule matched)"
    proto = PROTO_NAMES.get(e.protocol, e.protocol)
    ports = "" if e.protocol not in PORTED or e.port_from is None else (
        f" port {e.port_from}" if e.port_from == e.port_to else f" ports {e.port_from}-{e.port_to}")
    num = "*" if e.number >= 32767 else str(e.number)
    return f"rule {num}: {e.action} {proto}{ports} {'to' if e.egress else 'from'} {e.cidr}"


def _entry_matches(e: NaclEntry, proto: str, remote_ip, icmp_type=None) -> bool:
    if e.protocol != "-1" and e.protocol != proto:
        return False
    if proto == "1" and e.protocol == "1" and e.icmp_type not in (None, -1) and icmp_type is not None:
        if e.icmp_type != icmp_type:
            return False
    return bool(e.cidr) and _in(remote_ip, e.cidr)


def _entry_ports(e: NaclEntry) -> tuple[int, int]:
    if e.protocol in PORTED and e.port_from is not None:
        assert e.port_to is not None, "a network ACL PortRange has From and To together"
        return e.port_from, e.port_to
    return 0, 65535


@dataclass(frozen=True)
class NaclPiece:
    lo: int
    hi: int
    entry: Optional[NaclEntry]  # None: no rule matched (the final '*' deny)

    @property
    def allowed(self) -> bool:
        return self.entry is not None and self.entry.action == "allow"


@dataclass(frozen=True)
class NaclVerdict:
    allowed: bool
    pieces: tuple  # NaclPiece, in port order
    deciding: Optional[NaclEntry]  # the rule a learner should look at: first deny, else first allow

    @property
    def denied_ports(self) -> list[tuple[int, int]]:
        return [(p.lo, p.hi) for p in self.pieces if not p.allowed]


def _ordered(acl: NetworkAcl, egress: bool, memo: Optional[dict]) -> list:
    """The ACL's rules for one direction, lowest number first (memoised per snapshot when ``memo`` is given)."""
    key = ("nacl", acl.id, egress)
    if memo is not None and key in memo:
        return memo[key]
    ordered = sorted((e for e in acl.entries if e.egress == egress), key=lambda e: e.number)
    if memo is not None:
        memo[key] = ordered
    return ordered


def nacl_evaluate(acl: NetworkAcl, egress: bool, proto: str, ports: tuple[int, int], remote_ip,
                  icmp_type=None, memo: Optional[dict] = None) -> NaclVerdict:
    """First-match evaluation of ``acl`` for every destination port in ``ports`` (inclusive)."""
    if proto not in PORTED:
        ports = (0, 0)
    remaining: list[tuple[int, int]] = [(ports[0], ports[1])]
    pieces: list[NaclPiece] = []
    for e in _ordered(acl, egress, memo):
        if not remaining:
            break
        if not _entry_matches(e, proto, remote_ip, icmp_type):
            continue
        elo, ehi = _entry_ports(e) if proto in PORTED else (0, 65535)
        rest = []
        for lo, hi in remaining:
            a, b = max(lo, elo), min(hi, ehi)
            if a > b:
                rest.append((lo, hi))
                continue
            pieces.append(NaclPiece(a, b, e))
            if lo < a:
                rest.append((lo, a - 1))
            if b < hi:
                rest.append((b + 1, hi))
        remaining = rest
    pieces.extend(NaclPiece(lo, hi, None) for lo, hi in remaining)
    pieces.sort(key=lambda p: p.lo)
    allowed = all(p.allowed for p in pieces)
    deciding = next((p.entry for p in pieces if not p.allowed), None) if not allowed else pieces[0].entry
    if not allowed and deciding is None:
        deciding = None
    return NaclVerdict(allowed, tuple(pieces), deciding)


def nacl_brute_force(entries: list[NaclEntry], egress: bool, proto: str, port: int, remote_ip) -> bool:
    """Reference for tests: one port, sorted scan, first match decides, no match denies."""
    for e in sorted(entries, key=lambda e: e.number):
        if e.egress != egress or not _entry_matches(e, proto, remote_ip):
            continue
        lo, hi = _entry_ports(e) if proto in PORTED else (0, 65535)
        if proto in PORTED and not lo <= port <= hi:
            continue
        return e.action == "allow"
    return False
