"""Draw the network as it is now: VPCs, AZs, subnets (public / NAT-routed / isolated), route tables, gateways,
endpoints, peerings and transit gateways — from the same describe-based snapshot the engine uses, so a live
account draws the same way as the sandbox.

``lab.draw()`` draws the topology; ``lab.trace(...).draw()`` draws it with the path on top (green when it arrives,
red where it stops).

Layout: one box per VPC (grid), one column per Availability Zone inside it, subnets stacked in their AZ. A subnet
is green when its route table sends 0.0.0.0/0 to an internet gateway (public, rule 14), blue when it goes to a
NAT (private with egress), grey otherwise (isolated). The internet sits above, transit gateways below.
"""
from __future__ import annotations

import math

PUBLIC, NATTED, ISOLATED = "#c8e6c9", "#bbdefb", "#eeeeee"
EDGE = {"public": "#2e7d32", "nat": "#1565c0", "isolated": "#757575"}


def _short(rid: str, n: int = 8) -> str:
    if "-" not in rid:
        return rid
    head, tail = rid.split("-", 1) if not rid.startswith("tgw-attach-") else ("tgw-attach", rid[11:])
    return f"{head}-{tail[:n]}"


def _subnet_kind(snap, idx, subnet_id: str) -> str:
    from lab_helpers.sim.netsim import routing

    rt = idx.route_table_for_subnet(subnet_id)
    m = routing.lookup(idx, rt, "8.8.8.8") if rt else None
    if m is None:
        return "isolated"
    if m.route.target_type == "gateway" and m.route.target_id.startswith("igw-"):
        return "public"
    if m.route.target_type in ("nat", "instance", "eni", "tgw"):
        return "nat"
    return "isolated"


def _choose_vpcs(snap, vpcs) -> list:
    if vpcs:
        return [v for v in vpcs if v in snap.vpcs]
    busy = {e.vpc_id for e in snap.enis.values()}
    chosen = [v.id for v in snap.vpcs.values() if not v.is_default or v.id in busy]
    return sorted(chosen or list(snap.vpcs), key=lambda v: (snap.vpcs[v].region, snap.vpcs[v].cidrs[0]))


def vpc(lab, highlight=None, ax=None, snapshot=None, vpcs=None, max_vpcs: int = 24):
    """Draw the lab's topology (optionally only ``vpcs``); ``highlight`` is a TraceResult to overlay."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch, Polygon, Rectangle

    from lab_helpers.sim.netsim import snapshot_of

    snap = snapshot if snapshot is not None else snapshot_of(lab)
    idx = snap.index()
    chosen = _choose_vpcs(snap, vpcs)
    if highlight is not None:  # make sure the traced path's VPCs are on the picture
        for h in highlight.hops:
            if h.vpc_id and h.vpc_id not in chosen and h.vpc_id in snap.vpcs:
                chosen.append(h.vpc_id)
    hidden = max(0, len(chosen) - max_vpcs)
    chosen = chosen[:max_vpcs]
    ncols = max(1, min(len(chosen), math.ceil(math.sqrt(len(chosen) * 1.5))))
    nrows = max(1, math.ceil(len(chosen) / ncols))

    # size each VPC box by its AZ count and deepest AZ column
    layout = {}
    for v in chosen:
        subs = sorted(idx.subnets_of_vpc.get(v, []), key=lambda s: (s.az, s.cidr))
        azs = sorted({s.az for s in subs}) or ["-"]
        depth = max([sum(1 for s in subs if s.az == az) for az in azs] + [1])
        layout[v] = (subs, azs, depth)
    col_w = 4.2
    box_w = {v: max(1, len(layout[v][1])) * col_w + 0.6 for v in chosen}
    box_h = {v: layout[v][2] * 2.0 + 1.6 for v in chosen}
    cell_w = max(box_w.values(), default=5) + 1.6
    cell_h = max(box_h.values(), default=4) + 2.2
    width, height = ncols * cell_w, nrows * cell_h + 3.5
    if ax is None:
        scale = min(1.0, 22 / max(width, 1))
        _, ax = plt.subplots(figsize=(max(7, width * scale * 0.9), max(4.5, height * scale * 0.9)))
    ax.set_xlim(-0.5, width)
    ax.set_aspect("equal")
    ax.axis("off")

    pos: dict[str, tuple[float, float]] = {}  # component id -> anchor point, for path overlay
    lowest = height
    tops: dict[str, tuple[float, float]] = {}  # where peerings attach (top edge of each VPC box)
    internet = (width / 2, height - 0.8)
    ax.text(*internet, "internet", ha="center", va="center", fontsize=11,
            bbox=dict(boxstyle="round,pad=0.4", fc="white", ec="#90a4ae"))
    pos["internet"] = internet

    for n, v in enumerate(chosen):
        subs, azs, depth = layout[v]
        r, c = divmod(n, ncols)
        x0 = c * cell_w + 0.3
        y0 = height - 3.0 - (r + 1) * cell_h + (cell_h - box_h[v])
        w, h = box_w[v], box_h[v]
        lowest = min(lowest, y0)
        vpc_obj = snap.vpcs[v]
        ax.add_patch(FancyBboxPatch((x0, y0), w, h, boxstyle="round,pad=0.05,rounding_size=0.3", fc="#fffdf7",
                                    ec="#ff9800", lw=1.8))
        title = f"{vpc_obj.name + ' · ' if vpc_obj.name else ''}{_short(v)}  {', '.join(vpc_obj.cidrs)}  ({vpc_obj.region})"
        ax.text(x0 + 0.2, y0 + h - 0.35, title, fontsize=8.5, weight="bold", va="center")
        pos[v] = (x0 + w / 2, y0 + h / 2)
        tops[v] = (x0 + w * 0.4, y0 + h)
        for k, az in enumerate(azs):
            ax0 = x0 + 0.3 + k * col_w
            ax.add_patch(Rectangle((ax0, y0 + 0.25), col_w - 0.2, h - 0.95, fill=False, ls=":", ec="#9e9e9e"))
            ax.text(ax0 + 0.1, y0 + h - 0.85, az, fontsize=7, color="#616161")
            for j, s in enumerate([s for s in subs if s.az == az]):
                sy = y0 + h - 1.1 - (j + 1) * 2.0 + 0.15
                kind = _subnet_kind(snap, idx, s.id)
                fc = {"public": PUBLIC, "nat": NATTED, "isolated": ISOLATED}[kind]
                ax.add_patch(FancyBboxPatch((ax0 + 0.15, sy), col_w - 0.5, 1.7, boxstyle="round,pad=0.02",
                                            fc=fc, ec=EDGE[kind], lw=1.2))
                rt = idx.route_table_for_subnet(s.id)
                words = {"public": "public", "nat": "private, egress via NAT", "isolated": "private"}[kind]
                label = f"{s.name or _short(s.id)}  {s.cidr}\n{words}  ·  {_short(rt.id) if rt else 'no RT'}" + \
                        (" (main)" if rt is not None and rt.main else "")
                ax.text(ax0 + 0.3, sy + 1.42, label, fontsize=6.5, va="top")
                pos[s.id] = (ax0 + 0.15 + (col_w - 0.5) / 2, sy + 0.85)
                things = [e for e in snap.enis.values() if e.subnet_id == s.id]
                for m, e in enumerate(things[:6]):
                    ex, ey = ax0 + 0.55 + m * 0.6, sy + 0.35
                    nat = next((g for g in snap.nat_gateways.values() if e.id in g.eni_ids or
                                (g.subnet_id == s.id and e.private_ips and e.private_ips[0] in g.private_ips)), None)
                    endpoint = next((p for p in snap.endpoints.values() if e.id in p.eni_ids), None)
                    if nat is not None:
                        ax.plot(ex, ey, marker="D", ms=9, color="#6a1b9a" if nat.state == "available" else "#bdbdbd")
                        ax.text(ex, ey - 0.32, "NAT", fontsize=5.5, ha="center", va="top")
                        pos[nat.id] = (ex, ey)
                    elif endpoint is not None:
                        ax.plot(ex, ey, marker="s", ms=8, color="#00838f")
                        ax.text(ex, ey - 0.32, "vpce", fontsize=5.5, ha="center", va="top")
                        pos.setdefault(endpoint.id, (ex, ey))
                    else:
                        inst = snap.instances.get(e.instance_id) if e.instance_id else None
                        colour = "#37474f" if not inst or inst.state in ("running", "pending") else "#bdbdbd"
                        ax.plot(ex, ey, marker="o", ms=8, color=colour, mec="white")
                        tag = (inst.name if inst and inst.name else _short(e.instance_id or e.id, 4))
                        ax.text(ex, ey - 0.32, tag + ("\n" + e.public_ip if e.public_ip else ""), fontsize=5.5, ha="center",
                                va="top")
                        pos[e.id] = (ex, ey)
                        if e.instance_id:
                            pos[e.instance_id] = (ex, ey)
                for g in snap.nat_gateways.values():  # NAT gateways whose ENI describe did not show
                    if g.subnet_id == s.id and g.id not in pos and g.state not in ("deleted",):
                        ex, ey = ax0 + col_w - 0.8, sy + 0.35
                        ax.plot(ex, ey, marker="D", ms=9, color="#6a1b9a")
                        pos[g.id] = (ex, ey)
        igw = idx.igw_of_vpc.get(v)
        if igw is not None:
            gx, gy = x0 + w * 0.82, y0 + h
            ax.plot(gx, gy, marker="^", ms=13, color="#2e7d32", mec="white")
            ax.text(gx + 0.35, gy + 0.1, f"IGW {_short(igw.id, 6)}", fontsize=6.5, color="#2e7d32")
            pos[igw.id] = (gx, gy)
            ax.plot([gx, internet[0]], [gy, internet[1]], color="#a5d6a7", lw=0.8, zorder=0)
        gws = [p for p in snap.endpoints.values() if p.vpc_id == v and p.type == "Gateway"]
        for m, p in enumerate(gws):
            px, py = x0 + w, y0 + h - 1.2 - m * 0.7
            ax.plot(px, py, marker="s", ms=9, color="#00838f", mec="white")
            ax.text(px + 0.25, py, f"{p.service_name.rsplit('.', 1)[-1].upper()} gateway endpoint", fontsize=6,
                    va="center", color="#00838f")
            pos[p.id] = (px, py)

    # peerings between drawn VPCs: arcs over the boxes, so a link never crosses a VPC in between
    for p in snap.peerings.values():
        if p.requester_vpc in tops and p.accepter_vpc in tops and p.status not in ("deleted", "rejected", "failed"):
            (x1, y1), (x2, y2) = sorted([tops[p.requester_vpc], tops[p.accepter_vpc]])
            ok = p.status == "active"
            span = max(abs(x2 - x1), abs(y2 - y1), 1e-6)
            rad = -min(0.25, 3.0 / span)  # keep the arc's rise under ~1.5 units however far apart
            ax.annotate("", xy=(x2, y2), xytext=(x1, y1), zorder=0.5,
                        arrowprops=dict(arrowstyle="-", ls="--" if ok else ":", color="#ef6c00" if ok else "#bdbdbd",
                                        lw=1.6, connectionstyle=f"arc3,rad={rad}"))
            mid = ((x1 + x2) / 2 + 0.5 * rad * (y2 - y1), (y1 + y2) / 2 - 0.5 * rad * (x2 - x1))
            ax.text(*mid, f"{_short(p.id, 6)} {p.status}", fontsize=6, ha="center", va="center", color="#ef6c00",
                    bbox=dict(fc="white", ec="none", alpha=0.85))
            pos[p.id] = mid
            height = max(height, mid[1] + 0.6)
    # transit gateways below
    tgws = list(snap.tgws.values())
    for m, t in enumerate(tgws):
        tx, ty = width * (m + 1) / (len(tgws) + 1), -1.6
        ax.add_patch(Polygon([(tx + 0.7 * math.cos(a), ty + 0.7 * math.sin(a)) for a in
                              [k * math.pi / 3 for k in range(6)]], fc="#fff3e0", ec="#e65100", lw=1.5))
        ax.text(tx, ty, "TGW", ha="center", va="center", fontsize=8, weight="bold", color="#e65100")
        ax.text(tx + 0.8, ty, _short(t.id, 6), fontsize=6.5, va="center")
        pos[t.id] = (tx, ty)
        for rt in snap.tgw_route_tables.values():
            if rt.tgw_id == t.id:
                pos[rt.id] = (tx, ty)
        for a in snap.tgw_attachments.values():
            if a.tgw_id == t.id and a.type == "vpc" and a.resource_id in pos:
                vx, vy = pos[a.resource_id]
                ax.plot([tx, vx], [ty, vy], color="#ffb74d", lw=1.0, zorder=0.4)
                pos[a.id] = ((tx + vx) / 2, (ty + vy) / 2)
    ax.set_ylim(-2.6 if snap.tgws else lowest - 0.6, height)
    if hidden:
        ax.text(0, -2.4, f"… and {hidden} more VPCs (pass vpcs=[...] to choose)", fontsize=7, color="#616161")
    if highlight is not None:
        _overlay(ax, highlight, pos, snap)
    if highlight is None:
        ax.set_title("Network topology", fontsize=10)
    else:
        what = f"{highlight.protocol}/{highlight.port}" if highlight.port is not None else highlight.protocol
        verdict = "reachable" if highlight.reachable else f"NOT reachable ({highlight.code})"
        ax.set_title(f"{highlight.source} -> {highlight.destination} ({what}): {verdict}", fontsize=10,
                     color="#2e7d32" if highlight.reachable else "#c62828")
    return Drawing(ax)


class Drawing:
    """A finished picture. In a notebook it shows itself once; elsewhere use ``.figure`` / ``.savefig``.

    It otherwise behaves like the matplotlib Axes it wraps (``drawing.texts``, ``drawing.set_title``…), so a
    caller can keep drawing on it. Returning a bare Axes would make Jupyter print ``<Axes: …>`` under the picture.
    """

    def __init__(self, ax):
        self.ax = ax
        self.figure = ax.figure

    def _repr_png_(self) -> bytes:
        import io

        import matplotlib.pyplot as plt

        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", bbox_inches="tight", dpi=110)
        plt.close(self.figure)  # shown here; the inline backend must not show it again at the end of the cell
        return buffer.getvalue()

    def savefig(self, *args, **kwargs):
        kwargs.setdefault("bbox_inches", "tight")
        return self.figure.savefig(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.ax, name)


def _overlay(ax, result, pos, snap):
    """The traced path: arrows through each component that has a place on the picture."""
    points = []
    for h in result.forward_hops:
        cid = h.component_id.split(",")[0]
        if h.component_type in ("route-table", "network-acl", "security-group", "subnet") or (
                h.component_type == "transit-gateway-attachment" and h.ok):
            continue  # decisions, not places: the X marks them if they block
        p = pos.get(cid)
        if p is None and h.component_type in ("internet", "aws-service"):
            p = pos.get("internet")
        if p is not None and (not points or points[-1][0] != p):
            points.append((p, h.ok))
    colour = "#2e7d32" if result.reachable else "#c62828"
    for (a, _), (b, ok) in zip(points, points[1:]):
        ax.annotate("", xy=b, xytext=a, arrowprops=dict(arrowstyle="-|>", color=colour, lw=2.4,
                                                        shrinkA=4, shrinkB=4), zorder=5)
    if not result.reachable:
        stop = result.blocked_at
        blocked = result.engine.blocked if result.engine else None
        where = None
        eni = (blocked.aws.get("NetworkInterface") or {}).get("Id") if blocked else None
        if eni and eni in pos:
            where = pos[eni]
        elif stop is not None:
            where = pos.get(stop.component_id.split(",")[0]) or pos.get(stop.subnet_id)
        where = where or (points[-1][0] if points else None)
        if where is not None:
            if points and points[-1][0] != where:
                ax.annotate("", xy=where, xytext=points[-1][0], arrowprops=dict(
                    arrowstyle="-|>", color="#c62828", lw=2.4, ls="--", shrinkA=4, shrinkB=8), zorder=5)
            ax.plot(*where, marker="X", ms=18, color="#c62828", mec="white", zorder=6)
            ax.text(where[0], where[1] - 0.55, result.code or "blocked", fontsize=7, color="#c62828",
                    ha="center", va="top", weight="bold", zorder=6,
                    bbox=dict(fc="white", ec="#c62828", alpha=0.9))
