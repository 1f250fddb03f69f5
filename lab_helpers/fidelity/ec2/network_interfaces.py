"""Network interfaces: the primary private address is the one in the interface's address list.

moto keeps a network interface's scalar ``PrivateIpAddress`` at the address it first drew, even after that address
is released (the endpoint shims move an interface endpoint's address into its subnet, :mod:`.endpoints`). AWS
reports the primary private IPv4 address in both places
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInterface.html), so the scalar follows the list.
"""
from __future__ import annotations

from lab_helpers.fidelity.base import Shim


def primary_address(interface: dict) -> None:
    """Make ``PrivateIpAddress`` the list's primary address (the first, when none is flagged)."""
    listed = interface.get("PrivateIpAddresses") or []
    if not listed or interface.get("PrivateIpAddress") in {a.get("PrivateIpAddress") for a in listed}:
        return
    primary = next((a for a in listed if a.get("Primary")), listed[0])
    primary["Primary"] = True
    interface["PrivateIpAddress"] = primary["PrivateIpAddress"]
    if primary.get("PrivateDnsName"):
        interface["PrivateDnsName"] = primary["PrivateDnsName"]


def interfaces_described(parsed, ctx, **_):
    for interface in parsed.get("NetworkInterfaces", []):
        primary_address(interface)


SHIMS = [Shim("ec2", "DescribeNetworkInterfaces", "result",
              "A network interface's PrivateIpAddress is its primary address (API_NetworkInterface)",
              interfaces_described)]
