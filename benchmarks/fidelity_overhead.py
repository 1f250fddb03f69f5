"""Benchmark what the fidelity layer costs a request: the same request on bare moto and through the layer.

The layer runs in moto's dispatch for every client, so every request pays for it. Two kinds of request:

* a read no shim cares about (``DescribeVpcs``): the layer only looks the operation up;
* a write with shims and tagging (``CreateSecurityGroup`` + ``DeleteSecurityGroup``): the request is parsed, the
  rules run, and the run's tags are added.

Each is timed in-process (boto3 through moto's botocore stub) and through the loopback server (what the AWS CLI and
other SDKs use). Target: through the layer <= 1.2 x bare moto. Printed as medians of CPU time and as ratios; no
assertion (shared, noisy machines).
Usage:  PYTHONPATH=. python benchmarks/fidelity_overhead.py [--n 200]
"""
from __future__ import annotations

import argparse
import statistics
import time

TARGET_RATIO = 1.2


def _median_ms(action, n: int) -> float:
    samples = []
    for _ in range(n):
        start = time.process_time()
        action()
        samples.append((time.process_time() - start) * 1000)
    return statistics.median(samples)


def _workload(ec2, vpc: str):
    def read():
        ec2.describe_vpcs(VpcIds=[vpc])

    def write():
        group = ec2.create_security_group(GroupName=f"b{time.monotonic_ns()}", Description="bench", VpcId=vpc)
        ec2.delete_security_group(GroupId=group["GroupId"])

    return {"read (DescribeVpcs)": read, "write (Create+DeleteSecurityGroup)": write}


def _measure(ec2, vpc: str, n: int) -> dict:
    for action in _workload(ec2, vpc).values():
        action()  # warm: service models, connection pools
    return {name: _median_ms(action, n) for name, action in _workload(ec2, vpc).items()}


def main() -> None:
    import logging

    import boto3
    from moto import mock_aws
    from moto.server import ThreadedMotoServer

    from lab_helpers import fidelity
    from lab_helpers.core.sandbox import free_loopback_port
    from lab_helpers.fidelity.standalone import standalone_layer

    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    n = parser.parse_args().n
    creds = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request would be the benchmark
    with mock_aws():
        port = free_loopback_port()
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        doors = {"in-process": boto3.client("ec2", **creds),
                 "server": boto3.client("ec2", endpoint_url=f"http://127.0.0.1:{port}", **creds)}
        results = {}
        vpc = doors["in-process"].create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        for door, ec2 in doors.items():
            bare = _measure(ec2, vpc, n)
            layer = standalone_layer()
            layer.tags = {"vpclab:run": "bench", "vpclab:lab": "bench"}  # as a lab's layer: creates are tagged
            fidelity.activate(layer)
            try:
                through = _measure(ec2, vpc, n)
            finally:
                fidelity.deactivate(layer)
            results[door] = (bare, through)
        server.stop()
    print(f"Fidelity layer overhead per request, median CPU ms over {n} (target <= {TARGET_RATIO} x bare moto)")
    for door, (bare, through) in results.items():
        for name in bare:
            ratio = through[name] / bare[name] if bare[name] else float("nan")
            print(f"  {door:10} {name:36} bare {bare[name]:7.2f} ms  layer {through[name]:7.2f} ms  "
                  f"ratio {ratio:4.2f} (of target {ratio / TARGET_RATIO:4.2f})")


if __name__ == "__main__":
    main()
