"""A deliberately vulnerable web app on 127.0.0.1, for the SSRF lesson: why IMDSv2 exists."""
from __future__ import annotations

import contextlib
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler

from lab_helpers.core import loopback
from lab_helpers.sim.imds.client import loopback_only


@contextlib.contextmanager
def vulnerable_fetcher():
    """A loopback web app with ``/fetch?url=...`` that GETs any (loopback) URL and returns the body.

    It stands for the classic "URL preview" or "image proxy" feature with no allow-list: an attacker asks it for
    ``http://169.254.169.254/latest/meta-data/iam/security-credentials/<role>`` and reads the instance's keys.
    It only does what such apps do: a plain GET, no custom headers, no PUT — which is exactly why IMDSv2 stops it.
    It refuses non-loopback URLs so the lab never reaches outside this machine.
    """

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            target = (query.get("url") or [""])[0]
            try:
                loopback_only(target)
                with urllib.request.urlopen(target, timeout=5) as resp:
                    status, body = 200, resp.read()
            except urllib.error.HTTPError as exc:
                status, body = 502, f"upstream said {exc.code}: {exc.read().decode()}".encode()
            except Exception as exc:  # the app reports, as a careless app would
                status, body = 502, f"fetch failed: {exc}".encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server, thread = loopback.start_http_server(Handler, "ssrf-app")
    token = loopback.track(None, lambda: loopback.stop_http_server(server, thread))  # no lab owns it: stop at exit
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        loopback.untrack(token)
        loopback.stop_http_server(server, thread)
