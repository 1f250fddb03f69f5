"""Name resolution for the Lattice data plane: the one place that turns a host name into a Lattice service.

Two kinds of names reach Lattice:

* the **generated name** ``<service>-<id>.<partition>.vpc-lattice-svcs.<region>.on.aws`` — public DNS that answers
  with link-local addresses (169.254.171.x), so it only *works* from inside a VPC associated with the network;
* a **custom domain** (``api.example.com``) — you publish it yourself, normally as a Route 53 private hosted zone
  CNAME to the generated name. Only VPCs associated with the zone can read it (others get NXDOMAIN).

:func:`resolve` follows that chain: the private-zone step is the project's Route 53 Resolver simulator
(``lab.resolve``, :func:`resolver_lookup`), so lab 05 and lab 08 answer the same; the generated name's public DNS
step is answered from the Lattice API.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from lab_helpers.sim.k8s.lattice_names import link_local_address

GENERATED_SUFFIX = ".on.aws"


@dataclass
class Answer:
    name: str
    chain: list[str] = field(default_factory=list)  # e.g. ["api.example.com CNAME demo-...on.aws", ...]
    address: Optional[str] = None
    service: Optional[dict] = None  # the Lattice service summary the final name belongs to
    rcode: str = "NOERROR"

    def __str__(self) -> str:
        steps = " → ".join(self.chain) if self.chain else self.name
        return f"{steps} → {self.address}" if self.address else f"{steps}: {self.rcode}"


def _norm(name: str) -> str:
    return name.rstrip(".").lower()


def lattice_service_for(lattice, name: str) -> Optional[dict]:
    """The service whose generated name is ``name`` (names are listed by the Lattice API of their Region)."""
    name = _norm(name)
    return next((s for s in lattice.list_services()["items"]
                 if _norm(s.get("dnsEntry", {}).get("domainName", "")) == name), None)


def resolver_lookup(lab, name: str, vpc_id: str) -> tuple[list[str], str, Optional[str], str]:
    """Ask the VPC's Route 53 Resolver (``lab.resolve``, private hosted zones and rules) about ``name``.

    Returns (CNAME chain, last name reached, address if the zone gave one, rcode text). The Resolver follows a
    private-zone CNAME to the generated Lattice name and then has to ask public DNS, which the sandbox does not
    simulate; that last step — a Lattice-generated name — is answered by :func:`resolve` from the Lattice API.
    """
    from lab_helpers.sim import dns

    answer = dns.resolve(lab, name, vpc_id, rtype="A")
    chain = [f"{_norm(a)} CNAME {_norm(b)}" for a, kind, b in answer.records if kind == "CNAME"]
    last = _norm([b for _, kind, b in answer.records if kind == "CNAME"][-1]) if chain else _norm(name)
    address = answer.addresses[0] if answer.addresses else None
    why = answer.steps[-1] if answer.steps else ""
    return chain, last, address, f"{answer.rcode} ({why})" if why else answer.rcode


def resolve(lab, lattice, name: str, vpc_id: str, region: str) -> Answer:
    answer = Answer(name)
    current = _norm(name)
    if not current.endswith(GENERATED_SUFFIX):
        chain, current, address, rcode = resolver_lookup(lab, current, vpc_id)
        answer.chain = chain
        if not current.endswith(GENERATED_SUFFIX):
            if address:
                answer.address = address  # a name that is not Lattice's: the caller says so
            else:
                answer.rcode = rcode
            return answer
    svc = lattice_service_for(lattice, current)
    if svc is None:
        answer.rcode = "NXDOMAIN (no Lattice service has this generated name)"
        return answer
    answer.service = svc
    answer.address = link_local_address(svc["id"], region)
    return answer
