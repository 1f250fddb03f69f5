"""Reference solutions for lab 02 (NAT and PAT): one plain function per exercise."""


def add_nat_gateway(ec2, public_subnet_id, private_route_table_id):
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat_id = ec2.create_nat_gateway(SubnetId=public_subnet_id, AllocationId=allocation)["NatGateway"]["NatGatewayId"]
    # a real NAT gateway takes a minute or two to become available; routes to a pending one are accepted but
    # carry nothing until then
    ec2.get_waiter("nat_gateway_available").wait(NatGatewayIds=[nat_id], WaiterConfig={"Delay": 10, "MaxAttempts": 60})
    ec2.create_route(RouteTableId=private_route_table_id, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat_id)
    return nat_id


def pat_facts():
    # Replies carry only the NAT's (address, port) and the server's address: two open flows to one server cannot
    # share a port, while a flow to another server can, because the reply's source tells them apart.
    return {"third_flow_needs_another_port": True, "other_destination_may_reuse": True}


def add_secondary_address(ec2, nat_gateway_id):
    allocation = ec2.allocate_address(Domain="vpc")
    ec2.associate_nat_gateway_address(NatGatewayId=nat_gateway_id, AllocationIds=[allocation["AllocationId"]])
    return allocation["PublicIp"]
