"""``vpclab serve`` as a test's stand-in for AWS: moto with the course's AWS rules, on 127.0.0.1, in a subprocess.

Live mode installs no fidelity layer (AWS enforces its own rules), so a live-path test needs a server that does.
"""
from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from lab_helpers.core.sandbox import free_loopback_port


def start_serve(*args: str, stdout=subprocess.DEVNULL) -> tuple[subprocess.Popen, str]:
    """Start ``vpclab serve`` (plus ``args``) on a free port and wait until it answers; returns it and its URL."""
    port = free_loopback_port()
    proc = subprocess.Popen([sys.executable, "-m", "lab_helpers.cli", "serve", "--port", str(port), *args],
                            stdout=stdout, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
            return proc, url
        except Exception:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("vpclab serve did not start on loopback")
            time.sleep(0.2)


@contextlib.contextmanager
def local_endpoint() -> Iterator[str]:
    """``vpclab serve`` for the length of a test: yields its URL; stops it (it summarises what it held, then exits)."""
    proc, url = start_serve()
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
