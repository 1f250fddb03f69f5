"""Draw the network as it is now: VPCs, AZs, subnets (public / NAT-routed / isolated), route tables, gateways,
endpoints, peerings and transit gateways — from the same describe-based snapshot the engine uses, so a live
account draws the same way as the sandbox.

``lab.draw()`` / :func:`vpc` draws the topology; :func:`trace` (``lab.draw(trace=lab.trace(...))``) draws it with
the path on top (green when it arrives, red where it stops); :func:`matrix` draws a reachability matrix as a grid.
Where things go is decided by :mod:`.layout` (pure data); this module only renders it with matplotlib.
"""
from __future__ import annotations

import math

from lab_helpers.sim.netsim import snapshot_of
from lab_helpers.teach.draw import layout


def vpc(lab, highlight=None, ax=None, snapshot=None, vpcs=None, max_vpcs: int = 24):
    """Draw the lab's topology (optionally only ``vpcs``); ``highlight`` is a TraceResult to overlay."""
    snap = snapshot if snapshot is not None else snapshot_of(lab)
    topo = layout.topology(snap, vpcs, highlight, max_vpcs)
    ax = _axes(ax, topo)
    _render(ax, topo)
    if highlight is None:
        ax.set_title("Network topology", fontsize=10)
    else:
        _overlay(ax, layout.trace_path(topo, highlight))
        what = f"{highlight.protocol}/{highlight.port}" if highlight.port is not None else highlight.protocol
        verdict = "reachable" if highlight.reachable else f"NOT reachable ({highlight.code})"
        ax.set_title(f"{highlight.source} -> {highlight.destination} ({what}): {verdict}", fontsize=10,
                     color="#2e7d32" if highlight.reachable else "#c62828")
    return Drawing(ax)


def trace(result, ax=None):
    """The topology ``result`` (a TraceResult) was traced on, with its path highlighted."""
    return vpc(result.lab, highlight=result, ax=ax, snapshot=result.snapshot)


def matrix(result, ax=None):
    """A ReachabilityMatrix as a grid: row = source, column = destination, green = reachable."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import ListedColormap

    n = len(result.ids)
    grid = [[0.5 if s == d else (1.0 if result.matrix[s][d] else 0.0) for d in result.ids] for s in result.ids]
    if ax is None:
        _, ax = plt.subplots(figsize=(1.2 + 0.5 * n, 1.0 + 0.5 * n))
    ax.imshow(grid, cmap=ListedColormap(["#ef9a9a", "#eeeeee", "#a5d6a7"]), vmin=0, vmax=1)
    ax.set_xticks(range(n), result.ids, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(n), result.ids, fontsize=8)
    ax.set_xlabel("destination")
    ax.set_ylabel("source")
    ax.set_title(f"{result.protocol}/{result.port}: green = reachable")
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


# --------------------------------------------------------------------------------------------------- rendering
def _axes(ax, topo: layout.Topology):
    if ax is None:
        import matplotlib.pyplot as plt

        width, height = topo.width, topo.grid_height
        scale = min(1.0, 22 / max(width, 1))
        _, ax = plt.subplots(figsize=(max(7, width * scale * 0.9), max(4.5, height * scale * 0.9)))
    ax.set_xlim(-0.5, topo.width)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _text(ax, label: layout.Label, **extra):
    return ax.text(label.x, label.y, label.text, fontsize=label.size, color=label.colour, ha=label.ha,
                   va=label.va, weight=label.weight, **extra)


def _mark(ax, mark: layout.Mark):
    ax.plot(mark.x, mark.y, marker=mark.shape, ms=mark.size, color=mark.colour,
            **({"mec": mark.edge} if mark.edge else {}))
    if mark.label is not None:
        _text(ax, mark.label)


def _render(ax, topo: layout.Topology) -> None:
    from matplotlib.patches import FancyBboxPatch, Polygon, Rectangle

    ax.text(*topo.internet, "internet", ha="center", va="center", fontsize=11,
            bbox=dict(boxstyle="round,pad=0.4", fc="white", ec="#90a4ae"))
    for box in topo.vpcs:
        ax.add_patch(FancyBboxPatch((box.x, box.y), box.w, box.h, boxstyle="round,pad=0.05,rounding_size=0.3",
                                    fc="#fffdf7", ec="#ff9800", lw=1.8))
        _text(ax, box.title)
        for az in box.azs:
            ax.add_patch(Rectangle((az.x, az.y), az.w, az.h, fill=False, ls=":", ec="#9e9e9e"))
            _text(ax, az.label)
            for s in az.subnets:
                ax.add_patch(FancyBboxPatch((s.x, s.y), s.w, s.h, boxstyle="round,pad=0.02", fc=s.fill, ec=s.edge,
                                            lw=1.2))
                _text(ax, s.label)
                for mark in s.marks:
                    _mark(ax, mark)
        if box.igw is not None:
            _mark(ax, box.igw)
            ax.plot([box.igw.x, topo.internet[0]], [box.igw.y, topo.internet[1]], color="#a5d6a7", lw=0.8, zorder=0)
        for mark in box.endpoints:
            _mark(ax, mark)
    for arc in topo.peerings:
        ax.annotate("", xy=arc.end, xytext=arc.start, zorder=0.5,
                    arrowprops=dict(arrowstyle="-", ls="--" if arc.active else ":",
                                    color="#ef6c00" if arc.active else "#bdbdbd", lw=1.6,
                                    connectionstyle=f"arc3,rad={arc.rad}"))
        _text(ax, arc.label, bbox=dict(fc="white", ec="none", alpha=0.85))
    for t in topo.tgws:
        ax.add_patch(Polygon([(t.x + 0.7 * math.cos(a), t.y + 0.7 * math.sin(a)) for a in
                              [k * math.pi / 3 for k in range(6)]], fc="#fff3e0", ec="#e65100", lw=1.5))
        ax.text(t.x, t.y, "TGW", ha="center", va="center", fontsize=8, weight="bold", color="#e65100")
        _text(ax, t.label)
        for (x1, y1), (x2, y2) in t.attachments:
            ax.plot([x1, x2], [y1, y2], color="#ffb74d", lw=1.0, zorder=0.4)
    ax.set_ylim(topo.bottom, topo.height)
    if topo.hidden:
        ax.text(0, -2.4, f"… and {topo.hidden} more VPCs (pass vpcs=[...] to choose)", fontsize=7, color="#616161")


def _overlay(ax, path: layout.TracePath) -> None:
    """The traced path: arrows through each component that has a place on the picture, an X where it stops."""
    colour = "#2e7d32" if path.reachable else "#c62828"
    for a, b in zip(path.points, path.points[1:]):
        ax.annotate("", xy=b, xytext=a, arrowprops=dict(arrowstyle="-|>", color=colour, lw=2.4,
                                                        shrinkA=4, shrinkB=4), zorder=5)
    where = path.stop
    if where is not None:
        if path.points and path.points[-1] != where:
            ax.annotate("", xy=where, xytext=path.points[-1], arrowprops=dict(
                arrowstyle="-|>", color="#c62828", lw=2.4, ls="--", shrinkA=4, shrinkB=8), zorder=5)
        ax.plot(*where, marker="X", ms=18, color="#c62828", mec="white", zorder=6)
        ax.text(where[0], where[1] - 0.55, path.code, fontsize=7, color="#c62828",
                ha="center", va="top", weight="bold", zorder=6,
                bbox=dict(fc="white", ec="#c62828", alpha=0.9))
