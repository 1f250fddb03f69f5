"""Every server a lab starts on 127.0.0.1 (IMDS, the SSRF demo app, DNS, moto) stops with its lab or its process.

A server runs in a daemon thread, so it never keeps the interpreter alive by itself. The trap is its *stop*:
``socketserver.BaseServer.shutdown()`` waits for the serving thread to notice, and once the interpreter is
finalizing, daemon threads are frozen and never will. A context manager left open (``cm.__enter__()`` in a cell,
an ``ExitStack`` nobody closes) is finalized exactly then, and the process hangs at exit forever.

So each server registers how to stop it here: :func:`stop_owned_by` stops a lab's servers when the lab closes, an
``atexit`` hook stops whatever is left while threads still run, and :func:`stop_http_server` never waits on a
thread that can no longer answer.
"""
from __future__ import annotations

import atexit
import itertools
import sys
import threading
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from typing import Any, Optional

_running: dict[int, tuple[Any, Callable[[], None]]] = {}  # token -> (owning lab or None, stop)
_tokens = itertools.count(1)
_lock = threading.Lock()


def track(owner: Any, stop: Callable[[], None]) -> int:
    """Remember how to stop a server ``owner`` (a lab, or None) started; returns the token for :func:`untrack`."""
    with _lock:
        token = next(_tokens)
        _running[token] = (owner, stop)
    return token


def untrack(token: int) -> None:
    with _lock:
        _running.pop(token, None)


def running(owner: Any = None) -> int:
    """How many tracked servers are still up (those of ``owner`` when given)."""
    with _lock:
        return sum(1 for who, _ in _running.values() if owner is None or who is owner)


def _stop(predicate: Callable[[Any], bool]) -> None:
    with _lock:
        chosen = [(token, stop) for token, (who, stop) in _running.items() if predicate(who)]
        for token, _ in chosen:
            _running.pop(token)
    for _, stop in reversed(chosen):  # newest first, as an ExitStack would
        try:
            stop()
        except Exception:  # one server failing to stop must not keep the others (or the lab's close) from theirs
            pass


def stop_owned_by(owner: Any) -> None:
    """Stop every server ``owner`` started (called when a lab closes)."""
    _stop(lambda who: who is owner)


@atexit.register
def stop_all() -> None:
    """Stop every tracked server; runs at exit, while the serving threads can still answer."""
    _stop(lambda who: True)


def start_http_server(handler: type, name: str) -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Serve ``handler`` on 127.0.0.1 (a free port) in a daemon thread; per-request threads are daemons too."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    return server, thread


def stop_http_server(server: ThreadingHTTPServer, thread: Optional[threading.Thread]) -> None:
    """Stop serving and free the port; never wait on a serving thread the finalizing interpreter has frozen."""
    if thread is not None and thread.is_alive() and not sys.is_finalizing():
        server.shutdown()
    server.server_close()
