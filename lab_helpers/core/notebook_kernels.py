"""Kernels for notebooks run headless (``vpclab run``, the tests, the site builder): over IPC, never TCP.

A kernel talks to its client over five ZeroMQ sockets. Over TCP, jupyter_client picks five free ports, closes them,
writes them to the connection file, and only then does the kernel bind them: with ten kernels starting at once (and
another test worker starting its own) two can pick the same port in between, and one dies with ``Address already in
use``. ipykernel also warns "Kernel is running over TCP without encryption" for every one of them.

Over IPC each socket is a Unix socket file. Every kernel gets a private folder of its own
(``<tmp>/vpclab-kernel-XXXX/k-<n>``), so there is nothing to race for and nothing to warn about; the sockets never
leave the machine either. Unix socket paths are limited to ~107 bytes, so the path is kept short. The folder goes
when its kernel shuts down, not when the process exits: a pytest-xdist worker whose exit takes longer than xdist
waits (its final garbage collection of a large heap) is killed, and a process-pool worker ends with ``os._exit``;
neither runs ``atexit``. The exit hooks remain, for a kernel that was never shut down.

papermill also writes the whole output notebook at the start *and* the end of every cell: 80 writes of a growing
document (images included) for a lab of 40 code cells, ~3 s of the parent's time per lab, measured with cProfile.
:func:`execute_notebook` runs papermill's own nbclient engine with one change: a cell's start and end save only
when papermill's ``autosave_cell_every`` interval has passed (the same throttle papermill applies to a long cell's
output). The notebook is still written when execution starts and when it ends, failed or not, so a failed run's
output notebook shows its traceback as before.
"""
from __future__ import annotations

import atexit
import contextlib
import multiprocessing.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional

from jupyter_client.manager import AsyncKernelManager
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from traitlets import default

ENGINE = "vpclab"

_kernel_dirs: dict[Path, int] = {}  # kernel folders not yet removed -> the process that made each
_exit_hooks_in: Optional[int] = None  # the process whose exit hooks are registered


def kernel_dir() -> Path:
    """A new private folder (mode 0700) for one kernel's sockets; :func:`release` removes it."""
    path = Path(tempfile.mkdtemp(prefix="vpclab-kernel-"))
    _kernel_dirs[path] = os.getpid()
    _register_exit_hooks()
    return path


def release(path: Path) -> None:
    """Remove a kernel's folder (its kernel has shut down)."""
    if _kernel_dirs.pop(path, None) is not None:
        shutil.rmtree(path, ignore_errors=True)


def _remove_leftovers() -> None:
    # A forked child inherits its parent's table (and, after os.fork, its atexit hooks): it removes only its own.
    for path, pid in list(_kernel_dirs.items()):
        if pid == os.getpid():
            release(path)


def _register_exit_hooks() -> None:
    """Once per process: atexit, and multiprocessing's finalizers, which a pool worker runs before ``os._exit``."""
    global _exit_hooks_in
    if _exit_hooks_in != os.getpid():
        _exit_hooks_in = os.getpid()
        atexit.register(_remove_leftovers)
        multiprocessing.util.Finalize(None, _remove_leftovers, exitpriority=0)


class IPCKernelManager(AsyncKernelManager):
    """nbclient's default kernel manager, with Unix-socket transport and a unique socket path per kernel."""

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @default("ip")
    def _ip_default(self) -> str:
        # jupyter_client appends "-<n>" per channel; a folder per kernel keeps its paths apart from every other's.
        return str(kernel_dir() / "k")

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:  # a restarted kernel binds the same paths again
            release(Path(self.ip).parent)

    cleanup_resources = _async_cleanup_resources  # AsyncKernelManager binds the name to its base's coroutine

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client sends SIGINT before every shutdown request. A kernel that has answered its last cell has
        # nothing to interrupt, but the signal can land while it finishes that cell's handler, and it logs
        # "KeyboardInterrupt caught in kernel." into the run's output. A stuck kernel still stops: the shutdown
        # request goes over the control channel, then SIGTERM and SIGKILL follow within shutdown_wait_time.
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()


class _ExecutionManager(NotebookExecutionManager):
    """papermill's execution manager, with a cell's start and end saved only as often as its autosave allows."""

    _cell_event = False

    def save(self, **kwargs: Any) -> None:
        if self._cell_event and self.autosave_cell_every and \
                (self.now() - self.last_save_time).total_seconds() < self.autosave_cell_every:
            return
        super().save(**kwargs)

    @contextlib.contextmanager
    def _throttled(self) -> Iterator[None]:
        self._cell_event = True
        try:
            yield
        finally:
            self._cell_event = False

    def cell_start(self, cell: Any, cell_index: Optional[int] = None, **kwargs: Any) -> None:
        with self._throttled():
            super().cell_start(cell, cell_index, **kwargs)

    def cell_complete(self, cell: Any, cell_index: Optional[int] = None, **kwargs: Any) -> None:
        with self._throttled():
            super().cell_complete(cell, cell_index, **kwargs)


class Engine(NBClientEngine):
    """papermill's nbclient engine with :class:`_ExecutionManager` (papermill's ``Engine.execute_notebook``, whose
    manager class is fixed, with that one name changed)."""

    @classmethod
    def execute_notebook(cls, nb: Any, kernel_name: Any, output_path: Optional[str] = None, progress_bar: bool = True,
                         log_output: bool = False, autosave_cell_every: int = 30, **kwargs: Any) -> Any:
        nb_man = _ExecutionManager(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                                   autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


papermill_engines.register(ENGINE, Engine)


def execute_notebook(input_path: str, output_path: str, **kwargs: Any) -> Any:
    """``papermill.execute_notebook`` with its kernel over IPC and fewer writes (same arguments, same result)."""
    import papermill

    kwargs.setdefault("kernel_manager_class", IPCKernelManager)
    kwargs.setdefault("engine_name", ENGINE)
    return papermill.execute_notebook(input_path, output_path, **kwargs)
