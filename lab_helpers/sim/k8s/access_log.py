"""Access logs: the ``AccessLogPolicy`` the controller turns into a Lattice subscription, and the records.

``AccessLogPolicy`` (``targetRef`` a Gateway, HTTPRoute or GRPCRoute; ``destinationArn`` a CloudWatch Logs log
group, an S3 bucket or a Firehose stream) -> ``CreateAccessLogSubscription`` on the service network (Gateway) or the
service (route); the controller notes the subscription's ARN in the policy's annotation
``application-networking.k8s.aws/accessLogSubscription``. Deleting the policy deletes the subscription.

Then every request ``lab.http`` sends writes **one record** to each subscription of the network and of the
service it went through, with the field names Lattice documents (a subset: no TLS or gRPC fields). Real Lattice
batches records into gzip files in S3 every few minutes; here each request is one JSON object at once, under the
same ``AWSLogs/<account>/VpcLattice/AccessLogs/<region>/yyyy/mm/dd/`` prefix, in CloudWatch Logs one event in a
stream named after the resource (the model's choice), and to a Firehose stream one JSON record (``PutRecord``;
ending it with a newline is the model's choice, so a delivered object reads as lines), which the stream delivers to
its own destination — in the sandbox, its S3 bucket.
"""
from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from typing import Optional

from lab_helpers.sim.k8s.cluster import Cluster
from lab_helpers.sim.k8s.naming import ANNOTATION
from lab_helpers.sim.k8s.policies import judge

SUBSCRIPTION_ANNOTATION = ANNOTATION + "accessLogSubscription"
MANAGED_KEY = "access-log-subscriptions"  # policy key -> subscription id


def reconcile(lattice, cluster: Cluster, networks: dict, log: list) -> None:
    managed = cluster.controller.setdefault(MANAGED_KEY, {})
    services = cluster.controller.get("services", {})

    def resource(key: tuple) -> Optional[str]:
        kind, ns, name = key
        if kind == "Gateway" and (ns, name) in networks:
            return networks[(ns, name)]["id"]
        return services.get(key) if kind in ("HTTPRoute", "GRPCRoute") else None

    wanted = set()
    # One policy per destination type per target (api-types/access-log-policy.md, "Conflicted": "a target can
    # have 1 AccessLogPolicy for an S3 Bucket, 1 for a CloudWatch Log Group, and 1 for a Firehose Delivery Stream").
    winners = judge(cluster, "AccessLogPolicy", lambda k: resource(k) is not None, per=destination_type,
                    per_what="destination type")
    for (key, _kind), policy in winners.items():
        rid, dest = resource(key), policy.spec["destinationArn"]
        sub_id = managed.get(policy.key)
        current = _get(lattice, sub_id)
        if current is not None and (current["resourceId"] != rid or current["destinationArn"].split(":")[2]
                                    != dest.split(":")[2]):
            lattice.delete_access_log_subscription(accessLogSubscriptionIdentifier=current["id"])
            current = None
        if current is None:
            current = lattice.create_access_log_subscription(resourceIdentifier=rid, destinationArn=dest)
            managed[policy.key] = current["id"]  # first, so that undoing a refused apply can find it
            log.append(f"access log subscription {current['id']}: {rid} -> {dest}")
        elif current["destinationArn"] != dest:
            lattice.update_access_log_subscription(accessLogSubscriptionIdentifier=current["id"], destinationArn=dest)
            log.append(f"access log subscription {current['id']}: destination {dest}")
        policy.annotations[SUBSCRIPTION_ANNOTATION] = current["arn"]
        wanted.add(policy.key)
    for key in [k for k in managed if k not in wanted]:
        if _get(lattice, managed[key]) is not None:
            lattice.delete_access_log_subscription(accessLogSubscriptionIdentifier=managed[key])
            log.append(f"access log subscription {managed[key]} deleted (its AccessLogPolicy is gone)")
        del managed[key]


def destination_type(policy) -> str:
    """``logs``, ``s3`` or ``firehose``: the service in the destination ARN."""
    return policy.spec["destinationArn"].split(":")[2]


def _get(lattice, sub_id: Optional[str]) -> Optional[dict]:
    if sub_id is None:
        return None
    try:
        return lattice.get_access_log_subscription(accessLogSubscriptionIdentifier=sub_id)
    except lattice.exceptions.ResourceNotFoundException:
        return None


# -- the data plane -----------------------------------------------------------------------------------------
def subscriptions(lattice, network: Optional[dict], service: Optional[dict]) -> list[dict]:
    """The subscriptions a request through ``network`` and ``service`` writes to (read once per plan)."""
    out = []
    for res in (network, service):
        if res is not None:
            out += lattice.list_access_log_subscriptions(resourceIdentifier=res["id"])["items"]
    return out


def record(lab, req, response, *, from_vpc: str, network: Optional[dict], service: Optional[dict],
           caller: Optional[str], started: float) -> dict:
    """One access log entry, with Lattice's field names."""
    denied = response.status == 403
    return {
        "startTime": datetime.fromtimestamp(started, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": max(0, round((time.time() - started) * 1000)), "method": req.method, "path": req.path,
        "protocol": "HTTP/1.1", "responseCode": response.status if response.status is not None else 0,
        "responseCodeDetails": "-" if response.ok else (response.error or response.body[:80] or "-"),
        "bytesReceived": 0, "bytesSent": len(response.body.encode()),
        "hostHeader": f"{req.host}:{req.port}", "userAgent": req.headers.get("user-agent", "-"),
        "serverNameIndication": req.host if req.scheme == "https" else "-",
        "sourceIpPort": f"{req.source}:0" if req.source else "-",
        "sourceVpcArn": f"arn:aws:ec2:{lab.region}:{(service or network or {}).get('arn', '::::0').split(':')[4]}"
                        f":vpc/{from_vpc}",
        "serviceNetworkArn": (network or {}).get("arn", "-"), "serviceArn": (service or {}).get("arn", "-"),
        "resolvedUser": caller or "Anonymous", "authDeniedReason": response.hops[-1].detail if denied else "-",
        "requestToken": str(uuid.uuid4()),
    }


def write(lab, subs: list[dict], entry: dict) -> None:
    """Deliver ``entry`` to every subscription's destination in the lab (a missing destination drops it, as
    Lattice's delivery would fail)."""
    for sub in subs:
        arn = sub["destinationArn"]
        service = arn.split(":")[2]
        try:
            if service == "logs":
                _to_log_group(lab.client("logs"), arn.split(":")[6], sub["resourceId"], entry)
            elif service == "firehose":  # the stream delivers onward (to S3, in the sandbox's Firehose)
                lab.client("firehose").put_record(DeliveryStreamName=arn.split("/", 1)[1],
                                                  Record={"Data": (json.dumps(entry) + "\n").encode()})
            elif service == "s3":
                day = entry["startTime"][:10].replace("-", "/")
                key = (f"AWSLogs/{sub['resourceArn'].split(':')[4]}/VpcLattice/AccessLogs/{lab.region}/{day}/"
                       f"{sub['resourceId']}_{entry['startTime'].replace(':', '')}_{entry['requestToken']}.json")
                lab.client("s3").put_object(Bucket=arn.split(":")[5], Key=key, Body=json.dumps(entry).encode())
        except Exception as exc:  # botocore's ClientError: the destination is gone; Lattice drops the record
            if not hasattr(exc, "response"):
                raise


def _to_log_group(logs, group: str, stream: str, entry: dict) -> None:
    try:
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    logs.put_log_events(logGroupName=group, logStreamName=stream,
                        logEvents=[{"timestamp": int(time.time() * 1000), "message": json.dumps(entry)}])
