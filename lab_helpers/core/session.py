"""The session platform every lab stands on: a boto3 session bound to the sandbox or a live account, with
tags, a ledger and teardown.

Two modes, one notebook:

* ``sandbox`` (default): moto in this process, fake credentials, the fidelity layer on top. Nothing leaves
  127.0.0.0/8 and nothing costs money.
* ``live``: your real account. Needs ``VPCLAB_LIVE_OK=yes`` and a region. Every resource made through
  ``lab.client()`` is tagged ``vpclab:run=<run_id>`` and written to a ledger, and ``lab.teardown()`` deletes it.
  If ``AWS_ENDPOINT_URL`` points at 127.0.0.0/8 (a moto server — the project's live-path test), the fidelity layer
  is installed too, because the backend is moto, not AWS.

:func:`open_session` builds a :class:`LabSession`; :func:`lab_helpers.start_lab` builds the learner's
:class:`lab_helpers.Lab` (this class plus the simulators and pictures) through it.
"""
from __future__ import annotations

import atexit
import os
import secrets
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Optional

import boto3
import botocore.session
from botocore.config import Config

from lab_helpers import config
from lab_helpers.core import catalog, kernel, live, loopback, regions, requests, service_catalog, tagging
from lab_helpers.core.ledger import Ledger, vpclab_home
from lab_helpers.core.sandbox import SandboxBackend
from lab_helpers.core.teardown import TeardownReport, delete_entries, drop_group_references, teardown, vpc_contents
from lab_helpers.errors import LabClosedError, LabError

LIVE_SNAPSHOT_TTL = 10.0  # seconds a live trace may reuse its snapshot; lab.refresh() forgets it sooner


@dataclass
class LabSession:
    """An open lab: a boto3 session bound to the sandbox or a live account, with a ledger and teardown."""

    name: str
    mode: str
    region: str
    run_id: str
    session: boto3.Session
    backend: str  # "moto" (in-process), "moto-server" (live mode against a loopback moto), or "aws"
    endpoint_url: Optional[str] = None
    ledger: Ledger = field(default_factory=lambda: Ledger("", ""))
    _sandbox: Optional[SandboxBackend] = None
    _raw_session: Optional[boto3.Session] = None
    _clients: dict = field(default_factory=dict)
    _raw_clients: dict = field(default_factory=dict)
    shim_state: dict = field(default_factory=dict)
    closed: bool = False
    _closers: list = field(default_factory=list)  # run at close, newest first (e.g. the fidelity layer's exit)
    course: bool = True  # False for your own notebook's lab: start_lab("our-network-notes")
    # Bumped by every write through the lab's sessions (see _install_hooks), so a simulator can reuse what it read
    # from the world (lab.trace's snapshot) until the world changes.
    world_generation: int = 0

    @property
    def snapshot_ttl(self) -> Optional[float]:
        """How long a simulator may reuse what it read: ``None`` = until the next write (the in-process sandbox sees
        every write), seconds in live mode (others change the account too), 0 = never (``!aws`` cells write to the
        sandbox's moto server, past the lab's sessions)."""
        if self.mode == "live":
            return LIVE_SNAPSHOT_TTL
        return 0.0 if self._sandbox is not None and self._sandbox.server else None

    def refresh(self) -> None:
        """Forget what the simulators read: the next ``lab.trace`` reads the world again (after a console change)."""
        self.world_generation += 1

    # -- clients ----------------------------------------------------------------------------------------------
    def client(self, service: str, region: Optional[str] = None):
        """A boto3 client bound to this lab (sandbox or live), tagged and recorded in the ledger."""
        self._require_open()
        key = (service, region or self.region)
        if key not in self._clients:
            self._clients[key] = self.session.client(service, region_name=key[1], endpoint_url=self.endpoint_url,
                                                     config=_config())
        return self._clients[key]

    def raw_client(self, service: str, region: Optional[str] = None):
        """A client that bypasses the fidelity layer and the ledger: simulators read state with it."""
        self._require_open()  # once closed, the sandbox's fake credentials are gone: never build a real client
        key = (service, region or self.region)
        if key not in self._raw_clients:
            assert self._raw_session is not None, "a LabSession is built with its raw session"
            self._raw_clients[key] = self._raw_session.client(service, region_name=key[1],
                                                              endpoint_url=self.endpoint_url, config=_config())
        return self._raw_clients[key]

    @property
    def regions(self) -> list[str]:
        """Every region in which this lab used EC2 (teardown sweeps each). Global services report 'aws-global'."""
        seen = [self.region] + [r for svc, r in self._clients if svc == "ec2"] + \
            [e.region for e in self.ledger.entries if e.service == "ec2"]
        return list(dict.fromkeys(seen))

    @property
    def uses_fidelity(self) -> bool:
        """Whether this process serves the fidelity layer for the lab (the sandbox). In live mode AWS, or the
        ``vpclab serve`` standing in for it, enforces AWS's rules itself."""
        return self.mode == "sandbox"

    # -- lifecycle --------------------------------------------------------------------------------------------
    def teardown(self) -> TeardownReport:
        """Delete everything this lab created (dependents first), sweep by tag, and say what is left."""
        if self.closed:
            return TeardownReport(self.run_id)
        report = teardown(self.ledger, self.client, self.regions)
        print(report)
        self.close()
        return report

    def adopt(self, kind: str, resource_id: str, region: Optional[str] = None) -> None:
        """Make ``lab.teardown()`` delete a resource another client made (``"hosted-zone"``, ``"vpc"``...).

        In the sandbox every client's creates are recorded already; in live mode an ``!aws`` cell's are not.
        """
        self._require_open()
        self.ledger.adopt(kind, resource_id, region or self.region)

    def release(self, *vpc_ids: str, region: Optional[str] = None) -> TeardownReport:
        """Delete these VPCs and everything in them now, mid-lab (a new account holds only 5 VPCs per Region).

        What they hold is read through describe calls, so it works for resources any client made.
        """
        self._require_open()
        region = region or self.region
        report = TeardownReport(self.run_id, released=tuple(vpc_ids))
        gone = set()
        for vpc in vpc_ids:
            drop_group_references(self.client("ec2", region), vpc)
            entries = vpc_contents(self.client("ec2", region), vpc, region, run_id=self.run_id)
            delete_entries(entries, self.client, report, lambda e: gone.add(e.resource_id))
        for entry in self.ledger.alive():
            if entry.resource_id in gone:
                self.ledger.mark_deleted(entry)
        self.refresh()
        return report

    def on_close(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` when this lab closes, before its sandbox stops."""
        self._closers.append(callback)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        while self._closers:
            self._closers.pop()()
        loopback.stop_owned_by(self)  # IMDS, DNS: servers this lab started and nobody closed
        if self._sandbox is not None:
            self._sandbox.stop()
        kernel.closed(self)

    def __enter__(self) -> LabSession:
        return self

    def __exit__(self, *exc) -> None:
        self.teardown()

    def _require_open(self) -> None:
        if self.closed:
            raise LabClosedError(f"Lab {self.name} (run {self.run_id}) is closed: its teardown has run. "
                           f"Start it again with lab = start_lab('{self.name}').")

    def __repr__(self) -> str:
        where = f"{self.backend} at {self.endpoint_url}" if self.endpoint_url else self.backend
        return f"<Lab {self.name} mode={self.mode} region={self.region} run_id={self.run_id} backend={where}>"


def _config() -> Config:
    # ignore_configured_endpoint_urls: a stray AWS_ENDPOINT_URL must not redirect a sandbox client; live mode
    # passes its endpoint explicitly instead.
    return Config(ignore_configured_endpoint_urls=True, retries={"max_attempts": 3, "mode": "standard"})


def _new_run_id(lab: str) -> str:
    prefix = "".join(c for c in lab if c.isalnum())[:2].lower()  # a course lab's number; an own lab's initials
    return f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"


def _boto_session(region: str, sandbox: bool) -> boto3.Session:
    if sandbox:
        # A botocore session with no profile and no config files: a real AWS_PROFILE cannot be read.
        core = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
        core.set_config_variable("config_file", os.devnull)
        core.set_config_variable("credentials_file", os.devnull)
        service_catalog.share_loader(core)
        return boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                             aws_session_token="testing", region_name=region, botocore_session=core)
    return boto3.Session(region_name=region, botocore_session=service_catalog.share_loader(botocore.session.Session()))


def open_session(name: str, mode: Optional[str] = None, region: Optional[str] = None, *, server: bool = False,
                 live_ok: bool = False, quiet: bool = False, cls: type = LabSession,
                 install_fidelity: Optional[Callable[[LabSession], Optional[bool]]] = None,
                 price_notice: Optional[Callable[[str, str, dict, str], Optional[str]]] = None) -> LabSession:
    """Open lab ``name`` as a ``cls`` (a :class:`LabSession` or subclass): the platform half of ``start_lab``.

    ``install_fidelity(lab)`` lets the layer above serve the sandbox's AWS rules; it returns True when that layer
    also tags and records every create (for every client), so the lab's own session need not. In live mode
    ``price_notice(service, operation, params, region)`` may return a line to print before a billed create.
    """
    info = catalog.resolve(name)
    mode = config.mode(mode)
    if mode not in config.MODES:
        raise LabError(f"Unknown mode {mode!r}. Use MODE='sandbox' (free, offline) or MODE='live' (your account).")
    run_id = _new_run_id(info.name)
    if mode == "sandbox":
        lab = _start_sandbox(cls, info.name, config.sandbox_region(region), run_id, server)
    else:
        lab = _start_live(cls, info.name, region, run_id, live_ok)
    lab.course = info.course
    kernel.open_lab(lab)
    backend_records = bool(install_fidelity(lab)) if install_fidelity is not None else False
    _install_hooks(lab, price_notice, client_records=not backend_records)
    if not quiet:
        _announce(lab)
        if not info.course:
            _note_own_lab(lab)
    return lab


_NOTED_OWN: set[str] = set()  # own labs already told, so re-running a notebook's first cell says it once


def _note_own_lab(lab: LabSession) -> None:
    if lab.name in _NOTED_OWN:
        return
    _NOTED_OWN.add(lab.name)
    print(f"📓 {lab.name} is your own lab, not one of the course's (`vpclab list` shows those): it is tagged and "
          f"torn down the same way (vpclab:lab={lab.name}), and has no reference solutions.")


def _start_sandbox(cls: type, name: str, region: str, run_id: str, server: bool) -> LabSession:
    regions.require_known(region, "a sandbox lab")  # before closing the open sandbox: a typo must not cost it
    previous = kernel.current_lab()
    if previous is not None and not previous.closed and previous.mode == "sandbox":
        previous.close()  # before the new backend starts: the two would share moto's state
        print(f"ℹ️ Closed the sandbox of {previous.name} (run {previous.run_id}) first: one sandbox per kernel.")
    backend = SandboxBackend(region, server=server)
    backend.start()
    raw = _boto_session(region, True)
    requests.mark_raw(raw)  # the simulators' reads of the world go to moto as they are
    return cls(name, "sandbox", region, run_id, _boto_session(region, True), "moto", None, Ledger(run_id, name),
               _sandbox=backend, _raw_session=raw)


def _start_live(cls: type, name: str, region: Optional[str], run_id: str, live_ok: bool) -> LabSession:
    live.require_consent(live_ok)
    region = regions.require_known(live.require_region(region), "a live lab")
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    backend = "moto-server" if live.endpoint_is_loopback(endpoint) else "aws"
    session = _boto_session(region, False)
    live.require_credentials(session)
    ledger = Ledger(run_id, name, path=vpclab_home() / "ledgers" / f"{run_id}.json")
    lab = cls(name, "live", region, run_id, session, backend, endpoint, ledger,
              _raw_session=_boto_session(region, False))
    atexit.register(_remind_teardown, weakref.ref(lab))
    return lab


def _install_hooks(lab: LabSession, price_notice=None, client_records: bool = True) -> None:
    events = lab.session.events
    tags = tagging.tag_pairs(lab.run_id, lab.name)

    def add_tags(params, model, **_):
        tagging.inject_tags(params, model, model.service_model.service_name, tags)

    def record(http_response, parsed, model, context, **_):
        if http_response is not None and http_response.status_code < 300:
            lab.ledger.record(model.service_model.service_name, model.name, context.get("client_region", lab.region),
                              parsed, requests.api_params(context))

    if client_records:
        events.register("before-parameter-build", add_tags, unique_id="vpclab-tags")
        events.register("after-call", record, unique_id="vpclab-ledger")
    events.register("before-parameter-build", requests.remember_params, unique_id=requests.REMEMBER_PARAMS_ID)
    ref = weakref.ref(lab)

    def refuse_when_closed(**_):
        # A client kept from before teardown (``ec2 = lab.client("ec2")``) would otherwise leave the stopped sandbox
        # for the real endpoint: every call through the lab's sessions checks that the lab is still open.
        opened = ref()
        if opened is not None:
            opened._require_open()

    def world_changed(model, **_):
        # Reads never change the world; anything else (a create, a route, a failed write) might.
        opened = ref()
        if opened is not None and not model.name.startswith(requests.READ_OPERATIONS):
            opened.world_generation += 1

    # Both sessions: the fidelity shims write through the raw one (e.g. a new NACL's default entries).
    for session in (lab.session, lab._raw_session):
        if session is not None:
            session.events.register("before-call", refuse_when_closed, unique_id="vpclab-closed")
            session.events.register("after-call", world_changed, unique_id="vpclab-world-changed")
    if lab.mode == "live" and price_notice is not None:
        def warn_price(params, model, context, **_):
            notice = price_notice(model.service_model.service_name, model.name, params,
                                       context.get("client_region", lab.region))
            if notice:
                print(notice)
        events.register("before-parameter-build", warn_price, unique_id="vpclab-price")


def _announce(lab: LabSession) -> None:
    if lab.mode == "sandbox":
        server = lab._sandbox.endpoint_url if lab._sandbox is not None else None
        extra = f"; `!aws` cells use {server}" if server else ""
        print(f"🧪 Sandbox lab {lab.name} in {lab.region} (run {lab.run_id}): moto on this machine, no AWS account, "
              f"no cost{extra}.")
        return
    who = lab.client("sts").get_caller_identity()
    target = "AWS" if lab.backend == "aws" else f"an emulator at {lab.endpoint_url}"
    print(f"☁️ LIVE lab {lab.name} in account {who['Account']}, region {lab.region}, on {target} "
          f"(run {lab.run_id}). Resources are tagged vpclab:run={lab.run_id}; run lab.teardown() at the end.")


def _remind_teardown(ref) -> None:
    lab = ref()
    if lab is not None and not lab.closed and lab.ledger.alive():
        print(f"⚠️ Live lab {lab.name} (run {lab.run_id}) still has {len(lab.ledger.alive())} resource(s) that may "
              f"bill. Run: vpclab cleanup --run-id {lab.run_id} --yes")
