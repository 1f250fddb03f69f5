"""The sandbox backend: moto in-process (default) or a moto server on 127.0.0.1 for ``!aws`` shell cells.

Safety is the point of this module. While a sandbox lab is open the kernel's environment holds only fake
credentials and a forced region, so neither boto3 nor the AWS CLI can pick up a real ``AWS_PROFILE`` or real keys,
and every request ends in moto on this machine.
"""
from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass, field
from typing import Any, Optional

from lab_helpers.core import loopback, moto_data

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
}
# Variables that could steer a client to a real account or a real endpoint: profiles and credential files,
# assumed-role and container/web-identity credentials, SSO, endpoint overrides and the switches that rewrite the
# endpoint (FIPS, dual-stack, S3 acceleration), and any AWS_ENDPOINT_URL_<SERVICE> (found at start, see scrubbed()).
# https://docs.aws.amazon.com/sdkref/latest/guide/settings-reference.html lists them.
SCRUBBED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
            "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_CREDENTIAL_EXPIRATION",
            "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_USE_FIPS_ENDPOINT",
            "AWS_USE_DUALSTACK_ENDPOINT", "AWS_S3_USE_ARN_REGION", "AWS_S3_US_EAST_1_REGIONAL_ENDPOINT",
            "AWS_STS_REGIONAL_ENDPOINTS", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
            "AWS_SDK_UA_APP_ID", "AWS_CA_BUNDLE", "AWS_CLI_AUTO_PROMPT", "AWS_DATA_PATH",
            "AWS_CSM_ENABLED", "AWS_CSM_HOST", "AWS_CSM_PORT", "AWS_SSO_SESSION")
ENDPOINT_PREFIX = "AWS_ENDPOINT_URL_"  # one per service (AWS_ENDPOINT_URL_EC2...): any of them leaves the sandbox


def scrubbed(environ) -> set:
    """Every variable the sandbox removes from ``environ`` while it is open."""
    return set(SCRUBBED) | {k for k in environ if k.startswith(ENDPOINT_PREFIX)}


def _with_own_bin(path: str) -> str:
    """``PATH`` with this Python's scripts first, so an ``!aws`` cell runs the AWS CLI the course pins."""
    own = os.path.dirname(sys.executable)
    parts = [p for p in path.split(os.pathsep) if p and p != own]
    return os.pathsep.join([own, *parts])


def free_loopback_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class SandboxBackend:
    region: str
    server: bool = False
    endpoint_url: Optional[str] = None
    port: int = 0  # 0: the kernel picks a free one as it binds (``vpclab serve --port`` asks for one)
    _mock: Any = None  # moto's mock_aws(), once started
    _server: Any = None  # moto's ThreadedMotoServer, when server=True
    _saved_env: dict = field(default_factory=dict)
    _server_token: int = 0

    def start(self) -> None:
        self._fake_environment()
        moto_data.install()  # before moto's EC2 models load: 141 MiB of offerings no lab reads, tags by id
        from moto import mock_aws  # imported late: moto is heavy and live mode never needs it

        self._mock = mock_aws()
        self._mock.start()
        if self.server:
            from moto.server import ThreadedMotoServer

            # In one process the server shares moto's backends with the in-process mock: one world, two doors.
            # Port 0: the kernel picks a free port as it binds, so no other process can take it in between.
            self._quiet_server_log()
            self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
            self._server.start()
            port = self._server.get_host_and_port()[1]
            self._server_token = loopback.track(self, self._stop_server)  # at exit, if the lab is never closed
            self.endpoint_url = f"http://127.0.0.1:{port}"
            os.environ["AWS_ENDPOINT_URL"] = self.endpoint_url

    def _fake_environment(self) -> None:
        forced = {**FAKE_ENV, "AWS_DEFAULT_REGION": self.region, "AWS_REGION": self.region,
                  "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                  "AWS_EC2_METADATA_DISABLED": "true",  # never ask 169.254.169.254 for credentials
                  "AWS_PAGER": "",  # `!aws` output straight into the cell, not into `less`
                  "PATH": _with_own_bin(os.environ.get("PATH", ""))}
        for key in scrubbed(os.environ) | set(forced):
            self._saved_env[key] = os.environ.get(key)
            os.environ.pop(key, None)
        os.environ.update(forced)

    def _quiet_server_log(self) -> None:
        # werkzeug logs each request (and any traceback) to the kernel's stderr: a learner's cell is not a log.
        import logging

        logging.getLogger("werkzeug").setLevel(logging.ERROR)

    def _stop_server(self) -> None:
        if self._server is not None:
            loopback.untrack(self._server_token)
            server, self._server = self._server, None
            if not sys.is_finalizing():  # its thread may be frozen by then: stop() would join it forever
                server.stop()

    def stop(self) -> None:
        self._stop_server()
        if self._mock is not None:
            self._mock.stop()
            self._mock = None
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env.clear()
