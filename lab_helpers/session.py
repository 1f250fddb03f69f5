"""The lab session every notebook opens: ``lab = start_lab("01_vpc_basics")``.

Public API (code outside this repository depends on these names): :func:`start_lab`, :class:`Lab` and its
``client``, ``session``, ``teardown``, ``mode``, ``region``, ``run_id``.

Two modes, one notebook:

* ``sandbox`` (default): moto in this process, fake credentials, the fidelity layer on top. Nothing leaves
  127.0.0.0/8 and nothing costs money.
* ``live``: your real account. Needs ``VPCLAB_LIVE_OK=yes`` and a region. Every resource made through
  ``lab.client()`` is tagged ``vpclab:run=<run_id>`` and written to a ledger, and ``lab.teardown()`` deletes it.
  If ``AWS_ENDPOINT_URL`` points at 127.0.0.0/8 (a moto server — the project's live-path test), the fidelity layer
  is installed too, because the backend is moto, not AWS.
"""
from __future__ import annotations

import atexit
import os
import secrets
import time
import weakref
from dataclasses import dataclass, field
from typing import Optional

import boto3
import botocore.session
from botocore.config import Config

from . import catalog, fidelity, live, tagging
from .errors import LabError
from .ledger import Ledger, vpclab_home
from .sandbox import SandboxBackend
from .teardown import TeardownReport, teardown

MODES = ("sandbox", "live")
DEFAULT_SANDBOX_REGION = "us-east-1"

# The one lab this kernel has open in sandbox mode: moto's in-process backends are per process, so a second
# sandbox lab would share (and its teardown would wipe) the first one's world.
_OPEN_SANDBOX: "weakref.ref[Lab] | None" = None


@dataclass
class Lab:
    """An open lab: a boto3 session bound to the sandbox or a live account, with a ledger and teardown."""

    name: str
    mode: str
    region: str
    run_id: str
    session: boto3.Session
    backend: str  # "moto" (in-process), "moto-server" (live mode against a loopback moto), or "aws"
    endpoint_url: Optional[str] = None
    ledger: Ledger = None
    _sandbox: Optional[SandboxBackend] = None
    _raw_session: Optional[boto3.Session] = None
    _clients: dict = field(default_factory=dict)
    _raw_clients: dict = field(default_factory=dict)
    shim_state: dict = field(default_factory=dict)
    closed: bool = False

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
        key = (service, region or self.region)
        if key not in self._raw_clients:
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
        return self.backend != "aws"

    # -- lifecycle --------------------------------------------------------------------------------------------
    def teardown(self) -> TeardownReport:
        """Delete everything this lab created (dependents first), sweep by tag, and say what is left."""
        if self.closed:
            return TeardownReport(self.run_id)
        report = teardown(self.ledger, self.client, self.regions)
        print(report)
        self.close()
        return report

    def close(self) -> None:
        global _OPEN_SANDBOX
        if self.closed:
            return
        self.closed = True
        if self._sandbox is not None:
            self._sandbox.stop()
            if _OPEN_SANDBOX is not None and _OPEN_SANDBOX() is self:
                _OPEN_SANDBOX = None

    def __enter__(self) -> "Lab":
        return self

    def __exit__(self, *exc) -> None:
        self.teardown()

    def _require_open(self) -> None:
        if self.closed:
            raise LabError(f"Lab {self.name} (run {self.run_id}) is closed: its teardown has run. "
                           f"Start it again with lab = start_lab('{self.name}').")

    def __repr__(self) -> str:
        where = f"{self.backend} at {self.endpoint_url}" if self.endpoint_url else self.backend
        return f"<Lab {self.name} mode={self.mode} region={self.region} run_id={self.run_id} backend={where}>"

    # -- features built by other modules (imported lazily so a lab pays only for what it uses) -----------------
    def draw(self, **kwargs):
        """Draw the current topology (VPCs, AZs, subnets, route tables, gateways) from describe calls."""
        from . import draw

        return draw.vpc(self, **kwargs)

    def estimate(self):
        """The billable resources alive in this lab and their hourly cost (from data/pricing)."""
        from . import costs

        return costs.estimate(self)

    def trace(self, source, destination, port: int = 443, protocol: str = "tcp", **kwargs):
        """Walk a flow hop by hop as Reachability Analyzer does; the result shows each hop and who blocked it."""
        from . import netsim

        return netsim.trace(self, source, destination, port=port, protocol=protocol, **kwargs)

    def reachability_matrix(self, instances, port: int = 443, protocol: str = "tcp"):
        """Who reaches whom on ``port``: a grid over ``instances`` (ids), coloured by the engine's verdict."""
        from . import netsim

        return netsim.reachability_matrix(self, instances, port=port, protocol=protocol)

    def resolve(self, name: str, vpc_id: str, rtype: str = "A"):
        """Answer a DNS query as the Route 53 Resolver of ``vpc_id`` would (private zones, endpoints, rules)."""
        from . import dns

        return dns.resolve(self, name, vpc_id, rtype=rtype)

    def imds(self, instance_id: str, **options):
        """Serve ``instance_id``'s metadata on 127.0.0.1 (a context manager yielding the base URL)."""
        from . import imds

        return imds.serve(self, instance_id, **options)

    def eks_cluster(self, name: str, vpc_id: str, subnets, **kwargs):
        """Create an EKS cluster and its nodes (modelled as EC2 instances) in ``subnets``."""
        from . import lattice

        return lattice.eks_cluster(self, name, vpc_id, subnets, **kwargs)

    def kubectl_apply(self, manifest, cluster: str):
        """Apply Kubernetes YAML (text or path) to the modelled cluster; the controller model reconciles it."""
        from . import lattice

        return lattice.kubectl_apply(self, manifest, cluster=cluster)

    def kubectl_get(self, kind: str, name: str = None, cluster: str = None, namespace: str = "default"):
        from . import lattice

        return lattice.kubectl_get(self, kind, name, cluster=cluster, namespace=namespace)

    def http(self, from_vpc: str, url: str, method: str = "GET", headers=None):
        """Send an HTTP request from ``from_vpc`` through VPC Lattice; the response shows every hop."""
        from . import lattice

        return lattice.http(self, from_vpc, url, method=method, headers=headers)

    def wait_for(self, kind: str, resource_id: str, **kwargs):
        """Wait for a slow resource (NAT gateway, TGW attachment, endpoint…) with a progress bar in live mode."""
        from . import waits

        return waits.wait_for(self, kind, resource_id, **kwargs)

    def solution(self, name: str):
        """The reference solution ``name`` of this lab's exercises (used when ``SOLUTIONS=True``)."""
        from . import solutions

        return solutions.load(self.name, name)


def _config() -> Config:
    # ignore_configured_endpoint_urls: a stray AWS_ENDPOINT_URL must not redirect a sandbox client; live mode
    # passes its endpoint explicitly instead.
    return Config(ignore_configured_endpoint_urls=True, retries={"max_attempts": 3, "mode": "standard"})


def _new_run_id(lab: str) -> str:
    return f"{lab[:2]}-{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"


def _boto_session(region: str, sandbox: bool) -> boto3.Session:
    if sandbox:
        # A botocore session with no profile and no config files: a real AWS_PROFILE cannot be read.
        core = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
        core.set_config_variable("config_file", os.devnull)
        core.set_config_variable("credentials_file", os.devnull)
        return boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                             aws_session_token="testing", region_name=region, botocore_session=core)
    return boto3.Session(region_name=region)


def start_lab(name: str, mode: Optional[str] = None, region: Optional[str] = None, *, server: bool = False,
              live_ok: bool = False, quiet: bool = False) -> Lab:
    """Open lab ``name`` (e.g. ``"01_vpc_basics"`` or ``"01"``) and return its :class:`Lab`.

    ``mode`` defaults to ``$VPCLAB_MODE``, else ``"sandbox"``. In sandbox mode ``server=True`` also starts a moto
    server on 127.0.0.1 and sets ``AWS_ENDPOINT_URL`` so ``!aws ...`` shell cells see the same world.
    Live mode needs ``VPCLAB_LIVE_OK=yes`` (or ``live_ok=True``) and a region.
    """
    info = catalog.find(name)
    mode = (mode or os.environ.get("VPCLAB_MODE") or "sandbox").lower()
    if mode not in MODES:
        raise LabError(f"Unknown mode {mode!r}. Use MODE='sandbox' (free, offline) or MODE='live' (your account).")
    run_id = _new_run_id(info.name)
    os.environ["VPCLAB_CURRENT_LAB"] = info.name  # progress records name the lab
    if mode == "sandbox":
        lab = _start_sandbox(info.name, region or os.environ.get("VPCLAB_REGION") or DEFAULT_SANDBOX_REGION,
                             run_id, server)
    else:
        lab = _start_live(info.name, region, run_id, live_ok)
    _install_hooks(lab)
    if not quiet:
        _announce(lab)
    return lab


def _start_sandbox(name: str, region: str, run_id: str, server: bool) -> Lab:
    global _OPEN_SANDBOX
    previous = _OPEN_SANDBOX() if _OPEN_SANDBOX else None
    if previous is not None and not previous.closed:
        print(f"ℹ️ Closing the sandbox of {previous.name} (run {previous.run_id}) first: one sandbox per kernel.")
        previous.close()
    backend = SandboxBackend(region, server=server)
    backend.start()
    lab = Lab(name, "sandbox", region, run_id, _boto_session(region, True), "moto", None, Ledger(run_id, name),
              _sandbox=backend, _raw_session=_boto_session(region, True))
    _OPEN_SANDBOX = weakref.ref(lab)
    return lab


def _start_live(name: str, region: Optional[str], run_id: str, live_ok: bool) -> Lab:
    live.require_consent(live_ok)
    region = live.require_region(region)
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    backend = "moto-server" if live.endpoint_is_loopback(endpoint) else "aws"
    ledger = Ledger(run_id, name, path=vpclab_home() / "ledgers" / f"{run_id}.json")
    lab = Lab(name, "live", region, run_id, _boto_session(region, False), backend, endpoint, ledger,
              _raw_session=_boto_session(region, False))
    atexit.register(_remind_teardown, weakref.ref(lab))
    return lab


def _install_hooks(lab: Lab) -> None:
    events = lab.session.events
    tags = tagging.tag_pairs(lab.run_id, lab.name)

    def add_tags(params, model, **_):
        tagging.inject_tags(params, model, model.service_model.service_name, tags)

    def record(http_response, parsed, model, context, **_):
        if http_response is not None and http_response.status_code < 300:
            params = context.get(fidelity.base.PARAMS_KEY, {})
            lab.ledger.record(model.service_model.service_name, model.name, context.get("client_region", lab.region),
                              parsed, params)

    events.register("before-parameter-build", add_tags, unique_id="vpclab-tags")
    events.register("before-parameter-build", fidelity.base.remember_params, unique_id="vpclab-remember-params")
    events.register("after-call", record, unique_id="vpclab-ledger")
    if lab.uses_fidelity:
        ctx = fidelity.ShimContext(raw_client=lab.raw_client, state=lab.shim_state)
        fidelity.install(events, fidelity.all_shims(), ctx)
    if lab.mode == "live":
        def warn_price(params, model, context, **_):
            notice = live.price_notice(model.service_model.service_name, model.name, params,
                                       context.get("client_region", lab.region))
            if notice:
                print(notice)
        events.register("before-parameter-build", warn_price, unique_id="vpclab-price")


def _announce(lab: Lab) -> None:
    if lab.mode == "sandbox":
        extra = f"; `!aws` cells use {lab._sandbox.endpoint_url}" if lab._sandbox.endpoint_url else ""
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
