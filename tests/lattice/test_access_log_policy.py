"""AccessLogPolicy: a Lattice access log subscription, and one record per lab.http request in CloudWatch Logs / S3."""
from __future__ import annotations

import json

import pytest

from lab_helpers.errors import ManifestError
from lab_helpers.sim import k8s as lattice

POLICY = """
apiVersion: application-networking.k8s.aws/v1alpha1
kind: AccessLogPolicy
metadata: {name: NAME}
spec:
  targetRef: {group: gateway.networking.k8s.io, kind: KIND, name: TARGET}
  destinationArn: DEST
"""


def policy(name, kind, target, dest):
    return POLICY.replace("NAME", name).replace("KIND", kind).replace("TARGET", target).replace("DEST", dest)


def _log_group(lab, name="/lattice/demo-sn"):
    logs = lab.client("logs")
    logs.create_log_group(logGroupName=name)
    return logs, f"arn:aws:logs:{lab.region}:{lab.client('sts').get_caller_identity()['Account']}:log-group:{name}"


def test_gateway_policy_subscribes_the_network_and_each_request_writes_a_record(world):
    lab = world.lab
    logs, arn = _log_group(lab)
    lab.kubectl_apply(policy("sn-logs", "Gateway", "demo-sn", arn), cluster="eks-demo")
    lat = lab.client("vpc-lattice")
    (sub,) = lat.list_access_log_subscriptions(resourceIdentifier=world.network["id"])["items"]
    assert sub["destinationArn"] == arn
    got = lattice.kubectl_get(lab, "AccessLogPolicy", "sn-logs")
    assert got.annotations[lattice.naming.ANNOTATION + "accessLogSubscription"] == sub["arn"]
    ok, missing = world.get("/v1/health"), world.get("/nope")
    events = logs.filter_log_events(logGroupName="/lattice/demo-sn")["events"]
    records = [json.loads(e["message"]) for e in events]
    assert [r["responseCode"] for r in records] == [ok.status, missing.status]
    first = records[0]
    assert first["method"] == "GET" and first["path"] == "/v1/health" and first["serviceNetworkArn"] == \
        world.network["arn"]
    assert first["sourceVpcArn"].endswith(f"vpc/{world.client_vpc}") and first["resolvedUser"] == "Anonymous"
    assert {"startTime", "duration", "bytesSent", "hostHeader", "serviceArn", "requestToken"} <= set(first)


def test_route_policy_writes_to_s3_and_deleting_it_stops_the_records(world):
    lab = world.lab
    s3 = lab.client("s3")
    s3.create_bucket(Bucket="lattice-logs", CreateBucketConfiguration={"LocationConstraint": lab.region})
    lab.kubectl_apply(policy("route-logs", "HTTPRoute", "demo-http-route", "arn:aws:s3:::lattice-logs"),
                      cluster="eks-demo")
    world.get("/v1/health")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="lattice-logs").get("Contents", [])]
    assert len(keys) == 1 and keys[0].startswith("AWSLogs/") and "/VpcLattice/AccessLogs/" in keys[0]
    entry = json.loads(s3.get_object(Bucket="lattice-logs", Key=keys[0])["Body"].read())
    assert entry["responseCode"] == 200 and entry["serviceArn"].startswith("arn:aws:vpc-lattice:")
    lattice.kubectl_delete(lab, "AccessLogPolicy", "route-logs", cluster="eks-demo")
    world.get("/v1/health")
    assert len(s3.list_objects_v2(Bucket="lattice-logs").get("Contents", [])) == 1


def test_bad_destination_or_target_is_refused(world):
    with pytest.raises(ManifestError, match="destinationArn"):
        world.lab.kubectl_apply(policy("x", "Gateway", "demo-sn", "my-bucket"), cluster="eks-demo")
    with pytest.raises(ManifestError, match="targetRef.kind"):
        world.lab.kubectl_apply(policy("x", "Service", "demo-app-a", "arn:aws:s3:::b"), cluster="eks-demo")
    with pytest.raises(ManifestError, match="GRPCRoute"):  # the docs' Invalid: only Gateway, HTTPRoute, GRPCRoute
        world.lab.kubectl_apply(policy("x", "TLSRoute", "secure-app", "arn:aws:s3:::b"), cluster="eks-demo")


def test_served_api_one_subscription_per_destination_type(world):
    lat = world.lab.client("vpc-lattice")
    _, arn = _log_group(world.lab)
    sub = lat.create_access_log_subscription(resourceIdentifier=world.network["id"], destinationArn=arn)
    assert sub["resourceId"] == world.network["id"] and sub["serviceNetworkLogType"] == "SERVICE"
    with pytest.raises(lat.exceptions.ConflictException):
        lat.create_access_log_subscription(resourceIdentifier=world.network["id"], destinationArn=arn + "-2")
    with pytest.raises(lat.exceptions.ValidationException):
        lat.create_access_log_subscription(resourceIdentifier=world.network["id"],
                                           destinationArn="arn:aws:ec2:ap-northeast-2:123456789012:vpc/vpc-1")
    lat.delete_access_log_subscription(accessLogSubscriptionIdentifier=sub["id"])
    assert lat.list_access_log_subscriptions(resourceIdentifier=world.network["id"])["items"] == []


def _firehose_to_s3(lab, stream="lattice-stream", bucket="firehose-landing"):
    lab.client("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": lab.region})
    account = lab.client("sts").get_caller_identity()["Account"]
    return lab.client("firehose").create_delivery_stream(
        DeliveryStreamName=stream, DeliveryStreamType="DirectPut",
        ExtendedS3DestinationConfiguration={"RoleARN": f"arn:aws:iam::{account}:role/firehose-to-s3",
                                            "BucketARN": f"arn:aws:s3:::{bucket}", "Prefix": "lattice/"},
    )["DeliveryStreamARN"]


def test_firehose_destination_delivers_each_record_on_to_its_bucket(world):
    lab = world.lab
    stream = _firehose_to_s3(lab)
    lab.kubectl_apply(policy("fh-logs", "HTTPRoute", "demo-http-route", stream), cluster="eks-demo")
    world.get("/v1/health")
    world.get("/v2/health")
    s3 = lab.client("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="firehose-landing", Prefix="lattice/").get("Contents", [])]
    lines = [line for k in keys for line in s3.get_object(Bucket="firehose-landing", Key=k)["Body"].read()
             .decode().splitlines() if line]
    assert sorted(json.loads(line)["path"] for line in lines) == ["/v1/health", "/v2/health"]


def test_one_access_log_policy_per_destination_type_per_target(world):
    lab = world.lab
    _, log_arn = _log_group(lab)
    s3 = lab.client("s3")
    s3.create_bucket(Bucket="lattice-logs", CreateBucketConfiguration={"LocationConstraint": lab.region})
    lab.kubectl_apply([policy("to-logs", "Gateway", "demo-sn", log_arn),
                       policy("to-s3", "Gateway", "demo-sn", "arn:aws:s3:::lattice-logs"),
                       policy("to-logs-again", "Gateway", "demo-sn", log_arn + "-other")], cluster="eks-demo")

    def accepted(name):
        return lattice.kubectl_get(lab, "AccessLogPolicy", name).status["conditions"][0]

    assert accepted("to-logs")["status"] == "True" and accepted("to-s3")["status"] == "True"
    assert (accepted("to-logs-again")["status"], accepted("to-logs-again")["reason"]) == ("False", "Conflicted")
    subs = lab.client("vpc-lattice").list_access_log_subscriptions(resourceIdentifier=world.network["id"])["items"]
    assert sorted(s["destinationArn"] for s in subs) == sorted([log_arn, "arn:aws:s3:::lattice-logs"])
