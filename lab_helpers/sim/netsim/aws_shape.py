"""The engine's result in AWS's ``NetworkInsightsAnalysis`` shape (botocore ec2 service-2.json).

``PathComponent`` and ``Explanation`` use only members AWS defines; the learner-facing sentence lives on
``TraceResult.explanation`` instead, because AWS responses carry codes, not prose.
"""
from __future__ import annotations

from lab_helpers.sim.netsim.components import component_arn
from lab_helpers.sim.netsim.packets import Analysis, Hop
from lab_helpers.sim.netsim.snapshot.model import Snapshot

_TYPE_FOR_ARN = {"instance": "instance", "network-interface": "network-interface", "security-group": "security-group",
                 "network-acl": "network-acl", "route-table": "route-table", "internet-gateway": "internet-gateway",
                 "nat-gateway": "natgateway", "vpc-endpoint": "vpc-endpoint", "vpc-peering-connection":
                 "vpc-peering-connection", "transit-gateway": "transit-gateway", "transit-gateway-attachment":
                 "transit-gateway-attachment", "transit-gateway-route-table": "transit-gateway-route-table",
                 "subnet": "subnet", "vpc": "vpc", "egress-only-internet-gateway": "egress-only-internet-gateway"}


def _component(snap: Snapshot, rid: str, rtype: str, region: str) -> dict:
    if rtype in _TYPE_FOR_ARN and rid:
        first = rid.split(",")[0]
        return {"Id": first, "Arn": component_arn(snap, region or snap.regions[0], _TYPE_FOR_ARN[rtype], first)}
    return {"Id": rid, "Name": rtype}


def path_components(snap: Snapshot, hops: list[Hop]) -> list[dict]:
    out = []
    for n, h in enumerate(hops, 1):
        pc = {"SequenceNumber": n, "Component": _component(snap, h.component_id, h.component_type, h.region)}
        if h.vpc_id:
            pc["Vpc"] = _component(snap, h.vpc_id, "vpc", h.region)
        if h.subnet_id:
            pc["Subnet"] = _component(snap, h.subnet_id, "subnet", h.region)
        for key in ("AclRule", "RouteTableRoute", "SecurityGroupRule", "InboundHeader", "OutboundHeader",
                    "TransitGateway", "TransitGatewayRouteTableRoute"):
            if h.aws.get(key):
                pc[key] = h.aws[key]
        out.append(pc)
    return out


def explanations(snap: Snapshot, a: Analysis) -> list[dict]:
    b = a.blocked
    if b is None or a.reachable:
        return []
    region = a.source.region or (snap.regions[0] if snap.regions else "")
    exp = {"ExplanationCode": b.code, "Component": _component(snap, b.component_id, b.component_type, region)}
    for key, value in b.aws.items():
        if value not in (None, "", []):
            exp[key] = value
    return [exp]


def analysis_body(snap: Snapshot, a: Analysis, analysis_id: str, path_id: str, start_date, region: str) -> dict:
    return {
        "NetworkInsightsAnalysisId": analysis_id,
        "NetworkInsightsAnalysisArn": f"arn:aws:ec2:{region}:{snap.account or '123456789012'}:"
                                      f"network-insights-analysis/{analysis_id}",
        "NetworkInsightsPathId": path_id,
        "StartDate": start_date,
        "Status": "succeeded",
        "NetworkPathFound": bool(a.reachable),
        "ForwardPathComponents": path_components(snap, a.forward),
        "ReturnPathComponents": path_components(snap, a.ret),
        "Explanations": explanations(snap, a),
        "Tags": [],
    }
