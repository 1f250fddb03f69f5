"""How much the three simulators cost per call, as ratios to one plain describe_vpcs call (no assertions).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/simulators.py

Each simulator reads the world through describe calls on every use (so it is always current); this shows what
that costs: a resolve, a placement layout of 30 instances, one IMDS GET over loopback and one DNS query over UDP.
"""
from __future__ import annotations

import statistics
import time

import lab_helpers
from lab_helpers.sim import dns, hardware, imds

ROUNDS = 20


def median_seconds(fn, rounds=ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    lab = lab_helpers.start_lab("01_vpc_basics", quiet=True)
    try:
        ec2, r53 = lab.client("ec2"), lab.client("route53")
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]
        for name in ("example.com", "acc.example.com", "my-app.internal"):
            zone = r53.create_hosted_zone(Name=name, CallerReference=name, HostedZoneConfig={"PrivateZone": True},
                                          VPC={"VPCRegion": "us-east-1", "VPCId": vpc})["HostedZone"]["Id"]
            for i in range(20):
                r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "CREATE",
                    "ResourceRecordSet": {"Name": f"host{i}.{name}", "Type": "A", "TTL": 60,
                                          "ResourceRecords": [{"Value": f"10.0.1.{i + 10}"}]}}]})
        ec2.create_placement_group(GroupName="kafka", Strategy="partition", PartitionCount=3)
        ids = [i["InstanceId"] for i in ec2.run_instances(
            ImageId="ami-12c6146b", MinCount=15, MaxCount=15, SubnetId=subnet["SubnetId"],
            Placement={"GroupName": "kafka"})["Instances"]]
        ec2.run_instances(ImageId="ami-12c6146b", MinCount=15, MaxCount=15, SubnetId=subnet["SubnetId"])

        base = median_seconds(lambda: lab.raw_client("ec2").describe_vpcs(VpcIds=[vpc]))
        results = {"lab.resolve (3 zones, 60 records)": median_seconds(
            lambda: lab.resolve("host5.acc.example.com", vpc))}
        results["hardware.layout (30 instances)"] = median_seconds(lambda: hardware.layout(lab))
        with lab.imds(ids[0]) as url:
            results["IMDS GET over loopback"] = median_seconds(lambda: imds.curl(url + "/latest/meta-data/instance-id"))
        with dns.serve(lab, vpc) as server:
            results["DNS query over UDP"] = median_seconds(lambda: server.query("host5.acc.example.com"))
        print(f"baseline: one describe_vpcs = {base * 1000:.1f} ms (median of {ROUNDS})")
        for name, seconds in results.items():
            print(f"  {name:<36} {seconds * 1000:7.1f} ms  = {seconds / base:5.1f} x baseline")
    finally:
        lab.close()


if __name__ == "__main__":
    main()
