"""botocore's service catalog, read once per process instead of once per botocore session.

Every ``botocore.session.Session`` has its own data loader, and every loader parses the JSON it needs again:
``endpoints.json`` (≈ 40 ms) and, for EC2, a 3 MB service model (≈ 65 ms). A lab makes several sessions — its own,
its raw one, the Region check — and moto makes more: its EC2 models call ``Session().get_available_regions(...)``
three times *at import time*, and each backend once more. Measured on a lab's first cell, seven parses of each file
were 0.76 s of a 1.5 s start, and every session kept its own copy of the parsed model in memory.

Two process-wide caches of data that cannot change while the process runs (it ships inside botocore):

* :func:`shared_loader` — one loader for the sessions this package makes (``register_component("data_loader")``
  is botocore's own way to give a session a loader); clients of different sessions then share one parsed model, as
  clients of one session always do.
* :func:`install` memoises ``Session.get_available_regions``, which parses the whole service model only to read its
  ``endpointPrefix``. The key includes ``AWS_DATA_PATH`` (botocore's ``data_path``), so a process that points
  botocore at other data gets its own answers. The result is copied, so a caller that edits its list edits only its own.
"""
from __future__ import annotations

import functools
import threading
from typing import Optional

import botocore.loaders
import botocore.session

_LOCK = threading.Lock()
_LOADERS: dict[Optional[str], botocore.loaders.Loader] = {}


def shared_loader(data_path: Optional[str] = None) -> botocore.loaders.Loader:
    """The one loader for botocore data found on ``data_path`` (botocore's default search path when None)."""
    with _LOCK:
        if data_path not in _LOADERS:
            _LOADERS[data_path] = botocore.loaders.create_loader(data_path)
        return _LOADERS[data_path]


def share_loader(session: botocore.session.Session) -> botocore.session.Session:
    """Give ``session`` the process's loader for its data path; returns the session."""
    session.register_component("data_loader", shared_loader(session.get_config_variable("data_path")))
    return session


def install() -> None:
    """Memoise ``botocore.session.Session.get_available_regions`` for this process (idempotent)."""
    original = botocore.session.Session.get_available_regions
    if getattr(original, "__vpclab_memo__", False):
        return
    answers: dict[tuple, list[str]] = {}

    @functools.wraps(original)
    def get_available_regions(self, service_name, partition_name="aws", allow_non_regional=False):
        key = (service_name, partition_name, allow_non_regional, self.get_config_variable("data_path"))
        if key not in answers:
            answers[key] = original(self, service_name, partition_name, allow_non_regional)
        return list(answers[key])

    get_available_regions.__vpclab_memo__ = True  # type: ignore[attr-defined]
    botocore.session.Session.get_available_regions = get_available_regions
