"""A tiny ``curl -i`` for loopback URLs, and the IMDSv2 token call: what a program on the instance does.

The header names are AWS's own; ``X-Vpclab-Hops`` is the lab's stand-in for the IP TTL (see
:mod:`lab_helpers.sim.imds.server`). Every helper refuses a URL outside 127.0.0.0/8.
"""
from __future__ import annotations

import ipaddress
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Optional

from lab_helpers.errors import LabInputError

TOKEN_PATH = "/latest/api/token"
TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
TOKEN_HEADER = "X-aws-ec2-metadata-token"
HOPS_HEADER = "X-Vpclab-Hops"


@dataclass
class Response:
    """What ``curl -i`` would show; ``status`` is 0 when no reply arrived (connection dropped)."""

    method: str
    url: str
    status: int
    body: str
    headers: dict = field(default_factory=dict)
    error: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def __str__(self) -> str:
        if not self.status:
            return f"{self.method} {self.url}\n  ✗ no response: {self.error}"
        body = self.body if len(self.body) < 600 else self.body[:600] + "…"
        return f"{self.method} {self.url}\n  HTTP {self.status}\n" + "\n".join(f"  {line}" for line in
                                                                             body.splitlines())




def loopback_only(url: str) -> None:
    """Refuse (LabInputError) any URL whose host is not on 127.0.0.0/8: the lab never leaves this machine."""
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        if host == "localhost":
            return
    raise LabInputError(f"{url} is not on 127.0.0.0/8: the lab's HTTP helpers never leave this machine. Use the base "
                        "URL that lab.imds(...) gave you in place of http://169.254.169.254.")


def curl(url: str, method: str = "GET", headers: Optional[dict] = None, timeout: float = 5.0) -> Response:
    """A tiny ``curl -i`` for loopback URLs that never raises: HTTP errors come back as a status."""
    loopback_only(url)
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return Response(method, url, resp.status, resp.read().decode(), dict(resp.headers))
    except urllib.error.HTTPError as exc:
        return Response(method, url, exc.code, exc.read().decode(), dict(exc.headers))
    except (urllib.error.URLError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Response(method, url, 0, "", error=f"{type(reason).__name__}: {reason}")


def get_token(base: str, ttl: int = 21600, hops: int = 1, extra: Optional[dict] = None) -> Response:
    """Step 1 of IMDSv2: ``PUT /latest/api/token``. ``hops=2`` plays a container on a bridge network."""
    headers = {TTL_HEADER: str(ttl), HOPS_HEADER: str(hops), **(extra or {})}
    return curl(base + TOKEN_PATH, "PUT", headers)

