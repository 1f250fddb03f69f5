"""Lattice's health checker: what ``ListTargets`` reports for each target, found the way Lattice finds it.

A health check is an HTTP request from Lattice's link-local range (the managed prefix list
``com.amazonaws.<region>.vpc-lattice``, 169.254.171.0/24) to the target's IP and health-check port. It fails when

1. the security groups on the target's network interface do not allow that source on that port (the packet is
   dropped, so the check times out: ``Target.Timeout``), or
2. nothing answers on that IP and port (``Target.FailedHealthChecks``), or
3. the answer's status code is not in the matcher (``Target.ResponseCodeMismatch``; default matcher 200).

We report the steady state — what ``ListTargets`` shows once the healthy/unhealthy thresholds have been crossed —
because a lab reads health after the fact, not during the first interval.

This is data-plane simulation (packets, security groups, a pod answering), so it lives with the Kubernetes model;
the served control plane (:mod:`lab_helpers.fidelity.vpc_lattice`) calls :func:`check_target` from ``ListTargets``.

The world is read through EC2 describe calls only. What answers on an IP is the lab's "hosts" table
(``shim_state[HOSTS_KEY]``): the workloads the lab runs (the Kubernetes model's pods) register a handler per
``(ip, port)`` there, as processes listening on a socket.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Optional

from lab_helpers.sim.k8s.lattice_names import LINK_LOCAL_IPV4, lattice_source_ip

HOSTS_KEY = "vpclab.hosts"  # shim_state key: {(ip, port): handler(method, path, headers) -> (status, body, meta)}

# Lattice's health-check defaults for IP/instance targets (user guide, "Health checks for your target groups").
DEFAULT_HEALTH_CHECK = {
    "enabled": True, "protocol": "HTTP", "protocolVersion": "HTTP1", "path": "/",
    "healthCheckIntervalSeconds": 30, "healthCheckTimeoutSeconds": 5,
    "healthyThresholdCount": 5, "unhealthyThresholdCount": 2, "matcher": {"httpCode": "200"},
}


def prefix_list_cidrs(ec2, prefix_list_id: str, cache: Optional[dict] = None) -> list[str]:
    if cache is not None and prefix_list_id in cache:
        return cache[prefix_list_id]
    entries = ec2.get_managed_prefix_list_entries(PrefixListId=prefix_list_id)["Entries"]
    cidrs = [e["Cidr"] for e in entries]
    if cache is not None:
        cache[prefix_list_id] = cidrs
    return cidrs


def port_ok(perm: dict, port: int, protocol: str) -> bool:
    proto = str(perm.get("IpProtocol", "-1"))
    if proto == "-1":
        return True
    if proto not in (protocol, {"tcp": "6", "udp": "17"}.get(protocol)):
        return False
    return perm.get("FromPort", 0) <= port <= perm.get("ToPort", 65535)


def sg_allows(ec2, group_ids: list[str], source_ip: str, port: int, protocol: str = "tcp",
              cache: Optional[dict] = None) -> tuple[bool, str]:
    """Does any of ``group_ids`` allow ``source_ip`` in on ``port``? Returns (allowed, which rule or why not).

    Security groups are allow-lists evaluated as a union: one matching rule in any group admits the packet.
    A rule can name the source by CIDR or by prefix list; a rule that references another security group never
    matches Lattice, whose addresses belong to no group in your VPC.
    """
    addr = ipaddress.ip_address(source_ip)
    groups = ec2.describe_security_groups(GroupIds=list(group_ids))["SecurityGroups"] if group_ids else []
    for group in groups:
        for perm in group.get("IpPermissions", []):
            if not port_ok(perm, port, protocol):
                continue
            for rng in perm.get("IpRanges", []):
                if addr in ipaddress.ip_network(rng["CidrIp"], strict=False):
                    return True, f"{group['GroupId']} allows {rng['CidrIp']} on {port}"
            for pl in perm.get("PrefixListIds", []):
                if any(addr in ipaddress.ip_network(c, strict=False)
                       for c in prefix_list_cidrs(ec2, pl["PrefixListId"], cache)):
                    return True, f"{group['GroupId']} allows prefix list {pl['PrefixListId']} on {port}"
    names = ", ".join(g["GroupId"] for g in groups) or "no security group"
    return False, (f"{names} has no inbound rule for {source_ip} (Lattice, {LINK_LOCAL_IPV4}) on "
                   f"{protocol}/{port}")


def eni_for_ip(ec2, ip: str, vpc_id: Optional[str] = None) -> Optional[dict]:
    """The network interface that holds ``ip`` (primary or secondary — pod IPs are secondary addresses).

    We list the VPC's interfaces and look at every address ourselves: moto's ``addresses.private-ip-address``
    filter ignores secondary addresses, and reading them all works the same against AWS.
    """
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}] if vpc_id else []
    for page in ec2.get_paginator("describe_network_interfaces").paginate(Filters=filters):
        for eni in page["NetworkInterfaces"]:
            if any(a.get("PrivateIpAddress") == ip for a in eni.get("PrivateIpAddresses", [])) or \
                    eni.get("PrivateIpAddress") == ip:
                return eni
    return None


def matcher_accepts(matcher: dict, status: int) -> bool:
    """Lattice matchers: "200", "200,202", or a range "200-299"."""
    for part in str((matcher or {}).get("httpCode", "200")).split(","):
        part = part.strip()
        if "-" in part:
            low, high = part.split("-")
            if int(low) <= status <= int(high):
                return True
        elif part and int(part) == status:
            return True
    return False


def check_target(ec2, hosts: dict, tg: dict, target: dict, region: str,
                 cache: Optional[dict] = None) -> tuple[str, Optional[str]]:
    """(status, reasonCode) of one IP target of ``tg`` after its health checks have settled."""
    hc = tg["config"].get("healthCheck", DEFAULT_HEALTH_CHECK)
    port = hc.get("port") or target["port"]
    eni = eni_for_ip(ec2, target["id"], tg["config"].get("vpcIdentifier"))
    if eni is None:
        return "UNHEALTHY", "Target.Timeout"  # no interface holds that address: nothing can answer
    allowed, _ = sg_allows(ec2, [g["GroupId"] for g in eni.get("Groups", [])], lattice_source_ip(region), port,
                           cache=cache)
    if not allowed:
        return "UNHEALTHY", "Target.Timeout"
    handler: Optional[Callable] = hosts.get((target["id"], port))
    if handler is None:
        return "UNHEALTHY", "Target.FailedHealthChecks"
    status = handler("GET", hc.get("path") or "/", {"user-agent": "Amazon-VPC-Lattice-HealthChecker"})[0]
    if not matcher_accepts(hc.get("matcher"), status):
        return "UNHEALTHY", "Target.ResponseCodeMismatch"
    return "HEALTHY", None
