"""Run pytest in a subprocess with vpc-labs' plugin loaded, as a project that installed vpc-labs would.

Installed (``pip install -e .`` registers the ``pytest11`` entry point ``vpclab``), pytest loads the plugin by
itself and ``-p lab_helpers.testing.plugin`` would register it twice; not installed, it must be named. The child
inherits this suite's environment: fake credentials and the socket guard (tests/netguard on PYTHONPATH).
"""
from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

PLUGIN = "lab_helpers.testing.plugin"


def plugin_installed() -> bool:
    return any(ep.value == PLUGIN for ep in metadata.entry_points(group="pytest11"))


def plugin_args() -> list[str]:
    return [] if plugin_installed() else ["-p", PLUGIN]


def run_pytest(cwd: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    assert os.environ.get("VPCLAB_NETWORK_GUARD") == "1", "the socket guard must reach the child"
    argv = [sys.executable, "-m", "pytest", *plugin_args(), "-p", "no:cacheprovider", "-q", "-rA", *args]
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
