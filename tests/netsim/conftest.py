"""Shared helpers for the netsim scenario suite.

Every scenario is asserted twice, through the two faces of the one engine:
``lab.trace`` (the learner API) and the served EC2 Reachability Analyzer API (create path, start analysis,
describe analyses), so a divergence between them fails the test.
"""
from __future__ import annotations

import ipaddress
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import lab_helpers  # noqa: E402


@pytest.fixture(scope="module")
def lab():
    lab = lab_helpers.start_lab("01_vpc_basics", quiet=True)
    yield lab
    lab.teardown()


def _is_resource(x: str) -> bool:
    return any(str(x).startswith(p) for p in ("i-", "eni-", "igw-", "nat-", "vpce-", "pcx-", "tgw-"))


def verify(lab, source, destination, *, reachable: bool, port=443, protocol="tcp", code=None, direction=None,
           api_source=None, destination_ip=None, source_ip=None, blocked_by=None, via=None, region=None,
           api_ip_only=False):
    """Trace ``source`` -> ``destination`` with lab.trace AND the served API; assert both agree with the expectation.

    ``code``: the expected explanation code; ``direction``: "forward"/"return" leg that blocks;
    ``blocked_by``: expected blocking component id; ``via``: a component id that must appear on the forward path.
    """
    r = lab.trace(source, destination, port=port, protocol=protocol, destination_ip=destination_ip,
                  source_ip=source_ip)
    assert r.reachable is reachable, str(r)
    if code:
        assert r.code == code, str(r)
        assert r.explanation and code in r.explanation
    if direction:
        assert r.engine.blocked.direction == direction, str(r)
    if blocked_by:
        assert r.engine.blocked.component_id == blocked_by, str(r)
    if via:
        assert any(h.component_id == via for h in r.forward_hops), str(r)
    # -- the AWS face ----------------------------------------------------------------------------------------
    ec2 = lab.client("ec2", region)
    src = api_source or source
    kw = {"Source": src, "Protocol": protocol, "DestinationPort": port}
    if _is_resource(destination) and not api_ip_only:
        kw["Destination"] = destination
        if destination_ip:
            kw["DestinationIp"] = destination_ip
    else:
        kw["DestinationIp"] = r.engine.destination.ip
    if source_ip:
        kw["SourceIp"] = source_ip
    path = ec2.create_network_insights_path(**kw)["NetworkInsightsPath"]
    started = ec2.start_network_insights_analysis(NetworkInsightsPathId=path["NetworkInsightsPathId"])
    aid = started["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
    got = ec2.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[aid])["NetworkInsightsAnalyses"][0]
    assert got["Status"] == "succeeded", got
    assert got["NetworkPathFound"] is reachable, got
    if reachable:
        assert got["Explanations"] == [] and got["ForwardPathComponents"] and got["ReturnPathComponents"] is not None
    else:
        assert got["Explanations"], got
        if code:
            assert got["Explanations"][0]["ExplanationCode"] == code, got["Explanations"]
        if blocked_by:
            assert got["Explanations"][0]["Component"]["Id"] == blocked_by
    ec2.delete_network_insights_analysis(NetworkInsightsAnalysisId=aid)
    ec2.delete_network_insights_path(NetworkInsightsPathId=path["NetworkInsightsPathId"])
    return r


def first_ip(cidr: str, n: int = 10) -> str:
    return str(ipaddress.ip_network(cidr).network_address + n)
