"""The README's first command: `make lab` serves JupyterLab on loopback with the labs, and prints its URL."""
import json
import re
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest
from nbrun import LABS, ROOT

from lab_helpers.core.sandbox import free_loopback_port


def accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except ConnectionRefusedError:
        return False


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_serves_the_labs(tmp_path):
    port = free_loopback_port()
    log = tmp_path / "lab.log"
    with log.open("w") as out:
        proc = subprocess.Popen(["make", "-s", "lab", f"ARGS=--no-browser --ServerApp.port={port}"], cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline, url = time.monotonic() + 120, None
        while url is None:
            match = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=([0-9a-f]+)", log.read_text())
            if match:
                url = match.group(0)
            elif proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"`make lab` printed no URL:\n{log.read_text()[-2000:]}")
            else:
                time.sleep(0.5)
        token = url.split("token=")[1]
        # jupyter_server prints its URL before it binds (the bind is an io_loop callback), so the URL means
        # "starting", not "listening": wait until the port accepts a connection, then ask it for the labs.
        while not accepts_connections(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"`make lab` printed its URL but never listened on {port}:\n{log.read_text()[-2000:]}")
            time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents?token={token}", timeout=30) as reply:
            listed = {item["name"] for item in json.load(reply)["content"]}
        assert {p.name for p in LABS.glob("[0-9][0-9]_*.ipynb")} <= listed
    finally:
        import os
        import signal
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
