"""Reference solutions for lab 03 (VPC endpoints and PrivateLink)."""


def add_s3_gateway_endpoint(ec2, vpc_id, route_table_ids, region):
    return ec2.create_vpc_endpoint(VpcId=vpc_id, VpcEndpointType="Gateway", ServiceName=f"com.amazonaws.{region}.s3",
                                   RouteTableIds=list(route_table_ids))["VpcEndpoint"]["VpcEndpointId"]


def add_ecs_endpoints(ec2, vpc_id, subnet_ids, security_group_id, region):
    # private DNS needs both attributes ([DNS attributes for your VPC](https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html)); DNS support is on by default, hostnames is not
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    out = {}
    for short in ("ecr.api", "ecr.dkr", "logs"):
        out[short] = ec2.create_vpc_endpoint(
            VpcId=vpc_id, VpcEndpointType="Interface", ServiceName=f"com.amazonaws.{region}.{short}",
            SubnetIds=list(subnet_ids), SecurityGroupIds=[security_group_id],
            PrivateDnsEnabled=True)["VpcEndpoint"]["VpcEndpointId"]
    return out


def accept_pending(ec2, service_id):
    pending = ec2.describe_vpc_endpoint_connections(Filters=[
        {"Name": "service-id", "Values": [service_id]},
        {"Name": "vpc-endpoint-state", "Values": ["pendingAcceptance"]}])["VpcEndpointConnections"]
    ids = [c["VpcEndpointId"] for c in pending]
    if ids:
        ec2.accept_vpc_endpoint_connections(ServiceId=service_id, VpcEndpointIds=ids)
    return ids
