"""A NAT gateway's ports per address and destination, against the 55,000 limit (AWS docs: nat-gateway-basics), from a
:class:`lab_helpers.sim.nat.PatTable`."""
from __future__ import annotations


def port_usage(table, ax=None):
    """Flows per (address, destination) against the 55,000 limit; a full bar is red."""
    import matplotlib.pyplot as plt

    from lab_helpers.sim.nat import PORT_MAX, PORT_MIN

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3))
    usage = table.usage()
    labels = [f"{ip}\n→ {dest}" for ip, dest in usage] or ["(no flows)"]
    values = list(usage.values()) or [0]
    bars = ax.barh(labels, values, color=["#cf222e" if v >= table.max_per_destination else "#0969da"
                                          for v in values])
    ax.axvline(table.max_per_destination, color="black", linestyle="--")
    ax.text(table.max_per_destination, len(values) - 0.5, f" limit {table.max_per_destination:,}", va="top",
            fontsize=8)
    ax.set_xlim(0, PORT_MAX - PORT_MIN + 1)
    ax.set_xlabel("simultaneous connections (ports in use)")
    ax.set_title(f"{table.name}: port usage per address and destination (t={table.now:g}s)")
    ax.bar_label(bars, fmt="{:,.0f}", fontsize=8)
    return ax
