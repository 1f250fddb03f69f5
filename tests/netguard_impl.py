"""The loopback-only network guard used by the whole test suite (and its notebook kernels)."""
from __future__ import annotations

import ipaddress
import socket


class OutboundConnectionBlocked(ConnectionRefusedError):
    """A test process tried to connect beyond the loopback range."""


def _is_allowed(address) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a hostname: resolving it would already be traffic we do not want


_original_connect = socket.socket.connect
_original_connect_ex = socket.socket.connect_ex
_original_getaddrinfo = socket.getaddrinfo


def _guarded_connect(self, address):
    if not _is_allowed(address):
        raise OutboundConnectionBlocked(f"vpc-labs test guard: connection to {address!r} blocked "
                                        "(tests may only reach 127.0.0.0/8)")
    return _original_connect(self, address)


def _guarded_connect_ex(self, address):
    if not _is_allowed(address):
        raise OutboundConnectionBlocked(f"vpc-labs test guard: connection to {address!r} blocked")
    return _original_connect_ex(self, address)


def _guarded_getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name not in (None, "localhost", "") and not _is_allowed((name, 0)):
        raise OutboundConnectionBlocked(f"vpc-labs test guard: DNS lookup of {name!r} blocked")
    return _original_getaddrinfo(host, *args, **kwargs)


def install() -> None:
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    socket.getaddrinfo = _guarded_getaddrinfo


def uninstall() -> None:
    socket.socket.connect = _original_connect
    socket.socket.connect_ex = _original_connect_ex
    socket.getaddrinfo = _original_getaddrinfo
