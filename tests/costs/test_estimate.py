"""lab.estimate(): what is alive in the lab, from describe calls, priced per hour and per 30 days."""
import pytest


def _vpc(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})  # interface endpoints' private DNS
    a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    return vpc, a, b


def test_empty_lab_costs_nothing(lab):
    est = lab.estimate()
    assert est.per_hour == 0 and "Nothing" in str(est)


def test_nat_endpoints_and_addresses_are_found_and_priced(lab):
    ec2 = lab.client("ec2")
    vpc, a, b = _vpc(ec2)
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=a, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.ecr.api", VpcEndpointType="Interface",
                            SubnetIds=[a, b])
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3")
    est = lab.estimate()
    kinds = {r.kind: r for r in est.resources}
    assert kinds["nat_gateway"].ids == (nat,)
    assert kinds["interface_endpoint_az"].quantity == 2
    assert kinds["gateway_endpoint"].quantity == 1
    assert kinds["public_ipv4"].quantity == 1
    assert est.per_hour == pytest.approx(0.045 + 2 * 0.01 + 0.005)
    assert est.per_30_days == pytest.approx(720 * (0.045 + 0.02 + 0.005))
    assert "Per hour" in est._repr_html_() and "NAT gateway" in str(est)
    # deleting the NAT gateway removes it from the estimate
    ec2.delete_nat_gateway(NatGatewayId=nat)
    assert "nat_gateway" not in {r.kind for r in lab.estimate().resources}


def test_resources_of_other_runs_are_not_counted(lab):
    raw = lab.raw_client("ec2")  # untagged: not this lab's
    vpc = raw.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    sub = raw.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    eip = raw.allocate_address(Domain="vpc")["AllocationId"]
    raw.create_nat_gateway(SubnetId=sub, AllocationId=eip)
    assert lab.estimate().resources == []


def test_tgw_attachments_are_counted(lab):
    ec2 = lab.client("ec2")
    vpc, a, b = _vpc(ec2)
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[a, b])
    est = lab.estimate()
    assert {r.kind: r.quantity for r in est.resources}["tgw_attachment"] == 1
    assert est.per_hour == pytest.approx(0.05)


def test_untagged_endpoint_addresses_and_attachments_are_ignored(lab):
    raw = lab.raw_client("ec2")
    vpc = raw.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    sub = raw.create_subnet(VpcId=vpc, CidrBlock="10.8.1.0/24")["Subnet"]["SubnetId"]
    raw.allocate_address(Domain="vpc")
    raw.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.logs", VpcEndpointType="Interface",
                            SubnetIds=[sub], PrivateDnsEnabled=False)
    tgw = raw.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    raw.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[sub])
    assert lab.estimate().resources == []


def test_lattice_services_and_load_balancers_are_counted(lab):
    ec2 = lab.client("ec2")
    vpc, a, b = _vpc(ec2)
    lab.client("vpc-lattice").create_service(name="inference")
    elbv2 = lab.client("elbv2")
    elbv2.create_load_balancer(Name="api", Subnets=[a, b], Type="network", Scheme="internal")
    kinds = {r.kind: r.quantity for r in lab.estimate().resources}
    assert kinds["lattice_service"] == 1
    assert kinds["nlb"] == 1
    assert "public_ipv4" not in kinds  # an internal load balancer has no public addresses
