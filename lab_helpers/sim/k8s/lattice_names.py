"""The names and addresses VPC Lattice gives out — facts both the served control plane and the data plane need.

The control plane (:mod:`lab_helpers.fidelity.vpc_lattice`) writes them into ``CreateService`` answers; the data
plane (:mod:`.resolver`, :mod:`.health`, :mod:`.dataplane`) reads them back when a request or a health check
travels. Keeping them here, below both, means the two always agree:

* a service's **generated domain name** ``<name>-<id without svc->.<partition id>.vpc-lattice-svcs.<region>.on.aws``
  in a Route 53 zone AWS owns (one per Region);
* the **link-local** 169.254.171.x address that name resolves to (reachable only from inside a VPC);
* the **managed prefix lists** Lattice sends from, which target security groups must allow.
"""
from __future__ import annotations

import hashlib

# The managed prefix lists Lattice sends from: target security groups must allow them.
PREFIX_LIST_IPV4 = "com.amazonaws.{region}.vpc-lattice"
PREFIX_LIST_IPV6 = "com.amazonaws.{region}.ipv6.vpc-lattice"
LINK_LOCAL_IPV4 = "169.254.171.0/24"


def partition_id(account: str, region: str) -> str:
    """The 7-hex-digit label Lattice puts in generated names; fixed per account and Region (like AWS's)."""
    return hashlib.sha256(f"{account}:{region}".encode()).hexdigest()[:7]


def generated_domain_name(service_name: str, service_id: str, account: str, region: str) -> str:
    """``<service-name>-<service id without "svc-">.<partition id>.vpc-lattice-svcs.<region>.on.aws``."""
    return (f"{service_name}-{service_id.removeprefix('svc-')}.{partition_id(account, region)}"
            f".vpc-lattice-svcs.{region}.on.aws")


def hosted_zone_id(region: str) -> str:
    """The Route 53 zone Lattice's generated names live in (one per Region, owned by AWS)."""
    return "Z" + hashlib.sha256(f"lattice:{region}".encode()).hexdigest()[:13].upper()


def link_local_address(service_id: str, region: str) -> str:
    """The 169.254.171.x address a generated name resolves to (link-local: only reachable from inside a VPC)."""
    host = int(hashlib.sha256(f"{service_id}:{region}".encode()).hexdigest(), 16) % 254 + 1
    return f"169.254.171.{host}"


def lattice_source_ip(region: str) -> str:
    """A representative Lattice source address (targets see one from 169.254.171.0/24)."""
    return "169.254.171.7"
