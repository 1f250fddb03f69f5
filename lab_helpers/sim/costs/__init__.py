"""The cost model: price what exists (hourly) and where the bytes go (per GB), from sourced prices.

* :func:`estimate` — ``lab.estimate()``: what the lab has running, per hour and per 30 days.
* :func:`monthly` — price any architecture: a list of :class:`Resource` plus a list of :class:`Flow` (GB per month
  and the path of hops it takes). Plain data, so labs can compare designs they never build.
* :func:`snapshot` — the :class:`Resource` list of a live lab, from describe calls, to feed :func:`monthly`.
* :func:`flow_from_trace` — a flow whose path comes from ``lab.trace`` (the engine knows the route taken).
* :func:`break_even`, :func:`linear_break_even` — where two designs cost the same (drawn by
  :func:`lab_helpers.teach.draw.cost_curves` and :func:`~lab_helpers.teach.draw.cost_stacked`).
* :mod:`lab_helpers.lessons.cost_scenarios` — the source notes' worked examples, with the note's and the complete
  assumptions.
"""
from lab_helpers.sim.costs.breakeven import BreakEven, break_even, linear_break_even
from lab_helpers.sim.costs.estimate import Estimate, estimate
from lab_helpers.sim.costs.inventory import snapshot
from lab_helpers.sim.costs.model import (
                    HOURLY,
                    HOURS_PER_30_DAYS,
                    HOURS_PER_MONTH,
                    PER_GB,
                    Bill,
                    Flow,
                    Hop,
                    Line,
                    Resource,
                    money,
                    monthly,
)
from lab_helpers.sim.costs.paths import flow_from_trace, hops_from_trace

__all__ = ["estimate", "Estimate", "monthly", "snapshot", "Resource", "Flow", "Hop", "Bill", "Line", "money",
           "break_even", "linear_break_even", "BreakEven", "HOURLY", "PER_GB",
           "HOURS_PER_MONTH", "HOURS_PER_30_DAYS", "flow_from_trace", "hops_from_trace"]
