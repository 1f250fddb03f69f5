"""A port address translation (PAT) table: how one NAT gateway address carries thousands of private flows.

A NAT gateway rewrites the *source* of each outbound flow to one of its own addresses (its Elastic IP for a public
NAT gateway, its private IP for a private one) and picks a *source port* on that address. Replies come back to that
address and port, and the table says which private host and port they belong to. Many hosts share one address and
are told apart only by port — port address translation, or "NAT overload".

What this module models ("AWS docs: key" names a page in :mod:`lab_helpers.data.aws_docs`):

* Ports come from 1024–65535 (AWS docs: nat-gateway) — the reason NACLs must allow return traffic to that whole range.
* A mapping must be unique per *destination* (destination IP, port and protocol): the same public port can serve
  two flows to two different destinations, because the reply's source tells them apart.
* At most 55,000 simultaneous connections per address per unique destination (AWS docs: nat-gateway-basics). Past that
  on every address, a new flow fails and the ``ErrorPortAllocation`` metric counts it.
* Up to 8 addresses per NAT gateway (1 primary + 7 secondary; AWS docs: nat-gateway-basics): each adds another 55,000
  per destination.
* A flow idle for 350 s or more is dropped from the table (AWS docs: nat-gateway-troubleshooting) and
  ``IdleTimeoutCount`` counts it; the clock is simulated (:meth:`PatTable.advance`), so a lab can wait six minutes in a
  millisecond.

**Port choice.** AWS does not document how a NAT gateway picks a port. The source notes' table is::

    10.40.2.101:40001 -> 10.20.1.100:40001
    10.40.2.201:40001 -> 10.20.1.100:50001

That is what :class:`PreserveThenStride` produces: keep the host's own source port when it is free for that
destination (the first flow); otherwise try the port plus 10,000, plus 20,000 … wrapping inside 1024–65535 (the
second flow: 40001 is taken, 50001 is free); if every stride candidate is taken, take the next free port upward.
Keeping the port when possible is what Linux masquerading does too; the stride is simply the smallest rule that
explains the note's numbers. Any policy is correct as long as mappings stay unique per destination — replace
``policy`` to try another.

The table reads the NAT gateway's addresses with ``describe_nat_gateways`` (:func:`for_nat_gateway`), never moto
internals, so the same simulator can explain a real account's NAT gateway.
"""
from __future__ import annotations

import html
import ipaddress
from dataclasses import dataclass, field
from typing import Optional

from lab_helpers.data.aws_docs import cite
from lab_helpers.errors import LabInputError, PortAllocationError

PORT_MIN, PORT_MAX = 1024, 65535
MAX_PER_DESTINATION = 55_000
IDLE_TIMEOUT_S = 350
MAX_ADDRESSES = 8
PROTOCOLS = ("tcp", "udp", "icmp")  # AWS docs: nat-gateway-basics: a NAT gateway translates only these


@dataclass(frozen=True)
class Destination:
    ip: str
    port: int
    protocol: str = "tcp"

    def __str__(self) -> str:
        return f"{self.ip}:{self.port}/{self.protocol}"


@dataclass
class Translation:
    """One row of the table: private ``source`` → public ``address:port`` for ``destination``."""

    private_ip: str
    private_port: int
    public_ip: str
    public_port: int
    destination: Destination
    created: float
    last_seen: float
    overloaded: bool = False  # True when the host's own port was taken and another was chosen

    @property
    def private(self) -> str:
        return f"{self.private_ip}:{self.private_port}"

    @property
    def public(self) -> str:
        return f"{self.public_ip}:{self.public_port}"


class PreserveThenStride:
    """Keep the source port if free; else +stride (wrapping in 1024–65535); else the next free port upward."""

    def __init__(self, stride: int = 10_000):
        self.stride = stride

    def candidates(self, source_port: int):
        span = PORT_MAX - PORT_MIN + 1
        start = source_port if PORT_MIN <= source_port <= PORT_MAX else PORT_MIN
        # one lap of the range: port, +10,000, +20,000 … (about 7 candidates). Going round again would revisit
        # thousands of ports (the stride and the range share a factor of 16) and make every overloaded flow slow.
        for k in range(max(1, span // self.stride + 1)):
            yield PORT_MIN + (start - PORT_MIN + k * self.stride) % span
        # fallback: a linear scan is handled by the table (it keeps a cursor so filling 55,000 ports stays linear)

    def __repr__(self) -> str:
        return f"PreserveThenStride(stride={self.stride})"


@dataclass(repr=False)
class PatTable:
    """The translation table of one NAT gateway. ``addresses[0]`` is the primary address."""

    addresses: list
    idle_timeout: float = IDLE_TIMEOUT_S
    max_per_destination: int = MAX_PER_DESTINATION
    policy: PreserveThenStride = field(default_factory=PreserveThenStride)
    now: float = 0.0
    name: str = "NAT gateway"
    rows: dict = field(default_factory=dict)  # (private ip, port, Destination) -> Translation
    metrics: dict = field(default_factory=lambda: {"ErrorPortAllocation": 0, "IdleTimeoutCount": 0,
                                                   "ConnectionEstablishedCount": 0})
    events: list = field(default_factory=list)
    _used: dict = field(default_factory=dict)  # (public ip, Destination) -> set of public ports
    _cursor: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.addresses:
            raise LabInputError("A NAT gateway needs at least one address (its primary IP).")
        self.addresses = [str(ipaddress.ip_address(a)) for a in self.addresses]
        if len(self.addresses) > MAX_ADDRESSES:
            raise LabInputError(f"A NAT gateway has at most {MAX_ADDRESSES} addresses (1 primary + 7 secondary).")

    # -- addresses -------------------------------------------------------------------------------------------
    def add_address(self, ip: str) -> None:
        """Add a secondary address (AssociateNatGatewayAddress / AssignPrivateNatGatewayAddress): +55,000 per
        destination."""
        ip = str(ipaddress.ip_address(ip))
        if ip in self.addresses:
            raise LabInputError(f"{ip} is already an address of this NAT gateway.")
        if len(self.addresses) >= MAX_ADDRESSES:
            raise LabInputError(f"A NAT gateway has at most {MAX_ADDRESSES} addresses (1 primary + 7 secondary); "
                             "spread flows over more NAT gateways (or destinations) instead.")
        self.addresses.append(ip)
        self.events.append(f"t={self.now:g}s: added secondary address {ip}")

    # -- flows -----------------------------------------------------------------------------------------------
    def open(self, source: str, destination: str, protocol: str = "tcp") -> Translation:
        """Send a packet of flow ``source`` ("10.40.2.101:40001") → ``destination`` ("93.184.216.34:443").

        An existing mapping is reused (and its idle timer reset); a new flow gets a public address and port, or
        raises :class:`PortAllocationError` when every address has 55,000 flows to this destination.
        """
        src_ip, src_port = split_ip_port(source, "source")
        dst_ip, dst_port = split_ip_port(destination, "destination")
        protocol = protocol.lower()
        if protocol not in PROTOCOLS:
            raise LabInputError(f"A NAT gateway translates only TCP, UDP and ICMP ({cite('nat-gateway-basics')}), not "
                                f"{protocol!r}.")
        dest = Destination(dst_ip, dst_port, protocol)
        key = (src_ip, src_port, dest)
        row = self.rows.get(key)
        if row is not None:
            row.last_seen = self.now
            return row
        for address in self.addresses:
            used = self._used.setdefault((address, dest), set())
            if len(used) >= self.max_per_destination:
                continue
            port = self._pick(address, dest, used, src_port)
            if port is None:
                continue
            used.add(port)
            row = Translation(src_ip, src_port, address, port, dest, self.now, self.now,
                              overloaded=port != src_port)
            self.rows[key] = row
            self.metrics["ConnectionEstablishedCount"] += 1
            if row.overloaded:
                self.events.append(f"t={self.now:g}s: {source} → {dest}: port {src_port} on {address} is taken "
                                   f"for this destination, so the flow gets {port} (port overloading)")
            return row
        self.metrics["ErrorPortAllocation"] += 1
        self.events.append(f"t={self.now:g}s: {source} → {dest}: ErrorPortAllocation (all "
                           f"{len(self.addresses)} address(es) have {self.max_per_destination:,} flows to it)")
        raise PortAllocationError(
            f"ErrorPortAllocation: every address of {self.name} ({', '.join(self.addresses)}) already has "
            f"{self.max_per_destination:,} simultaneous connections to {dest}. Add a secondary address "
            f"(up to {MAX_ADDRESSES}), spread the load over more destinations, or close idle connections.")

    def _pick(self, address, dest, used, src_port) -> Optional[int]:
        for port in self.policy.candidates(src_port):
            if port not in used:
                return port
        span = PORT_MAX - PORT_MIN + 1
        start = self._cursor.get((address, dest), PORT_MIN)
        for i in range(span):
            port = PORT_MIN + (start - PORT_MIN + i) % span
            if port not in used:
                self._cursor[(address, dest)] = port + 1 if port < PORT_MAX else PORT_MIN
                return port
        return None

    def close(self, source: str, destination: str, protocol: str = "tcp") -> None:
        """The flow ended (FIN/RST): its port is free again."""
        src_ip, src_port = split_ip_port(source, "source")
        dst_ip, dst_port = split_ip_port(destination, "destination")
        row = self.rows.pop((src_ip, src_port, Destination(dst_ip, dst_port, protocol.lower())), None)
        if row is not None:
            self._used[(row.public_ip, row.destination)].discard(row.public_port)

    def advance(self, seconds: float) -> list[Translation]:
        """Move the simulated clock; flows idle for ``idle_timeout`` seconds or more are dropped and returned."""
        if seconds < 0:
            raise LabInputError("The clock only moves forward.")
        self.now += seconds
        expired = [k for k, r in self.rows.items() if self.now - r.last_seen >= self.idle_timeout]
        dropped = []
        for key in expired:
            row = self.rows.pop(key)
            self._used[(row.public_ip, row.destination)].discard(row.public_port)
            dropped.append(row)
        if dropped:
            self.metrics["IdleTimeoutCount"] += len(dropped)
            self.events.append(f"t={self.now:g}s: {len(dropped)} flow(s) idle ≥ {self.idle_timeout:g}s timed out "
                               "(the next packet of such a flow gets an RST; send keepalives < 350 s)")
        return dropped

    # -- views -----------------------------------------------------------------------------------------------
    def lookup(self, source: str, destination: str, protocol: str = "tcp") -> Optional[Translation]:
        src_ip, src_port = split_ip_port(source, "source")
        dst_ip, dst_port = split_ip_port(destination, "destination")
        return self.rows.get((src_ip, src_port, Destination(dst_ip, dst_port, protocol.lower())))

    def reply(self, public: str, from_destination: str, protocol: str = "tcp") -> Optional[Translation]:
        """Which private flow a reply arriving at ``public`` from ``from_destination`` belongs to (None: dropped —
        this is also why unsolicited inbound traffic never gets in)."""
        ip, port = split_ip_port(public, "public address")
        dst_ip, dst_port = split_ip_port(from_destination, "destination")
        dest = Destination(dst_ip, dst_port, protocol.lower())
        for row in self.rows.values():
            if row.public_ip == ip and row.public_port == port and row.destination == dest:
                return row
        return None

    def usage(self) -> dict:
        """{(address, destination): flows in use} — compare with 55,000."""
        return {k: len(v) for k, v in self._used.items() if v}

    @property
    def active(self) -> int:
        return len(self.rows)

    def table(self, limit: int = 20) -> list[dict]:
        return [{"private": r.private, "public": r.public, "destination": str(r.destination),
                 "idle s": round(self.now - r.last_seen, 1), "overloaded": r.overloaded}
                for r in list(self.rows.values())[:limit]]

    def __str__(self) -> str:
        lines = [f"{self.name}: {self.active:,} active flow(s) on {', '.join(self.addresses)} at t={self.now:g}s"]
        lines += [f"  {r['private']:>21} → {r['public']:<21} to {r['destination']:<24} idle {r['idle s']:>6}s"
                  + ("  (port overloaded)" if r["overloaded"] else "") for r in self.table()]
        if self.active > 20:
            lines.append(f"  … {self.active - 20:,} more")
        lines.append("  metrics: " + ", ".join(f"{k}={v:,}" for k, v in self.metrics.items()))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        head = "<tr><th>Private source</th><th>Translated to</th><th>Destination</th><th>Idle (s)</th></tr>"
        marked = " style='background:#fff8c5'"
        body = "".join(
            f"<tr{marked if r['overloaded'] else ''}><td>{r['private']}</td>"
            f"<td><b>{r['public']}</b></td><td>{html.escape(r['destination'])}</td><td>{r['idle s']}</td></tr>"
            for r in self.table())
        more = f"<tr><td colspan=4>… {self.active - 20:,} more</td></tr>" if self.active > 20 else ""
        metrics = ", ".join(f"{k} = {v:,}" for k, v in self.metrics.items())
        return (f"<div><b>{html.escape(self.name)}</b> — addresses {', '.join(self.addresses)}, "
                f"{self.active:,} active flow(s), t = {self.now:g} s<table>{head}{body}{more}</table>"
                f"<small>Highlighted: the host's own port was taken, so another was chosen. {metrics}</small></div>")


def split_ip_port(text: str, what: str) -> tuple[str, int]:
    """``"10.40.2.101:40001"`` -> ``("10.40.2.101", 40001)``; ``what`` names the value in the error message."""
    try:
        ip, port = str(text).rsplit(":", 1)
        return str(ipaddress.ip_address(ip)), int(port)
    except ValueError:
        raise LabInputError(f"Give the {what} as 'IP:port', e.g. '10.40.2.101:40001' (got {text!r}).") from None


# -- reading a real (or sandbox) NAT gateway -------------------------------------------------------------------
def addresses_of(ec2, nat_gateway_id: str) -> list[str]:
    """The NAT gateway's addresses, primary first: public IPs for a public NAT, private IPs for a private one."""
    nat = ec2.describe_nat_gateways(NatGatewayIds=[nat_gateway_id])["NatGateways"][0]
    rows = sorted(nat.get("NatGatewayAddresses", []), key=lambda a: not a.get("IsPrimary", True))
    public = nat.get("ConnectivityType", "public") == "public"
    return [a["PublicIp"] if public and a.get("PublicIp") else a["PrivateIp"] for a in rows
            if a.get("PublicIp") or a.get("PrivateIp")]


def for_nat_gateway(lab, nat_gateway_id: str, region: Optional[str] = None) -> PatTable:
    """The lab's PAT table for ``nat_gateway_id`` (kept per lab; addresses re-read from describe each call)."""
    tables = lab.shim_state.setdefault("nat_pat_tables", {})
    # lab.client, not raw_client: in the sandbox, secondary addresses exist only in the fidelity layer (moto lacks
    # AssociateNatGatewayAddress), so the describe must pass through it to see what AWS would show.
    addresses = addresses_of(lab.client("ec2", region), nat_gateway_id)
    table = tables.get(nat_gateway_id)
    if table is None:
        table = tables[nat_gateway_id] = PatTable(addresses, name=nat_gateway_id)
    for ip in addresses:
        if ip not in table.addresses:
            table.add_address(ip)
    return table
