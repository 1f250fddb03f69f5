"""Talk to a classroom's JupyterHub over its REST and kernel APIs: the instructor's live progress table, and a
learner's session driven from a script (how the tests and ``benchmarks/classroom_hub.py`` rehearse a class).

    from lab_helpers.classroom.hub_client import HubClient, hub_progress_report
    print(hub_progress_report("http://127.0.0.1:8000", token))      # = vpclab progress --hub URL --token T

    learner = HubClient.login("http://127.0.0.1:8000", "learner01", password)   # the shared password
    learner.start_server()
    with learner.kernel("labs/01_vpc_basics.ipynb") as kernel:
        learner.run_notebook("labs/01_vpc_basics.ipynb", kernel, inject="SOLUTIONS = True")
        print(kernel.execute("print(lab.client('ec2').describe_vpcs())")["text"])

Every learner's record is read where it lies, ``~/.vpclab/progress.json`` in their home, through the hub's proxy and
their own Jupyter server's contents API (``/user/<name>/api/contents/...``) with the instructor's token: nothing is
copied, and a learner whose server is stopped is listed as such.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Optional

from lab_helpers.classroom.class_progress import ProgressReport, report_from_records
from lab_helpers.errors import HubError

PROGRESS_FILE = ".vpclab/progress.json"  # relative to the learner's home, the root of their Jupyter server


@dataclass
class HubClient:
    """A hub URL and a token (the instructor's, or one learner's); ``user`` is the learner a learner token is for."""

    url: str
    token: str
    user: Optional[str] = None

    @classmethod
    def login(cls, url: str, user: str, password: str) -> HubClient:
        """A learner's API token, from their name and the room's shared password (the hub's token API)."""
        reply = _request("POST", f"{url.rstrip('/')}/hub/api/users/{user}/tokens", None,
                         {"auth": {"username": user, "password": password}, "note": "vpclab session"})
        return cls(url.rstrip("/"), reply["token"], user)

    def api(self, method: str, path: str, body=None, timeout: float = 60):
        return _request(method, f"{self.url}{path}", self.token, body, timeout)

    def users(self) -> list[dict]:
        return self.api("GET", "/hub/api/users")

    def start_server(self, timeout: float = 240) -> None:
        """Start this learner's server (if it is not running) and wait until the hub says it is ready."""
        try:
            self.api("POST", f"/hub/api/users/{self.user}/server")
        except HubError as err:
            if "400" not in str(err):  # 400: already running
                raise
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.api("GET", f"/hub/api/users/{self.user}").get("servers", {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(1)
        raise HubError(f"{self.user}'s server was not ready within {timeout:.0f} s.")

    def server(self, user: Optional[str] = None) -> str:
        return f"/user/{user or self.user}"

    def read_text(self, path: str, user: Optional[str] = None) -> str:
        """A file in a learner's home, through their server's contents API."""
        quoted = urllib.parse.quote(path)
        return self.api("GET", f"{self.server(user)}/api/contents/{quoted}?content=1&type=file&format=text")["content"]

    @contextmanager
    def kernel(self, path: str = "scratch.ipynb", timeout: float = 600):
        """A new kernel for the notebook at ``path`` (a session of this learner's server, its folder as the working
        directory), as an open :class:`KernelChannel`; the session and its kernel are deleted on exit."""
        session = self.api("POST", f"{self.server()}/api/sessions",  # waits for the kernel: slow on a busy machine
                           {"path": path, "type": "notebook", "name": path, "kernel": {"name": "python3"}}, timeout=180)
        try:
            with KernelChannel(self.url, self.server(), session["kernel"]["id"], self.token, timeout) as channel:
                yield channel
        finally:
            self.api("DELETE", f"{self.server()}/api/sessions/{session['id']}")

    def run_notebook(self, path: str, channel: KernelChannel, inject: str = "") -> list[dict]:
        """Execute the notebook's code cells (read through the contents API) in ``channel``'s kernel, ``inject`` run
        right after the cell tagged ``parameters`` (as papermill does). Each cell's outputs; raises on an error."""
        results = []
        for cell in json.loads(self.read_text(path))["cells"]:
            if cell["cell_type"] != "code":
                continue
            results.append(channel.execute("".join(cell["source"])))
            if inject and "parameters" in cell.get("metadata", {}).get("tags", []):
                results.append(channel.execute(inject))
        return results


class KernelChannel:
    """A kernel's websocket (Jupyter's JSON message protocol) through the hub's proxy."""

    def __init__(self, url: str, server: str, kernel_id: str, token: str, timeout: float):
        self.address = url.replace("http", "ws", 1) + f"{server}/api/kernels/{kernel_id}/channels"
        self.token, self.timeout, self.session = token, timeout, uuid.uuid4().hex

    def __enter__(self) -> KernelChannel:
        import websocket  # websocket-client, which jupyter_server depends on

        self.ws = websocket.create_connection(self.address, header=[f"Authorization: token {self.token}"],
                                              timeout=self.timeout)
        return self

    def __exit__(self, *exc) -> None:
        self.ws.close()

    def execute(self, code: str) -> dict:
        """Send one execute_request; collect iopub outputs until the kernel is idle again. Raises on an error."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session, "username": "",
                       "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        outputs, reply, idle = [], None, False
        while reply is None or not idle:
            msg = json.loads(self.ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if msg["channel"] == "shell" and kind == "execute_reply":
                reply = msg["content"]
            elif kind == "status":
                idle = msg["content"]["execution_state"] == "idle"
            elif kind in ("stream", "execute_result", "display_data", "error"):
                outputs.append(msg["content"])
        if reply["status"] != "ok":
            raise HubError(f"cell failed: {reply.get('ename')}: {reply.get('evalue')}\n{code[:300]}")
        return {"outputs": outputs, "text": "".join(o.get("text", "") for o in outputs)}


def hub_progress_report(url: str, token: str) -> ProgressReport:
    """The class table from every learner's ``~/.vpclab/progress.json``, read live through the hub."""
    instructor = HubClient(url.rstrip("/"), token)
    records, problems = {}, []
    for user in sorted(instructor.users(), key=lambda u: u["name"]):
        name = user["name"]
        if not (user.get("servers") or {}).get("", {}).get("ready"):
            problems.append(f"{name}: server not running (their record is read through it)")
            continue
        try:
            records[name] = json.loads(instructor.read_text(PROGRESS_FILE, name))
        except HubError as err:
            problems.append(f"{name}: no {PROGRESS_FILE} yet (has this learner run a check?)" if "404" in str(err)
                            else f"{name}: cannot read {PROGRESS_FILE} ({err})")
        except ValueError as err:
            problems.append(f"{name}: cannot read {PROGRESS_FILE} ({err})")
    return report_from_records(records, problems, where=lambda name: f"{name}: {PROGRESS_FILE}")


def _request(method: str, url: str, token: Optional[str], body=None, timeout: float = 60):
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **({"Authorization": f"token {token}"} if token else {})}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            text = reply.read().decode()
    except urllib.error.HTTPError as err:
        raise HubError(f"{method} {url}: HTTP {err.code} {err.read().decode(errors='replace')[:300]}") from None
    except (urllib.error.URLError, OSError) as err:
        raise HubError(f"{method} {url}: {err}") from None
    return json.loads(text) if text.strip() else None
