# ---
# jupyter:
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   vpclab:
#     title: "VPC peering and Transit Gateway"
#     minutes: 90
#     objectives: ["Take a peering connection through its lifecycle and route both sides", "Show with traces that peering is not transitive and gives no edge-to-edge access", "Peer VPCs across regions", "Segment a Transit Gateway with association and propagation route tables, and drop traffic with a blackhole route", "Connect Transit Gateways across regions with static routes", "Choose between peering and Transit Gateway on cost and operations, and recompute the notes' 10-region platform"]
# ---

# %% [markdown]
# # Lab 04 — VPC peering and Transit Gateway
#
# **Time:** about 60 minutes. **Prerequisites:** Labs 01–03.
#
# By the end of this lab you can:
# 1. take a peering connection through its lifecycle and add routes on both sides;
# 2. show with traces that peering is **not transitive** and gives **no edge-to-edge** access;
# 3. peer VPCs across regions;
# 4. segment a Transit Gateway with **association** and **propagation** route tables, and drop traffic with a
#    **blackhole** route;
# 5. connect Transit Gateways across regions with static routes;
# 6. choose between peering and Transit Gateway on cost and operations, and recompute the notes' 10-region platform.

# %% tags=["parameters"]
MODE = None        # None -> $VPCLAB_MODE or "sandbox"; "live" uses your AWS account
REGION = None      # None -> us-east-1 in the sandbox; required in live mode
SOLUTIONS = False  # True fills in every exercise with the reference solution (the tests do)

# %%
import time

from lab_helpers.teach import check, compute, draw, predict

from lab_helpers.sim import costs

from lab_helpers import start_lab
from lab_helpers.lessons import cost_scenarios as scenarios

lab = start_lab("04_peering_and_tgw", mode=MODE, region=REGION)
ec2 = lab.client("ec2")
PEER_REGION = "ap-northeast-2" if lab.region != "ap-northeast-2" else "us-east-1"
ec2_peer = lab.client("ec2", PEER_REGION)
ACCOUNT = lab.client("sts").get_caller_identity()["Account"]


def small_vpc(client, cidr, name, region, allow_from="10.0.0.0/8"):
    """A VPC with one subnet (its own route table) and one instance whose security group allows 443 from
    ``allow_from``. Returns a dict of ids."""
    vpc = client.create_vpc(CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc", "Tags": [
        {"Key": "Name", "Value": name}]}])["Vpc"]["VpcId"]
    subnet = client.create_subnet(VpcId=vpc, CidrBlock=cidr.replace(".0.0/16", ".1.0/24"),
                                  AvailabilityZone=region + "a")["Subnet"]["SubnetId"]
    rt = client.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    client.associate_route_table(RouteTableId=rt, SubnetId=subnet)
    sg = client.create_security_group(GroupName=f"{name}-app", Description="app: 443", VpcId=vpc)["GroupId"]
    client.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": allow_from}]}])
    instance = compute.launch(lab, subnet, f"{name}-app", security_groups=[sg], region=region)
    return {"vpc": vpc, "cidr": cidr, "subnet": subnet, "rt": rt, "sg": sg, "instance": instance, "region": region}


def wait_until(ready, what, delay=10, attempts=90):
    """Poll until ready() is true. Instant in the sandbox; Transit Gateways and their attachments take minutes in
    AWS, and associating or routing to a pending one fails."""
    for _ in range(attempts):
        if ready():
            return
        time.sleep(delay)
    raise TimeoutError(f"{what} did not become available; check it in the console, then re-run this cell.")


def attachment_state(client, attachment):
    return client.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[attachment])[
        "TransitGatewayAttachments"][0]["State"]


def peering_state(pcx, client=ec2):
    return client.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0][
        "Status"]["Code"]

# %% [markdown]
# ## 1. VPC peering
#
# A peering connection joins **two** VPCs (same or another region, same or another account) so that their private
# addresses reach each other as if on one network. Three VPCs to start with — A, B and C. B's application only
# accepts 443 from its own CIDR for now.

# %%
A = small_vpc(ec2, "10.1.0.0/16", "A", lab.region)
B = small_vpc(ec2, "10.2.0.0/16", "B", lab.region, allow_from="10.2.0.0/16")
C = small_vpc(ec2, "10.3.0.0/16", "C", lab.region)
print({name: v["vpc"] for name, v in (("A", A), ("B", B), ("C", C))})

# %% [markdown]
# ### The lifecycle
# The **requester** VPC asks, the **accepter** VPC's owner accepts ([VPC peering connection lifecycle](https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle)):
#
# ```
# initiating-request → pending-acceptance ──accept──▶ provisioning → active ──delete──▶ deleted
#                          │                                   (failed: visible 2 h)
#                          ├──reject──▶ rejected
#                          └──7 days──▶ expired
# ```
#
# An *active* connection can be deleted but not rejected.

# %%
ab = ec2.create_vpc_peering_connection(VpcId=A["vpc"], PeerVpcId=B["vpc"])["VpcPeeringConnection"][
    "VpcPeeringConnectionId"]
print("after create:", peering_state(ab))
ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=ab)
print("after accept:", peering_state(ab))

# %% [markdown]
# Accepting is one way out of `pending-acceptance`. The accepter may also **reject** the request (`rejected`, visible
# for a while, then gone), and a request nobody answers **expires** after 7 days (168 hours, not adjustable —
# [VPC peering quotas](https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-connection-quotas.html)). A rejected or expired request leaves nothing to route through; the
# requester must ask again. A request from A to a third VPC, rejected:

# %%
R_vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
ar = ec2.create_vpc_peering_connection(VpcId=A["vpc"], PeerVpcId=R_vpc)["VpcPeeringConnection"][
    "VpcPeeringConnectionId"]
print("after create:", peering_state(ar))
ec2.reject_vpc_peering_connection(VpcPeeringConnectionId=ar)
check.equal("The rejected request ends in 'rejected', never 'active'", lambda: peering_state(ar), "rejected");
print(lab.release(R_vpc))  # a new account holds five VPCs per Region: the rejected one's VPC goes now

# %% [markdown]
# **Predict:** the connection is active. Can A's instance reach B's on 443 now? Write *yes* or *no*.

# %%
A_REACHES_B_AFTER_ACCEPT = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    A_REACHES_B_AFTER_ACCEPT = "no"
guess = predict.answer("A reaches B once the peering is active", A_REACHES_B_AFTER_ACCEPT)

# %%
after_accept = lab.trace(A["instance"], B["instance"], port=443)
predict.reveal(guess, "yes" if after_accept.reachable else "no")
after_accept

# %% [markdown]
# No: a peering connection is a *possible* next hop, not a route. Each side must add a route to the other's CIDR
# through `pcx-…` ([How VPC peering connections work](https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html)) — and the reply needs the route on B's side.
#
# ### Exercise 1.1 — routes on both sides
# Write `route_both_sides(ec2, pcx_id, left, right)` where `left` and `right` are dicts like `A` and `B`
# (`"rt"` and `"cidr"` keys): add the route to the other side's CIDR in each route table.

# %%
def route_both_sides(ec2, pcx_id, left, right):
    """Add right's CIDR -> pcx to left's route table and left's CIDR -> pcx to right's."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    route_both_sides = lab.solution("route_both_sides")

# %%
check.run("Exercise 1.1 — routes on both sides", route_both_sides, ec2, ab, A, B)


def route_to(rt, cidr, client=ec2):
    routes = client.describe_route_tables(RouteTableIds=[rt])["RouteTables"][0]["Routes"]
    return next((r.get("VpcPeeringConnectionId") or r.get("TransitGatewayId") for r in routes
                 if r.get("DestinationCidrBlock") == cidr), None)


check.that("A routes 10.2.0.0/16 to the peering", lambda: route_to(A["rt"], B["cidr"]) == ab)
check.that("B routes 10.1.0.0/16 to the peering", lambda: route_to(B["rt"], A["cidr"]) == ab);

# %%
if route_to(B["rt"], A["cidr"]) is None:  # not solved yet: add them so the rest of the lab runs
    lab.solution("route_both_sides")(ec2, ab, A, B)

# %% [markdown]
# **Predict:** routes on both sides now. Does A reach B on 443? Write *yes* or *no*.

# %%
A_REACHES_B_WITH_ROUTES = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    A_REACHES_B_WITH_ROUTES = "no"
guess = predict.answer("A reaches B with routes on both sides", A_REACHES_B_WITH_ROUTES)

# %%
sg_blocks = lab.trace(A["instance"], B["instance"], port=443)
predict.reveal(guess, "yes" if sg_blocks.reachable else "no")
sg_blocks

# %% [markdown]
# Peering connects the networks; it does not open anything. B's security group still allows 443 only from
# 10.2.0.0/16, and network ACLs still apply too. (Inside one Region you could also reference A's security group
# from B's; across Regions you cannot — [Security group rules](https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html). Peering is no longer the only way to do
# that: a Transit Gateway with `SecurityGroupReferencingSupport` enabled lets VPCs attached to it in the same Region
# reference each other's groups too — [Security group referencing](https://docs.aws.amazon.com/vpc/latest/tgw/tgw-sg-updates.html).)
#
# ### Exercise 1.2 — let A in
# Write `allow_peer(ec2, security_group_id, cidr)` that allows TCP 443 from `cidr`.

# %%
def allow_peer(ec2, security_group_id, cidr):
    """Allow TCP 443 from cidr."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    allow_peer = lab.solution("allow_peer")

# %%
check.run("Exercise 1.2 — allow A into B", allow_peer, ec2, B["sg"], A["cidr"])
a_to_b = lab.trace(A["instance"], B["instance"], port=443)
check.that("A reaches B on 443 through the peering", lambda: a_to_b.reachable,
           hint="authorize_security_group_ingress on B's group, tcp 443 from 10.1.0.0/16");
a_to_b

# %% [markdown]
# ### Overlapping CIDRs are refused
# Peering needs non-overlapping address space ([VPC peering limitations](https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations)): with two 10.1.0.0/16 networks, "10.1.1.4" would be
# ambiguous. A VPC D that reuses A's CIDR cannot be peered with A — even if no address is actually in use twice.

# %%
D = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
check.raises("Peering A with an overlapping VPC is refused",
             lambda: ec2.create_vpc_peering_connection(VpcId=A["vpc"], PeerVpcId=D),
             code="InvalidParameterValue");

# %% [markdown]
# ### Not transitive
# Now peer B with C (routes on both sides), so A–B and B–C are both connected. A adds a route for C's CIDR through
# its peering with B, hoping B will pass the traffic on.
#
# **Predict:** does A reach C? Write *yes* or *no*.

# %%
A_REACHES_C = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    A_REACHES_C = "no"
guess = predict.answer("A reaches C through B", A_REACHES_C)

# %%
bc = ec2.create_vpc_peering_connection(VpcId=B["vpc"], PeerVpcId=C["vpc"])["VpcPeeringConnection"][
    "VpcPeeringConnectionId"]
ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=bc)
lab.solution("route_both_sides")(ec2, bc, B, C)
ec2.create_route(RouteTableId=A["rt"], DestinationCidrBlock=C["cidr"], VpcPeeringConnectionId=ab)
a_to_c = lab.trace(A["instance"], C["instance"], port=443)
predict.reveal(guess, "yes" if a_to_c.reachable else "no")
check.that("A does not reach C through B", lambda: not a_to_c.reachable);
a_to_c

# %% [markdown]
# A peering connection only delivers packets whose destination is **inside the peer VPC** ([VPC peering limitations](https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations)). B never
# forwards anything: A–B plus B–C does not give A–C. You would need an A–C peering of its own — with N VPCs that
# all talk, N(N−1)/2 connections.
#
# ### No edge-to-edge
# For the same reason A cannot borrow B's internet gateway (or NAT gateway, VPN, Direct Connect, gateway
# endpoint). Give B an internet gateway and let A send `0.0.0.0/0` to the peering:

# %%
b_igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=b_igw, VpcId=B["vpc"])
ec2.create_route(RouteTableId=B["rt"], DestinationCidrBlock="0.0.0.0/0", GatewayId=b_igw)
ec2.create_route(RouteTableId=A["rt"], DestinationCidrBlock="0.0.0.0/0", VpcPeeringConnectionId=ab)
edge = lab.trace(A["instance"], "internet", port=443)
check.that("A cannot use B's internet gateway", lambda: not edge.reachable);
edge

# %% [markdown]
# ### Across regions
# Peering also works between regions, over the AWS backbone. The requester names `PeerRegion`; the **accepter
# accepts in its own region** (a client for that region). Across regions the MTU is 1500 bytes and security groups
# cannot reference the peer's groups ([VPC peering limitations](https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations)).

# %%
E = small_vpc(ec2_peer, "10.5.0.0/16", "E", PEER_REGION)
ae = ec2.create_vpc_peering_connection(VpcId=A["vpc"], PeerVpcId=E["vpc"], PeerRegion=PEER_REGION)[
    "VpcPeeringConnection"]["VpcPeeringConnectionId"]
ec2_peer.get_waiter("vpc_peering_connection_exists").wait(VpcPeeringConnectionIds=[ae])
ec2_peer.accept_vpc_peering_connection(VpcPeeringConnectionId=ae)
ec2.create_route(RouteTableId=A["rt"], DestinationCidrBlock=E["cidr"], VpcPeeringConnectionId=ae)
ec2_peer.create_route(RouteTableId=E["rt"], DestinationCidrBlock=A["cidr"], VpcPeeringConnectionId=ae)
a_to_e = lab.trace(A["instance"], E["instance"], port=443)
check.that(f"A ({lab.region}) reaches E ({PEER_REGION}) over inter-region peering", lambda: a_to_e.reachable);
a_to_e

# %% [markdown]
# ### DNS across a peering
# By default an instance's *public* DNS hostname resolves to its public IP even when asked from the peer VPC, so
# traffic to that name leaves through the internet instead of the peering. Each side's owner can turn on **DNS
# resolution** for the connection (`AllowDnsResolutionFromRemoteVpc`); then the name resolves to the private IP
# from the other side. It needs an active connection and DNS hostnames and DNS resolution on in both VPCs
# ([Enable DNS resolution for a VPC peering connection](https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-dns.html)).

# %%
for vpc in (A["vpc"], B["vpc"]):
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
ec2.modify_vpc_peering_connection_options(VpcPeeringConnectionId=ab,
                                          RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True},
                                          AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True})
options = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[ab])["VpcPeeringConnections"][0]
print({side: options[side].get("PeeringOptions", {}) for side in ("RequesterVpcInfo", "AccepterVpcInfo")})
check.that("DNS resolution is on for both sides of A↔B",
           lambda: all(options[side].get("PeeringOptions", {}).get("AllowDnsResolutionFromRemoteVpc")
                       for side in ("RequesterVpcInfo", "AccepterVpcInfo")));

# %% [markdown]
# ### Making room: a new account holds five VPCs per Region
# A, B, C and D, plus the default VPC, are five VPCs in this Region: the default quota of a new account
# ([Amazon VPC quotas](https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)). The hub below
# needs three more, so the peering VPCs go first. Predict: what would `create_vpc` answer for a sixth VPC?

# %%
from botocore.exceptions import ClientError

try:
    ec2.create_vpc(CidrBlock="10.9.0.0/16")  # an account with a raised quota accepts it; teardown removes it
    print("Created: this account's quota is above the default.")
except ClientError as err:
    print("AWS answered:", err.response["Error"]["Code"], "-", err.response["Error"]["Message"])
print(lab.release(A["vpc"], B["vpc"], C["vpc"], D))

# %% [markdown]
# ### Break it and fix it: an incident
# Before the hub, someone else's peering. Another team peered two VPCs and "did everything right". The next cell builds their VPCs and hides one fault in
# them with ordinary API calls you do not see; you get their report and the ids. Trace both legs with `lab.trace`,
# read the route tables, fix it with one targeted change, then run `incident.check()`. `incident.hint()` gives the
# next of three hints; `incident.explain()` opens after a ✅.

# %%
incident = lab.incident("peering-route-one-side", solutions=SOLUTIONS)
incident

# %%
# Your diagnosis and fix go here, e.g. lab.trace(incident.resources["client"], incident.resources["server"], port=443)

if SOLUTIONS:
    incident.solve()

# %%
incident.check()
incident.explain()
incident.close()  # their world goes: a new account holds five VPCs per Region

# %% [markdown]
# ## 2. Transit Gateway: hub and spoke
#
# A Transit Gateway (TGW) is a regional router you attach VPCs (and VPNs, Direct Connect, other TGWs) to. Unlike
# peering it **is** transitive: every attachment can reach every other — if the TGW's route tables say so. That is
# the part to understand:
#
# * each attachment is **associated** with exactly one TGW route table: the table used to route traffic *coming
#   from* that attachment ([How transit gateways work](https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html));
# * an attachment **propagates** its VPC's CIDR into any number of route tables: it becomes *reachable from*
#   whoever is associated with those tables.
#
# Segmentation falls out of that: prod and dev must not talk to each other, but both need shared services.
#
# | TGW route table | associated (who uses it) | propagations (what it knows) |
# |---|---|---|
# | `spokes` | prod, dev | shared |
# | `shared` | shared | prod, dev |
#
# The TGW is created with its default association and propagation **off** ([How transit gateways work](https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html)), so nothing talks until you
# say so. Each VPC gets an attachment subnet and a route `10.0.0.0/8 → tgw-…`. An attachment takes **one subnet per
# Availability Zone** (a second subnet in the same AZ is refused); traffic from an AZ where the attachment has no
# subnet cannot reach the TGW at all, so production attachments name a subnet in every AZ they use
# ([Amazon VPC attachments in AWS Transit Gateway](https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html)).

# %%
tgw = ec2.create_transit_gateway(Description="hub", Options={
    "DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"})["TransitGateway"][
    "TransitGatewayId"]
wait_until(lambda: ec2.describe_transit_gateways(TransitGatewayIds=[tgw])["TransitGateways"][0]["State"] == "available",
           "the transit gateway")
spokes = {}
for name, cidr in (("prod", "10.10.0.0/16"), ("dev", "10.20.0.0/16"), ("shared", "10.30.0.0/16")):
    v = small_vpc(ec2, cidr, name, lab.region)
    v["attachment"] = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=v["vpc"], SubnetIds=[v["subnet"]])["TransitGatewayVpcAttachment"][
        "TransitGatewayAttachmentId"]
    ec2.create_route(RouteTableId=v["rt"], DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw)
    spokes[name] = v
for v in spokes.values():
    wait_until(lambda: attachment_state(ec2, v["attachment"]) == "available", v["attachment"])
prod, dev, shared = spokes["prod"], spokes["dev"], spokes["shared"]
print("TGW", tgw, {name: v["attachment"] for name, v in spokes.items()})

# %% [markdown]
# ### Exercise 2.1 — segment the hub
# Write `segment(ec2, tgw_id, prod_att, dev_att, shared_att)`: create the two TGW route tables, associate each
# attachment with its table, enable the propagations from the table above, and return
# `{"spokes": "tgw-rtb-…", "shared": "tgw-rtb-…"}`.

# %%
def segment(ec2, tgw_id, prod_att, dev_att, shared_att):
    """Return {"spokes": id, "shared": id} after associations and propagations are in place."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    segment = lab.solution("segment")

# %%
tables = check.run("Exercise 2.1 — segmented TGW", segment, ec2, tgw, prod["attachment"], dev["attachment"],
                   shared["attachment"]) or {}


def associated(table):
    found = ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=table)["Associations"]
    return sorted(a["TransitGatewayAttachmentId"] for a in found)


def propagated(table):
    found = ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=table)[
        "TransitGatewayRouteTablePropagations"]
    return sorted(p["TransitGatewayAttachmentId"] for p in found)


check.equal("spokes: prod and dev are associated", lambda: associated(tables["spokes"]),
            sorted([prod["attachment"], dev["attachment"]]))
check.equal("spokes: only shared propagates", lambda: propagated(tables["spokes"]), [shared["attachment"]])
check.equal("shared: prod and dev propagate", lambda: propagated(tables["shared"]),
            sorted([prod["attachment"], dev["attachment"]]));

# %%
if len(tables) != 2:  # not solved yet: build it the reference way so the rest of the lab runs
    tables = lab.solution("segment")(ec2, tgw, prod["attachment"], dev["attachment"], shared["attachment"])

# %% [markdown]
# **Predict:** prod → shared, dev → shared, prod → dev. Which of the three get through?

# %%
prod_shared = lab.trace(prod["instance"], shared["instance"], port=443)
dev_shared = lab.trace(dev["instance"], shared["instance"], port=443)
prod_dev = lab.trace(prod["instance"], dev["instance"], port=443)
check.that("prod reaches shared services", lambda: prod_shared.reachable)
check.that("dev reaches shared services", lambda: dev_shared.reachable)
check.that("prod cannot reach dev", lambda: not prod_dev.reachable);
prod_dev

# %% [markdown]
# Prod's packets are looked up in `spokes` (prod's association), which only learned shared's CIDR: no route to
# dev. The security groups would have allowed it — the isolation is in the routing.

# %%
prod_shared

# %% [markdown]
# ### Blackhole routes
# A **static** route with `Blackhole=True` drops matching traffic, and a static route beats a propagated one for
# the same prefix; a more specific prefix always wins ([Transit gateway route tables](https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html)). Shared services has a subnet 10.30.99.0/24 that
# spokes must never reach (say, a quarantine for forensics):

# %%
quarantine_subnet = ec2.create_subnet(VpcId=shared["vpc"], CidrBlock="10.30.99.0/24",
                                      AvailabilityZone=lab.region + "a")["Subnet"]["SubnetId"]
ec2.associate_route_table(RouteTableId=shared["rt"], SubnetId=quarantine_subnet)
quarantined = compute.launch(lab, quarantine_subnet, "forensics", security_groups=[shared["sg"]])
ec2.create_transit_gateway_route(TransitGatewayRouteTableId=tables["spokes"], DestinationCidrBlock="10.30.99.0/24",
                                 Blackhole=True)
to_quarantine = lab.trace(prod["instance"], quarantined, port=443)
check.that("The blackhole route drops prod's traffic to the quarantine subnet",
           lambda: not to_quarantine.reachable and to_quarantine.code == "BAD_STATE_ROUTE")
check.that("The rest of shared services is still reachable",
           lambda: lab.trace(prod["instance"], shared["instance"], port=443).reachable);
to_quarantine

# %% [markdown]
# ### Transit Gateways across regions
# A TGW is regional. To reach a VPC in another region, peer two TGWs: a **peering attachment**, accepted in the
# other region, that supports **static routes only** (no propagation, [Transit gateway peering attachments](https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html)). Each side needs the attachment
# associated with a route table (for traffic arriving over it) and a static route to the other side's CIDR.

# %%
tgw_west = ec2_peer.create_transit_gateway(Description="west hub", Options={
    "DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"})["TransitGateway"][
    "TransitGatewayId"]
west = small_vpc(ec2_peer, "10.40.0.0/16", "west", PEER_REGION)
wait_until(lambda: ec2_peer.describe_transit_gateways(TransitGatewayIds=[tgw_west])["TransitGateways"][0][
    "State"] == "available", "the west transit gateway")
west["attachment"] = ec2_peer.create_transit_gateway_vpc_attachment(
    TransitGatewayId=tgw_west, VpcId=west["vpc"], SubnetIds=[west["subnet"]])["TransitGatewayVpcAttachment"][
    "TransitGatewayAttachmentId"]
wait_until(lambda: attachment_state(ec2_peer, west["attachment"]) == "available", west["attachment"])
ec2_peer.create_route(RouteTableId=west["rt"], DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw_west)
west_table = ec2_peer.create_transit_gateway_route_table(TransitGatewayId=tgw_west)["TransitGatewayRouteTable"][
    "TransitGatewayRouteTableId"]
ec2_peer.associate_transit_gateway_route_table(TransitGatewayRouteTableId=west_table,
                                               TransitGatewayAttachmentId=west["attachment"])
ec2_peer.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=west_table,
                                                        TransitGatewayAttachmentId=west["attachment"])

tgw_peering = ec2.create_transit_gateway_peering_attachment(
    TransitGatewayId=tgw, PeerTransitGatewayId=tgw_west, PeerAccountId=ACCOUNT,
    PeerRegion=PEER_REGION)["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
wait_until(lambda: attachment_state(ec2_peer, tgw_peering) in ("pendingAcceptance", "available"), tgw_peering)
ec2_peer.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=tgw_peering)
wait_until(lambda: attachment_state(ec2, tgw_peering) == "available", tgw_peering)
# traffic arriving over the peering is routed with these tables
ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=tables["shared"],
                                          TransitGatewayAttachmentId=tgw_peering)
ec2_peer.associate_transit_gateway_route_table(TransitGatewayRouteTableId=west_table,
                                               TransitGatewayAttachmentId=tgw_peering)
print("TGW peering", tgw_peering, "between", tgw, "and", tgw_west)

# %% [markdown]
# ### Exercise 2.2 — static routes over the TGW peering
# Prod (10.10.0.0/16, its traffic looked up in `spokes`) must reach west (10.40.0.0/16). Write
# `route_over_peering(ec2, ec2_peer, spokes_table, west_table, peering_attachment)` adding the two static routes.

# %%
def route_over_peering(ec2, ec2_peer, spokes_table, west_table, peering_attachment):
    """Static route to 10.40.0.0/16 in spokes_table and to 10.10.0.0/16 in west_table, via the peering."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    route_over_peering = lab.solution("route_over_peering")

# %%
check.run("Exercise 2.2 — static routes over the peering", route_over_peering, ec2, ec2_peer, tables["spokes"],
          west_table, tgw_peering)
prod_west = lab.trace(prod["instance"], west["instance"], port=443)
check.that(f"prod ({lab.region}) reaches west ({PEER_REGION}) through two TGWs", lambda: prod_west.reachable,
           hint="create_transit_gateway_route(..., TransitGatewayAttachmentId=<the peering attachment>) on both sides");
prod_west

# %% [markdown]
# ## 3. Peering or Transit Gateway?
#
# | | VPC peering | Transit Gateway |
# |---|---|---|
# | Topology | point to point, **not transitive** | hub and spoke, transitive (as the route tables allow) |
# | Connections for N VPCs that all talk | N(N−1)/2 peerings, N−1 routes per VPC | N attachments, one route per VPC |
# | Segmentation | by which peerings exist | TGW route tables (association/propagation) |
# | Hourly cost | none | per attachment-hour |
# | Per-GB cost | none within an AZ; cross-AZ / inter-region transfer | TGW processing per GB sent into it, plus transfer |
# | Good for | 2–3 VPCs, heavy traffic between a pair | 5+ VPCs, on-premises links, central inspection |
#
# The cost model prices both for a full mesh of N VPCs exchanging a total of 2 TB a month, half of it across AZs:

# %%
TOTAL_GB = 2000


def mesh_by_peering(n):
    return costs.monthly([], [costs.Flow("same AZ", TOTAL_GB / 2, ["peering"]),
                              costs.Flow("cross AZ", TOTAL_GB / 2, ["cross_az"])], lab.region,
                         title=f"{n} VPCs, full mesh of {n * (n - 1) // 2} peerings")


def mesh_by_tgw(n):
    return costs.monthly([costs.Resource("tgw_attachment", n)],
                         [costs.Flow("same AZ", TOTAL_GB / 2, ["tgw"]),
                          costs.Flow("cross AZ", TOTAL_GB / 2, ["tgw", "cross_az"])], lab.region,
                         title=f"{n} VPCs on one Transit Gateway")


print(f"{'VPCs':>5} {'peerings':>9} {'peering $/month':>16} {'attachments':>12} {'TGW $/month':>12}")
for n in (2, 3, 5, 10, 20):
    print(f"{n:>5} {n * (n - 1) // 2:>9} {costs.money(mesh_by_peering(n).total):>16} {n:>12} "
          f"{costs.money(mesh_by_tgw(n).total):>12}")

# %% [markdown]
# In money, peering always wins: it has no hourly charge and no processing charge. What grows with N is the *work*:
# 190 peerings and 19 routes per VPC for 20 VPCs, each added by hand on both sides. A Transit Gateway is what you
# pay so that adding the 21st VPC is one attachment — and so that you can segment, inspect and connect on-premises
# networks in one place. (Cross-AZ transfer is the same on both paths here; TGW's own processing adds to it.)
#
# ## 4. The notes' inference platform, recomputed
#
# The notes priced an inference platform: 10 regions × 5 workers; per region and day 1 GB of model downloads from
# S3, 10 GB of results to S3, 1 M DynamoDB requests, 2 GB of metrics to a central region, 0.5 GB of external API
# calls. Their figures: unoptimised **≈ $507** a month (10 NAT gateways + traffic through them), optimised with
# S3/DynamoDB gateway endpoints and metrics over a Transit Gateway **$342.75**, "≈ 32 % saved".
#
# First under the notes' own assumptions (every region at us-east-1 prices, 30-day months, NAT hours + NAT
# processing + TGW processing and nothing else):

# %%
note_un, note_opt = scenarios.platform_note(False), scenarios.platform_note(True)
print(note_un, "\n")
print(note_opt)
print(f"\nsaving: {1 - note_opt.total / note_un.total:.1%}")

# %% [markdown]
# The model gives $506.25 for the unoptimised platform (the notes rounded the NAT data line, $182.25, up to $183,
# hence "≈ $507") and exactly **$342.75** optimised.
#
# What the notes left out:
# * **TGW attachment-hours**: one VPC attachment per region, and a peering attachment per spoke region to reach
#   the central TGW (TGWs are regional) — billed every hour whatever the traffic;
# * **inter-region data transfer** for the metrics (the central region's own metrics do not leave it);
# * internet egress for the external API calls, and the NAT gateways' public IPv4 addresses.
#
# **Predict:** with those added, is the notes' "optimised" design still cheaper than doing nothing?

# %%
import matplotlib.pyplot as plt  # noqa: E402  (here, not in the first cell: ~0.4 s at start)
complete = {design: scenarios.platform_complete(design) for design in scenarios.PLATFORM_DESIGNS}
for design, bill in complete.items():
    print(f"{design:<26} {bill.total_text():>12}")
draw.cost_stacked({"notes: unoptimised": note_un, "notes: optimised": note_opt,
                    **{f"complete: {d}": b for d, b in complete.items()}},
                   title="10-region inference platform, monthly")
plt.xticks(rotation=30, ha="right")
plt.show()
complete["endpoints + TGW (note)"]

# %% [markdown]
# The conclusion flips. Ten VPC attachments and nine peering attachments cost far more per month than the
# 540 GB of metrics they carry, so the Transit Gateway design is the **most expensive** of all (and its peering
# attachment price is from a second-hand source that says each side bills — it may be higher still). The notes'
# first recommendation survives: **gateway endpoints** remove most of the NAT processing for free. For a few GB of
# metrics a day, leave them on the NAT path or use inter-region VPC peering (no hourly charge); a Transit Gateway
# pays off when there are many VPCs to connect, not for one small flow.
#
# ## 5. Teaser: networking ≠ DNS
# A reaches B over the peering — the trace proved it. But if B's service is called `api.internal`, A still cannot
# resolve that name: packets can flow while `nslookup api.internal` fails. Names live in Route 53 private hosted
# zones, which each VPC must be *associated* with. That is lab 05.
#
# What this lab has running would cost per hour in live mode:

# %%
lab.estimate()

# %% [markdown]
# ## Clean up

# %%
lab.teardown();

# %% [markdown]
# ## Key points
# - A peering connection goes requester → accepter (pending-acceptance → active); then **both** sides add routes,
#   and security groups and NACLs still decide.
# - Overlapping CIDRs cannot be peered. Peering is **not transitive** and gives **no edge-to-edge** access to the
#   peer's gateways; traces show where the packet stops.
# - A request can also be rejected, or expire after 7 days unanswered; only an accepted one becomes active.
# - Inter-region peering is accepted in the peer's region; no cross-region security-group references. Turn on the
#   connection's DNS resolution option to get private IPs for the peer's public hostnames.
# - Security-group references across VPCs: peering (same Region), and Transit Gateway with
#   `SecurityGroupReferencingSupport`. A TGW VPC attachment takes one subnet per AZ.
# - A TGW attachment is **associated** with one route table (how its traffic is routed) and **propagates** into
#   any number (who can reach it): that is how prod and dev share services without reaching each other.
# - Static beats propagated, more specific beats less specific, and a **blackhole** route drops traffic.
# - TGW peering across regions uses static routes on both sides.
# - Price both: peering has no hourly charge; TGW has attachment-hours and per-GB processing. Count them before
#   choosing — the notes' platform got more expensive, not cheaper, with a TGW.
