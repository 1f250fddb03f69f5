"""vpc-labs helpers: open a lab, get boto3 clients, check exercises, trace and draw the network.

    import lab_helpers
    lab = lab_helpers.start_lab("01_vpc_basics")        # sandbox by default; MODE="live" for a real account
    ec2 = lab.client("ec2")
    ...
    lab.teardown()

The package is layered; each layer imports only the ones below it (``docs/ARCHITECTURE.md``):

- :mod:`lab_helpers.core` — the session platform: sandbox or live, clients, tags, ledger, teardown, waits
- :mod:`lab_helpers.sim` — simulators that read the world through describe calls (reachability, DNS, IMDS,
  NAT, placement hardware, EKS + Lattice, costs)
- :mod:`lab_helpers.fidelity` — the sandbox's AWS rules, per AWS service, on top of moto
- :mod:`lab_helpers.teach` — checks, progress, solutions, lab building blocks, pictures and widgets
- :mod:`lab_helpers.lessons` — the course's own content (the seminar's objects, the notes' cost scenarios)
- :mod:`lab_helpers.classroom` — instructor copies, timing sheets, class progress
- :mod:`lab_helpers.testing` — for your own project: the ``vpc_sandbox`` pytest fixture and assertions
  (``assert_reachable``, ``assert_not_reachable``, ``assert_resolves``); see docs/TESTING_YOUR_NETWORK.md

``start_lab`` also opens a lab of your own: ``start_lab("our-network-notes")`` is the same sandbox or live session,
tagged and torn down the same way, for a notebook that is not one of the course's.
"""
from lab_helpers.errors import CheckFailed, LabError, LiveModeRefused, UnknownLabError
from lab_helpers.lab import Lab, start_lab
from lab_helpers.teach import check

__version__ = "0.1.0"


def confirm_live():
    """A button that gives live-mode consent for this kernel (sets VPCLAB_LIVE_OK=yes), then re-run start_lab."""
    from lab_helpers.teach import widgets

    return widgets.confirm_live()


__all__ = ["start_lab", "Lab", "check", "confirm_live", "LabError", "LiveModeRefused", "UnknownLabError",
           "CheckFailed"]
