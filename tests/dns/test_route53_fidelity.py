"""Route 53 refusals moto skips (lab_helpers/fidelity/route53.py)."""
import pytest
from botocore.exceptions import ClientError
from dns_world import add, make_vpc, make_zone

from lab_helpers.fidelity.route53.hosted_zones import batch_refusal


def test_duplicate_create_is_invalid_change_batch(lab, ec2, r53):
    zone = make_zone(r53, "my-app.internal", make_vpc(ec2, "10.0.0.0/16"))
    add(r53, zone, "api.my-app.internal", "A", "10.0.1.10")
    with pytest.raises(ClientError) as err:
        add(r53, zone, "api.my-app.internal", "A", "10.0.1.11")
    assert err.value.response["Error"]["Code"] == "InvalidChangeBatch"
    add(r53, zone, "api.my-app.internal", "A", "10.0.1.11", action="UPSERT")  # UPSERT is the way
    sets = [r for r in r53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
            if r["Name"] == "api.my-app.internal."]
    assert len(sets) == 1


def test_cname_cannot_coexist(lab, ec2, r53):
    zone = make_zone(r53, "my-app.internal", make_vpc(ec2, "10.0.0.0/16"))
    add(r53, zone, "api.my-app.internal", "A", "10.0.1.10")
    with pytest.raises(ClientError, match="InvalidChangeBatch"):
        add(r53, zone, "api.my-app.internal", "CNAME", "web.my-app.internal")


def test_batch_rule_is_replayed_in_order():
    create = lambda t: {"Action": "CREATE", "ResourceRecordSet": {"Name": "a.x.", "Type": t}}
    delete = lambda t: {"Action": "DELETE", "ResourceRecordSet": {"Name": "a.x.", "Type": t}}
    existing = [{"Name": "a.x.", "Type": "A"}]
    assert batch_refusal(existing, [create("A")])[0] == "InvalidChangeBatch"
    assert batch_refusal(existing, [delete("A"), create("CNAME")]) is None
    assert batch_refusal([], [create("CNAME"), create("TXT")])[0] == "InvalidChangeBatch"


def test_second_zone_of_same_name_for_one_vpc_is_refused(lab, ec2, r53):
    a, b = make_vpc(ec2, "10.0.0.0/16"), make_vpc(ec2, "10.1.0.0/16")
    make_zone(r53, "my-app.internal", a)
    with pytest.raises(ClientError, match="ConflictingDomainExists"):
        make_zone(r53, "my-app.internal", a)
    other = make_zone(r53, "my-app.internal", b)  # same name, another VPC: fine
    with pytest.raises(ClientError, match="ConflictingDomainExists"):
        r53.associate_vpc_with_hosted_zone(HostedZoneId=other, VPC={"VPCRegion": "us-east-1", "VPCId": a})


def test_zone_with_dns_attributes_off_is_accepted_as_aws_does(lab, ec2, r53):
    """AWS docs: phz-considerations is about resolution: the API accepts the zone, the resolver shows the effect."""
    vpc = make_vpc(ec2, "10.0.0.0/16", dns=False)
    zone = make_zone(r53, "my-app.internal", vpc)
    add(r53, zone, "api.my-app.internal", "A", "10.0.1.10")
    assert lab.resolve("api.my-app.internal", vpc).rcode == "REFUSED"
