"""A real DNS server for one VPC's view, on 127.0.0.1: ``dig @127.0.0.1 -p PORT name`` gets what
:func:`lab_helpers.sim.dns.resolver.resolve` answers, over UDP, in DNS wire format (:mod:`lab_helpers.sim.dns.wire`).
"""
from __future__ import annotations

import socket
import sys
import threading

from lab_helpers.core import loopback
from lab_helpers.sim.dns import wire
from lab_helpers.sim.dns.resolver import resolve
from lab_helpers.sim.dns.zones import describe_vpc, fqdn


class DnsServer:
    """A UDP DNS server on 127.0.0.1 answering as ``vpc_id``'s Resolver (see :func:`serve`)."""

    def __init__(self, lab, vpc_id: str, port: int = 0):
        describe_vpc(lab, vpc_id)  # a bad id fails here, clearly, not inside the server thread
        self.lab, self.vpc_id = lab, vpc_id
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", port))
        self.sock.settimeout(0.2)
        self.address = self.sock.getsockname()
        self.log: list = []  # (name, type, rcode) per query answered
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"dns-{vpc_id}", daemon=True)
        self._thread.start()
        self._token = loopback.track(lab, self.close)  # stopped with the lab, or at exit, if never closed

    @property
    def port(self) -> int:
        return self.address[1]

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:  # timeout (to re-check the stop flag) or the socket closed
                continue
            try:
                query = wire.parse_query(data)
            except (ValueError, IndexError, UnicodeError):
                continue  # not a DNS query we can read: drop it, as a resolver drops garbage
            try:
                answer = resolve(self.lab, query.name, self.vpc_id, query.rtype)
                rcode, records = answer.rcode, answer.records
            except Exception:  # the simulator failed: say SERVFAIL, as a real resolver would
                rcode, records = "SERVFAIL", []
            self.log.append((query.name, query.rtype, rcode))
            self.sock.sendto(wire.build_response(query, rcode, records), peer)

    def query(self, name: str, rtype: str = "A", timeout: float = 5.0) -> tuple[str, list]:
        """Ask this server over UDP like ``dig`` would; returns (rcode, [(name, type, value)])."""
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout)
            s.sendto(wire.build_query(fqdn(name), rtype.upper()), self.address)
            return wire.parse_response(s.recvfrom(4096)[0])

    def close(self) -> None:
        loopback.untrack(self._token)
        self._stop.set()
        if not sys.is_finalizing():  # a finalizing interpreter has frozen the thread: it would never join
            self._thread.join(timeout=2)
        self.sock.close()

    def __enter__(self) -> DnsServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<DnsServer for {self.vpc_id} at 127.0.0.1:{self.port} — try: dig @127.0.0.1 -p {self.port} NAME>"


def serve(lab, vpc_id: str, port: int = 0) -> DnsServer:
    """Serve ``vpc_id``'s view of DNS on 127.0.0.1 (UDP, a free port unless ``port`` is given).

    Use as a context manager; ``dig @127.0.0.1 -p <server.port> api.my-app.internal`` then gets the same answer
    as :func:`resolve` (A, AAAA and CNAME records; forwarded and public names come back SERVFAIL).
    """
    return DnsServer(lab, vpc_id, port)
