"""Widgets for a live kernel (ipywidgets): consent for live mode, and the interactive PAT table."""
from __future__ import annotations

from lab_helpers import config


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
