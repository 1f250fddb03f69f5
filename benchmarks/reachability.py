"""Benchmark the netsim engine on a hub-and-spoke world: N VPCs on one transit gateway, one instance each.

Prints the snapshot time, median and p95 time per analysis (on an existing snapshot), and the time of a
100 x 100 reachability matrix, each as a ratio against its target (ratio <= 1.0 meets it):

* analysis <= 20 ms median once the snapshot exists
* 100 x 100 matrix <= 5 s

A script, not a test: timings depend on the machine, so nothing here asserts. Each timing is printed as wall
time and as this process's CPU time; the ratios use CPU time, which a busy shared machine distorts less
(the engine is single-threaded and does no I/O once the snapshot exists).
Usage:  PYTHONPATH=. python benchmarks/reachability.py [--small] [--vpcs N]
"""
from __future__ import annotations

import argparse
import random
import statistics
import time

TARGET_ANALYSIS_MS = 20.0
TARGET_MATRIX_S = 5.0


def build(lab, n: int) -> list[str]:
    """n spoke VPCs 10.x.y.0/24-sized, each with a subnet, a route to the TGW, an attachment and an instance."""
    ec2 = lab.client("ec2")
    tgw = ec2.create_transit_gateway(Description="bench-hub")["TransitGateway"]["TransitGatewayId"]
    instances = []
    for k in range(n):
        cidr = f"10.{k // 250}.{(k % 250)}.0/24"
        vpc = ec2.create_vpc(CidrBlock=cidr.replace("/24", "/24"))["Vpc"]["VpcId"]
        sub = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
        rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(RouteTableId=rt, SubnetId=sub)
        ec2.create_route(RouteTableId=rt, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw)
        ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[sub])
        sg = ec2.create_security_group(VpcId=vpc, GroupName="spoke", Description="spoke")["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
        ni = {"DeviceIndex": 0, "SubnetId": sub, "Groups": [sg]}
        instances.append(ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1,
                                           NetworkInterfaces=[ni])["Instances"][0]["InstanceId"])
    return instances


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="50 VPCs, 20 x 20 matrix (a quick run)")
    parser.add_argument("--vpcs", type=int, default=None)
    args = parser.parse_args()
    n = args.vpcs or (50 if args.small else 500)
    side = 20 if args.small else 100

    import lab_helpers
    from lab_helpers.sim.netsim import reachability_matrix, snapshot_of
    from lab_helpers.sim.netsim.trace import run

    lab = lab_helpers.start_lab("01_vpc_basics", quiet=True)
    try:
        t0 = time.perf_counter()
        instances = build(lab, n)
        print(f"built {n} VPCs on one TGW in {time.perf_counter() - t0:.1f} s (moto)")

        t0, c0 = time.perf_counter(), time.process_time()
        snap = snapshot_of(lab)
        snap_s, snap_cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"snapshot: {snap_s:.2f} s wall / {snap_cpu:.2f} s cpu (moto serialising describe answers; no target)"
              f"  ({len(snap.vpcs)} VPCs, {len(snap.enis)} ENIs, "
              f"{sum(len(r.routes) for r in snap.tgw_route_tables.values())} TGW routes)")

        rng = random.Random(7)
        pairs = [tuple(rng.sample(instances, 2)) for _ in range(200)]
        run(snap, pairs[0][0], pairs[0][1], 443, "tcp")  # builds the per-snapshot indexes
        times, cpu, found = [], [], 0
        for s, d in pairs:
            t0, c0 = time.perf_counter(), time.process_time()
            a = run(snap, s, d, 443, "tcp")
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
            found += a.reachable
        times.sort()
        cpu.sort()
        med, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
        cmed, cp95 = statistics.median(cpu), cpu[int(len(cpu) * 0.95) - 1]
        print(f"analysis: median {med:.2f} ms wall / {cmed:.2f} ms cpu, p95 {p95:.2f} / {cp95:.2f} ms over "
              f"{len(times)} pairs ({found} reachable)  ratio vs {TARGET_ANALYSIS_MS:.0f} ms target: "
              f"{cmed / TARGET_ANALYSIS_MS:.3f}")

        chosen = instances[:side]
        t0, c0 = time.perf_counter(), time.process_time()
        m = reachability_matrix(lab, chosen, port=443, snapshot=snap)
        mat_s, mat_cpu = time.perf_counter() - t0, time.process_time() - c0
        ok = sum(1 for s in chosen for d in chosen if m.matrix[s][d])
        scale = (100 * 99) / (side * (side - 1))
        print(f"matrix {side}x{side}: {mat_s:.2f} s wall / {mat_cpu:.2f} s cpu ({ok} reachable pairs)  "
              f"ratio vs {TARGET_MATRIX_S:.0f} s target{' (scaled to 100x100)' if side != 100 else ''}: "
              f"{mat_cpu * scale / TARGET_MATRIX_S:.3f}")
    finally:
        lab.close()  # the world is in-process moto: closing drops it (no per-resource teardown needed)


if __name__ == "__main__":
    main()
