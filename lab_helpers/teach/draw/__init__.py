"""Every picture the labs draw, from data the simulators return (the only place besides widgets that imports
matplotlib, and only when a picture is asked for).

- :func:`vpc` — the topology: VPCs, AZs, subnets, route tables, gateways (``lab.draw()``)
- :func:`trace` — the topology with a traced path on top (green when it arrives, red where it stops)
- :func:`matrix` — a reachability matrix as a grid
- :func:`placement`, :func:`failure` — instances on racks and hosts, and what one failure takes down
- :func:`port_usage` — a NAT gateway's ports per address and destination
- :func:`cost_curves`, :func:`cost_stacked` — monthly cost against traffic, and bills side by side
"""
from __future__ import annotations

import importlib

_WHERE = {
    "vpc": "topology", "trace": "topology", "matrix": "topology", "Drawing": "topology",
    "placement": "hardware", "failure": "hardware",
    "port_usage": "nat",
    "cost_curves": "costs", "cost_stacked": "costs",
}


# No submodule shares a name with a function here: importing a submodule sets the package attribute of its name,
# which would hide the function of that name from this lazy lookup.
def __getattr__(name: str):
    # Lazy: drawing the topology must not import the cost plots (or matplotlib) before they are needed.
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = list(_WHERE)
