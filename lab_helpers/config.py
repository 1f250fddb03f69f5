"""Every ``VPCLAB_*`` setting, read in one place.

Each function reads the environment when called (not at import), because a notebook may change a setting in a
running kernel — ``confirm_live()`` gives consent that way — and a test may set one per case.

| variable | meaning | default |
|---|---|---|
| ``VPCLAB_MODE`` | ``sandbox`` (moto on this machine) or ``live`` (your AWS account) | ``sandbox`` |
| ``VPCLAB_REGION`` | the lab's Region when the notebook's ``REGION`` is ``None`` | sandbox: ``us-east-1``; live: then |
|  |  | ``AWS_REGION``, then ``AWS_DEFAULT_REGION`` |
| ``VPCLAB_LIVE_OK`` | ``yes`` gives consent to create (billed) resources in a real account | unset: live mode refuses |
| ``VPCLAB_STRICT`` | ``1``: a failed check raises :class:`~lab_helpers.errors.CheckFailed` (tests set it) | unset |
| ``VPCLAB_HOME`` | where ledgers and the progress record live | ``~/.vpclab`` |
| ``VPCLAB_LABS_DIR`` | the folder of lab notebooks (and ``solutions/``) | the repository's ``labs/`` |
| ``VPCLAB_NO_PROGRESS`` | any value: checks are not recorded in the progress file | unset |
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

MODES = ("sandbox", "live")
DEFAULT_MODE = "sandbox"
DEFAULT_SANDBOX_REGION = "us-east-1"
CONSENT_VAR = "VPCLAB_LIVE_OK"
_FALSE = ("", "0", "false", "no")


def _get(name: str) -> Optional[str]:
    return os.environ.get(name) or None


def mode(given: Optional[str] = None) -> str:
    """The lab mode: the notebook's ``MODE`` if given, else ``VPCLAB_MODE``, else ``sandbox`` (lower-cased)."""
    return (given or _get("VPCLAB_MODE") or DEFAULT_MODE).lower()


def mode_source() -> str:
    """Where :func:`mode` came from, for ``vpclab doctor``."""
    return "VPCLAB_MODE" if _get("VPCLAB_MODE") else "the default"


def sandbox_region(given: Optional[str] = None) -> str:
    return given or _get("VPCLAB_REGION") or DEFAULT_SANDBOX_REGION


def live_region(given: Optional[str] = None) -> Optional[str]:
    """A live lab's Region: the notebook's, ``VPCLAB_REGION``, then the AWS CLI's own variables; ``None`` if none."""
    return given or _get("VPCLAB_REGION") or _get("AWS_REGION") or _get("AWS_DEFAULT_REGION")


def live_consent() -> bool:
    return (os.environ.get(CONSENT_VAR) or "").lower() == "yes"


def give_live_consent() -> None:
    """Consent for this process (and kernels it starts): what ``confirm_live()``'s button does."""
    os.environ[CONSENT_VAR] = "yes"


def strict() -> bool:
    """``VPCLAB_STRICT``: a failed check raises instead of printing ❌ (papermill runs then fail loudly)."""
    return (os.environ.get("VPCLAB_STRICT") or "").lower() not in _FALSE


def home() -> Path:
    return Path(_get("VPCLAB_HOME") or Path.home() / ".vpclab")


def labs_dir(default: Path) -> Path:
    return Path(_get("VPCLAB_LABS_DIR") or default)


def record_progress() -> bool:
    return not _get("VPCLAB_NO_PROGRESS")


# Names for setting a variable in another process's environment (a classroom's single-user servers), never read.
HOME_VAR = "VPCLAB_HOME"
LABS_DIR_VAR = "VPCLAB_LABS_DIR"
STRICT_VAR = "VPCLAB_STRICT"

VARIABLES = ("VPCLAB_MODE", "VPCLAB_REGION", "VPCLAB_LIVE_OK", "VPCLAB_STRICT", "VPCLAB_HOME", "VPCLAB_LABS_DIR",
             "VPCLAB_NO_PROGRESS")
