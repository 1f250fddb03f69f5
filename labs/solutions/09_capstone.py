"""Reference solutions for lab 09 (capstone: multi-region inference platform). One function per exercise."""
from __future__ import annotations

from lab_helpers.sim import costs
from lab_helpers.sim.costs import Flow, Resource
from lab_helpers.teach.compute import launch

METRICS_PORT = 8428


def address_plan(regions):
    return {region: f"10.{i}.0.0/16" for i, region in enumerate(regions)}


def build_region(lab, region, cidr, role):
    ec2 = lab.client("ec2", region)
    base = cidr.split(".")
    prefix = f"{base[0]}.{base[1]}"
    az = ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc", "Tags": [
        {"Key": "Name", "Value": f"platform-{region}"}]}])["Vpc"]["VpcId"]
    for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
        ec2.modify_vpc_attribute(VpcId=vpc, **{attribute: {"Value": True}})
    public = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{prefix}.0.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
    private = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{prefix}.1.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    public_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public)
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    lab.wait_for("nat_gateway", nat, region=region)
    private_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
    ec2.associate_route_table(RouteTableId=private_rt, SubnetId=private)
    for service in ("s3", "dynamodb"):
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{region}.{service}",
                                VpcEndpointType="Gateway", RouteTableIds=[private_rt])
    sg = ec2.create_security_group(GroupName=f"{role}-{region}", Description=f"platform {role}",
                                   VpcId=vpc)["GroupId"]
    if role == "central":
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": METRICS_PORT, "ToPort": METRICS_PORT,
            "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "Prometheus remote_write from the workers"}]}])
    tgw = ec2.create_transit_gateway(Description=f"platform {region}")["TransitGateway"]["TransitGatewayId"]
    lab.wait_for("transit_gateway", tgw, region=region)
    attachment = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[private])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    instance = launch(lab, private, "metrics" if role == "central" else f"worker-{region}", security_groups=[sg],
                      region=region)
    return {"region": region, "cidr": cidr, "vpc": vpc, "public_subnet": public, "private_subnet": private,
            "private_route_table": private_rt, "nat": nat, "security_group": sg, "tgw": tgw,
            "tgw_attachment": attachment, "instance": instance}


def _default_table(ec2, tgw):
    tables = ec2.describe_transit_gateway_route_tables(
        Filters=[{"Name": "transit-gateway-id", "Values": [tgw]}])["TransitGatewayRouteTables"]
    return next((t for t in tables if t.get("DefaultAssociationRouteTable")), tables[0])["TransitGatewayRouteTableId"]


def connect_to_central(lab, spoke, central):
    spoke_ec2 = lab.client("ec2", spoke["region"])
    central_ec2 = lab.client("ec2", central["region"])
    account = lab.client("sts").get_caller_identity()["Account"]
    peering = spoke_ec2.create_transit_gateway_peering_attachment(
        TransitGatewayId=spoke["tgw"], PeerTransitGatewayId=central["tgw"], PeerAccountId=account,
        PeerRegion=central["region"])["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    central_ec2.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=peering)
    spoke_rt = _default_table(spoke_ec2, spoke["tgw"])
    central_rt = _default_table(central_ec2, central["tgw"])
    for ec2, table in ((spoke_ec2, spoke_rt), (central_ec2, central_rt)):
        ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=peering)
    spoke_ec2.create_transit_gateway_route(DestinationCidrBlock=central["cidr"], TransitGatewayRouteTableId=spoke_rt,
                                           TransitGatewayAttachmentId=peering)
    central_ec2.create_transit_gateway_route(DestinationCidrBlock=spoke["cidr"], TransitGatewayRouteTableId=central_rt,
                                             TransitGatewayAttachmentId=peering)
    spoke_ec2.create_route(RouteTableId=spoke["private_route_table"], DestinationCidrBlock="10.0.0.0/8",
                           TransitGatewayId=spoke["tgw"])
    central_ec2.create_route(RouteTableId=central["private_route_table"], DestinationCidrBlock=spoke["cidr"],
                             TransitGatewayId=central["tgw"])
    return peering


def publish_internal_names(lab, built, central_region):
    r53 = lab.client("route53")
    central = built[central_region]
    zone = r53.create_hosted_zone(Name="platform.internal", CallerReference=f"{lab.run_id}-platform",
                                  HostedZoneConfig={"PrivateZone": True, "Comment": "inference platform"},
                                  VPC={"VPCRegion": central_region, "VPCId": central["vpc"]})
    zone_id = zone["HostedZone"]["Id"].split("/")[-1]
    for region, b in built.items():
        if region != central_region:
            r53.associate_vpc_with_hosted_zone(HostedZoneId=zone_id, VPC={"VPCRegion": region, "VPCId": b["vpc"]})
    ip = lab.client("ec2", central_region).describe_instances(InstanceIds=[central["instance"]])[
        "Reservations"][0]["Instances"][0]["PrivateIpAddress"]
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {"Name": "metrics.platform.internal", "Type": "A", "TTL": 60,
                                                  "ResourceRecords": [{"Value": ip}]}}]})
    return zone_id


def platform_bill(a):
    spokes = a.regions - 1
    resources = [Resource("nat_gateway", a.regions, note="one per Region"),
                 Resource("public_ipv4", a.regions, note="each NAT gateway's Elastic IP"),
                 Resource("gateway_endpoint", 2 * a.regions, note="S3 + DynamoDB per Region"),
                 Resource("tgw_attachment", a.regions, note="one VPC attachment per Region"),
                 Resource("tgw_peering_attachment", spokes, note="spoke TGW ↔ central TGW")]
    flows = [Flow("External API calls", a.monthly_gb(a.external_gb), ["nat", "internet"]),
             Flow("S3 + DynamoDB", a.monthly_gb(a.s3_download_gb + a.s3_upload_gb + a.dynamodb_gb),
                  ["gateway_endpoint"]),
             Flow("Metrics to the central region", a.monthly_gb(a.metrics_gb, regions=spokes), ["tgw", "inter_region"])]
    return costs.monthly(resources, flows, region=a.region, hours=a.hours, title="Platform as built")


def my_design():
    # Inter-Region VPC peering has no hourly charge and the gateway endpoints are free: the cheapest design that
    # meets every requirement (TGW + gateway endpoints also fits the budget, just; interface endpoints with TGW do not).
    return {"interconnect": "vpc_peering", "s3": "gateway", "dynamodb": "gateway"}
