"""Widgets for a live kernel (ipywidgets, imported only here and only when a widget is made): consent for live
mode, the interactive PAT table, and the progress bar of a slow wait."""
from __future__ import annotations

from typing import Optional

from lab_helpers import config
from lab_helpers.core.waits import Outcome, Waitable, duration


def confirm_live():
    """A button that gives live-mode consent for this kernel (sets VPCLAB_LIVE_OK=yes), then re-run start_lab."""
    import ipywidgets as widgets

    button = widgets.Button(description="I understand: use my AWS account", button_style="warning",
                            layout=widgets.Layout(width="auto"))
    out = widgets.Output()

    def consent(_):
        config.give_live_consent()
        with out:
            print("Live mode allowed in this kernel. Re-run the start_lab cell.")

    button.on_click(consent)
    return widgets.VBox([button, out])


# -- the PAT table ----------------------------------------------------------------------------------------------
def pat_table(table):
    """A panel for a :class:`lab_helpers.sim.nat.PatTable`: add flows, advance the clock, add an address; the table
    and the port-usage picture redraw after each click."""
    import ipaddress

    import ipywidgets as w
    import matplotlib.pyplot as plt
    from IPython.display import display

    from lab_helpers.errors import PortAllocationError
    from lab_helpers.sim.nat import PORT_MIN, split_ip_port
    from lab_helpers.teach.draw.nat import port_usage

    src = w.Text(value="10.40.2.101:40001", description="source")
    dst = w.Text(value="93.184.216.34:443", description="destination")
    many = w.BoundedIntText(value=1000, min=1, max=120_000, description="bulk flows")
    add = w.Button(description="Add flow")
    bulk = w.Button(description="Add bulk flows")
    wait = w.Button(description="Wait 60 s")
    extra = w.Text(value="", placeholder="e.g. 3.5.0.11", description="new address")
    add_ip = w.Button(description="Add address")
    out = w.Output()

    def redraw(message=""):
        out.clear_output(wait=True)
        with out:
            if message:
                print(message)
            display(table)
            port_usage(table)
            plt.show()

    def act(fn):
        def handler(_):
            try:
                redraw(fn())
            except (PortAllocationError, ValueError) as exc:  # ValueError: also a bad IP typed in a box
                redraw(f"⚠️ {exc}")
        return handler

    def add_bulk():
        base_ip, base_port = split_ip_port(src.value, "source")
        net = ipaddress.ip_address(base_ip)
        for i in range(many.value):
            table.open(f"{net + i // 50000}:{PORT_MIN + (base_port + i) % 50000}", dst.value)
        return f"added {many.value:,} flows"

    add.on_click(act(lambda: str(table.open(src.value, dst.value).public)))
    bulk.on_click(act(add_bulk))
    wait.on_click(act(lambda: f"{len(table.advance(60))} flow(s) timed out"))
    add_ip.on_click(act(lambda: table.add_address(extra.value) or f"added {extra.value}"))
    redraw()
    return w.VBox([w.HBox([src, dst, add]), w.HBox([many, bulk, wait]), w.HBox([extra, add_ip]), out])


# -- waiting for a slow resource --------------------------------------------------------------------------------
class WidgetReporter:
    """An ipywidgets bar that fills towards the resource's usual time, with a label showing state and elapsed
    (a :class:`lab_helpers.core.waits.Reporter`)."""

    def __init__(self):
        import ipywidgets as widgets
        from IPython.display import display

        self.bar = widgets.FloatProgress(value=0.0, min=0.0, max=1.0, bar_style="info",
                                         layout=widgets.Layout(width="40%"))
        self.label = widgets.HTML()
        self.box = widgets.HBox([self.bar, self.label])
        display(self.box)

    def start(self, spec: Waitable, resource_id: str) -> None:
        self.label.value = f"⏳ <b>{spec.label}</b> <code>{resource_id}</code>: starting…"

    def update(self, spec: Waitable, resource_id: str, state: Optional[str], elapsed: float) -> None:
        # Never reach 100 % before AWS says ready: the bar shows "usual time", not a promise.
        self.bar.value = min(0.95, elapsed / max(spec.typical_seconds, 1))
        self.label.value = (f"⏳ <b>{spec.label}</b> <code>{resource_id}</code>: {state or 'not listed yet'} "
                            f"— {duration(elapsed)}")

    def finish(self, outcome: Outcome) -> None:
        self.bar.value = 1.0
        self.bar.bar_style = "success" if outcome.ready else "danger"
        self.label.value = ("✅" if outcome.ready else "❌") + \
            f" <b>{outcome.label}</b> <code>{outcome.resource_id}</code> is {outcome.state} after " \
            f"{duration(outcome.seconds)}"


def in_notebook() -> bool:
    """True inside a Jupyter kernel (where widgets render), False in a terminal or plain Python."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def wait_reporter() -> Optional[WidgetReporter]:
    """The progress bar when running in a notebook kernel, else None (``wait_for`` then prints plain lines)."""
    if in_notebook():
        try:
            return WidgetReporter()
        except Exception:  # ipywidgets missing or no comm: plain text still tells the learner what happens
            pass
    return None
