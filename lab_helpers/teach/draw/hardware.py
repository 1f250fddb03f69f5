"""Instances on racks and hosts, from the hardware model (:mod:`lab_helpers.sim.hardware`): racks as columns
grouped by AZ, instances as boxes coloured by placement strategy; after a failure, what was lost is red."""
from __future__ import annotations

from collections import defaultdict

COLOURS = {"default": "#8c959f", "cluster": "#0969da", "partition": "#8250df", "spread": "#1a7f37"}


def placement(layout: list, ax=None):
    """Draw ``hardware.layout(lab)``: racks as columns (grouped by AZ) and instances as boxes coloured by strategy."""
    return _racks(layout, failed=None, lost=(), ax=ax)


def failure(result, ax=None):
    """Draw a ``hardware.fail(...)`` result: the same racks, the failed one shaded, lost instances in red."""
    return _racks(result.layout, failed=result.failed, lost={s.instance_id for s in result.lost}, ax=ax)


def _racks(slots: list, failed, lost, ax):
    import matplotlib.pyplot as plt

    racks = sorted({s.rack for s in slots})
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6, 0.9 * len(racks)), 3.6))
    height: defaultdict[str, int] = defaultdict(int)
    for slot in slots:
        x = racks.index(slot.rack)
        y = height[slot.rack]
        height[slot.rack] += 1
        dead = slot.instance_id in lost
        ax.add_patch(plt.Rectangle((x + 0.08, y + 0.08), 0.84, 0.84, color="#cf222e" if dead else
                                   COLOURS.get(slot.strategy, "#8c959f"), alpha=0.9))
        label = (slot.group or "default")[:10] + (f"\np{slot.partition}" if slot.partition else "")
        ax.text(x + 0.5, y + 0.5, label, ha="center", va="center", fontsize=7, color="white")
    for x, rack in enumerate(racks):
        if failed and (rack == failed or failed.startswith(rack + "-")):
            ax.axvspan(x, x + 1, color="#cf222e", alpha=0.12)
    ax.set_xlim(0, len(racks))
    ax.set_ylim(0, max(height.values(), default=1) + 0.5)
    ax.set_xticks([i + 0.5 for i in range(len(racks))])
    ax.set_xticklabels([r.replace("-rack", "\nrack") for r in racks], fontsize=7)
    ax.set_yticks([])
    title = "Instances per rack (model)" + (f" — {failed} failed, lost in red" if failed else "")
    ax.set_title(title, fontsize=10)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in COLOURS.values()]
    ax.legend(handles, COLOURS.keys(), loc="upper right", fontsize=7, ncol=4)
    return ax
