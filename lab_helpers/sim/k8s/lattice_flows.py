"""VPC Flow Logs of the requests ``lab.http`` sends through VPC Lattice: what the client's and the target's network
interfaces record.

A flow log records the traffic of each network interface it covers — its VPC, its subnet or the interface itself
(https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html). A request through Lattice is two TCP
connections, and each end's interface logs its own:

* the **client's** interface (the one holding ``source``, the client's private IP, in the caller's VPC; a pod's
  address is a secondary IP of its node's interface) logs client → the service's link-local 169.254.171.x address
  on the listener port, and the reply when one came back. Nothing answers when the VPC is not associated with a
  network that has the service, or when the association's security groups do not admit the client: those groups
  sit on the association, not on the client's interface, so the client logs its request ACCEPT and no reply. The
  client's own security group controls its outbound traffic to Lattice; this model does not evaluate it (the
  request always leaves ACCEPT).
* the **target's** interface (the pod's node) logs Lattice → the pod's IP on the target port: Lattice sends from
  the addresses of the managed prefix list ``com.amazonaws.<region>.vpc-lattice`` (169.254.171.0/24 and
  non-routable public ranges), and the target's security groups control that inbound traffic, **health checks
  included** (https://docs.aws.amazon.com/vpc-lattice/latest/ug/security-groups.html). A group that does not
  admit the prefix list drops the request — one REJECT, no reply — and every health check, which is why such a
  target is UNHEALTHY (``Target.Timeout``) and the client gets 503: the node's flow log then shows the rejected
  health checks from a 169.254.171.x address. Lattice checks all the time; the model writes the rejected checks
  of the target group a request is forwarded to, once per ``lab.http`` call (one health-check interval). Health
  checks a target accepts are not written: they would add a pair of records per target to every call.

The Lattice source address is the one the model decides security groups with
(:func:`~lab_helpers.sim.k8s.lattice_names.lattice_source_ip`), so a request's records, its reply's and the
verdict agree. DNS lookups are not logged (flow logs do not record traffic to the Amazon DNS server). Records go
through :func:`lab_helpers.sim.flowlogs.records.exchange` and :func:`lab_helpers.sim.flowlogs.publish.deliver`,
as every other flow the sandbox evaluates; only where moto is the backend (:func:`lab_helpers.sim.flowlogs.enabled`).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Optional

from lab_helpers.sim import flowlogs
from lab_helpers.sim.flowlogs import publish
from lab_helpers.sim.flowlogs.records import FlowRecord, exchange
from lab_helpers.sim.k8s import health
from lab_helpers.sim.k8s.lattice_names import lattice_source_ip

TCP = 6
_RNG = random.Random()  # ephemeral ports only: the data plane's seeded RNG (weights, targets) must not move


@dataclass
class TargetLeg:
    """Lattice's connection to the target it chose: the pod's IP and port, and whether its groups admitted it."""

    ip: str
    port: int
    vpc_id: Optional[str]
    admitted: bool


class Recorder:
    """The flow log records of one ``_Plan``'s requests (the interfaces are looked up once per plan)."""

    def __init__(self, lab, ec2, from_vpc: str):
        self.lab, self.ec2, self.from_vpc = lab, ec2, from_vpc
        self.account = publish.account_of(lab)
        self.enis: dict[tuple[str, Optional[str]], Optional[dict]] = {}  # (ip, VPC) -> DescribeNetworkInterfaces item
        self.checked: set[str] = set()  # target groups whose rejected health checks are written already

    def _interface(self, ip: str, vpc_id: Optional[str]) -> Optional[dict]:
        """The network interface holding ``ip`` (DescribeNetworkInterfaces; pods' IPs are secondary addresses)."""
        key = (ip, vpc_id)
        if key not in self.enis:
            self.enis[key] = health.eni_for_ip(self.ec2, ip, vpc_id)
        return self.enis[key]

    def request(self, req, response, service_address: Optional[str], leg: Optional[TargetLeg]) -> list[FlowRecord]:
        """Write the client's and the target's records of one request; return them."""
        start, lattice_ip = publish.now(), lattice_source_ip(self.lab.region)
        sent = _size(f"{req.method} {req.path} HTTP/1.1", req.headers)
        answered = _size(f"HTTP/1.1 {response.status}", response.headers) + len(response.body)
        recs: dict[str, list[FlowRecord]] = {}
        interfaces: dict[str, dict] = {}
        source = req.source
        client = self._interface(source, self.from_vpc) if source and service_address else None
        if client is not None and source and service_address:
            here = interfaces[client["NetworkInterfaceId"]] = _where(client)
            # a TCP reset counts as a reply too: "connection refused" is Lattice answering that no listener is there
            replied = response.status is not None or response.error == "connection refused"
            recs[here["id"]] = exchange(self.account, here["id"], (source, _ephemeral()), (service_address, req.port),
                                        TCP, "ACCEPT", "ACCEPT" if replied else None, start, packets=5, size=sent,
                                        reply_size=answered)
        target = self._interface(leg.ip, leg.vpc_id) if leg is not None else None
        if target is not None and leg is not None:
            here = interfaces[target["NetworkInterfaceId"]] = _where(target)
            action = "ACCEPT" if leg.admitted else "REJECT"
            recs.setdefault(here["id"], []).extend(exchange(
                self.account, here["id"], (lattice_ip, _ephemeral()), (leg.ip, leg.port), TCP, action,
                action if leg.admitted else None, start, packets=5, size=sent, reply_size=answered))
        publish.deliver(self.lab, recs, interfaces)
        return [r for group in recs.values() for r in group]

    def health_checks(self, tg: dict, targets: list[dict]) -> list[FlowRecord]:
        """Write the health checks the targets' security groups reject (once per target group and plan)."""
        if tg["id"] in self.checked:
            return []
        self.checked.add(tg["id"])
        check: dict = tg["config"].get("healthCheck") or health.DEFAULT_HEALTH_CHECK
        if check.get("enabled") is False:
            return []
        start, lattice_ip, vpc = publish.now(), lattice_source_ip(self.lab.region), tg["config"].get("vpcIdentifier")
        recs: dict[str, list[FlowRecord]] = {}
        interfaces: dict[str, dict] = {}
        for t in targets:
            port, eni = int(check.get("port") or t["port"]), self._interface(t["id"], vpc)
            if eni is None or health.sg_allows(self.ec2, [g["GroupId"] for g in eni.get("Groups", [])], lattice_ip,
                                               port)[0]:
                continue
            here = _where(eni)
            recs.setdefault(here["id"], []).extend(exchange(self.account, here["id"], (lattice_ip, _ephemeral()),
                                                            (t["id"], port), TCP, "REJECT", None, start, packets=3))
            interfaces[here["id"]] = here
        publish.deliver(self.lab, recs, interfaces)
        return [r for group in recs.values() for r in group]


def recorder(lab, ec2, from_vpc: str) -> Optional[Recorder]:
    """A recorder when a flow log could take the records (moto backend, a flow log exists); else ``None``."""
    return Recorder(lab, ec2, from_vpc) if flowlogs.enabled(lab) else None


def _where(eni: dict) -> dict:
    """An interface reduced to what :func:`lab_helpers.sim.flowlogs.publish.covering` matches flow logs on."""
    return {"id": eni["NetworkInterfaceId"], "subnet_id": eni["SubnetId"], "vpc_id": eni["VpcId"]}


def _ephemeral() -> int:
    return _RNG.randint(1024, 65535)


def _size(first_line: str, headers: dict) -> int:
    """Bytes of a small HTTP exchange: the TCP/IP headers of five packets, the first line and the headers."""
    return 5 * 40 + len(first_line) + sum(len(str(k)) + len(str(v)) + 4 for k, v in (headers or {}).items())
