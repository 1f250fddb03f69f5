"""Placement groups served in the sandbox (AWS docs: placement-rules)."""
import pytest
from botocore.exceptions import ClientError
from placement_world import launch, placement_of, subnets

from lab_helpers.fidelity.ec2 import placement_groups as rules


def code(exc_info):
    return exc_info.value.response["Error"]["Code"]


def test_create_describe_delete_shapes(lab, ec2):
    made = ec2.create_placement_group(GroupName="hpc", Strategy="cluster")
    assert "PlacementGroup" in made and made["PlacementGroup"]["GroupId"].startswith("pg-")
    ec2.create_placement_group(GroupName="kafka", Strategy="partition", PartitionCount=3)
    groups = {g["GroupName"]: g for g in ec2.describe_placement_groups()["PlacementGroups"]}
    assert groups["hpc"]["Strategy"] == "cluster" and groups["hpc"]["State"] == "available"
    assert groups["kafka"]["PartitionCount"] == 3
    only = ec2.describe_placement_groups(Filters=[{"Name": "strategy", "Values": ["partition"]}])
    assert [g["GroupName"] for g in only["PlacementGroups"]] == ["kafka"]
    ec2.delete_placement_group(GroupName="hpc")
    with pytest.raises(ClientError) as err:
        ec2.describe_placement_groups(GroupNames=["hpc"])
    assert code(err) == "InvalidPlacementGroup.Unknown"


def test_group_is_tagged_for_teardown(lab, ec2):
    ec2.create_placement_group(GroupName="web", Strategy="spread")
    tags = ec2.describe_placement_groups(GroupNames=["web"])["PlacementGroups"][0]["Tags"]
    assert {"Key": "vpclab:run", "Value": lab.run_id} in tags
    assert [(e.kind, e.resource_id) for e in lab.ledger.entries] == [("placement-group", "web")]


def test_duplicate_name_and_bad_partition_count(lab, ec2):
    ec2.create_placement_group(GroupName="a", Strategy="spread")
    with pytest.raises(ClientError) as err:
        ec2.create_placement_group(GroupName="a", Strategy="spread")
    assert code(err) == "InvalidPlacementGroup.Duplicate"
    with pytest.raises(ClientError) as err:
        ec2.create_placement_group(GroupName="big", Strategy="partition", PartitionCount=8)
    assert code(err) == "InvalidParameterValue" and "limitations-placement-groups.html" in str(err.value)


def test_launch_into_group_reads_back(lab, ec2):
    sn = subnets(ec2)
    ec2.create_placement_group(GroupName="hpc", Strategy="cluster")
    iid = launch(ec2, sn["us-east-1a"], "hpc")[0]
    p = placement_of(ec2, iid)
    assert p["GroupName"] == "hpc" and p["GroupId"].startswith("pg-")
    plain = launch(ec2, sn["us-east-1a"])[0]
    assert not placement_of(ec2, plain).get("GroupName")


def test_cluster_is_one_az_and_refuses_burstable(lab, ec2):
    """AWS docs: placement-rules."""
    sn = subnets(ec2)
    ec2.create_placement_group(GroupName="hpc", Strategy="cluster")
    with pytest.raises(ClientError) as err:
        launch(ec2, sn["us-east-1a"], "hpc", itype="t3.micro")
    assert code(err) == "InvalidParameterCombination"
    launch(ec2, sn["us-east-1a"], "hpc", n=2)
    with pytest.raises(ClientError) as err:
        launch(ec2, sn["us-east-1b"], "hpc")
    assert code(err) == "InvalidPlacementGroup.InUse" and "us-east-1a" in str(err.value)


def test_unknown_group_on_launch(lab, ec2):
    sn = subnets(ec2)
    with pytest.raises(ClientError) as err:
        launch(ec2, sn["us-east-1a"], "nope")
    assert code(err) == "InvalidPlacementGroup.Unknown"


def test_partition_numbers(lab, ec2):
    """AWS docs: placement-rules: PartitionNumber 1..count; without it EC2 balances partitions."""
    sn = subnets(ec2)
    ec2.create_placement_group(GroupName="kafka", Strategy="partition", PartitionCount=3)
    with pytest.raises(ClientError) as err:
        launch(ec2, sn["us-east-1a"], "kafka", partition=4)
    assert code(err) == "InvalidParameterValue"
    pinned = launch(ec2, sn["us-east-1a"], "kafka", partition=2)[0]
    assert placement_of(ec2, pinned)["PartitionNumber"] == 2
    auto = launch(ec2, sn["us-east-1a"], "kafka", n=5)
    parts = sorted(placement_of(ec2, i)["PartitionNumber"] for i in auto)
    assert parts == [1, 1, 2, 3, 3]  # fills the emptiest partition first


def test_spread_eighth_instance_fails(lab, ec2):
    """AWS docs: placement-rules: at most 7 running per AZ per spread group; another AZ is fine."""
    sn = subnets(ec2)
    ec2.create_placement_group(GroupName="critical", Strategy="spread")
    launch(ec2, sn["us-east-1a"], "critical", n=7)
    with pytest.raises(ClientError) as err:
        launch(ec2, sn["us-east-1a"], "critical")
    assert code(err) == "InvalidParameterValue" and "7" in str(err.value)
    launch(ec2, sn["us-east-1b"], "critical")


def test_spread_counts_running_only(lab, ec2):
    sn = subnets(ec2)
    ec2.create_placement_group(GroupName="critical", Strategy="spread")
    ids = launch(ec2, sn["us-east-1a"], "critical", n=7)
    ec2.terminate_instances(InstanceIds=ids[:1])
    launch(ec2, sn["us-east-1a"], "critical")


def test_delete_in_use_refused_then_allowed(lab, ec2):
    sn = subnets(ec2)
    ec2.create_placement_group(GroupName="hpc", Strategy="cluster")
    ids = launch(ec2, sn["us-east-1a"], "hpc")
    with pytest.raises(ClientError) as err:
        ec2.delete_placement_group(GroupName="hpc")
    assert code(err) == "InvalidPlacementGroup.InUse"
    ec2.terminate_instances(InstanceIds=ids)
    ec2.delete_placement_group(GroupName="hpc")


def test_modify_instance_placement(lab, ec2):
    """One group per instance; the instance must be stopped."""
    sn = subnets(ec2)
    ec2.create_placement_group(GroupName="a", Strategy="spread")
    ec2.create_placement_group(GroupName="b", Strategy="partition", PartitionCount=2)
    iid = launch(ec2, sn["us-east-1a"], "a")[0]
    with pytest.raises(ClientError) as err:
        ec2.modify_instance_placement(InstanceId=iid, GroupName="b")
    assert code(err) == "IncorrectInstanceState"
    ec2.stop_instances(InstanceIds=[iid])
    assert ec2.modify_instance_placement(InstanceId=iid, GroupName="b", PartitionNumber=2)["Return"] is True
    p = placement_of(ec2, iid)
    assert p["GroupName"] == "b" and p["PartitionNumber"] == 2
    ec2.delete_placement_group(GroupName="a")  # no longer in use
    ec2.modify_instance_placement(InstanceId=iid, GroupName="")
    assert not placement_of(ec2, iid).get("GroupName")


def test_teardown_deletes_groups(ec2, lab):
    sn = subnets(ec2)
    ec2.create_placement_group(GroupName="hpc", Strategy="cluster")
    launch(ec2, sn["us-east-1a"], "hpc", n=2)
    report = lab.teardown()
    assert report.clean, str(report)


def test_pure_rules():
    assert rules.next_partitions({"PartitionCount": 3}, [1, 1], 2) == [2, 3]
    assert rules.burstable("t4g.nano") and not rules.burstable("c5n.18xlarge")
    group = {"GroupName": "s", "Strategy": "spread"}
    members = [{"az": "a", "state": "running"}] * 7
    assert rules.launch_refusal(group, "c5.large", "a", 1, None, members)[0] == "InvalidParameterValue"
    assert rules.launch_refusal(group, "c5.large", "b", 1, None, members) is None
