"""Wait for a slow AWS resource with a progress bar: ``waits.wait_for(lab, "nat_gateway", nat_id)``.

Some things take minutes in a real account — a NAT gateway goes ``pending`` → ``available`` in one to three
minutes, a Transit Gateway attachment a little longer, an interface endpoint about as long. A silent cell for that
long looks hung, so a lab calls this helper, which polls the resource's ``Describe*`` call and shows *what* it is
waiting for, the state AWS reports now, and the time elapsed:

* in a notebook, an ipywidgets progress bar and a label (the bar fills towards the usual time for that resource):
  :class:`lab_helpers.teach.widgets.WidgetReporter`, which ``lab.wait_for`` passes in a live notebook kernel;
* anywhere else (a terminal, ``vpclab run``, CI logs), one plain line per state change (:class:`TextReporter`).

In the sandbox moto creates everything already available, so the helper makes one describe call and returns at
once. It reads the resource only through ``lab.client(...)``, so it explains a real account and the sandbox alike.

The polling loop (:func:`poll`) takes its describe function, clock and sleep as arguments, so it is tested without
waiting and without AWS.
"""
from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Optional, Protocol

from lab_helpers.errors import LabInputError, WaitTimeout


@dataclass(frozen=True)
class Waitable:
    """How to read one kind of resource's state: which describe call, which id parameter, where the state is."""

    label: str  # what a learner reads: "NAT gateway"
    service: str
    operation: str  # boto3 method name
    id_param: str  # e.g. "NatGatewayIds" (a list parameter) — the id is wrapped in a list when it ends in "Ids"
    list_key: str  # key of the list in the response
    state_key: str
    ready: tuple = ("available",)
    failed: tuple = ("failed", "deleted", "deleting", "rejected")
    typical_seconds: int = 120  # how long it usually takes in a real account: scales the bar, never a timeout


WAITABLES: dict[str, Waitable] = {
    "nat_gateway": Waitable("NAT gateway", "ec2", "describe_nat_gateways", "NatGatewayIds", "NatGateways", "State",
                            typical_seconds=120),
    "transit_gateway": Waitable("Transit Gateway", "ec2", "describe_transit_gateways", "TransitGatewayIds",
                                "TransitGateways", "State", typical_seconds=300),
    "transit_gateway_attachment": Waitable(
        "Transit Gateway VPC attachment", "ec2", "describe_transit_gateway_vpc_attachments",
        "TransitGatewayAttachmentIds", "TransitGatewayVpcAttachments", "State", typical_seconds=180),
    "vpc_endpoint": Waitable("VPC endpoint", "ec2", "describe_vpc_endpoints", "VpcEndpointIds", "VpcEndpoints",
                             "State", ready=("available", "Available"), failed=("failed", "Failed", "deleted",
                                                                                 "rejected", "Rejected"),
                             typical_seconds=120),
    "vpc_peering_connection": Waitable(
        "VPC peering connection", "ec2", "describe_vpc_peering_connections", "VpcPeeringConnectionIds",
        "VpcPeeringConnections", "Status.Code", ready=("active",),
        failed=("rejected", "failed", "expired", "deleted"), typical_seconds=30),
    "instance": Waitable("EC2 instance", "ec2", "describe_instances", "InstanceIds", "Reservations",
                         "Instances.0.State.Name", ready=("running",),
                         failed=("terminated", "shutting-down", "stopped"), typical_seconds=60),
}

# Spellings a learner may use for the same thing ("natgateway", "nat", "tgw-attachment", "endpoint", ...).
ALIASES = {
    "natgateway": "nat_gateway", "nat": "nat_gateway", "ngw": "nat_gateway",
    "tgw": "transit_gateway", "transitgateway": "transit_gateway",
    "tgw_attachment": "transit_gateway_attachment", "tgwattachment": "transit_gateway_attachment",
    "transitgatewayattachment": "transit_gateway_attachment",
    "endpoint": "vpc_endpoint", "vpce": "vpc_endpoint", "vpcendpoint": "vpc_endpoint",
    "peering": "vpc_peering_connection", "pcx": "vpc_peering_connection",
    "vpcpeeringconnection": "vpc_peering_connection", "ec2": "instance",
}


def waitable(kind: str) -> Waitable:
    """The :class:`Waitable` for ``kind`` (``"nat_gateway"``, ``"natgateway"``, ``"tgw_attachment"``, ...)."""
    key = kind.strip().lower().replace("-", "_").replace(" ", "_")
    key = ALIASES.get(key, ALIASES.get(key.replace("_", ""), key))
    if key not in WAITABLES:
        raise LabInputError(f"wait_for does not know the resource kind {kind!r}. Use one of: "
                            f"{', '.join(sorted(WAITABLES))}.")
    return WAITABLES[key]


@dataclass
class Outcome:
    """What a wait ended with: the resource, its last state, how long it took, and whether it is ready."""

    label: str
    resource_id: str
    state: str
    seconds: float
    ready: bool
    polls: int
    history: list = field(default_factory=list)  # [(elapsed_seconds, state)] for each state change

    def __str__(self) -> str:
        mark = "✅" if self.ready else "❌"
        return f"{mark} {self.label} {self.resource_id} is {self.state} after {duration(self.seconds)}"


def _dig(item, dotted: str):
    for part in dotted.split("."):
        if item is None:
            return None
        item = item[int(part)] if part.isdigit() else item.get(part)
    return item


def describe_state(client, spec: Waitable, resource_id: str) -> Optional[str]:
    """One describe call; the resource's state, or None when AWS does not (yet) list it."""
    value = [resource_id] if spec.id_param.endswith("Ids") else resource_id
    try:
        response = getattr(client, spec.operation)(**{spec.id_param: value})
    except Exception as exc:  # botocore ClientError; imported lazily to keep this module light
        code = (getattr(exc, "response", None) or {}).get("Error", {}).get("Code", "")
        if code.endswith("NotFound"):
            # Right after a create, AWS's describe calls are eventually consistent and may not know the id yet.
            return None
        raise
    items = response.get(spec.list_key) or []
    return _dig(items[0], spec.state_key) if items else None


def duration(seconds: float) -> str:
    """``75`` -> ``"1 min 15 s"``: how a learner reads a wait."""
    seconds = int(round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


# -- reporters: how progress is shown ---------------------------------------------------------------------------
class Reporter(Protocol):
    """What :func:`poll` tells while it waits. Plain text lives here; the notebook progress bar is
    :class:`lab_helpers.teach.widgets.WidgetReporter` (core never imports ipywidgets)."""

    def start(self, spec: Waitable, resource_id: str) -> None: ...

    def update(self, spec: Waitable, resource_id: str, state: Optional[str], elapsed: float) -> None: ...

    def finish(self, outcome: Outcome) -> None: ...


class TextReporter:
    """One line per state change (and a heartbeat every ``every`` seconds): readable in a log, no ``\\r`` tricks."""

    def __init__(self, stream=None, every: float = 30.0):
        self.stream = stream or sys.stdout
        self.every = every
        self._last_state = object()
        self._last_print = -1e9

    def start(self, spec: Waitable, resource_id: str) -> None:
        usual = duration(spec.typical_seconds)
        print(f"⏳ Waiting for {spec.label} {resource_id} (usually ~{usual} in a real account)", file=self.stream,
              flush=True)

    def update(self, spec: Waitable, resource_id: str, state: Optional[str], elapsed: float) -> None:
        if state != self._last_state or elapsed - self._last_print >= self.every:
            print(f"   {duration(elapsed):>10}  {spec.label} {resource_id}: {state or 'not listed yet'}",
                  file=self.stream, flush=True)
            self._last_state, self._last_print = state, elapsed

    def finish(self, outcome: Outcome) -> None:
        print(outcome, file=self.stream, flush=True)


class SandboxReporter:
    """One line: in the sandbox nothing is slow, but the learner should still learn what a real account costs."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        self.spec = None

    def start(self, spec: Waitable, resource_id: str) -> None:
        self.spec = spec

    def update(self, spec: Waitable, resource_id: str, state: Optional[str], elapsed: float) -> None:
        pass

    def finish(self, outcome: Outcome) -> None:
        usual = duration(self.spec.typical_seconds)
        note = f" (sandbox: moto makes it at once; in a real account this takes ~{usual})" if outcome.ready else ""
        print(f"{outcome}{note}", file=self.stream, flush=True)


# -- the loop ---------------------------------------------------------------------------------------------------
def poll(describe: Callable[[], Optional[str]], spec: Waitable, resource_id: str, reporter: Reporter, *,
         timeout: float, interval: float, clock: Callable[[], float] = time.monotonic,
         sleep: Callable[[float], None] = time.sleep, once: bool = False) -> Outcome:
    """Call ``describe()`` until the state is ready or failed, or ``timeout`` seconds pass; report each poll.

    ``once=True`` (the sandbox) makes a single call: moto has no provisioning delay, so waiting would only hide
    a wrong state.
    """
    start = clock()
    reporter.start(spec, resource_id)
    history: list = []
    polls, state = 0, None
    while True:
        state = describe()
        polls += 1
        elapsed = clock() - start
        if not history or history[-1][1] != state:
            history.append((elapsed, state))
        reporter.update(spec, resource_id, state, elapsed)
        if state in spec.ready or state in spec.failed or once or elapsed >= timeout:
            break
        sleep(min(interval, max(0.0, timeout - elapsed)))
    outcome = Outcome(spec.label, resource_id, state or "not found", clock() - start, state in spec.ready, polls,
                      history)
    reporter.finish(outcome)
    return outcome


def wait_for(lab, kind: str, resource_id: str, *, timeout: float = 900, interval: float = 10,
             region: Optional[str] = None, reporter: Optional[Reporter] = None,
             raise_on_failure: bool = True) -> Outcome:
    """Wait until ``resource_id`` of ``kind`` is ready, showing progress; return an :class:`Outcome`.

    ``kind`` is one of :data:`WAITABLES` (``"nat_gateway"``, ``"transit_gateway_attachment"``, ``"vpc_endpoint"``,
    ``"vpc_peering_connection"``, ``"transit_gateway"``, ``"instance"``) or a common spelling of one.
    In the sandbox it returns after one describe call. In live mode it polls every ``interval`` seconds for at
    most ``timeout`` seconds; if the resource ends failed (or never gets ready) it raises a
    :class:`~lab_helpers.errors.WaitTimeout` (a ``LabError``) saying what to look at, unless ``raise_on_failure=False``.
    """
    spec = waitable(kind)
    if not resource_id or not isinstance(resource_id, str):
        raise LabInputError(f"wait_for needs the {spec.label}'s id as a string (got {resource_id!r}).")
    client = lab.client(spec.service, region)
    sandbox = lab.mode == "sandbox"
    # The sandbox never waits, so one line says what a real account would cost in time. (Lab.wait_for passes the
    # notebook progress bar in live mode; core itself only prints.)
    reporter = reporter or (SandboxReporter() if sandbox else TextReporter())
    outcome = poll(lambda: describe_state(client, spec, resource_id), spec, resource_id, reporter,
                   timeout=timeout, interval=interval, once=sandbox)
    if raise_on_failure and not outcome.ready:
        raise WaitTimeout(f"{spec.label} {resource_id} is {outcome.state}, not {spec.ready[0]}, after "
                          f"{duration(outcome.seconds)}. Look at it in the console or with {spec.operation}; "
                          "a failed resource usually says why in its StateMessage/FailureMessage.")
    return outcome
