"""The small worlds incidents happen in, built through ordinary boto3 calls (so they work live too).

:func:`two_tier` is the course's standard shape: one VPC, a public subnet with ``web`` (public IP, 80/443 from the
internet) and a private subnet with ``app`` (its port open to ``web``'s security group), an internet gateway, and
optionally a NAT gateway for the private subnet and custom network ACLs. The seed chooses the VPC's second octet,
the instances' names and the app's port, so two learners never see the same ids, addresses or numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from lab_helpers.teach.compute import launch

APP_PORTS = (8080, 5432, 6379, 3306, 9000)
NAMES = ("orders", "billing", "search", "catalog", "ledger", "reports")
INCIDENT_TAG = "vpclab:incident"


class _Quiet:
    """A wait reporter that says nothing: an incident's setup must not show the learner what it builds."""

    def start(self, spec, resource_id) -> None:
        pass

    def update(self, spec, resource_id, state, elapsed) -> None:
        pass

    def finish(self, outcome) -> None:
        pass


QUIET = _Quiet()


@dataclass
class TwoTier:
    vpc: str
    cidr: str
    az: str
    public_subnet: str
    private_subnet: str
    igw: str
    public_rt: str
    private_rt: str
    web_sg: str
    app_sg: str
    web: str
    app: str
    app_port: int
    service: str  # the business name the symptom uses ("orders")
    nat: Optional[str] = None
    nacls: dict = field(default_factory=dict)  # "public"/"private" -> acl id, when custom ACLs were asked for


def first_az(lab) -> str:
    return lab.client("ec2").describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]


def azs(lab) -> list[str]:
    return [z["ZoneName"] for z in lab.client("ec2").describe_availability_zones()["AvailabilityZones"]]


def name(ec2, resource: str, value: str, kind: str) -> None:
    ec2.create_tags(Resources=[resource], Tags=[{"Key": "Name", "Value": value}, {"Key": INCIDENT_TAG,
                                                                                     "Value": kind}])


def vpc(lab, cidr: str, label: str, kind: str, dns: bool = True) -> str:
    ec2 = lab.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    if dns:
        for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
            ec2.modify_vpc_attribute(VpcId=vpc_id, **{attribute: {"Value": True}})
    name(ec2, vpc_id, label, kind)
    return vpc_id


def subnet(lab, vpc_id: str, cidr: str, az: str, label: str, kind: str) -> str:
    ec2 = lab.client("ec2")
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
    name(ec2, subnet_id, label, kind)
    return subnet_id


def table(lab, vpc_id: str, label: str, kind: str, *subnets: str) -> str:
    ec2 = lab.client("ec2")
    rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    name(ec2, rt, label, kind)
    for s in subnets:
        ec2.associate_route_table(RouteTableId=rt, SubnetId=s)
    return rt


def group(lab, vpc_id: str, label: str, kind: str, ingress=()) -> str:
    """A security group; ``ingress`` is (port, source) pairs, a source being a CIDR or a group id."""
    ec2 = lab.client("ec2")
    gid = ec2.create_security_group(VpcId=vpc_id, GroupName=f"{label}-{vpc_id[-6:]}", Description=label)["GroupId"]
    name(ec2, gid, label, kind)
    for port, source in ingress:
        allow(ec2, gid, port, source)
    return gid


def allow(ec2, group_id: str, port: int, source: str, protocol: str = "tcp") -> None:
    perm = {"IpProtocol": protocol, "FromPort": port, "ToPort": port}
    if source.startswith("sg-"):
        perm["UserIdGroupPairs"] = [{"GroupId": source}]
    elif source.startswith("pl-"):
        perm["PrefixListIds"] = [{"PrefixListId": source}]
    else:
        perm["IpRanges"] = [{"CidrIp": source}]
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[perm])


def nat_gateway(lab, subnet_id: str, kind: str) -> str:
    ec2 = lab.client("ec2")
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet_id, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    lab.wait_for("nat_gateway", nat, reporter=QUIET)
    name(ec2, nat, f"nat-{kind}", kind)
    return nat


def custom_acl(lab, vpc_id: str, subnet_id: str, label: str, kind: str, ingress, egress) -> str:
    """A network ACL with the given (rule, protocol, from, to, cidr, action) entries, associated with ``subnet_id``."""
    ec2 = lab.client("ec2")
    acl = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    name(ec2, acl, label, kind)
    for is_egress, entries in ((False, ingress), (True, egress)):
        for number, proto, low, high, cidr, action in entries:
            extra = {"PortRange": {"From": low, "To": high}} if proto in ("6", "17") else {}
            ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=number, Protocol=proto, RuleAction=action,
                                         Egress=is_egress, CidrBlock=cidr, **extra)
    current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])
    association = next(a["NetworkAclAssociationId"] for a in current["NetworkAcls"][0]["Associations"]
                       if a["SubnetId"] == subnet_id)
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)
    return acl


def two_tier(lab, rng, kind: str, *, nat: bool = False, octet: Optional[int] = None) -> TwoTier:
    """Build the standard two-tier world (see the module docstring); every choice comes from ``rng``."""
    ec2 = lab.client("ec2")
    n = octet if octet is not None else rng.randint(16, 250)
    cidr, az = f"10.{n}.0.0/16", first_az(lab)
    service, port = rng.choice(NAMES), rng.choice(APP_PORTS)
    vpc_id = vpc(lab, cidr, f"{service}-vpc", kind)
    public = subnet(lab, vpc_id, f"10.{n}.1.0/24", az, f"{service}-public", kind)
    private = subnet(lab, vpc_id, f"10.{n}.2.0/24", az, f"{service}-private", kind)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    name(ec2, igw, f"{service}-igw", kind)
    public_rt = table(lab, vpc_id, f"{service}-public-rt", kind, public)
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    private_rt = table(lab, vpc_id, f"{service}-private-rt", kind, private)
    web_sg = group(lab, vpc_id, f"{service}-web", kind, [(443, "0.0.0.0/0"), (80, "0.0.0.0/0")])
    app_sg = group(lab, vpc_id, f"{service}-app", kind, [(port, web_sg)])
    web = launch(lab, public, f"{service}-web-{rng.randint(1, 9)}", public_ip=True, security_groups=[web_sg])
    app = launch(lab, private, f"{service}-app-{rng.randint(1, 9)}", security_groups=[app_sg])
    world = TwoTier(vpc_id, cidr, az, public, private, igw, public_rt, private_rt, web_sg, app_sg, web, app, port,
                    service)
    if nat:
        world.nat = nat_gateway(lab, public, kind)
        ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=world.nat)
    return world


def flow_log(lab, vpc_id: str, users) -> str:
    """A VPC flow log into a CloudWatch Logs group, and the last hour of the users' flows (``(source, destination,
    port)``) in it — what an on-call engineer finds when the pager goes off. Returns the group's name."""
    from lab_helpers.sim.flowlogs import traffic

    group = f"/vpclab/incidents/{vpc_id}"
    account = lab.client("sts").get_caller_identity()["Account"]
    lab.client("ec2").create_flow_logs(
        ResourceIds=[vpc_id], ResourceType="VPC", TrafficType="ALL", LogGroupName=group,
        DeliverLogsPermissionArn=f"arn:aws:iam::{account}:role/vpclab-flow-logs")
    traffic.send(lab, [(src, dst, port, 20_000, 5) for src, dst, port in users], seed=len(group))
    return group


def reaches(lab, source: str, destination: str, port: int = 443) -> bool:
    return lab.trace(source, destination, port=port).reachable


def private_ip(lab, instance_id: str) -> str:
    reservation = lab.client("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"][0]
    return reservation["Instances"][0]["PrivateIpAddress"]
