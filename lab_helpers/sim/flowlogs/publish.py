"""Deliver flow log records where ``create_flow_logs`` said: CloudWatch Logs or S3, through ordinary API calls.

The configuration is read with ``describe_flow_logs`` (once per change of the world): a flow log on a VPC, a
subnet or a network interface covers every interface in it; ``TrafficType`` ACCEPT, REJECT or ALL filters the
records. CloudWatch Logs: one log stream per network interface, named after its id, in ``LogGroupName`` (created
when missing, as the flow logs service does with its role). S3: a gzip object per delivery under
``AWSLogs/<account>/vpcflowlogs/<region>/yyyy/mm/dd/`` whose first line is the field header, as AWS writes it.
"""
from __future__ import annotations

import gzip
import time
import uuid
from datetime import UTC, datetime

from lab_helpers.sim.flowlogs.records import HEADER, FlowRecord

STORE = "flowlogs.config"  # shim-state key: (world generation, the flow logs)


def flow_logs(lab) -> list[dict]:
    """The Region's active flow logs (cached until the next write through the lab)."""
    key = getattr(lab, "world_generation", None)
    cached = lab.shim_state.get(STORE)
    if cached is not None and key is not None and cached[0] == key:
        return cached[1]
    found = [f for f in lab.raw_client("ec2", lab.region).describe_flow_logs().get("FlowLogs", [])
             if f.get("FlowLogStatus", "ACTIVE") == "ACTIVE"]
    lab.shim_state[STORE] = (key, found)
    return found


def account_of(lab) -> str:
    cached = lab.shim_state.get("flowlogs.account")
    if cached is None:
        cached = lab.raw_client("sts", lab.region).get_caller_identity()["Account"]
        lab.shim_state["flowlogs.account"] = cached
    return cached


def covering(logs: list[dict], interface: dict) -> list[dict]:
    """The flow logs whose resource (VPC, subnet or ENI) contains ``interface`` (a DescribeNetworkInterfaces item
    reduced to id, subnet and VPC)."""
    ids = {interface["id"], interface["subnet_id"], interface["vpc_id"]}
    return [f for f in logs if f.get("ResourceId") in ids]


def _wanted(flow_log: dict, record: FlowRecord) -> bool:
    kind = flow_log.get("TrafficType", "ALL")
    return kind == "ALL" or kind == record.action


def deliver(lab, by_interface: dict[str, list[FlowRecord]], interfaces: dict[str, dict]) -> int:
    """Write each interface's records to every flow log that covers it; returns how many records were written."""
    logs = flow_logs(lab)
    if not logs:
        return 0
    written = 0
    for eni_id, recs in by_interface.items():
        for flow_log in covering(logs, interfaces[eni_id]):
            chosen = [r for r in recs if _wanted(flow_log, r)]
            if not chosen:
                continue
            if flow_log.get("LogDestinationType", "cloud-watch-logs") == "s3":
                _to_s3(lab, flow_log, chosen)
            else:
                _to_log_group(lab.client("logs"), flow_log["LogGroupName"], eni_id, chosen)
            written += len(chosen)
    return written


def _to_log_group(logs, group: str, stream: str, recs: list[FlowRecord]) -> None:
    for create in (lambda: logs.create_log_group(logGroupName=group),
                   lambda: logs.create_log_stream(logGroupName=group, logStreamName=stream)):
        try:
            create()
        except logs.exceptions.ResourceAlreadyExistsException:
            pass
    events = [{"timestamp": r.start * 1000, "message": str(r)} for r in sorted(recs, key=lambda r: r.start)]
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=events)


def _to_s3(lab, flow_log: dict, recs: list[FlowRecord]) -> None:
    destination = flow_log["LogDestination"].split(":::", 1)[1]
    bucket, _, prefix = destination.partition("/")
    account, region = recs[0].account_id, lab.region
    when = datetime.fromtimestamp(recs[0].start, UTC)
    key = (f"{prefix + '/' if prefix else ''}AWSLogs/{account}/vpcflowlogs/{region}/{when:%Y/%m/%d}/"
           f"{account}_vpcflowlogs_{region}_{flow_log['FlowLogId']}_{when:%Y%m%dT%H%MZ}_{uuid.uuid4().hex[:8]}.log.gz")
    body = "\n".join([HEADER] + [str(r) for r in recs]) + "\n"
    lab.client("s3").put_object(Bucket=bucket, Key=key, Body=gzip.compress(body.encode()))


def now() -> int:
    return int(time.time())
