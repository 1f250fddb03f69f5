"""Where two architectures cost the same, and pictures of it.

A "cost function" here is ``gb -> Bill`` (e.g. ``lambda gb: ecs_after(gb, COMPLETE_ECS)``). Bills are piecewise
linear in traffic (tiers make the pieces), so the break-even point is found by bisection on the difference, not by
assuming one straight line.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Optional

from lab_helpers.sim.costs.model import Bill, money

CostFn = Callable[[float], Bill]


@dataclass(frozen=True)
class BreakEven:
    gb: Optional[float]  # None: no crossing in the range searched (or a price is unknown)
    cost: Optional[float]
    reason: str = ""

    def __str__(self) -> str:
        if self.gb is None:
            return f"no break-even: {self.reason}"
        return f"break-even at {self.gb:,.0f} GB/month (both cost {money(self.cost)})"


def break_even(first: CostFn, second: CostFn, lo: float = 0.0, hi: float = 1_000_000.0,
               tol: float = 0.01) -> BreakEven:
    """The traffic (GB/month) in ``[lo, hi]`` where ``first`` and ``second`` cost the same."""
    def diff(gb):
        a, b = first(gb).total, second(gb).total
        return None if a is None or b is None else a - b

    d_lo, d_hi = diff(lo), diff(hi)
    if d_lo is None or d_hi is None:
        return BreakEven(None, None, "a price on one of the paths is unknown")
    if d_lo == 0:
        return BreakEven(lo, first(lo).total)
    if (d_lo > 0) == (d_hi > 0):
        cheaper = "the first" if d_lo < 0 else "the second"
        return BreakEven(None, None, f"{cheaper} is cheaper everywhere from {lo:,.0f} to {hi:,.0f} GB/month")
    while hi - lo > tol:
        mid = (lo + hi) / 2
        d_mid = diff(mid)
        if (d_mid > 0) == (d_lo > 0):
            lo, d_lo = mid, d_mid
        else:
            hi = mid
    gb = round((lo + hi) / 2, 2)
    return BreakEven(gb, round(first(gb).total, 2))


def linear_break_even(fixed_a: float, per_gb_a: float, fixed_b: float, per_gb_b: float) -> Optional[float]:
    """Closed form for two straight lines ``fixed + per_gb × GB``; None if they never cross at GB ≥ 0."""
    if per_gb_a == per_gb_b:
        return None
    gb = (fixed_b - fixed_a) / (per_gb_a - per_gb_b)
    return gb if gb >= 0 else None


def plot_curves(curves: dict, gb_max: float, points: int = 101, mark: Sequence = (), ax=None,
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


def plot_stacked(bills: dict, ax=None, title: str = "Monthly cost by line item"):
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
