"""Errors the lab raises about *how it is used* (not AWS errors, which stay botocore ClientErrors).

Every message says what happened and what to do next, because the reader is a learner in a notebook.
"""


class LabError(Exception):
    """Base class: a mistake in how a lab was started or called."""


class UnknownLabError(LabError, KeyError):
    def __str__(self):  # KeyError would quote the message
        return self.args[0]


class LiveModeRefused(LabError):
    """Live mode touches a real, billed account; it needs explicit consent and a region."""


class CheckFailed(LabError, AssertionError):
    """A lab check failed while VPCLAB_STRICT=1 (the test suite's setting)."""
