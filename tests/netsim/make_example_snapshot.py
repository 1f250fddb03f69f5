"""Rebuild lab_helpers/data/snapshots/public_private_nat.json from a sandbox world.

Run from the repository root: ``PYTHONPATH=. python tests/netsim/make_example_snapshot.py``.
"""
import sys

sys.path.insert(0, "tests/netsim")
from netsim_builders import igw, instance, nat, route_table, sg, subnet, vpc

import lab_helpers
from lab_helpers.sim.netsim import snapshot_of

lab = lab_helpers.start_lab("01_vpc_basics", quiet=True)
ec2 = lab.client("ec2")
v = vpc(ec2, "10.0.0.0/16", "demo")
pub = subnet(ec2, v, "10.0.1.0/24", "us-east-1a")
priv = subnet(ec2, v, "10.0.2.0/24", "us-east-1a")
for s, n in ((pub, "public-a"), (priv, "private-a")):
    ec2.create_tags(Resources=[s], Tags=[{"Key": "Name", "Value": n}])
g = igw(ec2, v)
rp = route_table(ec2, v, pub)
ec2.create_route(RouteTableId=rp, DestinationCidrBlock="0.0.0.0/0", GatewayId=g)
rq = route_table(ec2, v, priv)
n = nat(ec2, pub)
ec2.create_route(RouteTableId=rq, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=n)
ec2.create_vpc_endpoint(VpcId=v, ServiceName="com.amazonaws.us-east-1.s3", RouteTableIds=[rq])
web = sg(ec2, v, "web", [("tcp", 443, "0.0.0.0/0")])
app = sg(ec2, v, "app", [("tcp", 8080, web)])
instance(ec2, pub, [web], public=True)
instance(ec2, priv, [app])
snap = snapshot_of(lab).subset([v])
snap.prefix_lists = {k: p for k, p in snap.prefix_lists.items() if p.name.endswith((".s3", ".dynamodb"))}
snap.save("lab_helpers/data/snapshots/public_private_nat.json")
lab.teardown()
