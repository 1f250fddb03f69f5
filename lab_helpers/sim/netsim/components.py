"""AWS-shaped component dicts for hops (the ``Component``/``AclRule``/``RouteTableRoute`` of an explanation)."""
from __future__ import annotations

import ipaddress
from typing import Any, Optional

from lab_helpers.sim.netsim import filters
from lab_helpers.sim.netsim.packets import Packet
from lab_helpers.sim.netsim.snapshot.model import Eni, Snapshot


def component_arn(snap: Snapshot, region: str, rtype: str, rid: str) -> str:
    return f"arn:aws:ec2:{region}:{snap.account or '123456789012'}:{rtype}/{rid}"


def component(rid: str, rtype: str, snap: Snapshot, region: str) -> dict:
    return {"Id": rid, "Arn": component_arn(snap, region or (snap.regions[0] if snap.regions else ""), rtype, rid)}


def sg_rule_aws(group_id: str, rule) -> dict:
    if rule is None:
        return {}
    out = {"Direction": "egress" if rule.egress else "ingress", "SecurityGroupId": group_id,
           "Protocol": rule.protocol}
    if rule.port_from is not None:
        out["PortRange"] = {"From": rule.port_from, "To": rule.port_to}
    if rule.peer_type in ("cidr", "cidr6"):
        out["Cidr"] = rule.peer
    elif rule.peer_type == "prefix-list":
        out["PrefixListId"] = rule.peer
    return out


def acl_rule_aws(e) -> dict:
    if e is None:
        return {"RuleNumber": 32767, "RuleAction": "deny", "Cidr": "0.0.0.0/0", "Protocol": "-1"}
    out = {"Cidr": e.cidr, "Egress": e.egress, "Protocol": e.protocol, "RuleAction": e.action, "RuleNumber": e.number}
    if e.port_from is not None:
        out["PortRange"] = {"From": e.port_from, "To": e.port_to}
    return out


_ROUTE_FIELD = {"gateway": "GatewayId", "nat": "NatGatewayId", "instance": "InstanceId", "eni": "NetworkInterfaceId",
                "pcx": "VpcPeeringConnectionId", "tgw": "TransitGatewayId", "eigw": "EgressOnlyInternetGatewayId",
                "local": "GatewayId"}


def route_aws(r, state: Optional[str] = None) -> dict:
    out = {"Origin": r.origin, "State": state or r.state}
    if r.is_prefix_list:
        out["DestinationPrefixListId"] = r.destination
    else:
        out["DestinationCidr"] = r.destination
    f = _ROUTE_FIELD.get(r.target_type)
    if f:
        out[f] = r.target_id
    return out


def packet_header(p: Packet) -> dict:
    out: dict[str, Any] = {"SourceAddresses": [p.src], "DestinationAddresses": [p.dst], "Protocol": p.proto}
    if p.proto in filters.PORTED:
        out["DestinationPortRanges"] = [{"From": p.dport[0], "To": p.dport[1]}]
        out["SourcePortRanges"] = [{"From": p.sport[0], "To": p.sport[1]}]
    return out


def eni_ips(eni: Eni) -> list[str]:
    return eni.private_ips + eni.ipv6_ips


def addr_is_v6(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).version == 6
    except ValueError:
        return False


# ------------------------------------------------------------------------------------------------ entry point
