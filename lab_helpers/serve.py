"""``vpclab serve``: the sandbox as a local AWS endpoint for any client (the AWS CLI, Terraform, CDK, an SDK).

The same moto world and the same fidelity layer a lab uses (AWS's rules, the served Reachability Analyzer,
placement groups, VPC Lattice, Route 53 private zones...), on 127.0.0.1 only, with fake credentials. Nothing is
tagged or torn down for you: the server's world lives as long as the process, and Ctrl-C says what it held.
"""
from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from lab_helpers import config, fidelity
from lab_helpers.core import regions as known_regions
from lab_helpers.core.sandbox import FAKE_ENV, SandboxBackend
from lab_helpers.fidelity.standalone import standalone_layer


@dataclass
class LocalEndpoint:
    """A running ``vpclab serve``: the endpoint, the layer serving it, and what it has seen."""

    region: str
    port: int = 0
    verbose: bool = False
    backend: Optional[SandboxBackend] = None
    seen: Counter = field(default_factory=Counter)  # (service, region) -> requests
    _layer: Optional[fidelity.Layer] = None

    @property
    def url(self) -> str:
        assert self.backend is not None and self.backend.endpoint_url, "start() first"
        return self.backend.endpoint_url

    def start(self) -> LocalEndpoint:
        known_regions.require_known(self.region, "vpclab serve")
        self.backend = SandboxBackend(self.region, server=True, port=self.port)
        self.backend.start()
        # The shims' own reads stay in this process (moto's in-process mock), not a round trip through the server.
        os.environ.pop("AWS_ENDPOINT_URL", None)
        self._layer = standalone_layer(self.region, observe=self._observe)
        fidelity.activate(self._layer)
        return self

    def _observe(self, service: str, operation: str, region: str, status: int) -> None:
        self.seen[(service, region)] += 1
        if self.verbose:
            mark = "✅" if status < 400 else "❌"
            print(f"{mark} {status} {service} {operation} ({region})", flush=True)

    def exports(self) -> str:
        """The shell lines that point a client here."""
        return "\n".join([f"export AWS_ENDPOINT_URL={self.url}",
                          f"export AWS_ACCESS_KEY_ID={FAKE_ENV['AWS_ACCESS_KEY_ID']}",
                          f"export AWS_SECRET_ACCESS_KEY={FAKE_ENV['AWS_SECRET_ACCESS_KEY']}",
                          f"export AWS_DEFAULT_REGION={self.region}"])

    def inventory(self) -> dict:
        """What exists, per Region the server was asked about: read through describe calls, as a lab would."""
        assert self._layer is not None, "start() first"
        raw_client = self._layer.ctx.raw_client  # the layer's own: straight to moto, in this process
        counts: dict = {}
        regions = sorted({r for (_, r) in self.seen if r} | {self.region})
        for region in regions:
            ec2 = raw_client("ec2", region)
            found = {"VPCs (besides the default)": sum(1 for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]),
                     "subnets": sum(1 for s in ec2.describe_subnets()["Subnets"] if not s.get("DefaultForAz")),
                     "instances": sum(len(r["Instances"]) for r in ec2.describe_instances()["Reservations"]),
                     "NAT gateways": len(ec2.describe_nat_gateways()["NatGateways"]),
                     "VPC endpoints": len(ec2.describe_vpc_endpoints()["VpcEndpoints"])}
            counts[region] = {k: v for k, v in found.items() if v}
        return counts

    def stop(self) -> None:
        if self._layer is not None:
            fidelity.deactivate(self._layer)
            self._layer = None
        if self.backend is not None:
            self.backend.stop()
            self.backend = None


def serve(region: Optional[str] = None, port: int = 4566, verbose: bool = False,
          stop: Optional[threading.Event] = None) -> LocalEndpoint:
    """Run a local AWS endpoint until Ctrl-C (or ``stop`` is set); returns it, stopped, with what it held."""
    endpoint = LocalEndpoint(config.sandbox_region(region), port, verbose).start()
    print(f"🧪 vpc-labs sandbox serving AWS on {endpoint.url} (Region {endpoint.region}; moto and the course's "
          f"AWS rules, on this machine only). In another shell:\n\n{endpoint.exports()}\n\n"
          f"Then e.g.: aws ec2 create-vpc --cidr-block 10.0.0.0/16\n"
          f"{'Requests are listed as they come.' if verbose else 'Quiet: -v lists each request.'} Ctrl-C stops.",
          flush=True)
    waiter = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: waiter.set())  # `kill` stops as cleanly as Ctrl-C
        signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background
    try:
        while not waiter.wait(0.5):
            pass
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the summary short
    held = endpoint.inventory()
    total = sum(endpoint.seen.values())
    print(f"\n🛑 Stopping after {total} request(s). The world held:")
    for region, counts in held.items():
        line = ", ".join(f"{n} {k}" for k, n in counts.items()) or "nothing beyond the defaults"
        print(f"   {region}: {line}")
    print("   It is gone now: the sandbox keeps nothing between runs.", flush=True)
    endpoint.stop()
    return endpoint
