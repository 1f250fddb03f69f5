"""The billed hops of a flow, read from a network trace (``lab.trace``) instead of typed by hand.

The engine already knows which route a packet took; this turns its forward hops into the hop names of
:data:`~lab_helpers.sim.costs.model.PER_GB`:

* a NAT gateway hop → ``nat`` (data processing);
* a gateway endpoint → ``gateway_endpoint``; delivery to an interface endpoint's network interface →
  ``interface_endpoint``;
* entering a transit gateway *from a VPC attachment* → ``tgw`` (AWS charges TGW processing per GB sent from a VPC
  to the TGW, so the model charges it once, where the bytes enter from a VPC — not again at a peered TGW);
* a VPC peering connection → ``peering`` (free within an AZ);
* leaving through an internet gateway to the internet → ``internet`` (egress);
* the packet changing Availability Zone inside a region → ``cross_az``; changing region → ``inter_region``
  (priced in the region it leaves).

Only the forward direction is billed here: a flow's GB are the bytes its sender pushes (give the reply bytes as a
flow of their own if they matter, e.g. downloads).
"""
from __future__ import annotations

from lab_helpers.errors import LabInputError
from lab_helpers.sim.costs.model import Flow, Hop


def hops_from_trace(trace) -> list[Hop]:
    """Billed hops of ``trace`` (a ``lab.trace`` result) in path order. An unreachable trace has no price."""
    if not trace.reachable:
        raise LabInputError(f"The trace {trace.source} → {trace.destination} is not reachable: there is no path to "
                         "price. Fix the path first (the trace says where it stops).")
    snap = trace.snapshot
    out: list[Hop] = []
    last_az, last_region = None, None

    def where(h):
        sub = snap.subnets.get(h.subnet_id) if h.subnet_id else None
        return (sub.az if sub else None), (h.region or (sub.region if sub else None))

    home = next((where(h)[1] for h in trace.forward_hops if where(h)[1]), None)

    def add(kind, region=None):
        # name the region only when it is not where the flow starts (the bill's region prices the rest)
        out.append(Hop(kind, region if region and region != home else None))

    interface_enis = {e: ep for ep in snap.endpoints.values() if ep.type == "Interface" for e in ep.eni_ids}
    for h in trace.forward_hops:
        az, region = where(h)
        if region and last_region and region != last_region:
            add("inter_region", last_region)
        elif az and last_az and az != last_az and h.component_type not in ("internet", "internet-gateway"):
            add("cross_az", region or last_region)
        if az:
            last_az = az
        if region:
            last_region = region
        t, rule = h.component_type, h.rule or ""
        if t == "nat-gateway":
            add("nat", region)
        elif t == "vpc-endpoint" and "gateway endpoint" in rule:
            add("gateway_endpoint", region)
        elif t == "transit-gateway-attachment" and rule.startswith("vpc-") and "-> tgw-" in rule:
            add("tgw", region)
        elif t == "vpc-peering-connection" and h.verdict == "forward":
            add("peering", region)
        elif t == "internet" and h.verdict == "reached":
            add("internet", last_region)
        elif h.verdict == "reached" and (h.component_id in interface_enis or any(
                e in interface_enis for e in (h.aws.get("NetworkInterface", {}) or {}).get("Id", "").split())):
            add("interface_endpoint", region)
    if trace.engine is not None and trace.engine.destination is not None:
        dest_eni = getattr(trace.engine.destination, "eni", None)
        if dest_eni is not None and dest_eni.id in interface_enis and \
                not any(h.kind == "interface_endpoint" for h in out):
            add("interface_endpoint", dest_eni.region)
    return out


def flow_from_trace(name: str, gb_per_month: float, trace) -> Flow:
    """A :class:`Flow` whose path is the one the network engine found, starting in the source's region (so a
    flow from Seoul is priced at Seoul's rates even on a bill titled us-east-1)."""
    hops = tuple(hops_from_trace(trace))
    start = next((h.region for h in trace.forward_hops if h.region), None)
    return Flow(name, gb_per_month, hops, start)
