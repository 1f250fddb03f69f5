"""Elastic IP addresses are public IPv4 addresses; moto allocates them from 127.0.0.0/8.

moto's ``AllocateAddress`` draws every Elastic IP from loopback (``moto.ec2.utils.random_ip``), so a NAT gateway,
an instance or a network interface that takes one showed "public address 127.190.189.141" — in a course that
teaches what makes an address public. AWS allocates Elastic IPs from Amazon's pool of public IPv4 addresses
(https://docs.aws.amazon.com/vpc/latest/userguide/vpc-eips.html). The fix is at the root: when a request names no
``Address`` (a request that does — an address pool you bring, or an address you recover — is left alone), the
sandbox picks a free address from :data:`SANDBOX_EIP_POOL` and passes it to moto as ``Address``. moto then stores
it, so every describe answer that shows the address — ``DescribeAddresses``, ``DescribeNatGateways``, an
instance's ``PublicIpAddress``, a network interface's ``Association`` — agrees, with nothing to patch afterwards.
"""
from __future__ import annotations

import ipaddress
import random
from collections.abc import Iterable

from lab_helpers.data.aws_docs import sourced
from lab_helpers.fidelity.base import Shim, request_region

# A block of globally routable (public) IPv4 space, outside every range the course teaches as non-public:
# RFC 1918, 100.64.0.0/10 (shared), 169.254.0.0/16 (link-local), 127.0.0.0/8 (loopback). moto's own automatic
# public IPs (launch with a public IP) come from 54.214.0.0/16, so the two never collide.
SANDBOX_EIP_POOL = ipaddress.ip_network("3.208.0.0/12")


def is_public_ipv4(address: str) -> bool:
    """True for a globally routable IPv4 address: what AWS means by a *public* IPv4 address."""
    ip = ipaddress.ip_address(address)
    return ip.version == 4 and ip.is_global


def pick_public_address(taken: Iterable[str], rng: random.Random | None = None) -> str:
    """A free address of :data:`SANDBOX_EIP_POOL`: never the network or broadcast address, never one in ``taken``."""
    rng = rng or random.SystemRandom()
    used = set(taken)
    size = SANDBOX_EIP_POOL.num_addresses
    while True:
        candidate = str(SANDBOX_EIP_POOL.network_address + rng.randrange(1, size - 1))
        if candidate not in used:
            return candidate


def allocate_public_address(params, ctx, context=None, **_):
    if params.get("Address") or params.get("PublicIpv4Pool") or params.get("IpamPoolId"):
        return  # the caller chose the address (or its pool): AWS honours it, so does the sandbox
    ec2 = ctx.raw_client("ec2", request_region(context))
    taken = [a.get("PublicIp", "") for a in ec2.describe_addresses().get("Addresses", [])]
    params["Address"] = pick_public_address(taken)


SHIMS = [
    Shim("ec2", "AllocateAddress", "params",
         sourced("An Elastic IP address is a public IPv4 address (moto allocates from 127.0.0.0/8)", "elastic-ip"),
         allocate_public_address),
]
