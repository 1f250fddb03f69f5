"""Helpers for the netsim scenarios: small boto3 builders that return plain ids (so tests read like lab steps),
and ``verify``, which asserts one scenario through both faces of the engine — ``lab.trace`` and the served EC2
Reachability Analyzer API (create path, start analysis, describe analyses) — so a divergence fails the test."""
from __future__ import annotations

import ipaddress

AMI = "ami-12c6146b"


def vpc(ec2, cidr, name=""):
    v = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    if name:
        ec2.create_tags(Resources=[v], Tags=[{"Key": "Name", "Value": name}])
    return v


def subnet(ec2, vpc_id, cidr, az):
    return ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]


def route_table(ec2, vpc_id, *subnets):
    rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    for s in subnets:
        ec2.associate_route_table(RouteTableId=rt, SubnetId=s)
    return rt


def igw(ec2, vpc_id):
    g = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=g, VpcId=vpc_id)
    return g


def sg(ec2, vpc_id, name, ingress=(), egress_all=True):
    g = ec2.create_security_group(VpcId=vpc_id, GroupName=name, Description=name)["GroupId"]
    perms = []
    for proto, port, peer in ingress:
        p = {"IpProtocol": proto, "FromPort": port, "ToPort": port}
        if peer.startswith("sg-"):
            p["UserIdGroupPairs"] = [{"GroupId": peer}]
        elif peer.startswith("pl-"):
            p["PrefixListIds"] = [{"PrefixListId": peer}]
        else:
            p["IpRanges"] = [{"CidrIp": peer}]
        perms.append(p)
    if perms:
        ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=perms)
    if not egress_all:
        ec2.revoke_security_group_egress(GroupId=g, IpPermissions=[{"IpProtocol": "-1",
                                                                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return g


def instance(ec2, subnet_id, groups, public=False):
    ni = {"DeviceIndex": 0, "SubnetId": subnet_id, "Groups": list(groups), "AssociatePublicIpAddress": public}
    return ec2.run_instances(ImageId=AMI, MinCount=1, MaxCount=1, NetworkInterfaces=[ni])["Instances"][0]["InstanceId"]


def nat(ec2, subnet_id):
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    return ec2.create_nat_gateway(SubnetId=subnet_id, AllocationId=eip)["NatGateway"]["NatGatewayId"]


def prefix_list(ec2, service, region="us-east-1"):
    name = f"com.amazonaws.{region}.{service}"
    return next(p["PrefixListId"] for p in ec2.describe_managed_prefix_lists()["PrefixLists"]
                if p["PrefixListName"] == name)


# ----------------------------------------------------------------- both faces of the engine, one assertion
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
