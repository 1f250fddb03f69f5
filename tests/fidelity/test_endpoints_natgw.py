"""Endpoint rules (a gateway endpoint's Region, private DNS, acceptance) and NAT gateway secondary addresses, as the
lab session sees them (AWS docs: s3-gateway-endpoint, vpc-dns, endpoint-service, nat-gateway-basics)."""
import pytest

from lab_helpers.fidelity.ec2 import endpoints
from lab_helpers.fidelity.ec2 import nat_gateways as natgw
from lab_helpers.sim import nat


def _vpc(ec2, dns=True):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    if dns:
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    sub = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    return vpc, sub


def test_rules_are_pure_functions():
    assert endpoints.other_region_service("com.amazonaws.eu-west-1.s3", "us-east-1")[0] == "InvalidServiceName"
    assert endpoints.other_region_service("com.amazonaws.us-east-1.s3", "us-east-1") is None
    assert endpoints.other_region_service("com.amazonaws.vpce.us-east-1.vpce-svc-1", "us-east-1") is None
    assert endpoints.private_dns_needs_vpc_dns("vpc-1", True, False)[0] == "InvalidParameter"
    assert endpoints.private_dns_needs_vpc_dns("vpc-1", True, True) is None
    assert natgw.too_many(7, 1) is None and natgw.too_many(7, 2)[0] == "InvalidParameterValue"


def test_cross_region_rule_is_per_endpoint_type_and_service():
    rule = endpoints.other_region_service
    assert rule("com.amazonaws.us-west-2.s3", "us-east-1", "Gateway", "us-west-2")[0] == "InvalidServiceName"
    assert "ServiceRegion" in rule("com.amazonaws.us-west-2.ecr.api", "us-east-1", "Interface")[1]
    assert rule("com.amazonaws.us-west-2.ecr.api", "us-east-1", "Interface", "us-west-2") is None
    assert rule("com.amazonaws.us-west-2.s3", "us-east-1", "Interface", "us-west-2") is None
    assert "does not support" in rule("com.amazonaws.us-west-2.logs", "us-east-1", "Interface", "us-west-2")[1]


def test_interface_endpoint_to_another_region_with_service_region(lab):
    ec2 = lab.client("ec2")
    vpc, sub = _vpc(ec2)
    ep = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-west-2.ecr.api", VpcEndpointType="Interface",
                                 SubnetIds=[sub], ServiceRegion="us-west-2", PrivateDnsEnabled=False)["VpcEndpoint"]
    described = ec2.describe_vpc_endpoints(VpcEndpointIds=[ep["VpcEndpointId"]])["VpcEndpoints"][0]
    assert ep["ServiceRegion"] == described["ServiceRegion"] == "us-west-2"
    with pytest.raises(ec2.exceptions.ClientError) as err:  # not a cross-Region enabled service
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-west-2.logs", VpcEndpointType="Interface",
                                SubnetIds=[sub], ServiceRegion="us-west-2", PrivateDnsEnabled=False)
    assert err.value.response["Error"]["Code"] == "InvalidServiceName"


def test_endpoint_to_another_region_does_not_exist(lab):
    ec2 = lab.client("ec2")
    vpc, _ = _vpc(ec2)
    with pytest.raises(ec2.exceptions.ClientError) as err:
        ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.eu-west-1.s3")
    assert err.value.response["Error"]["Code"] == "InvalidServiceName"
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3")  # same Region works


def test_private_dns_needs_both_vpc_dns_attributes(lab):
    ec2 = lab.client("ec2")
    vpc, sub = _vpc(ec2, dns=False)
    args = dict(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.logs", VpcEndpointType="Interface", SubnetIds=[sub])
    with pytest.raises(ec2.exceptions.ClientError) as err:
        ec2.create_vpc_endpoint(**args)  # PrivateDnsEnabled defaults to true
    assert err.value.response["Error"]["Code"] == "InvalidParameter"
    assert "enableDnsHostnames" in err.value.response["Error"]["Message"]
    ec2.create_vpc_endpoint(**args, PrivateDnsEnabled=False)  # without private DNS it is allowed
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    ec2.create_vpc_endpoint(**args)


def test_acceptance_required_waits_for_the_provider(lab):
    ec2, elb = lab.client("ec2"), lab.client("elbv2")
    vpc, sub = _vpc(ec2)
    nlb = elb.create_load_balancer(Name="provider", Subnets=[sub], Type="network", Scheme="internal")
    svc = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb["LoadBalancers"][0]["LoadBalancerArn"]], AcceptanceRequired=True)
    svc = svc["ServiceConfiguration"]
    ep = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=svc["ServiceName"], VpcEndpointType="Interface",
                                 SubnetIds=[sub])["VpcEndpoint"]
    assert ep["State"] == "pendingAcceptance"
    conns = ec2.describe_vpc_endpoint_connections(Filters=[{"Name": "service-id", "Values": [svc["ServiceId"]]}])
    assert [c["VpcEndpointState"] for c in conns["VpcEndpointConnections"]] == ["pendingAcceptance"]
    out = ec2.accept_vpc_endpoint_connections(ServiceId=svc["ServiceId"], VpcEndpointIds=[ep["VpcEndpointId"]])
    assert out["Unsuccessful"] == []
    state = ec2.describe_vpc_endpoints(VpcEndpointIds=[ep["VpcEndpointId"]])["VpcEndpoints"][0]["State"]
    assert state == "available"
    again = ec2.reject_vpc_endpoint_connections(ServiceId=svc["ServiceId"], VpcEndpointIds=[ep["VpcEndpointId"]])
    assert again["Unsuccessful"][0]["Error"]["Code"] == "InvalidState"


def test_secondary_nat_address_is_described_and_used_by_the_pat_table(lab):
    ec2 = lab.client("ec2")
    vpc, sub = _vpc(ec2)
    first = ec2.allocate_address(Domain="vpc")
    natgw_id = ec2.create_nat_gateway(SubnetId=sub, AllocationId=first["AllocationId"])["NatGateway"]["NatGatewayId"]
    second = ec2.allocate_address(Domain="vpc")
    out = ec2.associate_nat_gateway_address(NatGatewayId=natgw_id, AllocationIds=[second["AllocationId"]])
    assert out["NatGatewayAddresses"][0]["PublicIp"] == second["PublicIp"]
    described = ec2.describe_nat_gateways(NatGatewayIds=[natgw_id])["NatGateways"][0]["NatGatewayAddresses"]
    assert [a["PublicIp"] for a in described] == [first["PublicIp"], second["PublicIp"]]
    assert nat.for_nat_gateway(lab, natgw_id).addresses == [first["PublicIp"], second["PublicIp"]]
    with pytest.raises(ec2.exceptions.ClientError) as err:
        ec2.associate_nat_gateway_address(NatGatewayId=natgw_id, AllocationIds=[second["AllocationId"]])
    assert err.value.response["Error"]["Code"] == "Resource.AlreadyAssociated"


def test_instance_source_dest_check_reaches_its_primary_interface(lab):
    ec2 = lab.client("ec2")
    vpc, sub = _vpc(ec2)
    ami = lab.client("ssm").get_parameter(
        Name="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64")["Parameter"]["Value"]
    iid = ec2.run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                            NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": sub}])["Instances"][0]["InstanceId"]
    ec2.modify_instance_attribute(InstanceId=iid, SourceDestCheck={"Value": False})
    eni = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["NetworkInterfaces"][0]
    assert eni["SourceDestCheck"] is False


def test_gateway_endpoint_routes_follow_route_table_changes(lab):
    ec2 = lab.client("ec2")
    vpc, _ = _vpc(ec2)
    rt1 = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    rt2 = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ep = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3",
                                 RouteTableIds=[rt1])["VpcEndpoint"]["VpcEndpointId"]

    def targets(rt):
        routes = ec2.describe_route_tables(RouteTableIds=[rt])["RouteTables"][0]["Routes"]
        return [r.get("GatewayId") for r in routes if r.get("DestinationPrefixListId")]

    assert targets(rt1) == [ep] and targets(rt2) == []
    ec2.modify_vpc_endpoint(VpcEndpointId=ep, AddRouteTableIds=[rt2])
    assert targets(rt2) == [ep]
    ec2.modify_vpc_endpoint(VpcEndpointId=ep, RemoveRouteTableIds=[rt1])
    assert targets(rt1) == [] and targets(rt2) == [ep]


def test_interface_endpoint_enis_live_in_their_subnet_with_the_endpoint_groups(lab):
    import ipaddress

    ec2 = lab.client("ec2")
    vpc, sub = _vpc(ec2)
    sg = ec2.create_security_group(GroupName="ep", Description="ep", VpcId=vpc)["GroupId"]
    ep = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.logs", VpcEndpointType="Interface",
                                 SubnetIds=[sub], SecurityGroupIds=[sg])["VpcEndpoint"]
    eni = ec2.describe_network_interfaces(NetworkInterfaceIds=ep["NetworkInterfaceIds"])["NetworkInterfaces"][0]
    ips = [a["PrivateIpAddress"] for a in eni["PrivateIpAddresses"]]
    assert len(ips) == 1 and ipaddress.ip_address(ips[0]) in ipaddress.ip_network("10.0.1.0/24")
    assert [g["GroupId"] for g in eni["Groups"]] == [sg]
    # no group given: the VPC's default group (AWS docs: interface-endpoints)
    ep2 = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.ecr.api",
                                  VpcEndpointType="Interface", SubnetIds=[sub])["VpcEndpoint"]
    eni2 = ec2.describe_network_interfaces(NetworkInterfaceIds=ep2["NetworkInterfaceIds"])["NetworkInterfaces"][0]
    assert [g["GroupName"] for g in eni2["Groups"]] == ["default"]
