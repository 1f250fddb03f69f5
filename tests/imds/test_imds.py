"""The IMDS emulator: v1/v2, token rules, hop limit, endpoint off, tags (AWS docs: imds-retrieval, imdsv2, imds-options,
imds-categories)."""
import json

import pytest

from lab_helpers.errors import LabError
from lab_helpers.sim import imds

TTL = imds.TTL_HEADER
TOKEN = imds.TOKEN_HEADER


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def instance(lab, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]
    inst = ec2.run_instances(ImageId="ami-12c6146b", InstanceType="t3.micro", MinCount=1, MaxCount=1,
                             SubnetId=subnet["SubnetId"],
                             TagSpecifications=[{"ResourceType": "instance",
                                                 "Tags": [{"Key": "Name", "Value": "web-1"}]}])["Instances"][0]
    return {"id": inst["InstanceId"], "vpc": vpc, "subnet": subnet["SubnetId"], "ip": inst["PrivateIpAddress"]}


def get(base, path, token=None, **headers):
    h = {TOKEN: token} if token else {}
    h.update(headers)
    return imds.curl(base + path, headers=h)


def test_v1_metadata_built_from_describe(lab, instance):
    with lab.imds(instance["id"]) as base:
        assert get(base, "/latest/meta-data/instance-id").body == instance["id"]
        assert get(base, "/latest/meta-data/local-ipv4").body == instance["ip"]
        assert get(base, "/latest/meta-data/instance-type").body == "t3.micro"
        assert get(base, "/latest/meta-data/placement/availability-zone").body == "us-east-1a"
        top = get(base, "/latest/meta-data/").body.splitlines()
        assert {"ami-id", "instance-id", "mac", "placement/", "network/"} <= set(top)
        mac = get(base, "/latest/meta-data/mac").body
        assert get(base, f"/latest/meta-data/network/interfaces/macs/{mac}/subnet-id").body == instance["subnet"]
        assert get(base, f"/latest/meta-data/network/interfaces/macs/{mac}/vpc-id").body == instance["vpc"]
        assert get(base, "/latest/meta-data/public-ipv4").status == 404  # no public IP: not there
        assert get(base, "/latest/meta-data/nope").status == 404


def test_two_instances_two_documents(lab, ec2, instance):
    other = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=instance["subnet"])
    other_id = other["Instances"][0]["InstanceId"]
    with lab.imds(instance["id"]) as a, lab.imds(other_id) as b:
        assert get(a, "/latest/meta-data/instance-id").body != get(b, "/latest/meta-data/instance-id").body
        token = imds.get_token(a).body
        assert get(a, "/latest/meta-data/instance-id", token).ok
        assert get(b, "/latest/meta-data/instance-id", token).status == 401  # tokens are per instance


def test_token_flow_and_ttl_bounds(lab, instance):
    """AWS docs: imdsv2."""
    clock = FakeClock()
    with imds.serve(lab, instance["id"], clock=clock) as base:
        for bad in ("0", "21601", "abc"):
            assert imds.curl(base + imds.TOKEN_PATH, "PUT", {TTL: bad}).status == 400
        assert imds.curl(base + imds.TOKEN_PATH, "PUT").status == 400  # header missing
        resp = imds.get_token(base, ttl=60)
        assert resp.status == 200 and resp.headers[TTL] == "60"
        assert get(base, "/latest/meta-data/ami-id", resp.body).ok
        assert get(base, "/latest/meta-data/ami-id", "forged-token").status == 401
        clock.now += 61
        assert get(base, "/latest/meta-data/ami-id", resp.body).status == 401  # expired


def test_forwarded_put_is_refused(lab, instance):
    with lab.imds(instance["id"]) as base:
        assert imds.get_token(base, extra={"X-Forwarded-For": "203.0.113.9"}).status == 403


def test_tokens_required_blocks_v1(lab, ec2, instance):
    """AWS docs: imds-retrieval: HttpTokens=required → v1 GET 401, v2 works; read live on every request."""
    with lab.imds(instance["id"]) as base:
        assert get(base, "/latest/meta-data/instance-id").ok
        ec2.modify_instance_metadata_options(InstanceId=instance["id"], HttpTokens="required")
        assert get(base, "/latest/meta-data/instance-id").status == 401
        token = imds.get_token(base).body
        assert get(base, "/latest/meta-data/instance-id", token).body == instance["id"]


def test_endpoint_disabled_is_403(lab, ec2, instance):
    with lab.imds(instance["id"]) as base:
        ec2.modify_instance_metadata_options(InstanceId=instance["id"], HttpEndpoint="disabled")
        assert get(base, "/latest/meta-data/").status == 403
        assert imds.get_token(base).status == 403


def test_hop_limit(lab, ec2, instance):
    """AWS docs: imds-options: a container one hop further gets no token with limit 1, and does with 2."""
    with lab.imds(instance["id"]) as base:
        assert imds.get_token(base, hops=1).ok
        from_container = imds.get_token(base, hops=2)
        assert from_container.status == 0 and "no response" in str(from_container)
        ec2.modify_instance_metadata_options(InstanceId=instance["id"], HttpPutResponseHopLimit=2)
        assert imds.get_token(base, hops=2).ok
        assert imds.get_token(base, hops=3).status == 0


def test_modify_without_http_tokens_takes_its_default(lab, ec2, instance):
    """ModifyInstanceMetadataOptions keeps the hop limit and endpoint when left out, but HttpTokens left out takes
    its documented default (optional here): the one-field call reopens IMDSv1; passing every field keeps v2."""
    ec2.modify_instance_metadata_options(InstanceId=instance["id"], HttpTokens="required")
    ec2.modify_instance_metadata_options(InstanceId=instance["id"], HttpPutResponseHopLimit=2)
    with lab.imds(instance["id"]) as base:
        assert get(base, "/latest/meta-data/instance-id").status == 200  # v1 works again
    ec2.modify_instance_metadata_options(InstanceId=instance["id"], HttpTokens="required", HttpPutResponseHopLimit=2,
                                         HttpEndpoint="enabled")
    with lab.imds(instance["id"]) as base:
        assert get(base, "/latest/meta-data/instance-id").status == 401


def test_tags_only_when_enabled(lab, ec2, instance):
    """AWS docs: imds-categories."""
    with lab.imds(instance["id"]) as base:
        assert get(base, "/latest/meta-data/tags/instance/Name").status == 404
        ec2.modify_instance_metadata_options(InstanceId=instance["id"], InstanceMetadataTags="enabled")
        assert get(base, "/latest/meta-data/tags/instance/Name").body == "web-1"
        assert "Name" in get(base, "/latest/meta-data/tags/instance/").body.splitlines()


def test_fake_credentials_are_labelled(lab, instance):
    with lab.imds(instance["id"], role="web-app-role") as base:
        assert get(base, "/latest/meta-data/iam/security-credentials/").body == "web-app-role"
        creds = json.loads(get(base, "/latest/meta-data/iam/security-credentials/web-app-role").body)
        assert imds.FAKE_LABEL in creds["SecretAccessKey"] and creds["Code"] == "Success"
    with lab.imds(instance["id"]) as base:  # no instance profile, no role: no iam/ at all
        assert get(base, "/latest/meta-data/iam/").status == 404


def test_ssrf_app_leaks_with_v1_and_not_with_v2(lab, ec2, instance):
    with lab.imds(instance["id"], role="web-app-role") as base, imds.vulnerable_fetcher() as app:
        target = base + "/latest/meta-data/iam/security-credentials/web-app-role"
        leaked = imds.curl(f"{app}/fetch?url={target}")
        assert leaked.ok and imds.FAKE_LABEL in leaked.body
        ec2.modify_instance_metadata_options(InstanceId=instance["id"], HttpTokens="required")
        blocked = imds.curl(f"{app}/fetch?url={target}")
        assert blocked.status == 502 and "401" in blocked.body and imds.FAKE_LABEL not in blocked.body


def test_nothing_leaves_loopback(lab, instance):
    with pytest.raises(LabError, match="127.0.0.0/8"):
        imds.curl("http://169.254.169.254/latest/meta-data/")
    with imds.vulnerable_fetcher() as app:
        assert "not on 127.0.0.0/8" in imds.curl(f"{app}/fetch?url=http://example.com/").body


def test_bad_instance_is_clear(lab):
    with pytest.raises(LabError, match="No instance"):
        with lab.imds("i-00000000000000000"):
            pass


def test_account_defaults_apply_to_new_launches(lab, ec2, instance):
    """Served ModifyInstanceMetadataDefaults: new instances take them, the launch request wins, -1 clears."""
    assert ec2.get_instance_metadata_defaults()["AccountLevel"] == {}
    ec2.modify_instance_metadata_defaults(HttpTokens="required", HttpPutResponseHopLimit=2)
    assert ec2.get_instance_metadata_defaults()["AccountLevel"] == {"HttpTokens": "required",
                                                                     "HttpPutResponseHopLimit": 2}
    new = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=instance["subnet"])
    opts = new["Instances"][0]["MetadataOptions"]
    assert opts["HttpTokens"] == "required" and opts["HttpPutResponseHopLimit"] == 2
    explicit = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=instance["subnet"],
                                 MetadataOptions={"HttpTokens": "optional"})
    assert explicit["Instances"][0]["MetadataOptions"]["HttpTokens"] == "optional"
    with lab.imds(new["Instances"][0]["InstanceId"]) as base:
        assert get(base, "/latest/meta-data/instance-id").status == 401
    ec2.modify_instance_metadata_defaults(HttpTokens="no-preference", HttpPutResponseHopLimit=-1)
    assert ec2.get_instance_metadata_defaults()["AccountLevel"] == {}


def test_account_defaults_validate(lab, ec2):
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError, match="InvalidParameterValue"):
        ec2.modify_instance_metadata_defaults(HttpPutResponseHopLimit=65)
