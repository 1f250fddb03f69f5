"""Tags are injected in whatever form the operation takes them."""
import boto3

from lab_helpers.core.tagging import inject_tags

TAGS = {"vpclab:run": "r1", "vpclab:lab": "01_vpc_basics"}


def _model(service, operation):
    return boto3.session.Session(region_name="us-east-1").client(
        service, aws_access_key_id="x", aws_secret_access_key="x").meta.service_model.operation_model(operation)


def test_ec2_tag_specifications_merge_with_the_callers_own():
    params = {"CidrBlock": "10.0.0.0/16",
              "TagSpecifications": [{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "mine"}]}]}
    assert inject_tags(params, _model("ec2", "CreateVpc"), "ec2", TAGS)
    assert params["TagSpecifications"] == [{"ResourceType": "vpc", "Tags": [
        {"Key": "Name", "Value": "mine"}, {"Key": "vpclab:run", "Value": "r1"},
        {"Key": "vpclab:lab", "Value": "01_vpc_basics"}]}]


def test_tags_list_and_tags_map_forms():
    elb = {"Name": "lb"}
    assert inject_tags(elb, _model("elbv2", "CreateLoadBalancer"), "elbv2", TAGS)
    assert {"Key": "vpclab:run", "Value": "r1"} in elb["Tags"]
    lattice = {"name": "svc", "tags": {"team": "a"}}
    assert inject_tags(lattice, _model("vpc-lattice", "CreateService"), "vpc-lattice", TAGS)
    assert lattice["tags"] == {"vpclab:run": "r1", "vpclab:lab": "01_vpc_basics", "team": "a"}


def test_operations_without_tags_are_left_alone():
    params = {"VpcId": "vpc-1"}
    assert not inject_tags(params, _model("ec2", "DescribeVpcs"), "ec2", TAGS)
    assert params == {"VpcId": "vpc-1"}

