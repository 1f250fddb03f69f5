"""Where everything goes on the topology picture: positions, boxes, colours and labels, computed from a snapshot.

Pure data, no matplotlib: :mod:`.topology` renders a :class:`Topology`, and a test can check the boxes without a
figure. Units are the picture's own (a subnet is 2 high); ``y`` grows upwards as in matplotlib.
 Layout: one box per VPC (grid), one column per Availability Zone inside it, subnets stacked in their AZ. A subnet is
green when its route table sends 0.0.0.0/0 to an internet gateway (public, AWS docs: internet-gateway), blue when it
goes to a NAT (private with egress), grey otherwise (isolated). The internet sits above, transit gateways below.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

from lab_helpers.sim.netsim import routing
from lab_helpers.sim.netsim.snapshot.index import SnapshotIndex, index_of
from lab_helpers.sim.netsim.snapshot.model import Snapshot, Subnet

FILL = {"public": "#c8e6c9", "nat": "#bbdefb", "isolated": "#eeeeee"}
EDGE = {"public": "#2e7d32", "nat": "#1565c0", "isolated": "#757575"}
WORDS = {"public": "public", "nat": "private, egress via NAT", "isolated": "private"}
COL_W = 4.2  # one Availability Zone column
SUBNET_H = 2.0  # one subnet row


@dataclass
class Label:
    x: float
    y: float
    text: str
    size: float
    colour: str = "black"
    ha: str = "left"
    va: str = "baseline"
    weight: str = "normal"


@dataclass
class Mark:
    """A symbol for one component: instance "o", NAT gateway "D", endpoint "s", internet gateway "^"."""

    id: str
    x: float
    y: float
    shape: str
    size: float
    colour: str
    edge: str = ""  # the marker's edge colour, "" for matplotlib's default
    label: Optional[Label] = None


@dataclass
class SubnetBox:
    id: str
    x: float
    y: float
    w: float
    h: float
    kind: str  # "public" | "nat" | "isolated"
    fill: str
    edge: str
    label: Label
    marks: list[Mark] = field(default_factory=list)


@dataclass
class AzColumn:
    name: str
    x: float
    y: float
    w: float
    h: float
    label: Label
    subnets: list[SubnetBox] = field(default_factory=list)  # stacked top down


@dataclass
class VpcBox:
    id: str
    x: float
    y: float
    w: float
    h: float
    title: Label
    azs: list[AzColumn] = field(default_factory=list)
    igw: Optional[Mark] = None  # drawn on the top edge, with a line up to the internet
    endpoints: list[Mark] = field(default_factory=list)  # gateway endpoints, on the right edge

    @property
    def subnets(self) -> list[SubnetBox]:
        return [s for az in self.azs for s in az.subnets]


@dataclass
class PeeringArc:
    id: str
    start: tuple[float, float]
    end: tuple[float, float]
    rad: float  # matplotlib's arc3 curvature: negative bends the arc up, over the boxes
    active: bool
    label: Label


@dataclass
class TgwHex:
    id: str
    x: float
    y: float
    label: Label
    attachments: list[tuple[tuple[float, float], tuple[float, float]]] = field(default_factory=list)


@dataclass
class Topology:
    width: float
    grid_height: float  # the VPC grid with the internet above it (what the figure is sized by)
    height: float  # top of the picture: grid_height, raised when a peering arc needs room
    bottom: float
    internet: tuple[float, float]
    vpcs: list[VpcBox]
    peerings: list[PeeringArc]
    tgws: list[TgwHex]
    positions: dict[str, tuple[float, float]]  # component id -> anchor point, where a traced path passes
    hidden: int = 0  # VPCs left out past max_vpcs


def short(rid: str, n: int = 8) -> str:
    """``vpc-0123456789abcdef`` -> ``vpc-01234567``: ids short enough to fit in a box."""
    if "-" not in rid:
        return rid
    head, tail = rid.split("-", 1) if not rid.startswith("tgw-attach-") else ("tgw-attach", rid[11:])
    return f"{head}-{tail[:n]}"


def subnet_kind(idx: SnapshotIndex, subnet_id: str) -> str:
    """public (0.0.0.0/0 -> IGW, AWS docs: internet-gateway), nat (-> NAT, instance, ENI or TGW) or isolated."""
    rt = idx.route_table_for_subnet(subnet_id)
    m = routing.lookup(idx, rt, "8.8.8.8") if rt else None
    if m is None:
        return "isolated"
    if m.route.target_type == "gateway" and m.route.target_id.startswith("igw-"):
        return "public"
    if m.route.target_type in ("nat", "instance", "eni", "tgw"):
        return "nat"
    return "isolated"


def choose_vpcs(snap: Snapshot, vpcs=None, highlight=None) -> list[str]:
    """The VPCs to draw: those asked for, else every non-default VPC (and default ones with ENIs), plus the VPCs a
    traced path (``highlight``) crosses."""
    if vpcs:
        chosen = [v for v in vpcs if v in snap.vpcs]
    else:
        busy = {e.vpc_id for e in snap.enis.values()}
        chosen = [v.id for v in snap.vpcs.values() if not v.is_default or v.id in busy]
        chosen = sorted(chosen or list(snap.vpcs), key=lambda v: (snap.vpcs[v].region, snap.vpcs[v].cidrs[0]))
    for h in (highlight.hops if highlight is not None else []):
        if h.vpc_id and h.vpc_id not in chosen and h.vpc_id in snap.vpcs:
            chosen.append(h.vpc_id)
    return chosen


def topology(snap: Snapshot, vpcs=None, highlight=None, max_vpcs: int = 24) -> Topology:
    """Lay out ``snap`` (optionally only ``vpcs``); ``highlight`` (a TraceResult) adds the VPCs its path crosses."""
    idx = index_of(snap)
    chosen = choose_vpcs(snap, vpcs, highlight)
    hidden = max(0, len(chosen) - max_vpcs)
    chosen = chosen[:max_vpcs]
    ncols = max(1, min(len(chosen), math.ceil(math.sqrt(len(chosen) * 1.5))))
    nrows = max(1, math.ceil(len(chosen) / ncols))
    # size each VPC box by its AZ count and deepest AZ column
    columns = {}
    for v in chosen:
        subs = sorted(idx.subnets_of_vpc.get(v, []), key=lambda s: (s.az, s.cidr))
        azs = sorted({s.az for s in subs}) or ["-"]
        depth = max([sum(1 for s in subs if s.az == az) for az in azs] + [1])
        columns[v] = (subs, azs, (max(1, len(azs)) * COL_W + 0.6, depth * SUBNET_H + 1.6))
    cell_w = max((size[0] for _, _, size in columns.values()), default=5) + 1.6
    cell_h = max((size[1] for _, _, size in columns.values()), default=4) + 2.2
    width, height = ncols * cell_w, nrows * cell_h + 3.5
    internet = (width / 2, height - 0.8)
    pos: dict[str, tuple[float, float]] = {"internet": internet}
    boxes, lowest = [], height
    for n, v in enumerate(chosen):
        subs, azs, (w, h) = columns[v]
        r, c = divmod(n, ncols)
        x0, y0 = c * cell_w + 0.3, height - 3.0 - (r + 1) * cell_h + (cell_h - h)
        lowest = min(lowest, y0)
        boxes.append(_vpc_box(snap, idx, v, subs, azs, (x0, y0, w, h), pos))
    tops = {b.id: (b.x + b.w * 0.4, b.y + b.h) for b in boxes}  # where peerings attach
    arcs = _peering_arcs(snap, tops, pos)
    top = max([height] + [a.label.y + 0.6 for a in arcs])
    tgws = _tgw_hexes(snap, width, pos)
    return Topology(width, height, top, -2.6 if snap.tgws else lowest - 0.6, internet, boxes, arcs, tgws, pos, hidden)


def _vpc_box(snap, idx, v: str, subs: list[Subnet], azs: list[str], frame, pos) -> VpcBox:
    x0, y0, w, h = frame
    vpc = snap.vpcs[v]
    title = f"{vpc.name + ' · ' if vpc.name else ''}{short(v)}  {', '.join(vpc.cidrs)}  ({vpc.region})"
    box = VpcBox(v, x0, y0, w, h, Label(x0 + 0.2, y0 + h - 0.35, title, 8.5, va="center", weight="bold"))
    pos[v] = (x0 + w / 2, y0 + h / 2)
    for k, az in enumerate(azs):
        ax0 = x0 + 0.3 + k * COL_W
        column = AzColumn(az, ax0, y0 + 0.25, COL_W - 0.2, h - 0.95,
                          Label(ax0 + 0.1, y0 + h - 0.85, az, 7, colour="#616161"))
        for j, s in enumerate([s for s in subs if s.az == az]):
            column.subnets.append(_subnet_box(snap, idx, s, ax0, y0 + h - 1.1 - (j + 1) * SUBNET_H + 0.15, pos))
        box.azs.append(column)
    igw = idx.igw_of_vpc.get(v)
    if igw is not None:
        gx, gy = x0 + w * 0.82, y0 + h
        box.igw = Mark(igw.id, gx, gy, "^", 13, "#2e7d32", "white",
                       Label(gx + 0.35, gy + 0.1, f"IGW {short(igw.id, 6)}", 6.5, colour="#2e7d32"))
        pos[igw.id] = (gx, gy)
    gws = [p for p in snap.endpoints.values() if p.vpc_id == v and p.type == "Gateway"]
    for m, p in enumerate(gws):
        px, py = x0 + w, y0 + h - 1.2 - m * 0.7
        text = f"{p.service_name.rsplit('.', 1)[-1].upper()} gateway endpoint"
        box.endpoints.append(Mark(p.id, px, py, "s", 9, "#00838f", "white",
                                  Label(px + 0.25, py, text, 6, colour="#00838f", va="center")))
        pos[p.id] = (px, py)
    return box


def _subnet_box(snap, idx, s: Subnet, ax0: float, sy: float, pos) -> SubnetBox:
    kind = subnet_kind(idx, s.id)
    rt = idx.route_table_for_subnet(s.id)
    label = f"{s.name or short(s.id)}  {s.cidr}\n{WORDS[kind]}  ·  {short(rt.id) if rt else 'no RT'}" + \
            (" (main)" if rt is not None and rt.main else "")
    box = SubnetBox(s.id, ax0 + 0.15, sy, COL_W - 0.5, 1.7, kind, FILL[kind], EDGE[kind],
                    Label(ax0 + 0.3, sy + 1.42, label, 6.5, va="top"))
    pos[s.id] = (ax0 + 0.15 + (COL_W - 0.5) / 2, sy + 0.85)
    things = [e for e in snap.enis.values() if e.subnet_id == s.id]
    for m, e in enumerate(things[:6]):
        box.marks.append(_eni_mark(snap, s, e, ax0 + 0.55 + m * 0.6, sy + 0.35, pos))
    for g in snap.nat_gateways.values():  # NAT gateways whose ENI describe did not show
        if g.subnet_id == s.id and g.id not in pos and g.state not in ("deleted",):
            ex, ey = ax0 + COL_W - 0.8, sy + 0.35
            box.marks.append(Mark(g.id, ex, ey, "D", 9, "#6a1b9a"))
            pos[g.id] = (ex, ey)
    return box


def _eni_mark(snap, s: Subnet, e, ex: float, ey: float, pos) -> Mark:
    """An ENI drawn as what owns it: a NAT gateway, an interface endpoint, or an instance."""
    def under(x: float, y: float, text: str) -> Label:  # the small caption centred under a mark
        return Label(x, y, text, size=5.5, ha="center", va="top")

    nat = next((g for g in snap.nat_gateways.values() if e.id in g.eni_ids or
                (g.subnet_id == s.id and e.private_ips and e.private_ips[0] in g.private_ips)), None)
    if nat is not None:
        pos[nat.id] = (ex, ey)
        return Mark(nat.id, ex, ey, "D", 9, "#6a1b9a" if nat.state == "available" else "#bdbdbd",
                    label=under(ex, ey - 0.32, "NAT"))
    endpoint = next((p for p in snap.endpoints.values() if e.id in p.eni_ids), None)
    if endpoint is not None:
        pos.setdefault(endpoint.id, (ex, ey))
        return Mark(endpoint.id, ex, ey, "s", 8, "#00838f", label=under(ex, ey - 0.32, "vpce"))
    inst = snap.instances.get(e.instance_id) if e.instance_id else None
    colour = "#37474f" if not inst or inst.state in ("running", "pending") else "#bdbdbd"
    tag = (inst.name if inst and inst.name else short(e.instance_id or e.id, 4))
    pos[e.id] = (ex, ey)
    if e.instance_id:
        pos[e.instance_id] = (ex, ey)
    return Mark(e.id, ex, ey, "o", 8, colour, "white",
                under(ex, ey - 0.32, tag + ("\n" + e.public_ip if e.public_ip else "")))


def _peering_arcs(snap, tops, pos) -> list[PeeringArc]:
    """Peerings between drawn VPCs: arcs over the boxes, so a link never crosses a VPC in between."""
    arcs = []
    for p in snap.peerings.values():
        if p.requester_vpc in tops and p.accepter_vpc in tops and p.status not in ("deleted", "rejected", "failed"):
            (x1, y1), (x2, y2) = sorted([tops[p.requester_vpc], tops[p.accepter_vpc]])
            span = max(abs(x2 - x1), abs(y2 - y1), 1e-6)
            rad = -min(0.25, 3.0 / span)  # keep the arc's rise under ~1.5 units however far apart
            mid = ((x1 + x2) / 2 + 0.5 * rad * (y2 - y1), (y1 + y2) / 2 - 0.5 * rad * (x2 - x1))
            arcs.append(PeeringArc(p.id, (x1, y1), (x2, y2), rad, p.status == "active",
                                   Label(*mid, f"{short(p.id, 6)} {p.status}", 6, "#ef6c00", "center", "center")))
            pos[p.id] = mid
    return arcs


def _tgw_hexes(snap, width: float, pos) -> list[TgwHex]:
    """Transit gateways in a row below the VPCs, a line to each attached VPC."""
    hexes = []
    tgws = list(snap.tgws.values())
    for m, t in enumerate(tgws):
        tx, ty = width * (m + 1) / (len(tgws) + 1), -1.6
        hexagon = TgwHex(t.id, tx, ty, Label(tx + 0.8, ty, short(t.id, 6), 6.5, va="center"))
        pos[t.id] = (tx, ty)
        for rt in snap.tgw_route_tables.values():
            if rt.tgw_id == t.id:
                pos[rt.id] = (tx, ty)
        for a in snap.tgw_attachments.values():
            if a.tgw_id == t.id and a.type == "vpc" and a.resource_id in pos:
                vx, vy = pos[a.resource_id]
                hexagon.attachments.append(((tx, ty), (vx, vy)))
                pos[a.id] = ((tx + vx) / 2, (ty + vy) / 2)
        hexes.append(hexagon)
    return hexes


@dataclass
class TracePath:
    """A traced flow on the picture: the places it passes, and where it stops if it does."""

    points: list[tuple[float, float]]
    reachable: bool
    stop: Optional[tuple[float, float]] = None
    code: str = ""


def trace_path(layout: Topology, result) -> TracePath:
    """The anchor points of each hop of ``result`` (a TraceResult) that has a place on the picture."""
    pos = layout.positions
    points: list[tuple[float, float]] = []
    for h in result.forward_hops:
        cid = h.component_id.split(",")[0]
        if h.component_type in ("route-table", "network-acl", "security-group", "subnet") or (
                h.component_type == "transit-gateway-attachment" and h.ok):
            continue  # decisions, not places: the X marks them if they block
        p = pos.get(cid)
        if p is None and h.component_type in ("internet", "aws-service"):
            p = pos.get("internet")
        if p is not None and (not points or points[-1] != p):
            points.append(p)
    path = TracePath(points, result.reachable)
    if not result.reachable:
        stop = result.blocked_at
        blocked = result.engine.blocked if result.engine else None
        where = None
        eni = (blocked.aws.get("NetworkInterface") or {}).get("Id") if blocked else None
        if eni and eni in pos:
            where = pos[eni]
        elif stop is not None:
            where = pos.get(stop.component_id.split(",")[0]) or pos.get(stop.subnet_id)
        path.stop = where or (points[-1] if points else None)
        path.code = result.code or "blocked"
    return path
