"""Price an architecture: what exists (resources that bill by the hour) plus where the bytes go (flows that bill
per GB).

Everything here is plain data, so a lab can price an architecture it never built::

    from lab_helpers.sim.costs import Resource, Flow, monthly
    bill = monthly([Resource("nat_gateway")], [Flow("S3 downloads", 1000, ["nat"])], region="us-east-1")

Two kinds of input:

* :class:`Resource` — something that bills per hour while it exists (a NAT gateway, one AZ of an interface endpoint,
  a TGW attachment, a public IPv4 address…). ``kind`` names a row of :data:`HOURLY`.
* :class:`Flow` — GB per month and the *path* the bytes take, as a list of :class:`Hop` (or their names). Each hop
  that processes or moves bytes adds its per-GB charge: ``["nat", "internet"]`` is NAT processing plus internet
  egress. The path is explicit so it can come from a person ("the note says S3 goes via NAT") or, later, from the
  network engine (``lab.trace``), which knows which route a packet took.

Unknown prices are never zero: a line whose price is unknown has ``amount=None`` and makes the bill's ``total``
``None`` too; :attr:`Bill.known_total` is the part that is priced, so a reader sees both.
"""
from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Optional, Union

from lab_helpers.errors import LabInputError
from lab_helpers.sim.costs.pricing import Price, price

HOURS_PER_MONTH = 730  # AWS's own monthly convention (365 × 24 / 12); the notes use it for $32.85
HOURS_PER_30_DAYS = 720

# kind of resource -> (price item, human label). One row per thing that bills per hour.
HOURLY = {
    "nat_gateway": ("nat_gateway_hour", "NAT gateway hours"),
    "interface_endpoint_az": ("interface_endpoint_az_hour", "Interface endpoint AZ-hours"),
    "gateway_endpoint": ("gateway_endpoint_hour", "Gateway endpoint hours (free)"),
    "gwlb_endpoint_az": ("gwlb_endpoint_az_hour", "GWLB endpoint AZ-hours"),
    "tgw_attachment": ("tgw_attachment_hour", "TGW attachment-hours"),
    "tgw_peering_attachment": ("tgw_peering_attachment_hour", "TGW peering attachment-hours"),
    "public_ipv4": ("public_ipv4_hour", "Public IPv4 address-hours"),
    "alb": ("alb_hour", "Application Load Balancer hours"),
    "nlb": ("nlb_hour", "Network Load Balancer hours"),
    "gwlb": ("gwlb_hour", "Gateway Load Balancer hours"),
    "lattice_service": ("lattice_service_hour", "VPC Lattice service-hours"),
}

# hop -> (price item, multiplier, human label). The multiplier turns "GB on this path" into billed units:
# cross-AZ transfer is billed $0.01/GB *in each direction*, i.e. once leaving one AZ and once entering the other.
PER_GB = {
    "nat": ("nat_gateway_gb", 1, "NAT gateway data processed"),
    "interface_endpoint": ("interface_endpoint_gb", 1, "Interface endpoint data processed"),
    "gateway_endpoint": ("gateway_endpoint_gb", 1, "Gateway endpoint data (free)"),
    "tgw": ("tgw_gb", 1, "TGW data processed (sent from a VPC into the TGW)"),
    "peering": ("peering_same_az_gb", 1, "VPC peering, same AZ (free)"),
    "cross_az": ("cross_az_gb_each_way", 2, "Cross-AZ transfer (billed out and in)"),
    "cross_az_one_way": ("cross_az_gb_each_way", 1, "Cross-AZ transfer (one side only)"),
    "inter_region": ("inter_region_gb", 1, "Inter-Region transfer out"),
    "internet": ("internet_egress_gb", 1, "Internet egress"),
    "lattice": ("lattice_gb", 1, "VPC Lattice data processed"),
    "local": (None, 1, "Inside one AZ (no charge)"),
}


@dataclass(frozen=True)
class Hop:
    """One billed step of a flow's path: ``kind`` is a key of :data:`PER_GB`; ``region`` prices it elsewhere."""

    kind: str
    region: Optional[str] = None

    def __post_init__(self):
        if self.kind not in PER_GB:
            raise LabInputError(f"Unknown hop {self.kind!r}. Use one of: {', '.join(PER_GB)}.")

    def __str__(self) -> str:
        return self.kind + (f"@{self.region}" if self.region else "")


def _hop(h: Union[str, Hop]) -> Hop:
    if isinstance(h, Hop):
        return h
    kind, _, region = str(h).partition("@")
    return Hop(kind, region or None)


@dataclass(frozen=True)
class Flow:
    """``gb_per_month`` GB taking ``path`` (hops in order, e.g. ``["nat", "internet"]``)."""

    name: str
    gb_per_month: float
    path: tuple = ()
    region: Optional[str] = None  # where the flow starts; None -> the bill's region

    def __post_init__(self):
        object.__setattr__(self, "path", tuple(_hop(h) for h in self.path))
        if self.gb_per_month < 0:
            raise LabInputError(f"Flow {self.name!r}: GB per month cannot be negative ({self.gb_per_month}).")

    def via(self, *path) -> Flow:
        """The same bytes on another path: ``flow.via("gateway_endpoint")``."""
        return Flow(self.name, self.gb_per_month, tuple(path), self.region)

    def scaled(self, factor: float) -> Flow:
        return Flow(self.name, self.gb_per_month * factor, self.path, self.region)


@dataclass(frozen=True)
class Resource:
    """Something that bills per hour while it exists. ``quantity`` counts identical ones (e.g. 10 NAT gateways)."""

    kind: str
    quantity: float = 1
    region: Optional[str] = None
    ids: tuple = ()
    note: str = ""

    def __post_init__(self):
        if self.kind not in HOURLY:
            raise LabInputError(f"Unknown resource kind {self.kind!r}. Use one of: {', '.join(HOURLY)}.")


@dataclass(frozen=True)
class Line:
    """One line of a bill: ``quantity`` units at ``unit_price`` = ``amount`` (None when the price is unknown)."""

    item: str
    quantity: float
    unit: str
    unit_price: Optional[float]
    source: str
    amount: Optional[float]
    detail: str = ""

    @property
    def known(self) -> bool:
        return self.amount is not None


def money(x: Optional[float]) -> str:
    """Dollars; amounts under a dollar keep up to 4 decimals so an hourly $0.045 does not read as $0.04."""
    if x is None:
        return "unknown"
    if 0 < abs(x) < 1:
        text = f"{x:.4f}".rstrip("0")
        return "$" + (text + "0" if len(text.split(".")[1]) < 2 else text)
    return f"${x:,.2f}"


@dataclass(repr=False)
class Bill:
    """Itemised monthly cost. ``total`` is ``None`` ("unknown") if any line is unpriced."""

    title: str
    lines: list = field(default_factory=list)
    region: str = ""
    hours: float = HOURS_PER_MONTH

    @property
    def total(self) -> Optional[float]:
        if any(not line.known for line in self.lines):
            return None
        return round(sum(line.amount for line in self.lines), 10)

    @property
    def known_total(self) -> float:
        return round(sum(line.amount for line in self.lines if line.known), 10)

    @property
    def unknown_items(self) -> list[str]:
        return [line.item for line in self.lines if not line.known]

    def amount(self, item_prefix: str) -> Optional[float]:
        """Sum of the lines whose item starts with ``item_prefix`` (None if any of them is unknown)."""
        chosen = [line for line in self.lines if line.item.startswith(item_prefix)]
        if any(not line.known for line in chosen):
            return None
        return round(sum(line.amount for line in chosen), 10)

    def quantity(self, item_prefix: str) -> float:
        """Sum of the billed quantities (hours, GB…) of the lines whose item starts with ``item_prefix``."""
        return round(sum(line.quantity for line in self.lines if line.item.startswith(item_prefix)), 10)

    def by_category(self) -> dict:
        """{item: amount} merged by item (for stacked bars)."""
        out: dict = {}
        for line in self.lines:
            if line.item in out and (out[line.item] is None or line.amount is None):
                out[line.item] = None
            else:
                out[line.item] = (out.get(line.item) or 0) + line.amount if line.known else None
        return out

    def total_text(self) -> str:
        if self.total is not None:
            return money(self.total)
        return f"unknown (unpriced: {', '.join(self.unknown_items)}; priced part {money(self.known_total)})"

    def __str__(self) -> str:
        rows = [f"{self.title} ({self.region}, {self.hours:g} h)"]
        for line in self.lines:
            unit = "unknown" if line.unit_price is None else f"${line.unit_price:g}"
            rows.append(f"  {line.item:<48} {line.quantity:>12,.2f} {line.unit:<18} × {unit:<9} = "
                        f"{money(line.amount):>10}" + (f"   [{line.detail}]" if line.detail else ""))
        rows.append(f"  {'TOTAL':<48} {self.total_text()}")
        return "\n".join(rows)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{h}</th>" for h in
                       ("Item", "Quantity", "Unit", "Unit price", "Amount", "Source"))
        body = ""
        for line in self.lines:
            unit = "unknown" if line.unit_price is None else f"${line.unit_price:g}"
            style = "" if line.known else " style='color:#cf222e'"
            detail = f"<br><small>{html.escape(line.detail)}</small>" if line.detail else ""
            body += (f"<tr{style}><td>{html.escape(line.item)}{detail}</td><td>{line.quantity:,.2f}</td>"
                     f"<td>{html.escape(line.unit)}</td><td>{unit}</td><td><b>{money(line.amount)}</b></td>"
                     f"<td><small>{html.escape(line.source)}</small></td></tr>")
        body += f"<tr><td colspan=4><b>Total</b></td><td colspan=2><b>{html.escape(self.total_text())}</b></td></tr>"
        return (f"<div><b>{html.escape(self.title)}</b> — {html.escape(self.region)}, {self.hours:g} hours"
                f"<table>{head}{body}</table></div>")


def _priced(p: Price, quantity: float) -> Optional[float]:
    return None if p.usd is None else round(p.usd * quantity, 10)


def _tiered(p: Price, quantity: float) -> tuple[Optional[float], str]:
    """Apply cumulative tiers [[upto_GB, usd], ...]; a tier with unknown price makes the amount unknown."""
    if not p.tiers:
        return _priced(p, quantity), ""
    amount, done, parts = 0.0, 0.0, []
    for upto, usd in p.tiers:
        if done >= quantity:
            break
        top = quantity if upto is None else min(quantity, upto)
        chunk = top - done
        if chunk <= 0:
            continue
        if usd is None:
            return None, f"{chunk:,.0f} GB fall in a tier with no sourced price"
        amount += chunk * usd
        parts.append(f"{chunk:,.0f} GB × ${usd:g}")
        done = top
    return round(amount, 10), ("; ".join(parts) if len(parts) > 1 else "")


def monthly(resources: Iterable[Resource] = (), flows: Iterable[Flow] = (), region: str = "us-east-1",
            hours: float = HOURS_PER_MONTH, title: str = "Monthly cost") -> Bill:
    """Price ``resources`` for ``hours`` and ``flows`` per month, line by line, from data/pricing.

    Hourly lines are merged per (kind, region); per-GB lines per (hop, region), because some per-GB prices are
    tiered on the Region-wide monthly volume (interface endpoints), so the tier must see the sum of all flows.
    """
    bill = Bill(title, region=region, hours=hours)
    merged: dict = {}
    for r in resources:
        key = (r.kind, r.region or region)
        q, ids, notes = merged.get(key, (0, (), ()))
        merged[key] = (q + r.quantity, ids + tuple(r.ids), notes + ((r.note,) if r.note else ()))
    for (kind, where), (count, _ids, notes) in merged.items():
        item, label = HOURLY[kind]
        p = price(item, where)
        qty = count * hours
        detail = f"{count:g} × {hours:g} h" + (f" in {where}" if where != region else "")
        if notes:
            detail += "; " + "; ".join(dict.fromkeys(notes))
        bill.lines.append(Line(label, qty, p.unit or "hour", p.usd, _source(p), _priced(p, qty), detail))

    volume: dict = {}
    for f in flows:
        for hop in f.path:
            where = hop.region or f.region or region
            key = (hop.kind, where)
            gb, names = volume.get(key, (0.0, ()))
            volume[key] = (gb + f.gb_per_month, names + (f.name,))
    for (kind, where), (gb, names) in volume.items():
        gb_item, mult, label = PER_GB[kind]
        if gb_item is None:
            continue
        p = price(gb_item, where)
        qty = gb * mult
        amount, tier_note = _tiered(p, qty)
        who = ", ".join(dict.fromkeys(names))
        detail = f"{who}" + (f" (× {mult} directions)" if mult != 1 else "") + \
            (f" in {where}" if where != region else "") + (f"; {tier_note}" if tier_note else "")
        bill.lines.append(Line(label, qty, p.unit or "GB", p.usd, _source(p), amount, detail))
    return bill


def _source(p: Price) -> str:
    return f"{p.source} ({p.date})" if p.date else p.source


def cost_at(make_bill, gb: float) -> Optional[float]:
    """Total of ``make_bill(gb)`` — a helper for curves."""
    return make_bill(gb).total


Number = Union[int, float]


def scale_flows(flows: Sequence[Flow], factor: Number) -> list[Flow]:
    return [f.scaled(factor) for f in flows]
