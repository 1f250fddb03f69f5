"""Where two architectures cost the same (the pictures are :mod:`lab_helpers.teach.draw.costs`).

A "cost function" here is ``gb -> Bill`` (e.g. ``lambda gb: ecs_after(gb, COMPLETE_ECS)``). Bills are piecewise
linear in traffic (tiers make the pieces), so the break-even point is found by bisection on the difference, not by
assuming one straight line.
"""
from __future__ import annotations

from collections.abc import Callable
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
    cost = first(gb).total
    if cost is None:  # priced at both ends yet not here: only a cost function with gaps in its prices
        return BreakEven(None, None, "a price on one of the paths is unknown")
    return BreakEven(gb, round(cost, 2))


def linear_break_even(fixed_a: float, per_gb_a: float, fixed_b: float, per_gb_b: float) -> Optional[float]:
    """Closed form for two straight lines ``fixed + per_gb × GB``; None if they never cross at GB ≥ 0."""
    if per_gb_a == per_gb_b:
        return None
    gb = (fixed_b - fixed_a) / (per_gb_a - per_gb_b)
    return gb if gb >= 0 else None

