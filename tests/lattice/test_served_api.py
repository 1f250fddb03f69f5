"""The served vpc-lattice API answers with AWS's shapes and error codes (botocore's service model)."""
from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError
from lattice_world import make_vpc

DOMAIN = re.compile(r"^(?P<name>[a-z0-9-]+)-(?P<id>[0-9a-f]{17})\.(?P<part>[0-9a-f]{7})\.vpc-lattice-svcs\."
                    r"(?P<region>[a-z0-9-]+)\.on\.aws$")


def code(exc) -> str:
    return exc.value.response["Error"]["Code"]


@pytest.fixture
def lat(lab):
    return lab.client("vpc-lattice")


def _tg(lab, lat, name="tg-one-x", vpc=None):
    vpc = vpc or make_vpc(lab.client("ec2"), "10.9.0.0/16", [])[0]
    return lat.create_target_group(name=name.replace("tg-", "grp-"), type="IP",
                                   config={"port": 80, "protocol": "HTTP", "vpcIdentifier": vpc})


def test_service_has_generated_name_in_aws_format_and_auth_none(lab, lat):
    svc = lat.create_service(name="app1")
    m = DOMAIN.match(svc["dnsEntry"]["domainName"])
    assert m, svc["dnsEntry"]["domainName"]
    assert m["name"] == "app1" and "svc-" + m["id"] == svc["id"] and m["region"] == "ap-northeast-2"
    assert svc["authType"] == "NONE" and svc["status"] == "ACTIVE"
    got = lat.get_service(serviceIdentifier=svc["arn"])  # ids and ARNs are both identifiers
    assert got["id"] == svc["id"] and "createdAt" in got


def test_names_follow_aws_patterns(lab, lat):
    for bad in ("svc-x1", "Upper", "a--b", "-ab", "x" * 41):
        with pytest.raises(ClientError) as exc:
            lat.create_service(name=bad)
        assert code(exc) == "ValidationException", bad
    lat.create_service(name="dup-name")
    with pytest.raises(ClientError) as exc:
        lat.create_service(name="dup-name")
    assert code(exc) == "ConflictException"


def test_one_service_network_per_vpc(lab, lat):
    vpc, _ = make_vpc(lab.client("ec2"), "10.5.0.0/16", [])
    a = lat.create_service_network(name="net-a")
    b = lat.create_service_network(name="net-b")
    lat.create_service_network_vpc_association(serviceNetworkIdentifier=a["id"], vpcIdentifier=vpc)
    with pytest.raises(ClientError) as exc:
        lat.create_service_network_vpc_association(serviceNetworkIdentifier=b["id"], vpcIdentifier=vpc)
    assert code(exc) == "ConflictException"
    assert "only one service network" in exc.value.response["Error"]["Message"]


def test_deletes_respect_dependencies(lab, lat):
    vpc, _ = make_vpc(lab.client("ec2"), "10.6.0.0/16", [])
    net = lat.create_service_network(name="net-c")
    assoc = lat.create_service_network_vpc_association(serviceNetworkIdentifier=net["id"], vpcIdentifier=vpc)
    with pytest.raises(ClientError) as exc:
        lat.delete_service_network(serviceNetworkIdentifier=net["id"])
    assert code(exc) == "ConflictException"
    lat.delete_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=assoc["id"])
    lat.delete_service_network(serviceNetworkIdentifier=net["id"])
    with pytest.raises(ClientError) as exc:
        lat.get_service_network(serviceNetworkIdentifier=net["id"])
    assert code(exc) == "ResourceNotFoundException"
    assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_target_group_in_use_cannot_be_deleted_and_service_delete_cascades(lab, lat):
    tg = _tg(lab, lat)
    svc = lat.create_service(name="svc-cascade".replace("svc-", "s-"))
    lst = lat.create_listener(serviceIdentifier=svc["id"], name="web", protocol="HTTP",
                              defaultAction={"forward": {"targetGroups": [{"targetGroupIdentifier": tg["id"]}]}})
    assert lst["port"] == 80 and lst["defaultAction"]["forward"]["targetGroups"][0]["weight"] == 1
    with pytest.raises(ClientError) as exc:
        lat.delete_target_group(targetGroupIdentifier=tg["id"])
    assert code(exc) == "ConflictException"
    lat.delete_service(serviceIdentifier=svc["id"])
    with pytest.raises(ClientError):
        lat.get_listener(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])
    assert lat.delete_target_group(targetGroupIdentifier=tg["id"])["status"] == "DELETE_IN_PROGRESS"


def test_rules_get_list_update_delete(lab, lat):
    svc = lat.create_service(name="rules-svc")
    lst = lat.create_listener(serviceIdentifier=svc["id"], name="web", protocol="HTTP", port=80,
                              defaultAction={"fixedResponse": {"statusCode": 404}})
    ids = {"serviceIdentifier": svc["id"], "listenerIdentifier": lst["id"]}
    fixed = {"fixedResponse": {"statusCode": 200}}
    r2 = lat.create_rule(**ids, name="second", priority=20, action=fixed,
                         match={"httpMatch": {"pathMatch": {"match": {"prefix": "/b"}}}})
    r1 = lat.create_rule(**ids, name="first", priority=10, action=fixed,
                         match={"httpMatch": {"pathMatch": {"match": {"prefix": "/a"}}}})
    with pytest.raises(ClientError) as exc:
        lat.create_rule(**ids, name="third", priority=10, action=fixed, match={"httpMatch": {"method": "GET"}})
    assert code(exc) == "ConflictException"
    items = lat.list_rules(**ids)["items"]
    assert [i["name"] for i in items] == ["first", "second", "default"] and items[-1]["isDefault"]
    got = lat.get_rule(**ids, ruleIdentifier=r1["arn"])
    assert got["match"]["httpMatch"]["pathMatch"]["match"] == {"prefix": "/a"} and got["isDefault"] is False
    upd = lat.update_rule(**ids, ruleIdentifier=r2["id"], priority=5)
    assert upd["priority"] == 5
    lat.delete_rule(**ids, ruleIdentifier=r1["id"])
    with pytest.raises(ClientError) as exc:
        lat.get_rule(**ids, ruleIdentifier=r1["id"])
    assert code(exc) == "ResourceNotFoundException"


def test_rule_quota_and_priority_range(lab, lat):
    svc = lat.create_service(name="quota-svc")
    lst = lat.create_listener(serviceIdentifier=svc["id"], name="web", protocol="HTTP", port=80,
                              defaultAction={"fixedResponse": {"statusCode": 404}})
    ids = {"serviceIdentifier": svc["id"], "listenerIdentifier": lst["id"]}
    for i in range(5):
        lat.create_rule(**ids, name=f"r{i}x", priority=i + 1, action={"fixedResponse": {"statusCode": 200}},
                        match={"httpMatch": {"pathMatch": {"match": {"exact": f"/{i}"}}}})
    with pytest.raises(ClientError) as exc:
        lat.create_rule(**ids, name="r6x", priority=6, action={"fixedResponse": {"statusCode": 200}},
                        match={"httpMatch": {"pathMatch": {"match": {"exact": "/6"}}}})
    assert code(exc) == "ServiceQuotaExceededException"


def test_listener_quota(lab, lat):
    svc = lat.create_service(name="two-listeners")
    for port in (80, 8080):
        lat.create_listener(serviceIdentifier=svc["id"], name=f"l{port}", protocol="HTTP", port=port,
                            defaultAction={"fixedResponse": {"statusCode": 404}})
    with pytest.raises(ClientError) as exc:
        lat.create_listener(serviceIdentifier=svc["id"], name="l443", protocol="HTTPS", port=443,
                            defaultAction={"fixedResponse": {"statusCode": 404}})
    assert code(exc) == "ServiceQuotaExceededException"


def test_targets_register_list_deregister(lab, lat):
    tg = _tg(lab, lat)
    assert tg["config"]["healthCheck"]["path"] == "/"  # Lattice's defaults are filled in
    assert tg["config"]["healthCheck"]["healthCheckIntervalSeconds"] == 30
    out = lat.register_targets(targetGroupIdentifier=tg["id"], targets=[{"id": "10.9.0.10"}, {"id": "10.9.0.11",
                                                                                            "port": 8080}])
    assert out["successful"] == [{"id": "10.9.0.10", "port": 80}, {"id": "10.9.0.11", "port": 8080}]
    items = lat.list_targets(targetGroupIdentifier=tg["id"])["items"]
    assert {t["status"] for t in items} == {"UNUSED"}  # no rule uses the group yet
    out = lat.deregister_targets(targetGroupIdentifier=tg["id"], targets=[{"id": "10.9.0.10"}, {"id": "10.9.9.9"}])
    assert out["successful"] == [{"id": "10.9.0.10", "port": 80}]
    assert out["unsuccessful"][0]["id"] == "10.9.9.9"
    assert [t["id"] for t in lat.list_targets(targetGroupIdentifier=tg["id"])["items"]] == ["10.9.0.11"]


def test_health_check_ranges(lab, lat):
    vpc, _ = make_vpc(lab.client("ec2"), "10.8.0.0/16", [])
    with pytest.raises(ClientError) as exc:
        lat.create_target_group(name="bad-hc", type="IP", config={
            "port": 80, "protocol": "HTTP", "vpcIdentifier": vpc, "healthCheck": {"healthCheckIntervalSeconds": 400}})
    assert code(exc) == "ValidationException"


def test_auth_policy_state_follows_auth_type(lab, lat):
    svc = lat.create_service(name="auth-svc")
    out = lat.put_auth_policy(resourceIdentifier=svc["id"], policy='{"Statement": []}')
    assert out["state"] == "Inactive"
    lat.update_service(serviceIdentifier=svc["id"], authType="AWS_IAM")
    assert lat.get_auth_policy(resourceIdentifier=svc["arn"])["state"] == "Active"
    lat.delete_auth_policy(resourceIdentifier=svc["id"])
    with pytest.raises(ClientError) as exc:
        lat.get_auth_policy(resourceIdentifier=svc["id"])
    assert code(exc) == "ResourceNotFoundException"


def test_custom_domain_unique_in_network(lab, lat):
    net = lat.create_service_network(name="dom-net")
    a = lat.create_service(name="dom-a", customDomainName="api.example.com")
    b = lat.create_service(name="dom-b", customDomainName="api.example.com")
    lat.create_service_network_service_association(serviceNetworkIdentifier=net["id"], serviceIdentifier=a["id"])
    with pytest.raises(ClientError) as exc:
        lat.create_service_network_service_association(serviceNetworkIdentifier=net["id"], serviceIdentifier=b["id"])
    assert code(exc) == "ConflictException"


def test_teardown_deletes_lattice_resources_in_order(lab, lat):
    vpc, _ = make_vpc(lab.client("ec2"), "10.7.0.0/16", [])
    net = lat.create_service_network(name="td-net")
    tg = _tg(lab, lat, vpc=vpc)
    svc = lat.create_service(name="td-svc")
    lst = lat.create_listener(serviceIdentifier=svc["id"], name="web", protocol="HTTP", port=80,
                              defaultAction={"fixedResponse": {"statusCode": 404}})
    lat.create_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], name="fwd", priority=1,
                    match={"httpMatch": {"pathMatch": {"match": {"prefix": "/"}}}},
                    action={"forward": {"targetGroups": [{"targetGroupIdentifier": tg["id"]}]}})
    lat.create_service_network_service_association(serviceNetworkIdentifier=net["id"], serviceIdentifier=svc["id"])
    lat.create_service_network_vpc_association(serviceNetworkIdentifier=net["id"], vpcIdentifier=vpc)
    kinds = {e.kind for e in lab.ledger.entries}
    assert {"lattice-service", "lattice-listener", "lattice-rule", "lattice-target-group",
            "lattice-service-network", "lattice-service-association", "lattice-vpc-association"} <= kinds
    report = lab.teardown()
    assert not report.failed, report.failed
    regions = lab.shim_state["vpc-lattice"]["ap-northeast-2"]
    assert not (regions.services or regions.networks or regions.target_groups or regions.vpc_associations)
