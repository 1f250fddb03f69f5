"""A classroom on a real JupyterHub on this machine: one single-user server and one home per learner.

    vpclab classroom serve --users 12 --password seminar-room-2026     # http://127.0.0.1:8000
    vpclab progress --hub http://127.0.0.1:8000 --token "$(cat build/hub/instructor-token)"

What runs (all bound to 127.0.0.1):

* **JupyterHub** (``pip install 'vpc-labs[classroom]'``) with ``configurable-http-proxy`` (npm; ``make classroom``
  installs it into ``.venv/node``) in front of it;
* a **shared-password authenticator** (JupyterHub's ``SharedPasswordAuthenticator``): every learner types the one
  password the instructor writes on the board. That is seminar-room security, for a room you trust — not for a
  server on the internet;
* JupyterHub's ``SimpleLocalProcessSpawner``: each learner ``learner01``… gets a Jupyter server of their own, as
  a process of the user who ran the hub, with ``HOME`` in ``classroom/homes/<learner>/``. The labs are copied there
  (``vpclab labs --copy``'s code path) and ``VPCLAB_HOME`` is ``~/.vpclab`` in that home, so each learner has their own
  progress record and ledgers. The sandbox lives inside each learner's kernel, so worlds are separate; the *files*
  are not (every server runs as the same Unix user). For real isolation use Zero to JupyterHub
  (``binder/z2jh-values.yaml``);
* an **instructor service** with an API token (``build/hub/instructor-token``) allowed to list the learners and
  read their servers — what ``vpclab progress --hub`` uses to read each ``~/.vpclab/progress.json`` live.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from lab_helpers import config
from lab_helpers.core import course_files
from lab_helpers.errors import LabError, LabInputError

PROXY = "configurable-http-proxy"
INSTRUCTOR_SERVICE = "vpclab-instructor"
# What the instructor's token may do: see who is in the class and read (not start or stop) their servers.
INSTRUCTOR_SCOPES = ["list:users", "read:users", "read:servers", "access:servers"]
MIN_PASSWORD = 8  # SharedPasswordAuthenticator refuses a shorter one


def learner_names(count: int) -> list[str]:
    """``learner01`` … ``learnerNN``: names that sort in the order learners sit."""
    if not 1 <= count <= 200:
        raise LabInputError(f"--users must be between 1 and 200, not {count}.")
    return [f"learner{i:02d}" for i in range(1, count + 1)]


def find_proxy() -> Optional[str]:
    """The ``configurable-http-proxy`` command: on PATH, or where ``make classroom`` put it (``.venv/node``)."""
    local = Path(sys.prefix) / "node" / "node_modules" / ".bin" / PROXY
    return shutil.which(PROXY) or (str(local) if local.exists() else None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_home(home: Path, *, solutions: bool = True) -> Path:
    """A learner's home with the labs in ``labs/`` (never overwriting a learner's work) and ``.vpclab/``."""
    (home / ".vpclab").mkdir(parents=True, exist_ok=True)
    if not (home / "labs").exists():
        course_files.copy_labs(home / "labs", solutions=solutions)
    return home


@dataclass
class Classroom:
    """A classroom folder: ``homes/<learner>/``, the hub's database, config and the instructor's token."""

    root: Path
    users: list
    port: int = 8000
    password: str = field(default_factory=lambda: secrets.token_urlsafe(9))
    token: str = field(default_factory=lambda: secrets.token_hex(24))
    solutions: bool = True
    learner_env: dict = field(default_factory=dict)  # extra variables for every learner's server (tests: strict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self) -> dict:
        if len(self.password) < MIN_PASSWORD:
            raise LabInputError(f"The shared password must have at least {MIN_PASSWORD} characters.")
        proxy = find_proxy()
        if proxy is None:
            raise LabError(f"`{PROXY}` is not installed: run `make classroom` (it uses npm), or "
                           f"`npm install -g {PROXY}`.")
        return {"root": str(self.root), "users": self.users, "port": self.port, "password": self.password,
                "token": self.token, "solutions": self.solutions, "learner_env": self.learner_env,
                "proxy": proxy, "hub_port": free_port(), "proxy_api_port": free_port(),
                "allow_root": hasattr(os, "geteuid") and os.geteuid() == 0}

    def write(self) -> Path:
        """Homes with the labs, the token file (0600) and ``jupyterhub_config.py``; returns the config's path."""
        self.root.mkdir(parents=True, exist_ok=True)
        settings = self.settings()
        for user in self.users:
            prepare_home(self.root / "homes" / user, solutions=self.solutions)
        token_file = self.root / "instructor-token"
        token_file.write_text(self.token + "\n")
        token_file.chmod(0o600)
        path = self.root / "jupyterhub_config.py"
        path.write_text("# Written by `vpclab classroom serve`; edit the command's options, not this file.\n"
                        "from lab_helpers.classroom.hub import configure\n\n"
                        f"configure(c, {json.dumps(settings)!r})  # noqa: F821 (c is JupyterHub's config)\n")
        return path

    def start(self, log=None) -> Hub:
        """Start JupyterHub in its own process group (so :meth:`Hub.stop` ends it and every learner's server)."""
        cfg = self.write()
        process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(cfg)], cwd=self.root,
                                   stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        return Hub(self.url, self.token, process)


@dataclass
class Hub:
    """A running hub: its URL, the instructor's token and the process (the leader of its process group)."""

    url: str
    token: str
    process: subprocess.Popen

    def wait_ready(self, timeout: float = 120) -> Hub:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LabError(f"JupyterHub exited with code {self.process.returncode} before it was ready.")
            try:
                with urllib.request.urlopen(f"{self.url}/hub/api/", timeout=5) as reply:
                    if reply.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        raise LabError(f"JupyterHub did not answer on {self.url} within {timeout:.0f} s.")

    def processes(self) -> list:
        """The hub and everything under it: the proxy, learners' servers and kernels (each in its own session)."""
        import psutil

        try:
            hub = psutil.Process(self.process.pid)
            return [hub, *hub.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop(self, grace: float = 20) -> list:
        """SIGTERM the hub (it stops the servers and the proxy), then SIGKILL whatever of its tree is left.

        The tree is listed first: the proxy and the servers run in sessions of their own, so a process-group kill
        would miss them, and once the hub is gone they would belong to init. Returns what is still alive (nothing,
        unless a process cannot be killed)."""
        import psutil

        tree = self.processes()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        for proc in tree:
            try:
                proc.kill()
            except psutil.NoSuchProcess:
                pass
        _, alive = psutil.wait_procs(tree, timeout=5)
        self.process.poll()
        return [p for p in alive if _status(p) not in (psutil.STATUS_ZOMBIE, None)]


def _status(proc):
    import psutil

    try:
        return proc.status()
    except psutil.NoSuchProcess:
        return None


def configure(c, settings_json: str) -> None:
    """Fill JupyterHub's config ``c`` from :meth:`Classroom.settings` (called by the written config file)."""
    s = json.loads(settings_json)
    root = Path(s["root"])
    c.JupyterHub.bind_url = f"http://127.0.0.1:{s['port']}"
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{s['hub_port']}"
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s['proxy_api_port']}"
    c.ConfigurableHTTPProxy.command = [s["proxy"]]
    c.JupyterHub.db_url = f"sqlite:///{root / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(root / "jupyterhub_cookie_secret")
    c.JupyterHub.authenticator_class = "shared-password"
    c.SharedPasswordAuthenticator.user_password = s["password"]
    c.Authenticator.allowed_users = set(s["users"])
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(root / "homes" / "{username}")
    c.Spawner.ip = "127.0.0.1"
    c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
    # The instructor reads ~/.vpclab/progress.json through the contents API, which hides dot-files by default.
    c.Spawner.args = ["--ContentsManager.allow_hidden=True"] + (["--allow-root"] if s["allow_root"] else [])
    c.Spawner.default_url = "/lab/tree/labs/00_start_here.ipynb"
    c.Spawner.start_timeout = c.Spawner.http_timeout = 180  # a busy 2-core machine starts servers slowly
    c.Spawner.environment = {
        config.HOME_VAR: lambda spawner: str(Path(spawner.home_dir) / ".vpclab"),
        config.LABS_DIR_VAR: lambda spawner: str(Path(spawner.home_dir) / "labs"),
        **s["learner_env"],
    }
    c.Spawner.pre_spawn_hook = lambda spawner: prepare_home(Path(spawner.home_dir), solutions=s["solutions"])
    c.JupyterHub.services = [{"name": INSTRUCTOR_SERVICE, "api_token": s["token"]}]
    c.JupyterHub.load_roles = [{"name": INSTRUCTOR_SERVICE, "scopes": INSTRUCTOR_SCOPES,
                                "services": [INSTRUCTOR_SERVICE]}]
