"""The Route 53 Resolver of a VPC (`lab.resolve`) and an optional real DNS server on 127.0.0.1.

- :mod:`~lab_helpers.sim.dns.zones`: what the VPC's Resolver can see (DNS attributes, zones, endpoints, rules)
- :mod:`~lab_helpers.sim.dns.resolver`: which of them answers a query, and why (:func:`resolve`)
- :mod:`~lab_helpers.sim.dns.server`: the same answers over UDP on 127.0.0.1 (:func:`serve`)
- :mod:`~lab_helpers.sim.dns.wire`: the DNS wire format the server speaks
"""
from lab_helpers.sim.dns.resolver import (
    LINK_LOCAL_RESOLVER,
    LINK_LOCAL_RESOLVER_V6,
    MAX_CNAME_DEPTH,
    SPECIAL_USE_TLDS,
    ZONE_SOURCES,
    Answer,
    resolve,
    resolver_addresses,
)
from lab_helpers.sim.dns.server import DnsServer, serve
from lab_helpers.sim.dns.zones import Zone, dns_attributes, fqdn, in_domain, zone_records

__all__ = [
    "LINK_LOCAL_RESOLVER", "LINK_LOCAL_RESOLVER_V6", "MAX_CNAME_DEPTH", "SPECIAL_USE_TLDS", "ZONE_SOURCES",
    "Answer", "DnsServer", "Zone", "dns_attributes", "fqdn", "in_domain", "resolve", "resolver_addresses", "serve",
    "zone_records",
]
