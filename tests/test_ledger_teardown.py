"""The ledger records creates; teardown deletes dependents first and leaves nothing tagged."""
from lab_helpers.core.ledger import Entry, Ledger
from lab_helpers.core.teardown import leftovers


def test_teardown_order_puts_dependents_first():
    ledger = Ledger("r", "01_vpc_basics")
    for kind, rid in [("vpc", "vpc-1"), ("subnet", "subnet-1"), ("internet-gateway", "igw-1"),
                      ("instance", "i-1"), ("natgateway", "nat-1"), ("elastic-ip", "eipalloc-1"),
                      ("security-group", "sg-1"), ("subnet", "subnet-2")]:
        ledger.entries.append(Entry(kind, rid, "us-east-1", "ec2"))
    order = [e.resource_id for e in ledger.in_teardown_order()]
    assert order == ["i-1", "nat-1", "eipalloc-1", "igw-1", "subnet-2", "subnet-1", "sg-1", "vpc-1"]


def test_ledger_persists_in_live_mode(tmp_path):
    ledger = Ledger("r", "01_vpc_basics", path=tmp_path / "r.json")
    ledger.record("ec2", "CreateVpc", "us-east-1", {"Vpc": {"VpcId": "vpc-9"}}, {})
    ledger.record("ec2", "DescribeVpcs", "us-east-1", {"Vpcs": []}, {})
    loaded = Ledger.load(tmp_path / "r.json")
    assert [(e.kind, e.resource_id) for e in loaded.entries] == [("vpc", "vpc-9")]


def test_run_instances_records_every_instance():
    ledger = Ledger("r", "x")
    ledger.record("ec2", "RunInstances", "us-east-1", {"Instances": [{"InstanceId": "i-1"}, {"InstanceId": "i-2"}]},
                  {})
    assert [e.resource_id for e in ledger.entries] == ["i-1", "i-2"]


def test_full_world_is_torn_down_across_regions_and_services(lab):
    ec2 = lab.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    db = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": web}]}])
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=2, MaxCount=2, SubnetId=subnet, SecurityGroupIds=[web])
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip)
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3", RouteTableIds=[rtb])
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet])
    peer = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=peer)
    lab.client("ec2", "eu-west-1").create_vpc(CidrBlock="10.9.0.0/16")
    lab.client("route53").create_hosted_zone(Name="corp.internal", CallerReference="t",
                                             HostedZoneConfig={"PrivateZone": True},
                                             VPC={"VPCRegion": "us-east-1", "VPCId": vpc})
    lab.client("s3").create_bucket(Bucket="vpclab-teardown-test")
    before = {rid for _, _, rid in leftovers(lab.run_id, lab.regions, lab.client)}
    created = {e.resource_id for e in lab.ledger.entries if e.service == "ec2"}
    assert created and created <= before  # the tag sweep sees every EC2 resource, TGW attachments included
    report = lab.teardown()
    assert report.clean, str(report)
    assert {e.region for e in report.deleted} >= {"us-east-1", "eu-west-1"}


def test_custom_nacl_still_associated_is_deleted(lab):
    """A custom ACL on a subnet (moto also keeps it after the subnet is gone) must not block teardown."""
    ec2 = lab.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    kept = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [kept]}])
    assoc = next(a["NetworkAclAssociationId"] for a in current["NetworkAcls"][0]["Associations"]
                 if a["SubnetId"] == kept)
    ec2.replace_network_acl_association(AssociationId=assoc, NetworkAclId=acl)
    report = lab.teardown()
    assert report.clean and not report.failed, str(report)


def test_release_deletes_one_vpc_and_what_it_holds_and_nothing_else(lab):
    ec2 = lab.client("ec2")
    a, b, c = (ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"] for i in (1, 2, 3))
    ec2.create_subnet(VpcId=a, CidrBlock="10.1.1.0/24")
    ec2.create_security_group(GroupName="app", Description="app", VpcId=a)
    keep = ec2.create_vpc_peering_connection(VpcId=b, PeerVpcId=c)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=keep)
    ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId=b)
    report = lab.release(a)
    assert not report.failed, report.failed
    assert a not in [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
    status = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[keep])["VpcPeeringConnections"][0]
    assert status["Status"]["Code"] == "active"  # B-C's peering is not A's to delete
    assert not [e for e in lab.ledger.alive() if e.resource_id == a]
    assert str(report).startswith(f"🧹 Released {a}:") and "untouched" in str(report)  # not "the run is gone"


def _vpc_with_a_nat_gateway(ec2, second_octet: int, allocation_id: str) -> str:
    vpc = ec2.create_vpc(CidrBlock=f"10.{second_octet}.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{second_octet}.1.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation_id)
    return vpc


def test_release_also_frees_the_address_of_the_vpcs_nat_gateway_but_not_one_the_run_did_not_allocate(lab):
    # AWS keeps a NAT gateway's Elastic IP after the gateway goes, and a new account holds five: lab 10's shift of
    # incidents, each with a NAT, would run out without this
    ec2 = lab.client("ec2")
    ours = ec2.allocate_address(Domain="vpc")["AllocationId"]
    # an address someone else allocated (no run tag: the raw client goes past the layer that tags)
    theirs = lab.raw_client("ec2").allocate_address(Domain="vpc")["AllocationId"]
    vpcs = [_vpc_with_a_nat_gateway(ec2, 9, ours), _vpc_with_a_nat_gateway(ec2, 8, theirs)]
    report = lab.release(*vpcs)
    left = {a["AllocationId"] for a in ec2.describe_addresses()["Addresses"]}
    assert ours not in left and ("elastic-ip", ours) in {(e.kind, e.resource_id) for e in report.deleted}
    assert theirs in left
    lab.raw_client("ec2").release_address(AllocationId=theirs)
