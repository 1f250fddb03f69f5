"""A class on a real JupyterHub: what each learner costs in memory, and how long the class takes next to one learner.

It starts ``vpclab classroom serve``'s hub (lab_helpers.classroom.hub) on a free loopback port, then, as learners
do, each one logs in with the shared password, starts their server, opens lab 01 in a kernel and runs every code
cell (``SOLUTIONS = True`` injected, so every check passes) through the hub's REST API, the Jupyter server's
sessions API and the kernel's websocket. Then each kernel creates a VPC named after its learner and keeps it,
so every learner's world exists at the same moment, and lists the VPCs it sees.

1. one learner alone (the baseline, their server started cold), then the whole class at once (one thread per
   learner, their servers and kernels in parallel on this machine's cores);
2. memory per learner: the resident memory of their Jupyter server plus the peak of their kernel
   (``ru_maxrss``), and the hub with its proxy, which the class shares.

A script, not a test (tests/publish/test_hub.py asserts isolation and progress; times are only printed):

    python benchmarks/classroom_hub.py [--users 3]
"""
from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lab_helpers.classroom.hub import Classroom, Hub, find_proxy, free_port, learner_names  # noqa: E402
from lab_helpers.classroom.hub_client import HubClient  # noqa: E402

LAB = "labs/01_vpc_basics.ipynb"
PROBE = '''
import json, os, resource
from lab_helpers import start_lab
probe = start_lab("01_vpc_basics", mode="sandbox", quiet=True)
mine = probe.client("ec2").create_vpc(CidrBlock="10.9.0.0/16", TagSpecifications=[{"ResourceType": "vpc",
    "Tags": [{"Key": "Name", "Value": os.environ["JUPYTERHUB_USER"]}]}])["Vpc"]["VpcId"]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"mine": mine, "pid": os.getpid(), "peak_rss_kib": peak}))
'''
SEEN = 'print(json.dumps([v["VpcId"] for v in probe.client("ec2").describe_vpcs()["Vpcs"]]))'
GUARD = '''
import socket
try:
    socket.create_connection(("192.0.2.1", 443), timeout=2)
    print("reached the outside")
except Exception as err:
    print(type(err).__name__)
'''


def start_classroom(root: Path, users: int, learner_env=None, log=None) -> tuple[Classroom, Hub]:
    """A classroom of ``users`` learners on a free loopback port, its hub started and answering."""
    room = Classroom(root, learner_names(users), port=free_port(), password=secrets.token_urlsafe(12),
                     learner_env=dict(learner_env or {}))
    hub = room.start(log=log)
    try:
        hub.wait_ready()
    except BaseException:
        hub.stop()
        raise
    return room, hub


class Learner:
    """One learner's session: logged in, server started, lab 01 run in a kernel that stays open until close()."""

    def __init__(self, room: Classroom, user: str):
        self.user, self.client = user, HubClient.login(room.url, user, room.password)
        self.stack = ExitStack()

    def run_lab(self) -> dict:
        started = time.monotonic()
        self.client.start_server()
        ready = time.monotonic()
        self.kernel = self.stack.enter_context(self.client.kernel(LAB))
        cells = self.client.run_notebook(LAB, self.kernel, inject="SOLUTIONS = True")
        probe = json.loads(self.kernel.execute(PROBE)["text"].strip().splitlines()[-1])
        return {"user": self.user, "cells": len(cells), "server_s": ready - started,
                "lab_s": time.monotonic() - ready, **probe}

    def seen(self) -> list[str]:
        return json.loads(self.kernel.execute(SEEN)["text"])

    def guard(self) -> str:
        return self.kernel.execute(GUARD)["text"].strip()

    def close(self) -> None:
        try:
            self.stack.close()
        except Exception as err:  # the hub already stopped: the session went with it
            print(f"{self.user}: could not close the kernel's session ({err})", file=sys.stderr)


def run_class(room: Classroom, users: list[str]) -> tuple[list[Learner], list[dict], float]:
    """Every learner in ``users`` runs lab 01 at the same time; their kernels stay open (close them after)."""
    learners = [Learner(room, user) for user in users]
    started = time.monotonic()
    with ThreadPoolExecutor(len(learners)) as pool:
        futures = [pool.submit(learner.run_lab) for learner in learners]
    failed = [(learner.user, f.exception()) for learner, f in zip(learners, futures) if f.exception()]
    if failed:
        for learner in learners:
            learner.close()
        user, error = failed[0]
        raise RuntimeError(f"{user} could not run lab 01: {error}") from error
    return learners, [f.result() for f in futures], time.monotonic() - started


def server_rss_mib(hub: Hub) -> dict:
    """Resident memory of each learner's Jupyter server (without its kernels) and of the hub with its proxy."""
    servers, shared = {}, 0.0
    for proc in hub.processes():
        try:
            cmd, rss = " ".join(proc.cmdline()), proc.memory_info().rss / 2**20
            user = proc.environ().get("JUPYTERHUB_USER") if "jupyterhub.singleuser" in cmd else None
        except Exception:  # the process ended while we looked
            continue
        if user:
            servers[user] = rss
        elif "jupyterhub" in cmd or "configurable-http-proxy" in cmd:
            shared += rss
    return {"servers": servers, "hub_and_proxy": shared}


def measure(users: int) -> None:
    with tempfile.TemporaryDirectory(prefix="vpclab-hub-bench-") as tmp:
        room, hub = start_classroom(Path(tmp), users + 1)  # the last one is the baseline, alone in the room
        try:
            alone, [solo], alone_s = run_class(room, room.users[-1:])
            for learner in alone:
                learner.close()
            together, results, class_s = run_class(room, room.users[:-1])
            memory = server_rss_mib(hub)
            for learner in together:
                learner.close()
        finally:
            hub.stop()
    kernel_mib = [r["peak_rss_kib"] / 1024 for r in results]
    server_mib = list(memory["servers"].values())
    per_learner = statistics.median(kernel_mib) + statistics.median(server_mib)
    print(f"one learner alone: server start {solo['server_s']:.1f} s, lab 01 ({solo['cells']} cells) "
          f"{solo['lab_s']:.1f} s, total {alone_s:.1f} s")
    print(f"{len(results)} learners together: class finished in {class_s:.1f} s "
          f"({class_s / alone_s:.2f}x one learner alone); slowest lab run {max(r['lab_s'] for r in results):.1f} s")
    print(f"memory per learner: kernel peak median {statistics.median(kernel_mib):.0f} MiB "
          f"(max {max(kernel_mib):.0f}), Jupyter server median {statistics.median(server_mib):.0f} MiB "
          f"-> {per_learner:.0f} MiB per learner; the hub and its proxy share {memory['hub_and_proxy']:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=3)
    users = parser.parse_args().users
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        print("skipped: JupyterHub is not installed (pip install -e '.[classroom]')")
        return
    if find_proxy() is None:
        print("skipped: configurable-http-proxy is not installed (npm missing?); `make classroom` installs it")
        return
    measure(users)


if __name__ == "__main__":
    main()
