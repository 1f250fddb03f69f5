"""``lab.estimate()``: what the resources alive in this lab cost per hour and per 30 days."""
from __future__ import annotations

import html
from dataclasses import dataclass, field

from lab_helpers.sim.costs.inventory import snapshot
from lab_helpers.sim.costs.model import HOURS_PER_30_DAYS, Bill, money, monthly


@dataclass(repr=False)
class Estimate:
    """Hourly and 30-day cost of what is running now (traffic not included: it depends on what you send)."""

    lab: str
    mode: str
    hourly: Bill
    thirty_days: Bill
    resources: list = field(default_factory=list)

    @property
    def per_hour(self):
        return self.hourly.total

    @property
    def per_30_days(self):
        return self.thirty_days.total

    def _rows(self):
        return list(zip(self.hourly.lines, self.thirty_days.lines))

    def __str__(self) -> str:
        if not self.resources:
            return f"Nothing that bills by the hour is running in lab {self.lab}."
        rows = [f"Running now in lab {self.lab} ({self.mode}); traffic charges come on top:"]
        for h, m in self._rows():
            rows.append(f"  {h.item:<40} {h.detail:<40} {money(h.amount):>10}/h {money(m.amount):>10}/30 days")
        rows.append(f"  {'TOTAL':<81} {_total(self.hourly):>10}/h {_total(self.thirty_days):>10}/30 days")
        if self.mode == "sandbox":
            rows.append("  (sandbox: nothing is billed; these are what the same resources would cost in live mode)")
        return "\n".join(rows)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        if not self.resources:
            return f"<p>Nothing that bills by the hour is running in lab {html.escape(self.lab)}.</p>"
        body = "".join(
            f"<tr><td>{html.escape(h.item)}</td><td>{html.escape(h.detail)}</td><td>{money(h.amount)}</td>"
            f"<td>{money(m.amount)}</td><td><small>{html.escape(h.source)}</small></td></tr>"
            for h, m in self._rows())
        body += (f"<tr><td colspan=2><b>Total</b></td><td><b>{_total(self.hourly)}</b></td>"
                 f"<td><b>{_total(self.thirty_days)}</b></td><td></td></tr>")
        note = "<br><small>Sandbox: nothing is billed; these are what the same resources would cost in live mode." \
               "</small>" if self.mode == "sandbox" else ""
        return (f"<div><b>Running now in lab {html.escape(self.lab)}</b> (traffic charges come on top)<table>"
                "<tr><th>Item</th><th>What</th><th>Per hour</th><th>Per 30 days</th><th>Source</th></tr>"
                f"{body}</table>{note}</div>")


def _total(bill: Bill) -> str:
    return money(bill.total) if bill.total is not None else f"unknown (priced part {money(bill.known_total)})"


def estimate(lab) -> Estimate:
    resources = snapshot(lab)
    return Estimate(lab.name, lab.mode, monthly(resources, (), lab.region, 1, "Per hour"),
                    monthly(resources, (), lab.region, HOURS_PER_30_DAYS, "Per 30 days"), resources)
