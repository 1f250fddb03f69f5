"""Every error the package raises about *how it is used*. AWS's own errors stay botocore ``ClientError``\\s, with
AWS's codes, because that is what a learner meets against a real account.

Every message says what happened and what to do next, because the reader is a learner in a notebook. Each class
also derives from the built-in it resembles, so ``except ValueError`` code keeps working::

    LabError
    ├── UnknownLabError (KeyError)        start_lab / vpclab with a name that is not a lab (or nearly a course lab)
    ├── LiveModeRefused                   live mode without consent or a Region
    │   ├── LiveToolsMissing              lab 08 live: eksctl / kubectl / helm not on PATH (names what to install)
    │   └── LiveRunNotConfirmed           lab 08 live: the real EKS path priced and planned, not confirmed
    ├── LiveToolFailed                    a real tool (eksctl, kubectl, helm) exited with an error
    ├── CredentialsMissing                live mode or ``vpclab cleanup`` with no AWS credentials to sign with
    ├── LedgerError                       a run's ledger file that cannot be read (cleanup falls back to tags)
    ├── LabClosedError                    a call on a lab whose teardown already ran
    ├── CheckFailed (AssertionError)      a failed check while VPCLAB_STRICT=1 (the test suite's setting)
    ├── SolutionNotFound                  SOLUTIONS=True but no reference solution of that name
    ├── IncidentSolutionLocked (PermissionError)   incident.solve() in a learner's copy (SOLUTIONS=False)
    ├── WaitTimeout (TimeoutError)        a resource did not reach its state in time (live mode)
    ├── PortAllocationError               the PAT simulator ran out of ports for a destination
    └── LabInputError (ValueError)        a wrong value given to a helper or simulator
        ├── LabNameError                  an own lab's name that cannot be a tag value
        ├── NotebookNotFound (FileNotFoundError)   `vpclab run path.ipynb` with no such notebook
        ├── DestinationNotEmpty (FileExistsError)  `vpclab labs --copy DIR` onto notebooks already there
        ├── TraceInputError               a source/destination, port or protocol the reachability engine refuses
        ├── UnknownIncidentError (KeyError)   lab.incident(kind=...) with a kind the registry does not have
        ├── UnknownRegionError            a Region that AWS does not have (botocore's partition data)
        ├── ManifestError                 a Kubernetes object the API server or controller would reject
        │   └── ControllerRefused         the controller could not program an object in Lattice (apply undone)
        └── UnknownManifestError (FileNotFoundError)   a seminar manifest that does not exist
"""


class LabError(Exception):
    """Base class: a mistake in how a lab was started or called."""


class UnknownLabError(LabError, KeyError):
    def __str__(self):  # KeyError would quote the message
        return self.args[0]


class LiveModeRefused(LabError):
    """Live mode touches a real, billed account; it needs explicit consent and a region."""


class LiveToolsMissing(LiveModeRefused):
    """Live mode drives the real eksctl, kubectl and helm; one of them is not on PATH (the message names it)."""


class LiveRunNotConfirmed(LiveModeRefused):
    """The real EKS path was priced and planned but not confirmed, so nothing was created."""


class LiveToolFailed(LabError):
    """A real tool (eksctl, kubectl, helm) exited with an error; its last output is in the message."""


class CredentialsMissing(LabError):
    """No AWS credentials were found (no profile, no keys, no SSO session): nothing can be signed."""


class LedgerError(LabError):
    """A run's ledger file is not the JSON the lab wrote (truncated, edited, or another file)."""


class LabClosedError(LabError):
    """The lab's teardown has run; start it again."""


class CheckFailed(LabError, AssertionError):
    """A lab check failed while VPCLAB_STRICT=1 (the test suite's setting)."""


class SolutionNotFound(LabError):
    """``SOLUTIONS=True`` asked for a reference solution that the lab's solutions file does not have."""


class IncidentSolutionLocked(LabError, PermissionError):
    """``incident.solve()`` in a learner's copy: the reference fix is for instructors and the tests."""


class WaitTimeout(LabError, TimeoutError):
    """A slow resource (NAT gateway, attachment, endpoint…) did not reach the state waited for in time."""


class PortAllocationError(LabError):
    """No address has a free port for this destination (``ErrorPortAllocation`` in CloudWatch)."""

    code = "ErrorPortAllocation"

    @property
    def response(self) -> dict:
        """Shaped like a botocore error so ``check.raises(..., code="ErrorPortAllocation")`` can name it. (In AWS
        this is a CloudWatch metric, not an API error: the connection simply fails.)"""
        return {"Error": {"Code": self.code, "Message": str(self)}}


class HubError(LabError):
    """A classroom's JupyterHub (or a learner's server behind it) refused or failed a request."""


class LabInputError(LabError, ValueError):
    """A value given to a helper or simulator is wrong; the message says what to give instead."""


class LabNameError(LabInputError):
    """A lab name that cannot be used: it becomes a tag value, part of a run id and a ledger file name."""


class NotebookNotFound(LabInputError, FileNotFoundError):
    """``vpclab run`` was given a notebook path that does not exist (or is not a notebook)."""


class DestinationNotEmpty(LabInputError, FileExistsError):
    """``vpclab labs --copy DIR`` would overwrite notebooks already in DIR (a learner's work)."""


class TraceInputError(LabInputError):
    """A source or destination the engine cannot resolve; the message says what to pass instead."""


class UnknownIncidentError(LabInputError, KeyError):
    """An incident kind that is not in the registry (``vpclab incidents`` lists them)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class UnknownRegionError(LabInputError):
    """The Region is not one botocore's partition data knows; the message names the closest and the list."""


class ManifestError(LabInputError):
    """The object would be rejected (by the API server or the controller); the message says how to fix it."""


class ControllerRefused(ManifestError):
    """The controller could not program an object in Lattice; the apply was undone, the message says why.

    ``condition`` is the status condition the real controller would have written on the object.
    """

    def __init__(self, message: str, key: tuple = (), condition: dict | None = None):
        super().__init__(message)
        self.key = key
        self.condition = condition or {}


class UnknownManifestError(LabInputError, FileNotFoundError):
    """There is no seminar manifest of that name."""
