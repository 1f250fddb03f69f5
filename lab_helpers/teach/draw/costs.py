"""Cost pictures: monthly cost against traffic, and bills side by side as stacked bars.

The numbers come from :mod:`lab_helpers.sim.costs` (a cost function is ``gb -> Bill``, see
:mod:`lab_helpers.sim.costs.breakeven`); this module only draws them.
"""
from __future__ import annotations

from collections.abc import Sequence

from lab_helpers.sim.costs.model import money


def cost_curves(curves: dict, gb_max: float, points: int = 101, mark: Sequence = (), ax=None,
                title: str = "Monthly cost vs traffic", notes: dict | None = None):
    """Cost curves ``{label: gb -> Bill}`` over 0..``gb_max`` GB/month; ``mark`` = [(label, BreakEven), ...].

    ``notes`` = {label: {gb: dollars}} draws printed figures (e.g. a note's table) as crosses to compare.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    xs = [gb_max * i / (points - 1) for i in range(points)]
    for label, fn in curves.items():
        ys = [fn(x).total for x in xs]
        ax.plot([x for x, y in zip(xs, ys) if y is not None], [y for y in ys if y is not None], label=label)
    for label, pts in (notes or {}).items():
        ax.scatter(list(pts), list(pts.values()), marker="x", s=60, label=label, zorder=3)
    for label, be in mark:
        if be.gb is not None:
            ax.axvline(be.gb, color="grey", linestyle=":")
            ax.scatter([be.gb], [be.cost], color="black", zorder=4)
            ax.annotate(f"{label}: {be.gb:,.0f} GB", (be.gb, be.cost), textcoords="offset points",
                        xytext=(6, -14), fontsize=8)
    ax.set_xlabel("GB per month")
    ax.set_ylabel("USD per month")
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return ax


def cost_stacked(bills: dict, ax=None, title: str = "Monthly cost by line item"):
    """Stacked bars, one per ``{label: Bill}``; unknown lines are left out and the bar is labelled 'unknown'."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    labels = list(bills)
    items = list(dict.fromkeys(item for b in bills.values() for item in b.by_category()))
    bottoms = [0.0] * len(labels)
    for item in items:
        heights = [(bills[lab].by_category().get(item) or 0.0) for lab in labels]
        if not any(heights):
            continue
        ax.bar(labels, heights, bottom=bottoms, label=item)
        bottoms = [b + h for b, h in zip(bottoms, heights)]
    for i, lab in enumerate(labels):
        total = bills[lab].total
        ax.text(i, bottoms[i], money(total) if total is not None else "unknown", ha="center", va="bottom",
                fontsize=9)
    ax.set_ylabel("USD per month")
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1, 1))
    return ax
