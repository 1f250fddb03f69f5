"""The Route 53 Resolver of a VPC (`lab.resolve`) and an optional real DNS server on 127.0.0.1."""
from lab_helpers.sim.dns.resolver import (  # noqa: F401
    LINK_LOCAL_RESOLVER,
    LINK_LOCAL_RESOLVER_V6,
    MAX_CNAME_DEPTH,
    SPECIAL_USE_TLDS,
    ZONE_SOURCES,
    Answer,
    DnsServer,
    Zone,
    dns_attributes,
    fqdn,
    in_domain,
    resolve,
    resolver_addresses,
    serve,
    zone_records,
)
