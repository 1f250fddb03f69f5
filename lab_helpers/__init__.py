"""vpc-labs helpers: open a lab, get boto3 clients, check exercises, draw and trace the network.

    import lab_helpers
    lab = lab_helpers.start_lab("01_vpc_basics")        # sandbox by default; MODE="live" for a real account
    ec2 = lab.client("ec2")
    ...
    lab.teardown()
"""
from . import check
from .errors import CheckFailed, LabError, LiveModeRefused, UnknownLabError
from .session import Lab, start_lab

__version__ = "0.1.0"


def confirm_live():
    """A button that gives live-mode consent for this kernel (sets VPCLAB_LIVE_OK=yes), then re-run start_lab."""
    import os

    import ipywidgets as widgets

    button = widgets.Button(description="I understand: use my AWS account", button_style="warning",
                            layout=widgets.Layout(width="auto"))
    out = widgets.Output()

    def consent(_):
        os.environ["VPCLAB_LIVE_OK"] = "yes"
        with out:
            print("Live mode allowed in this kernel. Re-run the start_lab cell.")

    button.on_click(consent)
    return widgets.VBox([button, out])


__all__ = ["start_lab", "Lab", "check", "confirm_live", "LabError", "LiveModeRefused", "UnknownLabError",
           "CheckFailed"]
