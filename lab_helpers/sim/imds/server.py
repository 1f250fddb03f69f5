"""An Instance Metadata Service for one instance, on 127.0.0.1: ``with lab.imds(instance_id) as base: ...``.
 On EC2 an instance reads its own metadata at ``http://169.254.169.254`` (AWS docs: imds-retrieval). moto serves one
static document for every instance and enforces nothing (moto-fidelity §5), so this module serves the real thing for the
lab: built from ``DescribeInstances`` on **every request**, so ``modify_instance_metadata_options`` takes effect at
once. Nothing listens beyond loopback; ``base`` (e.g. ``http://127.0.0.1:49152``) stands in for 169.254.169.254.

What it enforces (AWS docs: imdsv2, imds-retrieval, imds-options, imds-categories):

* IMDSv2: ``PUT /latest/api/token`` with ``X-aws-ec2-metadata-token-ttl-seconds`` 1-21600 (else 400) returns a
  token; GETs send it in ``X-aws-ec2-metadata-token``. A PUT carrying ``X-Forwarded-For`` is refused (403): that is
  how IMDS stops a reverse proxy on the instance from fetching tokens for outsiders. A wrong or expired token is 401.
  Tokens are valid only on the instance (server) that issued them.
* ``HttpTokens=required``: a GET without a token is 401 (IMDSv1 off). ``optional``: v1 GETs work.
* ``HttpEndpoint=disabled``: every request is 403.
* Hop limit (``HttpPutResponseHopLimit``): on EC2 the token *response* leaves with IP TTL = hop limit, so a
  container behind a bridge (one extra hop) never receives it when the limit is 1. Here a request says how far it
  comes from with the header ``X-Vpclab-Hops`` (1 = the instance itself, the default; 2 = a container on a Docker
  bridge). When hops exceed the limit the server closes the connection without answering — the client sees the
  token call fail, as the container's would time out. GETs are not hop-limited, as on EC2.
* ``tags/instance/`` exists only when ``InstanceMetadataTags=enabled``.
* ``iam/security-credentials/<role>`` serves **fake** credentials, clearly labelled, when the instance has an
  instance profile (or ``role=`` is given to :func:`serve`).

``clock`` (a zero-argument function returning seconds) is injectable so tests can expire tokens without sleeping.
"""
from __future__ import annotations

import contextlib
import json
import secrets
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Optional

from lab_helpers.core import loopback
from lab_helpers.sim.imds.client import HOPS_HEADER, TOKEN_HEADER, TOKEN_PATH, TTL_HEADER
from lab_helpers.sim.imds.metadata import describe_instance, listing, lookup, options, tree

TTL_MIN, TTL_MAX = 1, 21600


@dataclass
class _Service:
    lab: object
    instance_id: str
    clock: Callable[[], float]
    role: Optional[str]
    tokens: dict = field(default_factory=dict)  # token -> expiry (clock seconds)
    log: list = field(default_factory=list)  # (method, path, status) — the lab shows it

    def options(self) -> tuple[dict, dict]:
        instance = describe_instance(self.lab, self.instance_id)
        return instance, options(instance)

    def token_ok(self, token: str) -> bool:
        expiry = self.tokens.get(token)
        return expiry is not None and self.clock() < expiry


def _handler(service: _Service):  # long: one HTTP handler class, each verb a short method
    class Handler(BaseHTTPRequestHandler):
        server_version = "EC2ws"
        sys_version = ""

        def log_message(self, *args):  # keep notebooks quiet; the service keeps its own log
            pass

        def _send(self, status: int, body: str = "", headers: Optional[dict] = None):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
            service.log.append((self.command, self.path, status))

        def do_PUT(self):
            instance, opts = service.options()
            if opts["HttpEndpoint"] == "disabled":
                return self._send(403, "Forbidden: the instance metadata service is turned off (HttpEndpoint)")
            if self.path.split("?")[0] != TOKEN_PATH:
                return self._send(405, "Method Not Allowed")
            if self.headers.get("X-Forwarded-For"):
                return self._send(403, "Forbidden: token requests through a proxy (X-Forwarded-For) are refused")
            ttl = self.headers.get(TTL_HEADER, "")
            if not ttl.isdigit() or not TTL_MIN <= int(ttl) <= TTL_MAX:
                return self._send(400, f"Bad Request: {TTL_HEADER} must be {TTL_MIN}-{TTL_MAX}")
            hops = int(self.headers.get(HOPS_HEADER, "1") or 1)
            if hops > int(opts["HttpPutResponseHopLimit"]):
                # The reply's IP TTL runs out before it reaches the caller: it never arrives.
                service.log.append((self.command, self.path, "dropped: hop limit"))
                self.close_connection = True
                return None
            token = secrets.token_urlsafe(32)
            service.tokens[token] = service.clock() + int(ttl)
            return self._send(200, token, {TTL_HEADER: ttl})

        def do_GET(self):
            instance, opts = service.options()
            if opts["HttpEndpoint"] == "disabled":
                return self._send(403, "Forbidden: the instance metadata service is turned off (HttpEndpoint)")
            token = self.headers.get(TOKEN_HEADER)
            if token is not None and not service.token_ok(token):
                return self._send(401, "Unauthorized: the token is wrong or expired; PUT for a new one")
            if token is None and opts["HttpTokens"] == "required":
                return self._send(401, "Unauthorized: IMDSv2 is required (HttpTokens=required); send a token")
            path = urllib.parse.urlsplit(self.path).path
            body = self._resolve(path, instance)
            if body is None:
                return self._send(404, "Not Found")
            return self._send(200, body)

        def _resolve(self, path: str, instance: dict):
            if path in ("/", "/latest", "/latest/"):
                return "dynamic\nmeta-data\nuser-data" if path != "/" else "latest"
            if path == "/latest/dynamic/instance-identity/document":
                return json.dumps({"accountId": instance.get("OwnerId", ""), "architecture": "x86_64",
                                   "availabilityZone": instance["Placement"]["AvailabilityZone"],
                                   "imageId": instance.get("ImageId"), "instanceId": instance["InstanceId"],
                                   "instanceType": instance.get("InstanceType"),
                                   "privateIp": instance.get("PrivateIpAddress"),
                                   "region": instance["Placement"]["AvailabilityZone"][:-1]}, indent=2)
            prefix = "/latest/meta-data"
            if not path.startswith(prefix):
                return None
            node = lookup(tree(service.lab, instance, service.role), path[len(prefix):])
            if node is None:
                return None
            return listing(node) if isinstance(node, dict) else node

        def do_POST(self):
            self._send(405, "Method Not Allowed")

        do_DELETE = do_PATCH = do_POST

    return Handler


@contextlib.contextmanager
def serve(lab, instance_id: str, *, clock: Callable[[], float] = time.monotonic, role: Optional[str] = None):
    """Serve ``instance_id``'s metadata on 127.0.0.1 (a free port) and yield the base URL.

    ``role``: the IAM role name to show under ``iam/security-credentials/`` when the instance has no instance
    profile (the sandbox lab needs no IAM). ``clock``: seconds, for token expiry (tests inject a fake one).
    """
    describe_instance(lab, instance_id)  # fail early, with a clear message, on a bad id
    service = _Service(lab, instance_id, clock, role)
    server, thread = loopback.start_http_server(_handler(service), f"imds-{instance_id}")
    base = f"http://127.0.0.1:{server.server_address[1]}"
    lab.shim_state.setdefault("imds", {})[base] = service
    # stopped by the lab's close or at exit if this context is never left (a cell that entered it by hand)
    token = loopback.track(lab, lambda: loopback.stop_http_server(server, thread))
    try:
        yield base
    finally:
        loopback.untrack(token)
        loopback.stop_http_server(server, thread)
        lab.shim_state.get("imds", {}).pop(base, None)

