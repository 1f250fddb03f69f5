"""The learner API: ``lab.trace(source, destination, port, protocol)`` and ``lab.reachability_matrix``.

Each call reads the world into a snapshot through describe calls, runs the engine, and wraps the result in
:class:`TraceResult`. The snapshot is reused until the world may have changed (:func:`snapshot_of`): in the sandbox
until the next write through the lab, in live mode also for at most ``LIVE_SNAPSHOT_TTL`` seconds, and never after
``lab.refresh()``. A capture is, per Region (paginated): DescribeVpcs, DescribeSubnets, DescribeRouteTables,
DescribeNetworkAcls, DescribeSecurityGroups, DescribeNetworkInterfaces, DescribeInstances,
DescribeInternetGateways, DescribeEgressOnlyInternetGateways, DescribeNatGateways, DescribeVpcEndpoints,
DescribeVpcPeeringConnections, DescribeManagedPrefixLists (+ GetManagedPrefixListEntries, remembered per list),
DescribeTransitGateways, DescribeTransitGatewayAttachments / VpcAttachments / PeeringAttachments,
DescribeTransitGatewayRouteTables with SearchTransitGatewayRoutes and GetTransitGatewayRouteTable{Associations,
Propagations} per table. The result: ``.reachable``, ``.hops``, ``.explanation``, ``.analysis``
(the same dict ``describe_network_insights_analyses`` returns) and a hop table for notebooks. Pictures of a
result are drawn by the teaching layer (``draw.trace(result)``, ``draw.matrix(result)``), as pybatfish keeps its
answers separate from their display.

Sources and destinations: resource ids (``i-``, ``eni-``, ``igw-``, ``nat-``, ``vpce-``, ``pcx-``, ``tgw-``,
``tgw-attach-``), IP addresses, ``"internet"`` (8.8.8.8 as a destination, a TEST-NET client as a source), and AWS
services of the Region by name (``"s3"``, ``"dynamodb"``: an address from the Region's managed prefix list, looked
up with describe_managed_prefix_lists, since moto's pl- ids change every run).
"""
from __future__ import annotations

import datetime
import html
import ipaddress
import time
from dataclasses import dataclass, field
from typing import Optional

from lab_helpers.data.aws_docs import html_with_links
from lab_helpers.errors import TraceInputError
from lab_helpers.sim.netsim import analyze as engine
from lab_helpers.sim.netsim import gateways
from lab_helpers.sim.netsim.analyze import Analysis, Endpoint, Hop  # the walk's results, defined in .packets
from lab_helpers.sim.netsim.aws_shape import analysis_body
from lab_helpers.sim.netsim.packets import INTERNET_CLIENT, INTERNET_SERVER
from lab_helpers.sim.netsim.snapshot.capture import capture_with_state
from lab_helpers.sim.netsim.snapshot.index import index_of
from lab_helpers.sim.netsim.snapshot.model import Snapshot, parse_ip

SERVICES = ("s3", "dynamodb")


SNAPSHOT_STORE = "netsim.snapshot"  # shim-state key: (generation, regions), captured at, the snapshot


def snapshot_of(lab, regions=None) -> Snapshot:
    """The lab's world (its regions plus any reachable by peering), captured again only when it may have changed.

    The lab counts its writes (``lab.world_generation``) and says how long a snapshot may live
    (``lab.snapshot_ttl``: None until the next write, N seconds, or 0 for never). The snapshot is read-only to the
    engine, so one captured snapshot answers every trace until the next write.
    """
    regs = list(regions or getattr(lab, "regions", None) or [lab.region])
    generation, ttl = getattr(lab, "world_generation", None), getattr(lab, "snapshot_ttl", 0.0)
    if generation is None or ttl == 0:
        return capture_with_state(lab.raw_client, lab.shim_state, regs)
    key, now = (generation, tuple(regs)), time.monotonic()
    cached = lab.shim_state.get(SNAPSHOT_STORE)
    if cached is not None and cached[0] == key and (ttl is None or now - cached[1] < ttl):
        return cached[2]
    snap = capture_with_state(lab.raw_client, lab.shim_state, regs)  # key taken before: a write meanwhile misses
    lab.shim_state[SNAPSHOT_STORE] = (key, now, snap)
    return snap


def _ip(s: str) -> Optional[str]:
    try:
        return str(parse_ip(s))
    except ValueError:
        return None


def _is_v6(s: str) -> bool:
    try:
        return parse_ip(s).version == 6
    except ValueError:
        return False


def _service_ip(snap: Snapshot, region: str, service: str) -> tuple[str, str]:
    pl = gateways.aws_service_prefix_list(index_of(snap), region, service)
    if pl is None or not pl.cidrs:
        raise TraceInputError(f"No prefix list com.amazonaws.{region}.{service} in {region}: pass an IP address.")
    net = ipaddress.ip_network(pl.cidrs[0])
    return str(net.network_address + min(10, net.num_addresses - 1)), pl.name


# Long on purpose: one short branch per id prefix the learner may type, read top to bottom like a table.
def resolve(snap: Snapshot, spec, role: str, region: str, near: Optional[Endpoint] = None,
            ip_override: Optional[str] = None) -> Endpoint:
    """Turn what the learner typed into an :class:`Endpoint` (``role`` is "source" or "destination")."""
    idx = index_of(snap)
    s = str(spec).strip()
    low = s.lower()
    if low in ("internet", "0.0.0.0/0", "the internet"):
        ip = ip_override or (INTERNET_SERVER if role == "destination" else INTERNET_CLIENT)
        return Endpoint("internet", "internet", ip, region, resource_type="internet")
    if low in SERVICES:
        reg = near.region if near and near.region else region
        ip, name = _service_ip(snap, reg, low)
        return Endpoint("service", low, ip_override or ip, reg, service=name, resource_type="aws-service")
    if low.startswith("i-"):
        inst = snap.instances.get(s)
        if inst is None or not inst.eni_ids:
            raise TraceInputError(f"Instance {s} is not in the snapshot (regions {snap.regions}). Check the id "
                                  "with describe_instances.")
        eni = snap.enis.get(inst.eni_ids[0])
        if eni is None:
            raise TraceInputError(f"Instance {s} has no network interface.")
        return Endpoint("eni", s, ip_override or eni.private_ips[0], eni.region, eni.vpc_id, eni,
                        resource_type="instance")
    if low.startswith("eni-"):
        eni = snap.enis.get(s)
        if eni is None:
            raise TraceInputError(f"Network interface {s} is not in the snapshot.")
        return Endpoint("eni", s, ip_override or eni.private_ips[0], eni.region, eni.vpc_id, eni,
                        resource_type="network-interface")
    if low.startswith("igw-"):
        igw = snap.igws.get(s)
        if igw is None:
            raise TraceInputError(f"Internet gateway {s} is not in the snapshot.")
        ip = ip_override or (INTERNET_SERVER if role == "destination" else INTERNET_CLIENT)
        return Endpoint("igw", s, ip, igw.region, igw.vpc_ids[0] if igw.vpc_ids else "",
                        resource_type="internet-gateway")
    if low.startswith("nat-"):
        nat = snap.nat_gateways.get(s)
        if nat is None:
            raise TraceInputError(f"NAT gateway {s} is not in the snapshot.")
        ip = ip_override or (INTERNET_SERVER if role == "destination" else gateways.nat_source_ip(nat))
        return Endpoint("nat", s, ip, nat.region, nat.vpc_id, resource_type="nat-gateway")
    if low.startswith("vpce-"):
        ep = snap.endpoints.get(s)
        if ep is None:
            raise TraceInputError(f"VPC endpoint {s} is not in the snapshot.")
        if ep.type == "Gateway":
            ip, _ = _service_ip(snap, ep.region, ep.service_name.rsplit(".", 1)[-1])
            return Endpoint("service", s, ip_override or ip, ep.region, ep.vpc_id, service=ep.service_name,
                            resource_type="vpc-endpoint")
        az = snap.subnets[near.eni.subnet_id].az if near and near.eni and near.eni.subnet_id in snap.subnets else ""
        eni = gateways.interface_endpoint_eni(idx, ep, az)
        if eni is None:
            raise TraceInputError(f"Interface endpoint {s} has no network interfaces.")
        return Endpoint("vpce" if role == "destination" else "vpce", s, ip_override or eni.private_ips[0], ep.region,
                        ep.vpc_id, eni if role == "destination" else None, resource_type="vpc-endpoint")
    if low.startswith("pcx-"):
        pcx = snap.peerings.get(s)
        if pcx is None:
            raise TraceInputError(f"Peering connection {s} is not in the snapshot.")
        if role == "destination":
            far = pcx.accepter_cidrs if not near or near.vpc_id == pcx.requester_vpc else pcx.requester_cidrs
        else:
            far = pcx.requester_cidrs
        ip = ip_override or (str(ipaddress.ip_network(far[0]).network_address + 10) if far else "")
        return Endpoint("pcx", s, ip, pcx.requester_region, pcx.requester_vpc, resource_type="vpc-peering-connection")
    if low.startswith("tgw-attach-"):
        att = snap.tgw_attachments.get(s)
        if att is None:
            raise TraceInputError(f"Transit gateway attachment {s} is not in the snapshot.")
        vpc = snap.vpcs.get(att.resource_id)
        ip = ip_override or (str(ipaddress.ip_network(vpc.cidrs[0]).network_address + 10) if vpc else "")
        return Endpoint("tgw-attach", s, ip, att.region, att.resource_id, resource_type="transit-gateway-attachment")
    if low.startswith("tgw-"):
        t = snap.tgws.get(s)
        if t is None:
            raise TraceInputError(f"Transit gateway {s} is not in the snapshot.")
        if not ip_override:
            which = "destination" if role == "destination" else "source"
            raise TraceInputError(f"Tracing to or from transit gateway {s} needs an address: pass {which}_ip=... "
                                  f"to lab.trace ({which.capitalize()}Ip in create_network_insights_path).")
        return Endpoint("tgw", s, ip_override, t.region, resource_type="transit-gateway")
    addr = _ip(s)
    if addr is None:
        raise TraceInputError(f"Cannot trace {role} {spec!r}: use an id (i-, eni-, igw-, nat-, vpce-, pcx-, tgw-, "
                              "tgw-attach-), an IP address, 'internet', or 's3'/'dynamodb'.")
    for (vpc, pip), eni in idx.eni_by_ip.items():
        if pip == addr:
            return Endpoint("eni", eni.instance_id or eni.id, addr, eni.region, vpc, eni,
                            resource_type="instance" if eni.instance_id else "network-interface")
    if role == "destination" and addr in idx.eni_by_public_ip:
        return Endpoint("ip", addr, addr, region, resource_type="ip")
    svc = gateways.service_of_address(idx, addr)
    if svc is not None:
        return Endpoint("service", addr, addr, svc.region, service=svc.name, resource_type="aws-service")
    vpc = idx.vpc_of_ip(addr)
    if vpc is not None:
        return Endpoint("ip", addr, addr, snap.vpcs[vpc].region, vpc, resource_type="ip")
    return Endpoint("internet", addr, addr, region, resource_type="internet")


# CreateNetworkInsightsPath takes Protocol tcp|udp and ports 0-65535 (botocore's model); the lab adds ICMP for ping,
# whose "port" is the ICMP type (0-255).
PROTOCOLS = {"tcp": "tcp", "6": "tcp", "udp": "udp", "17": "udp", "icmp": "icmp", "1": "icmp",
             "icmpv6": "icmpv6", "58": "icmpv6"}


def check_flow(port, protocol) -> tuple[Optional[int], str]:
    """The (port, protocol) to trace, or a :class:`TraceInputError` saying what AWS would accept instead."""
    name = PROTOCOLS.get(str(protocol).strip().lower()) if isinstance(protocol, (str, int)) else None
    if name is None:
        raise TraceInputError(f"Protocol {protocol!r} cannot be traced: Reachability Analyzer accepts 'tcp' or 'udp' "
                              "(CreateNetworkInsightsPath's Protocol), and this lab adds 'icmp' for a ping. For "
                              "HTTP or HTTPS, trace 'tcp' with port=80 or port=443.")
    if port is None:
        return None, name
    top = 255 if name.startswith("icmp") else 65535
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= top:
        what = "an ICMP type" if top == 255 else "a port"
        raise TraceInputError(f"Port {port!r} is not {what}: give a whole number from 0 to {top} "
                              f"(e.g. port=443), or port=None for every {'type' if top == 255 else 'port'}.")
    return port, name


def run(snap: Snapshot, source, destination, port: Optional[int] = 443, protocol: str = "tcp", region: str = "",
        source_ip: Optional[str] = None, destination_ip: Optional[str] = None, source_ports=None) -> Analysis:
    """Resolve both ends and analyse: the one engine behind lab.trace and StartNetworkInsightsAnalysis."""
    port, protocol = check_flow(port, protocol)
    region = region or (snap.regions[0] if snap.regions else "us-east-1")
    src = resolve(snap, source, "source", region, ip_override=source_ip)
    dst = resolve(snap, destination, "destination", region, near=src, ip_override=destination_ip)
    if src.kind in ("internet", "igw") and dst.kind == "eni" and not destination_ip:
        # From the internet you can only aim at a public IP.
        dst.ip = dst.interface.public_ip or dst.interface.private_ips[0]
        if _is_v6(src.ip) and dst.interface.ipv6_ips:
            dst.ip = dst.interface.ipv6_ips[0]
    # IPv6 (AWS docs: route-tables): when one end is an IPv6 address, the ENI end uses its IPv6 address
    for end, other, given in ((src, dst, source_ip), (dst, src, destination_ip)):
        if end.kind == "eni" and not given and _is_v6(other.ip):
            if not end.interface.ipv6_ips:
                raise TraceInputError(f"{end.id} has no IPv6 address, so it cannot talk to {other.ip}: assign one "
                                      "(assign_ipv6_addresses) or trace to an IPv4 address.")
            end.ip = end.interface.ipv6_ips[0]
    if src.kind == "eni" and dst.kind == "ip" and dst.ip in index_of(snap).eni_by_public_ip:
        pass  # a public IP of another instance: the walk leaves via the IGW and comes back in (hairpin)
    return engine.analyze(snap, src, dst, protocol, port, source_ports)


@dataclass
class TraceResult:
    """What ``lab.trace`` returns: the verdict, every hop, and one sentence saying what to fix."""

    source: str
    destination: str
    port: Optional[int]
    protocol: str
    reachable: bool
    hops: list[Hop]
    explanation: str
    analysis: dict
    engine: Optional[Analysis] = field(repr=False, default=None)
    lab: object = field(repr=False, default=None)  # kept so a picture of the result can name what it saw
    snapshot: Optional[Snapshot] = field(repr=False, default=None)

    @property
    def forward_hops(self) -> list[Hop]:
        return [h for h in self.hops if h.direction == "forward"]

    @property
    def return_hops(self) -> list[Hop]:
        return [h for h in self.hops if h.direction == "return"]

    @property
    def code(self) -> str:
        return self.engine.blocked.code if self.engine and self.engine.blocked and not self.reachable else ""

    @property
    def blocked_at(self) -> Optional[Hop]:
        return next((h for h in self.hops if not h.ok), None)

    def _title(self) -> str:
        what = f"{self.protocol}/{self.port}" if self.port is not None else self.protocol
        verdict = "✅ reachable" if self.reachable else "❌ not reachable"
        return f"{self.source} → {self.destination} ({what}): {verdict}"

    def __str__(self) -> str:
        lines = [self._title()]
        for n, h in enumerate(self.hops, 1):
            mark = {"deny": "✗", "drop": "✗", "reached": "◉"}.get(h.verdict, "→")
            lines.append(f"  {n:2d} {mark} [{h.direction[:3]}] {h.component_type:<28} {h.component_id:<24} "
                         f"{h.decided_by}: {h.rule} ({h.verdict})")
        if not self.reachable:
            lines.append(f"  Why: {self.explanation}")
        elif self.engine and self.engine.via:
            lines.append(f"  Via {self.engine.via}.")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = {"allow": "#e8f5e9", "forward": "#f5f5f5", "reached": "#c8e6c9", "deny": "#ffcdd2", "drop": "#ffcdd2"}
        rows = "".join(
            f"<tr style='background:{colour.get(h.verdict, '#fff')}'><td>{n}</td><td>{h.direction}</td>"
            f"<td>{html.escape(h.component_type)}</td><td><code>{html.escape(h.component_id)}</code></td>"
            f"<td>{html.escape(h.decided_by)}</td><td>{html_with_links(h.rule)}</td><td><b>{h.verdict}</b></td></tr>"
            for n, h in enumerate(self.hops, 1))
        why = "" if self.reachable else f"<p><b>Why:</b> {html_with_links(self.explanation)}</p>"
        return (f"<div><p><b>{html.escape(self._title())}</b></p><table><tr><th>#</th><th>leg</th><th>component</th>"
                f"<th>id</th><th>decided by</th><th>rule / route</th><th>verdict</th></tr>{rows}</table>{why}</div>")


def _explanation(a: Analysis) -> str:
    if a.reachable:
        return f"Reachable{' via ' + a.via if a.via else ''}; the reply gets back too."
    b = a.blocked
    assert b is not None, "analyze names where an unreachable path was blocked"
    leg = "On the way back, " if b.direction == "return" else ""
    return f"{leg}{b.sentence} [{b.code}]"


def to_result(lab, snap: Snapshot, a: Analysis, source, destination, port, protocol) -> TraceResult:
    now = datetime.datetime.now(datetime.UTC)
    body = analysis_body(snap, a, "nia-trace", "nip-trace", now, a.source.region or getattr(lab, "region", ""))
    return TraceResult(str(source), str(destination), port, protocol, a.reachable, a.forward + a.ret,
                       _explanation(a), body, a, lab, snap)


def trace(lab, source, destination, port: Optional[int] = 443, protocol: str = "tcp", *, source_ip=None,
          destination_ip=None, snapshot: Optional[Snapshot] = None, regions=None) -> TraceResult:
    """Walk ``source`` -> ``destination`` on ``protocol``/``port`` through the lab's current network."""
    port, protocol = check_flow(port, protocol)  # before the snapshot: a bad port costs no describe calls
    snap = snapshot or snapshot_of(lab, regions)
    a = run(snap, source, destination, port, protocol, getattr(lab, "region", ""), source_ip, destination_ip)
    return to_result(lab, snap, a, source, destination, port, protocol)


@dataclass
class ReachabilityMatrix:
    """Who reaches whom: ``matrix[src][dst]`` is True/False (None on the diagonal)."""

    ids: list[str]
    port: Optional[int]
    protocol: str
    matrix: dict
    results: dict = field(repr=False, default_factory=dict)
    lab: object = field(repr=False, default=None)

    def __str__(self) -> str:
        w = max(len(i) for i in self.ids) if self.ids else 4
        head = " " * (w + 2) + " ".join(f"{n:>3}" for n in range(len(self.ids)))
        lines = [f"Reachability on {self.protocol}/{self.port} (row = source, column = destination)", head]
        for n, s in enumerate(self.ids):
            cells = " ".join("  ·" if s == d else ("  ✓" if self.matrix[s][d] else "  ✗") for d in self.ids)
            lines.append(f"{s:<{w}} {n:>1} {cells}")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(d)}</th>" for d in self.ids)
        rows = []
        for s in self.ids:
            cells = []
            for d in self.ids:
                if s == d:
                    cells.append("<td style='background:#eee'></td>")
                    continue
                ok = self.matrix[s][d]
                tip = html.escape(self.results[(s, d)].explanation) if (s, d) in self.results else ""
                cells.append(f"<td title='{tip}' style='background:{'#a5d6a7' if ok else '#ef9a9a'};text-align:center'>"
                             f"{'✓' if ok else '✗'}</td>")
            rows.append(f"<tr><th>{html.escape(s)}</th>{''.join(cells)}</tr>")
        return (f"<div><p><b>{self.protocol}/{self.port}</b> (row = source, column = destination)</p>"
                f"<table><tr><th></th>{head}</tr>{''.join(rows)}</table></div>")


def reachability_matrix(lab, instances, port: Optional[int] = 443, protocol: str = "tcp", *,
                        snapshot: Optional[Snapshot] = None) -> ReachabilityMatrix:
    """Trace every ordered pair of ``instances`` on one snapshot."""
    port, protocol = check_flow(port, protocol)
    ids = [str(i) for i in instances]
    snap = snapshot or snapshot_of(lab)
    region = getattr(lab, "region", "") if lab is not None else ""
    matrix: dict = {s: {} for s in ids}
    results = {}
    for s in ids:
        for d in ids:
            if s == d:
                matrix[s][d] = None
                continue
            a = run(snap, s, d, port, protocol, region)
            matrix[s][d] = a.reachable
            results[(s, d)] = _Lite(a.reachable, _explanation(a))
    return ReachabilityMatrix(ids, port, protocol, matrix, results, lab)


@dataclass
class _Lite:
    reachable: bool
    explanation: str
