"""Name resolution for the Lattice data plane: the one place that turns a host name into a Lattice service.

Two kinds of names reach Lattice:

* the **generated name** ``<service>-<id>.<partition>.vpc-lattice-svcs.<region>.on.aws`` — public DNS that answers
  with link-local addresses (169.254.171.x), so it only *works* from inside a VPC associated with the network;
* a **custom domain** (``api.example.com``) — you publish it yourself, normally as a Route 53 private hosted zone
  CNAME to the generated name. Only VPCs associated with the zone can read it (others get NXDOMAIN).

:func:`resolve` follows that chain. The private-hosted-zone step is :func:`phz_lookup`; when the project's DNS
resolver (``lab.resolve``) is available it is used instead, so both labs answer the same.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..fidelity.lattice import rules

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


def phz_lookup(lab, name: str, vpc_id: str, region: str) -> tuple[Optional[str], str]:
    """(CNAME target or None, rcode) for ``name`` in the private hosted zones associated with ``vpc_id``."""
    if _shared_resolver_available():
        from .. import dns

        result = dns.resolve(lab, name, vpc_id, rtype="CNAME")
        target = getattr(result, "cname", None) or getattr(result, "target", None)
        return (target, "NOERROR") if target else (None, getattr(result, "rcode", "NXDOMAIN"))
    r53 = lab.client("route53")
    zones = r53.list_hosted_zones_by_vpc(VPCId=vpc_id, VPCRegion=region)["HostedZoneSummaries"]
    wanted = _norm(name)
    best = None
    for zone in zones:
        zname = _norm(zone["Name"])
        if (wanted == zname or wanted.endswith("." + zname)) and (best is None or len(zname) > len(_norm(best["Name"]))):
            best = zone
    if best is None:
        return None, "NXDOMAIN (no private hosted zone of this VPC covers the name; public DNS does not know it)"
    records = r53.list_resource_record_sets(HostedZoneId=best["HostedZoneId"])["ResourceRecordSets"]
    for rec in records:
        if _norm(rec["Name"]) == wanted and rec["Type"] == "CNAME":
            return rec["ResourceRecords"][0]["Value"], "NOERROR"
    return None, f"NXDOMAIN (zone {best['Name']} has no record {name})"


def _shared_resolver_available() -> bool:
    """The project's resolver (branch ``sims``) replaces the private-zone walk below once it is merged."""
    try:
        from .. import dns
    except ImportError:
        return False
    return hasattr(dns, "resolve") and getattr(dns, "LATTICE_COMPATIBLE", False)


def resolve(lab, lattice, name: str, vpc_id: str, region: str) -> Answer:
    answer = Answer(name)
    current = _norm(name)
    for _ in range(5):  # CNAME chains are short; a loop guard, not a limit anyone meets
        if current.endswith(GENERATED_SUFFIX):
            svc = lattice_service_for(lattice, current)
            if svc is None:
                answer.rcode = "NXDOMAIN (no Lattice service has this generated name)"
                return answer
            answer.service = svc
            answer.address = rules.link_local_address(svc["id"], region)
            return answer
        target, rcode = phz_lookup(lab, current, vpc_id, region)
        if target is None:
            answer.rcode = rcode
            return answer
        answer.chain.append(f"{current} CNAME {_norm(target)}")
        current = _norm(target)
    answer.rcode = "SERVFAIL (CNAME loop)"
    return answer
