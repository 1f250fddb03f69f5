"""Kernels for notebooks run headless (``vpclab run``, the tests, the site builder): over IPC, never TCP.

A kernel talks to its client over five ZeroMQ sockets. Over TCP, jupyter_client picks five free ports, closes them,
writes them to the connection file, and only then does the kernel bind them: with ten kernels starting at once (and
another test worker starting its own) two can pick the same port in between, and one dies with ``Address already in
use``. ipykernel also warns "Kernel is running over TCP without encryption" for every one of them.

Over IPC each socket is a Unix socket file. Every kernel gets its own path in a private directory of this process
(``<tmp>/vpclab-kernels-XXXX/k-<random>-<n>``), so there is nothing to race for and nothing to warn about; the
sockets never leave the machine either. Unix socket paths are limited to ~107 bytes, so the path is kept short.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any, Optional

from jupyter_client.manager import AsyncKernelManager
from traitlets import default

_socket_dir: Optional[Path] = None


def socket_dir() -> Path:
    """This process's private directory for kernel sockets (mode 0700, removed at exit)."""
    global _socket_dir
    if _socket_dir is None:
        _socket_dir = Path(tempfile.mkdtemp(prefix="vpclab-kernels-"))
        atexit.register(shutil.rmtree, _socket_dir, True)
    return _socket_dir


class IPCKernelManager(AsyncKernelManager):
    """nbclient's default kernel manager, with Unix-socket transport and a unique socket path per kernel."""

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @default("ip")
    def _ip_default(self) -> str:
        # jupyter_client appends "-<n>" per channel and skips paths that exist; one prefix per kernel keeps them apart.
        return str(socket_dir() / f"k-{uuid.uuid4().hex[:12]}")


def execute_notebook(input_path: str, output_path: str, **kwargs: Any) -> Any:
    """``papermill.execute_notebook`` with its kernel over IPC (same arguments, same result)."""
    import papermill

    kwargs.setdefault("kernel_manager_class", IPCKernelManager)
    return papermill.execute_notebook(input_path, output_path, **kwargs)
