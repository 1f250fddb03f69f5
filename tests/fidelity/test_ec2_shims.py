"""Each EC2 shim, through boto3 on a sandbox lab: AWS's error code where moto is permissive."""
import pytest
from botocore.exceptions import ClientError


def _code(excinfo):
    return excinfo.value.response["Error"]["Code"]


@pytest.fixture
def vpc(lab):
    return lab.client("ec2").create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


def test_subnet_smaller_than_28_refused(lab, vpc):
    ec2 = lab.client("ec2")
    with pytest.raises(ClientError) as e:
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/29")
    assert _code(e) == "InvalidSubnet.Range"
    assert ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/28")["Subnet"]["AvailableIpAddressCount"] == 11


def test_malformed_vpc_cidr_refused_with_advice(lab):
    with pytest.raises(ClientError) as e:
        lab.client("ec2").create_vpc(CidrBlock="10.0.0.0/40")
    assert _code(e) == "InvalidParameterValue" and "a.b.c.d/n" in str(e.value)


def test_overlapping_peering_refused_even_self_peering(lab, vpc):
    ec2 = lab.client("ec2")
    other = ec2.create_vpc(CidrBlock="10.0.128.0/17")["Vpc"]["VpcId"]
    for peer in (other, vpc):
        with pytest.raises(ClientError) as e:
            ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=peer)
        assert _code(e) == "InvalidParameterValue"
    fine = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    assert ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=fine)["VpcPeeringConnection"]


def test_overlap_checked_across_regions(lab, vpc):
    west = lab.client("ec2", "us-west-2").create_vpc(CidrBlock="10.0.0.0/20")["Vpc"]["VpcId"]
    with pytest.raises(ClientError) as e:
        lab.client("ec2").create_vpc_peering_connection(VpcId=vpc, PeerVpcId=west, PeerRegion="us-west-2")
    assert _code(e) == "InvalidParameterValue"


def test_second_internet_gateway_refused(lab, vpc):
    ec2 = lab.client("ec2")
    first, second = (ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"] for _ in range(2))
    ec2.attach_internet_gateway(InternetGatewayId=first, VpcId=vpc)
    with pytest.raises(ClientError) as e:
        ec2.attach_internet_gateway(InternetGatewayId=second, VpcId=vpc)
    assert _code(e) == "Resource.AlreadyAssociated" and first in str(e.value)


def test_nacl_rule_number_out_of_range_refused(lab, vpc):
    ec2 = lab.client("ec2")
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    entry = dict(NetworkAclId=acl, Protocol="-1", RuleAction="allow", Egress=False, CidrBlock="0.0.0.0/0")
    with pytest.raises(ClientError) as e:
        ec2.create_network_acl_entry(RuleNumber=40000, **entry)
    assert _code(e) == "InvalidParameterValue"
    ec2.create_network_acl_entry(RuleNumber=100, **entry)


def test_new_custom_nacl_denies_all_both_ways(lab, vpc):
    ec2 = lab.client("ec2")
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]
    described = ec2.describe_network_acls(NetworkAclIds=[acl["NetworkAclId"]])["NetworkAcls"][0]["Entries"]
    for entries in (acl["Entries"], described):
        assert sorted((e["Egress"], e["RuleNumber"], e["RuleAction"]) for e in entries) == \
            [(False, 32767, "deny"), (True, 32767, "deny")]


def _options(ec2, iid):
    return ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]["MetadataOptions"]


def test_modify_metadata_options_answers_like_the_api_reference(lab, vpc):
    ec2 = lab.client("ec2")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    iid = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet,
                            MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"})["Instances"][0][
        "InstanceId"]
    ec2.modify_instance_metadata_options(InstanceId=iid, HttpPutResponseHopLimit=2)  # the one-field call
    opts = _options(ec2, iid)
    assert (opts["HttpTokens"], opts["HttpPutResponseHopLimit"], opts["HttpEndpoint"]) == ("optional", 2, "enabled")
    ec2.modify_instance_metadata_options(InstanceId=iid, HttpTokens="required", HttpPutResponseHopLimit=2,
                                         HttpEndpoint="enabled")  # the safe call: every field you mean
    assert (_options(ec2, iid)["HttpTokens"], _options(ec2, iid)["HttpPutResponseHopLimit"]) == ("required", 2)
    with pytest.raises(ClientError) as e:
        ec2.modify_instance_metadata_options(InstanceId=iid, HttpPutResponseHopLimit=65)
    assert _code(e) == "InvalidParameterValue"


def test_ami_imds_support_and_account_defaults_in_precedence(lab, vpc):
    ec2 = lab.client("ec2")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]
    ami = ec2.register_image(Name="al2023-like", ImdsSupport="v2.0", RootDeviceName="/dev/xvda")["ImageId"]
    assert ec2.describe_images(ImageIds=[ami])["Images"][0]["ImdsSupport"] == "v2.0"
    assert ec2.describe_image_attribute(ImageId=ami, Attribute="imdsSupport")["ImdsSupport"] == {"Value": "v2.0"}
    launch = lambda: ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][0][
        "InstanceId"]
    first = launch()
    assert (_options(ec2, first)["HttpTokens"], _options(ec2, first)["HttpPutResponseHopLimit"]) == ("required", 2)
    ec2.modify_instance_metadata_options(InstanceId=first, HttpPutResponseHopLimit=1)  # v2.0 AMI, no account default
    assert _options(ec2, first)["HttpTokens"] == "required"
    ec2.modify_instance_metadata_defaults(HttpTokens="optional")
    try:
        second = launch()
        assert _options(ec2, second)["HttpTokens"] == "optional"  # the account default beats the AMI
    finally:
        ec2.modify_instance_metadata_defaults(HttpTokens="no-preference")


def test_gateway_endpoint_type_defaults_so_it_can_be_deleted(lab, vpc):
    ec2 = lab.client("ec2")
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ep = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.s3", RouteTableIds=[rtb])
    assert ep["VpcEndpoint"]["VpcEndpointType"] == "Gateway"
    ec2.delete_vpc_endpoints(VpcEndpointIds=[ep["VpcEndpoint"]["VpcEndpointId"]])


def test_every_shim_names_its_rule():
    from lab_helpers.fidelity import all_shims

    for shim in all_shims():
        assert shim.rule and shim.stage in ("params", "call", "result"), shim


def test_instance_security_groups_mirror_the_primary_eni(lab, vpc):
    from lab_helpers.teach import compute

    ec2 = lab.client("ec2")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    iid = compute.launch(lab, subnet, "web", public_ip=True, security_groups=[sg])
    instance = ec2.describe_instances(InstanceIds=[iid])["Reservations"][0]["Instances"][0]
    assert [g["GroupId"] for g in instance["SecurityGroups"]] == [sg]
    assert instance["PublicIpAddress"]


def test_tgw_attachment_keeps_its_creation_tags(lab, vpc):
    ec2 = lab.client("ec2")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    att = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet])
    att_id = att["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    described = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[att_id])
    tags = {t["Key"]: t["Value"] for t in described["TransitGatewayAttachments"][0]["Tags"]}
    assert tags["vpclab:run"] == lab.run_id


def test_amazon_linux_2023_images_are_published_v2_only(lab, vpc):
    ec2 = lab.client("ec2")
    from lab_helpers.teach.compute import latest_ami

    image = ec2.describe_images(ImageIds=[latest_ami(lab)])["Images"][0]
    assert image["Name"].startswith("al2023-ami") and image["ImdsSupport"] == "v2.0"
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.3.0/24")["Subnet"]["SubnetId"]
    iid = ec2.run_instances(ImageId=image["ImageId"], MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][0][
        "InstanceId"]
    assert (_options(ec2, iid)["HttpTokens"], _options(ec2, iid)["HttpPutResponseHopLimit"]) == ("required", 2)


def test_tgw_attachment_takes_one_subnet_per_az(lab, vpc):
    ec2 = lab.client("ec2")
    one = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.10.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    two = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.11.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    other = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.12.0/24", AvailabilityZone="us-east-1b")["Subnet"]["SubnetId"]
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    with pytest.raises(ClientError) as e:
        ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[one, two])
    assert _code(e) == "DuplicateSubnetsInSameZone"
    ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[one, other])


def test_every_module_declares_each_service_it_has_shims_for():
    # the layer imports a module on the first request to a declared service: an undeclared one would never run
    import importlib

    from lab_helpers.fidelity import SERVICE_MODULES, all_shims, shims_for

    for name, services in SERVICE_MODULES.items():
        assert {s.service for s in importlib.import_module(name).SHIMS} == set(services), name
    assert sorted(map(id, all_shims())) == sorted(
        id(s) for service in {s for v in SERVICE_MODULES.values() for s in v} for s in shims_for(service))


def test_delete_vpc_waits_for_its_gateway_and_groups_as_aws_does(lab):
    ec2 = lab.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    with pytest.raises(ClientError) as refused:
        ec2.delete_vpc(VpcId=vpc)
    assert refused.value.response["Error"]["Code"] == "DependencyViolation"
    assert igw in str(refused.value) and group in str(refused.value)
    ec2.detach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    ec2.delete_security_group(GroupId=group)
    ec2.delete_vpc(VpcId=vpc)  # the default group, NACL and main route table go with it, as in AWS
    assert vpc not in {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]}


def test_an_interface_endpoint_never_takes_an_address_another_interface_holds(lab, vpc, monkeypatch):
    # moto draws an interface's addresses at random and checks only that interface's own: force the draw onto an
    # instance's address, as happened one run in ten in lab 03 (the app then "answered" with the endpoint's group)
    import moto.ec2.models.elastic_network_interfaces as moto_enis

    from lab_helpers.teach import compute

    ec2 = lab.client("ec2")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.7.0/24")["Subnet"]["SubnetId"]
    app = compute.launch(lab, subnet, "app")
    app_ip = ec2.describe_instances(InstanceIds=[app])["Reservations"][0]["Instances"][0]["PrivateIpAddress"]
    monkeypatch.setattr(moto_enis, "random_private_ip", lambda *a, **k: app_ip)
    endpoint = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName="com.amazonaws.us-east-1.logs",
                                       VpcEndpointType="Interface", SubnetIds=[subnet],
                                       PrivateDnsEnabled=False)["VpcEndpoint"]
    eni = ec2.describe_network_interfaces(NetworkInterfaceIds=endpoint["NetworkInterfaceIds"])["NetworkInterfaces"][0]
    held = [a["PrivateIpAddress"] for a in eni["PrivateIpAddresses"]]
    assert app_ip not in held and len(held) == 1
    assert held[0].startswith("10.0.7.") and held[0] not in ("10.0.7.0", "10.0.7.1", "10.0.7.2", "10.0.7.3",
                                                            "10.0.7.255")
