"""Serve EC2 Reachability Analyzer (``*NetworkInsights*``) in the sandbox, with AWS's request/response shapes.

moto does not implement these operations (moto-fidelity §1). Here they are answered by the project's engine
(:mod:`lab_helpers.sim.netsim`), the same one behind ``lab.trace``: a path is stored in the lab's shim state, an
analysis takes a describe-based snapshot of the client's Region (plus Regions reached by peering), walks the path
and stores the result as AWS's ``NetworkInsightsAnalysis`` shape.

As on AWS, ``StartNetworkInsightsAnalysis`` answers ``Status: running``; ``DescribeNetworkInsightsAnalyses``
then shows ``succeeded`` (the engine finished during the start call), ``NetworkPathFound``, the forward and
return path components, and the ``Explanations`` naming the blocking component.
"""
from __future__ import annotations

import datetime
import secrets
from typing import Any

from lab_helpers.fidelity.base import Shim, aws_error, aws_response, request_region

STORE = __name__  # shim-state key: this module owns its served state
_ARN_TYPES = {"i-": "instance", "eni-": "network-interface", "igw-": "internet-gateway", "nat-": "natgateway",
              "vpce-": "vpc-endpoint", "pcx-": "vpc-peering-connection", "tgw-attach-": "transit-gateway-attachment",
              "tgw-": "transit-gateway"}
_NOT_FOUND = {"i-": "InvalidInstanceID.NotFound", "eni-": "InvalidNetworkInterfaceID.NotFound",
              "igw-": "InvalidInternetGatewayID.NotFound", "nat-": "NatGatewayNotFound",
              "vpce-": "InvalidVpcEndpointId.NotFound", "pcx-": "InvalidVpcPeeringConnectionID.NotFound",
              "tgw-attach-": "InvalidTransitGatewayAttachmentID.NotFound", "tgw-": "InvalidTransitGatewayID.NotFound"}


def _dry_run(params):
    if params.get("DryRun"):
        return aws_error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)
    return None


def _page(items: list, params: dict, key: str) -> dict:
    """MaxResults / NextToken as AWS pages describe answers (the token is an offset here)."""
    start = int(params.get("NextToken") or 0)
    size = params.get("MaxResults") or len(items) or 1
    body: dict[str, Any] = {key: items[start:start + size]}
    if start + size < len(items):
        body["NextToken"] = str(start + size)
    return body


def _store(ctx) -> dict:
    s = ctx.store(STORE)
    s.setdefault("paths", {})
    s.setdefault("analyses", {})
    return s




def _now():
    return datetime.datetime.now(datetime.UTC)


def _prefix(rid: str) -> str:
    for p in sorted(_ARN_TYPES, key=len, reverse=True):
        if rid.startswith(p):
            return p
    return ""


def _plain_id(value: str) -> str:
    """Source/Destination may be an id or an ARN (arn:aws:ec2:region:account:instance/i-...)."""
    return value.rsplit("/", 1)[-1] if value and value.startswith("arn:") else value


def _exists(ctx, region: str, rid: str) -> bool:
    ec2 = ctx.raw_client("ec2", region)
    p = _prefix(rid)
    try:
        if p == "i-":
            return bool(ec2.describe_instances(InstanceIds=[rid])["Reservations"])
        if p == "eni-":
            return bool(ec2.describe_network_interfaces(NetworkInterfaceIds=[rid])["NetworkInterfaces"])
        if p == "igw-":
            return bool(ec2.describe_internet_gateways(InternetGatewayIds=[rid])["InternetGateways"])
        if p == "nat-":
            return any(n["State"] != "deleted" for n in ec2.describe_nat_gateways(NatGatewayIds=[rid])["NatGateways"])
        if p == "vpce-":
            return bool(ec2.describe_vpc_endpoints(VpcEndpointIds=[rid])["VpcEndpoints"])
        if p == "pcx-":
            return bool(ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[rid])["VpcPeeringConnections"])
        if p == "tgw-attach-":
            return bool(ec2.describe_transit_gateway_attachments(
                TransitGatewayAttachmentIds=[rid])["TransitGatewayAttachments"])
        if p == "tgw-":
            return bool(ec2.describe_transit_gateways(TransitGatewayIds=[rid])["TransitGateways"])
    except Exception:  # the backend's own NotFound: report it in the Reachability Analyzer's terms below
        return False
    return False


def _check_resource(ctx, region: str, value: str, parameter: str):
    rid = _plain_id(value)
    p = _prefix(rid)
    if not p:
        return aws_error("InvalidParameterValue",
                         f"The {parameter} '{value}' is not a supported resource. Use an instance, network interface, "
                         "internet gateway, NAT gateway, VPC endpoint, peering connection, transit gateway or "
                         "transit gateway attachment id (or ARN).")
    if not _exists(ctx, region, rid):
        return aws_error(_NOT_FOUND[p], f"The {parameter} '{rid}' does not exist")
    return None


def _arn(region: str, account: str, rid: str) -> str:
    return f"arn:aws:ec2:{region}:{account}:{_ARN_TYPES[_prefix(rid)]}/{rid}"


def _tags(params: dict, resource_type: str) -> list:
    for spec in params.get("TagSpecifications", []) or []:
        if spec.get("ResourceType") == resource_type:
            return list(spec.get("Tags", []))
    return []


def _filter(f: dict | None) -> dict | None:
    if not f:
        return None
    out = {k: f[k] for k in ("SourceAddress", "DestinationAddress") if f.get(k)}
    for k in ("SourcePortRange", "DestinationPortRange"):
        if f.get(k):
            out[k] = {kk: f[k][kk] for kk in ("FromPort", "ToPort") if kk in f[k]}
    return out


# ------------------------------------------------------------------------------------------------ handlers
def create_path(params, ctx, context=None, **_):
    if _dry_run(params):
        return _dry_run(params)
    region = request_region(context)
    store = _store(ctx)
    token = params.get("ClientToken")
    for path in store["paths"].values():
        if token and path["_token"] == token:
            return aws_response({"NetworkInsightsPath": _public(path)})
    if params.get("Protocol") not in ("tcp", "udp"):
        return aws_error("InvalidParameterValue", f"Protocol must be tcp or udp, not {params.get('Protocol')!r}.")
    port = params.get("DestinationPort")
    if port is not None and not 0 <= port <= 65535:  # botocore checks the model's min, never its max
        return aws_error("InvalidParameterValue", f"DestinationPort must be between 0 and 65535, not {port}.")
    for key in ("Source", "Destination"):
        if params.get(key):
            refused = _check_resource(ctx, region, params[key], key)
            if refused:
                return refused
    if not params.get("Destination") and not params.get("DestinationIp"):
        return aws_error("MissingParameter", "Specify a Destination (resource) or a DestinationIp.")
    if params.get("DestinationPort") is not None and (params.get("FilterAtSource") or {}).get("DestinationPortRange"):
        return aws_error("InvalidParameterCombination",
                         "DestinationPort cannot be combined with FilterAtSource.DestinationPortRange.")
    account = getattr(ctx, "account_id", "123456789012")
    pid = f"nip-{secrets.token_hex(9)[:17]}"
    path = {"NetworkInsightsPathId": pid, "NetworkInsightsPathArn": f"arn:aws:ec2:{region}:{account}:"
            f"network-insights-path/{pid}", "CreatedDate": _now(), "Protocol": params["Protocol"],
            "Tags": _tags(params, "network-insights-path"), "_token": token, "_region": region}
    for key in ("Source", "Destination"):
        if params.get(key):
            rid = _plain_id(params[key])
            path[key] = rid
            path[f"{key}Arn"] = params[key] if params[key].startswith("arn:") else _arn(region, account, rid)
    for key in ("SourceIp", "DestinationIp", "DestinationPort"):
        if params.get(key) is not None:
            path[key] = params[key]
    for key in ("FilterAtSource", "FilterAtDestination"):
        f = _filter(params.get(key))
        if f:
            path[key] = f
    store["paths"][pid] = path
    return aws_response({"NetworkInsightsPath": _public(path)})


def _public(item: dict) -> dict:
    return {k: v for k, v in item.items() if not k.startswith("_")}


def _not_found_path(pid):
    return aws_error("InvalidNetworkInsightsPathId.NotFound", f"The networkInsightsPath ID '{pid}' does not exist")


def _not_found_analysis(aid):
    return aws_error("InvalidNetworkInsightsAnalysisId.NotFound",
                     f"The networkInsightsAnalysis ID '{aid}' does not exist")


def start_analysis(params, ctx, context=None, **_):
    if _dry_run(params):
        return _dry_run(params)
    from lab_helpers.sim import netsim
    from lab_helpers.sim.netsim import aws_shape
    from lab_helpers.sim.netsim.trace import run

    store = _store(ctx)
    pid = params["NetworkInsightsPathId"]
    path = store["paths"].get(pid)
    if path is None:
        return _not_found_path(pid)
    region = path["_region"]
    aid = f"nia-{secrets.token_hex(9)[:17]}"
    started = _now()
    fs = path.get("FilterAtSource") or {}
    port = path.get("DestinationPort")
    if port is None and fs.get("DestinationPortRange"):
        port = fs["DestinationPortRange"].get("FromPort")
    sports = None
    if fs.get("SourcePortRange"):
        sports = (fs["SourcePortRange"].get("FromPort", 0), fs["SourcePortRange"].get("ToPort", 65535))
    body = None
    try:
        snap = netsim.capture_with_state(ctx.raw_client, ctx.state, [region])
        dest = path.get("Destination") or path.get("DestinationIp")
        result = run(snap, path["Source"], dest, port, path["Protocol"], region,
                     path.get("SourceIp") or fs.get("SourceAddress"),
                     path.get("DestinationIp") or fs.get("DestinationAddress"), sports)
        body = aws_shape.analysis_body(snap, result, aid, pid, started, region)
        body["_explanation"] = result.blocked.sentence if result.blocked and not result.reachable else ""
    except netsim.TraceInputError as err:
        body = {"NetworkInsightsAnalysisId": aid, "NetworkInsightsPathId": pid, "StartDate": started,
                "Status": "failed", "StatusMessage": str(err)}
    account = getattr(ctx, "account_id", "123456789012")
    body["NetworkInsightsAnalysisArn"] = f"arn:aws:ec2:{region}:{account}:network-insights-analysis/{aid}"
    body["Tags"] = _tags(params, "network-insights-analysis")
    body["FilterInArns"] = list(params.get("FilterInArns", []))
    body["_region"] = region
    store["analyses"][aid] = body
    running = {k: body[k] for k in ("NetworkInsightsAnalysisId", "NetworkInsightsAnalysisArn",
                                    "NetworkInsightsPathId", "StartDate", "Tags", "FilterInArns")}
    running["Status"] = "running"  # as AWS answers; describe_network_insights_analyses shows the result
    return aws_response({"NetworkInsightsAnalysis": running})


def _filters(params) -> dict:
    return {f["Name"]: set(f.get("Values", [])) for f in params.get("Filters", []) or []}


def describe_paths(params, ctx, context=None, **_):
    if _dry_run(params):
        return _dry_run(params)
    store = _store(ctx)
    ids = params.get("NetworkInsightsPathIds") or []
    for pid in ids:
        if pid not in store["paths"]:
            return _not_found_path(pid)
    flt = _filters(params)
    out = []
    for pid, path in store["paths"].items():
        if ids and pid not in ids:
            continue
        if "source" in flt and path.get("Source") not in flt["source"]:
            continue
        if "destination" in flt and path.get("Destination") not in flt["destination"]:
            continue
        if "protocol" in flt and path.get("Protocol") not in flt["protocol"]:
            continue
        if "destination-port" in flt and str(path.get("DestinationPort")) not in flt["destination-port"]:
            continue
        out.append(_public(path))
    return aws_response(_page(out, params, "NetworkInsightsPaths"))


def describe_analyses(params, ctx, context=None, **_):
    if _dry_run(params):
        return _dry_run(params)
    store = _store(ctx)
    ids = params.get("NetworkInsightsAnalysisIds") or []
    for aid in ids:
        if aid not in store["analyses"]:
            return _not_found_analysis(aid)
    pid = params.get("NetworkInsightsPathId")
    if pid and pid not in store["paths"]:
        return _not_found_path(pid)
    flt = _filters(params)
    out = []
    for aid, a in store["analyses"].items():
        if ids and aid not in ids:
            continue
        if pid and a["NetworkInsightsPathId"] != pid:
            continue
        if "path-found" in flt and str(a.get("NetworkPathFound")).lower() not in flt["path-found"]:
            continue
        if "status" in flt and a.get("Status") not in flt["status"]:
            continue
        out.append(_public(a))
    return aws_response(_page(out, params, "NetworkInsightsAnalyses"))


def delete_analysis(params, ctx, context=None, **_):
    if _dry_run(params):
        return _dry_run(params)
    store = _store(ctx)
    aid = params["NetworkInsightsAnalysisId"]
    if store["analyses"].pop(aid, None) is None:
        return _not_found_analysis(aid)
    return aws_response({"NetworkInsightsAnalysisId": aid})


def delete_path(params, ctx, context=None, **_):
    if _dry_run(params):
        return _dry_run(params)
    store = _store(ctx)
    pid = params["NetworkInsightsPathId"]
    if pid not in store["paths"]:
        return _not_found_path(pid)
    if any(a["NetworkInsightsPathId"] == pid for a in store["analyses"].values()):
        return aws_error("AnalysisExistsForNetworkInsightsPath",
                         f"The path {pid} still has analyses: delete them first (delete_network_insights_analysis).")
    del store["paths"][pid]
    return aws_response({"NetworkInsightsPathId": pid})


SHIMS = [
    Shim("ec2", "CreateNetworkInsightsPath", "call", "Reachability Analyzer: served (moto lacks it)", create_path),
    Shim("ec2", "StartNetworkInsightsAnalysis", "call", "Reachability Analyzer: served by lab_helpers.sim.netsim",
         start_analysis),
    Shim("ec2", "DescribeNetworkInsightsPaths", "call", "Reachability Analyzer: served", describe_paths),
    Shim("ec2", "DescribeNetworkInsightsAnalyses", "call", "Reachability Analyzer: served", describe_analyses),
    Shim("ec2", "DeleteNetworkInsightsAnalysis", "call", "Reachability Analyzer: served", delete_analysis),
    Shim("ec2", "DeleteNetworkInsightsPath", "call", "Reachability Analyzer: a path with analyses cannot be deleted",
         delete_path),
]
