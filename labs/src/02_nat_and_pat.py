# ---
# jupyter:
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   vpclab:
#     title: "NAT and PAT"
#     minutes: 70
#     objectives: ["Compare the three ways out of a VPC: internet gateway (1:1 NAT), NAT device (1:N), proxy", "Build a NAT gateway in a public subnet and route private subnets to it", "Show with a trace that a NAT gateway accepts no inbound connections", "Predict port address translation: port overloading, the 55,000 limit, ErrorPortAllocation, idle timeout, secondary addresses", "Fix a NAT instance whose source/destination check is still on, and say when a private NAT gateway fits", "Price one NAT gateway per AZ against a shared one"]
# ---

# %% [markdown]
# # Lab 02 — NAT and PAT
#
# **Time:** about 50 minutes. **Prerequisites:** Lab 01 (VPC, subnets, route tables, internet gateway).
#
# By the end of this lab you can:
# 1. compare the three ways out of a VPC: an internet gateway (1:1 NAT), a NAT device (1:N), a proxy;
# 2. build a NAT gateway in a public subnet and route private subnets to it;
# 3. show with a trace that a NAT gateway accepts no inbound connections;
# 4. predict port address translation (PAT): port overloading, the 55,000 limit, `ErrorPortAllocation`, the idle
#    timeout and secondary addresses;
# 5. fix a NAT instance whose source/destination check is still on, and say when a *private* NAT gateway fits;
# 6. price one NAT gateway per Availability Zone against a shared one.

# %% tags=["parameters"]
MODE = None        # None -> $VPCLAB_MODE or "sandbox"; "live" uses your AWS account
REGION = None      # None -> us-east-1 in the sandbox; required in live mode
SOLUTIONS = False  # True fills in every exercise with the reference solution (the tests do)
INCIDENT_SEED = None  # section 7's incident: a teacher gives the class one number; None draws a fault of your own

# %%
import datetime as dt

from lab_helpers.teach import check, compute, draw, predict, widgets

from lab_helpers.sim import costs, nat

from lab_helpers import start_lab

lab = start_lab("02_nat_and_pat", mode=MODE, region=REGION)
ec2 = lab.client("ec2")
cloudwatch = lab.client("cloudwatch")
AZ_A, AZ_B = lab.region + "a", lab.region + "b"

# %% [markdown]
# ## 1. Three ways out of a VPC
#
# A private address such as 10.40.2.101 means nothing on the internet: no router out there will carry a reply back
# to it. Something at the edge of your VPC must put a public address on the packet. AWS gives you three ways:
#
# | | Internet gateway | NAT device (NAT gateway or NAT instance) | Proxy instance |
# |---|---|---|---|
# | Translation | **1:1** — each instance's own public IP ↔ its private IP | **1:N** — many private IPs share the NAT's address, told apart by *port* | none: the app talks *to* the proxy, which opens its own connection |
# | Who can start a connection | both sides (if SG/NACL allow) | only the inside | only the inside (the proxy decides) |
# | Where it sits | attached to the VPC, one per VPC | in a **public** subnet, next to the IGW | in a public subnet |
# | What the app must know | nothing | nothing | the proxy's address (`HTTPS_PROXY`, `httpx` `proxies=`) |
#
# The notes call the NAT gateway an "exit guard": private instances go out to GitHub, Docker Hub, pip mirrors,
# OpenAI or Stripe; nobody outside can knock on their door. The corporate-proxy analogy is close, with one
# difference: a proxy is *addressed* by the app, while NAT is invisible — the route table sends the packets there.
#
# ```
#   private subnet 10.40.2.0/24            public subnet 10.40.1.0/24
#   ┌──────────────────────┐  0.0.0.0/0   ┌─────────────────────┐  0.0.0.0/0   ┌─────┐
#   │ app-1 10.40.2.101    │ ───────────▶ │ NAT gateway + EIP   │ ───────────▶ │ IGW │ ──▶ internet
#   │ app-2 10.40.2.201    │   (nat-…)    │ (rewrites src IP    │   (igw-…)    └─────┘
#   └──────────────────────┘              │  and src port)      │
#                                          └─────────────────────┘
# ```
#
# Let's build the left side first: a VPC with a public and a private subnet, an internet gateway, and two private
# "app" instances at the addresses the notes use.

# %%
vpc_id = ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"]
ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
public_subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.40.1.0/24", AvailabilityZone=AZ_A)["Subnet"]["SubnetId"]
private_subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.40.2.0/24", AvailabilityZone=AZ_A)["Subnet"]["SubnetId"]
igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)

public_rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)
ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public_subnet)
private_rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
ec2.associate_route_table(RouteTableId=private_rt, SubnetId=private_subnet)

ami = compute.latest_ami(lab)


def launch(subnet, ip, name, **extra):
    """One small instance at a fixed private IP (no public IP unless asked)."""
    return ec2.run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=subnet,
                             PrivateIpAddress=ip, TagSpecifications=[{"ResourceType": "instance", "Tags": [
                                 {"Key": "Name", "Value": name}]}], **extra)["Instances"][0]["InstanceId"]


app1 = launch(private_subnet, "10.40.2.101", "app-1")
app2 = launch(private_subnet, "10.40.2.201", "app-2")
print("VPC", vpc_id, "| public", public_subnet, "| private", private_subnet, "| app-1", app1, "| app-2", app2)

# %% [markdown]
# For contrast, the internet gateway's **1:1** NAT: a bastion in the public subnet with its own public IP, whose
# security group allows SSH from anywhere. **Predict:** can someone on the internet open port 22 on it? Write
# *yes* or *no*.

# %%
INTERNET_REACHES_BASTION = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    INTERNET_REACHES_BASTION = "yes"
guess = predict.answer("the internet opens port 22 on the bastion", INTERNET_REACHES_BASTION)

# %%
bastion_sg = ec2.create_security_group(GroupName="bastion", Description="SSH from anywhere (demo only)",
                                       VpcId=vpc_id)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=bastion_sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
bastion = compute.launch(lab, public_subnet, "bastion", public_ip=True, security_groups=[bastion_sg])
to_bastion = lab.trace("internet", bastion, port=22)
predict.reveal(guess, "yes" if to_bastion.reachable else "no")
to_bastion

# %% [markdown]
# Yes: the IGW maps the bastion's public IP to its private IP in both directions, so connections can start on
# either side (the security group is what limits them). That is exactly what the private "app" instances must not
# have.
#
# **Predict:** the private route table has only the `local` route. Will app-1 reach `8.8.8.8:443`?
# Write *yes* or *no* before you run the next cell.

# %%
APP1_OUT_WITHOUT_NAT = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    APP1_OUT_WITHOUT_NAT = "no"
guess = predict.answer("app-1 reaches 8.8.8.8:443 with only the local route", APP1_OUT_WITHOUT_NAT)

# %%
no_nat_yet = lab.trace(app1, "internet", port=443)
predict.reveal(guess, "yes" if no_nat_yet.reachable else "no")
no_nat_yet

# %% [markdown]
# No route matches 8.8.8.8, so the packet never leaves the subnet. Note that the *internet gateway exists* and is
# attached: a subnet is public or private only because of its route table ([Enable internet access for a VPC using an internet gateway](https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html)), and even a route to the IGW
# would not help app-1, which has no public IP ([Enable internet access for a VPC using an internet gateway](https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html)).
#
# ## 2. A NAT gateway in the public subnet
#
# A public NAT gateway ([NAT gateways](https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html)) must be created **in a public subnet** with an **Elastic IP**; the private
# subnets then send `0.0.0.0/0` to it, and it sends on to the internet gateway through the public subnet's route
# table.
#
# ### Exercise 2.1 — add the NAT gateway
# Write `add_nat_gateway(ec2, public_subnet_id, private_route_table_id)`: allocate an Elastic IP, create the NAT
# gateway in the public subnet, wait until it is available, add `0.0.0.0/0 → nat-…` to the private route table,
# and return the NAT gateway id.

# %%
def add_nat_gateway(ec2, public_subnet_id, private_route_table_id):
    """Return the id of a NAT gateway in public_subnet_id that private_route_table_id uses for 0.0.0.0/0."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    add_nat_gateway = lab.solution("add_nat_gateway")

# %%
nat_id = check.run("Exercise 2.1 — NAT gateway", add_nat_gateway, ec2, public_subnet, private_rt)


def nat_of(route_table):
    routes = ec2.describe_route_tables(RouteTableIds=[route_table])["RouteTables"][0]["Routes"]
    return next((r.get("NatGatewayId") for r in routes if r.get("DestinationCidrBlock") == "0.0.0.0/0"), None)


check.that("The NAT gateway lives in the public subnet",
           lambda: ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]["SubnetId"] == public_subnet,
           hint="create_nat_gateway(SubnetId=<the PUBLIC subnet>, AllocationId=...)")
check.that("The private route table sends 0.0.0.0/0 to it", lambda: nat_of(private_rt) == nat_id,
           hint="create_route(RouteTableId=private_rt, DestinationCidrBlock='0.0.0.0/0', NatGatewayId=nat_id)");

# %% [markdown]
# If the exercise is not solved yet, the next cell builds the NAT gateway the reference way so the rest of the lab
# still runs. (It does nothing once your solution works.)

# %%
if nat_of(private_rt) is None:
    nat_id = lab.solution("add_nat_gateway")(ec2, public_subnet, private_rt)
nat_ip = ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]["NatGatewayAddresses"][0]["PublicIp"]
print("NAT gateway", nat_id, "with public address", nat_ip)

# %% [markdown]
# **Predict:** now will app-1 reach `8.8.8.8:443`? And which source address will the internet see? Write *yes* or
# *no* and the address (app-1's is 10.40.2.101; the NAT gateway's was printed above).

# %%
APP1_OUT_AND_SOURCE = None  # your prediction, e.g. ("yes", "10.40.2.101")

if SOLUTIONS:
    APP1_OUT_AND_SOURCE = ("yes", nat_ip)
guess = predict.answer("app-1 reaches 8.8.8.8:443, and the source the internet sees", APP1_OUT_AND_SOURCE)

# %%
via_nat = lab.trace(app1, "internet", port=443)
# the source address on the last forward hop that rewrote it is the one the internet sees
rewrites = [h.aws["OutboundHeader"]["SourceAddresses"][0] for h in via_nat.forward_hops if "OutboundHeader" in h.aws]
predict.reveal(guess, ("yes" if via_nat.reachable else "no", rewrites[-1] if rewrites else "10.40.2.101"))
via_nat

# %% [markdown]
# Read the hops: private route table → NAT gateway (source rewritten to the NAT's address and a port in
# 1024–65535) → public route table → internet gateway (the NAT's private address mapped 1:1 to its Elastic IP) →
# the internet. Two translations, one by the NAT gateway (many-to-one) and one by the IGW (one-to-one).
#
# ### "Nobody can connect in"
# **Predict:** someone on the internet opens a TCP connection to the NAT gateway's public address on port 22.
# What happens? And what if they aim at app-1 directly? Write *yes* or *no* for each: does the connection get in?

# %%
INBOUND_GETS_IN = None  # your prediction, e.g. ("yes", "no") for the NAT gateway's address, app-1

if SOLUTIONS:
    INBOUND_GETS_IN = ("no", "no")
guess = predict.answer("an inbound port 22 connection gets in: to the NAT gateway, to app-1", INBOUND_GETS_IN)

# %%
inbound_to_nat = lab.trace("internet", nat_ip, port=22)
inbound_to_nat

# %%
inbound_to_app = lab.trace("internet", app1, port=22)
predict.reveal(guess, ["yes" if t.reachable else "no" for t in (inbound_to_nat, inbound_to_app)])
inbound_to_app

# %%
check.that("An inbound connection to the NAT gateway is dropped",
           lambda: not inbound_to_nat.reachable and inbound_to_nat.code == "VPCLAB_NAT_NO_INBOUND")
check.that("app-1 has no public address the internet could use",
           lambda: not inbound_to_app.reachable);

# %% [markdown]
# The NAT gateway keeps a translation only for flows that started *inside*; a packet that matches none is dropped
# ([NAT gateways](https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html)). And app-1 has only a private address, which the internet gateway never forwards to. Outbound-only is
# not a firewall rule you could forget — it is how translation works.
#
# ## 3. PAT: many flows, one address
#
# A NAT gateway has one address (at first), yet hundreds of instances use it at once. It tells their flows apart
# by the **source port** it writes on each one: port address translation. `lab_helpers.sim.nat.PatTable` is a small
# model of that table. First, the notes' example: two hosts both use source port 40001 towards the same server,
# through a NAT whose address is 10.20.1.100.

# %%
DEST = "203.0.113.10:443"  # one server (TEST-NET-3 address)
notes_nat = nat.PatTable(["10.20.1.100"], name="the notes' NAT (10.20.1.100)")
notes_nat.open("10.40.2.101:40001", DEST)
notes_nat.open("10.40.2.201:40001", DEST)
notes_nat

# %% [markdown]
# (The notes' NAT address, 10.20.1.100, is their example, not an address this lab's NAT gateway could have: a NAT
# gateway takes its private address from its own subnet, and this VPC is 10.40.0.0/16. What the example does get
# right is the side PAT happens on — look back at the trace in section 2: the NAT gateway rewrites the source to its
# own *private* IP and a port, and only then does the internet gateway map that private IP 1:1 to the Elastic IP.)
#
# This reproduces the notes' table: `10.40.2.101:40001 → 10.20.1.100:40001` and
# `10.40.2.201:40001 → 10.20.1.100:50001`. Why 50001? **AWS does not specify which port a NAT gateway picks**
# ([NAT gateway basics](https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html) gives the range and the
# limits, not the choice). The notes' 50001 is one possible answer; to reproduce their table the model keeps the
# host's own port when it is free for this destination and otherwise steps by 10,000 — a modelling choice, not AWS
# behaviour to learn. What *is* true, and what replies depend on, is that each (address, port, destination) is used
# by one flow at a time: *port overloading*.
#
# ### Exercise 3.1 — what must be true of the ports
# A third host, 10.40.2.150, also uses source port 40001 towards the **same** server, while the first two flows are
# still open. And 10.40.2.201 opens a second flow, from its port 40001, to a **different** server. Answer two
# questions in `pat_facts()` — not which port comes out (nobody outside AWS knows), but what must hold:
#
# - `"third_flow_needs_another_port"`: must the third flow get a public port that neither open flow to that server
#   uses?
# - `"other_destination_may_reuse"`: may the flow to the other server use a public port that is already in use
#   towards the first server?

# %%
def pat_facts():
    """Return {"third_flow_needs_another_port": bool, "other_destination_may_reuse": bool}."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    pat_facts = lab.solution("pat_facts")

# %%
facts = check.run("Exercise 3.1 — PAT facts", pat_facts) or {}
third = notes_nat.open("10.40.2.150:40001", DEST)
other = notes_nat.open("10.40.2.201:40001", "198.51.100.7:443")
taken_towards_dest = {row.public for row in notes_nat.rows.values()
                      if row.destination == third.destination and row.private != third.private}
print("third flow:", third.private, "→", third.public, "| other server:", other.private, "→", other.public)
check.equal("A second flow to the same destination needs another port",
            lambda: facts.get("third_flow_needs_another_port"), third.public not in taken_towards_dest,
            hint="replies from the server carry only the NAT's address and port: two open flows cannot share both");
check.equal("A different destination may reuse a port",
            lambda: facts.get("other_destination_may_reuse"), other.public_port == 40001,
            hint="the reply's source (the other server) tells the two flows apart");

# %% [markdown]
# ### The 55,000 limit and `ErrorPortAllocation`
# Each address of a NAT gateway supports up to **55,000 simultaneous connections to each unique destination**
# (destination IP, port and protocol; [NAT gateway basics](https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html)). A fleet of crawlers all calling one API endpoint can hit that.
#
# **Predict:** 55,000 flows are open to one API server through a NAT gateway with one address. What happens to
# flow 55,001? And to a flow to a *different* server? Write what each gets: *opens* or the error's name.

# %%
FLOW_55001_AND_OTHER = None  # your prediction, e.g. ("opens", "opens") for flow 55,001, the other server

if SOLUTIONS:
    FLOW_55001_AND_OTHER = ("ErrorPortAllocation", "opens")
guess = predict.answer("flow 55,001 to the same server, a flow to another server", FLOW_55001_AND_OTHER)

# %%
table = nat.for_nat_gateway(lab, nat_id)  # the addresses are read from describe_nat_gateways
API = "192.0.2.80:443"
for i in range(55_000):
    table.open(f"10.40.2.{1 + i // 500}:{1024 + i % 50_000 + (i // 50_000) * 10}", API)
print(f"{table.active:,} flows open; usage per (address, destination): {table.usage()}")

refused_before = table.metrics["ErrorPortAllocation"]
check.raises("Flow 55,001 to the same destination fails with ErrorPortAllocation",
             lambda: table.open("10.40.2.250:33333", API), code="ErrorPortAllocation")
flow_55001 = "ErrorPortAllocation" if table.metrics["ErrorPortAllocation"] > refused_before else "opens"
check.that("A different destination still works", lambda: table.open("10.40.2.250:33333", DEST).public_ip == nat_ip)
other_server = "opens" if table.lookup("10.40.2.250:33333", DEST) else "ErrorPortAllocation"
print("CloudWatch-style counters:", table.metrics)
predict.reveal(guess, (flow_55001, other_server))

# %% [markdown]
# The fixes, from AWS's troubleshooting guide: spread requests over more destinations, close idle connections, or
# give the NAT gateway **secondary addresses** — each adds another 55,000 per destination. A NAT gateway can have
# up to 8 addresses (1 primary + 7 secondary); the default quota is 2 Elastic IPs per public NAT gateway.
#
# ### Exercise 3.2 — add a secondary address
# Write `add_secondary_address(ec2, nat_gateway_id)`: allocate a new Elastic IP, associate it with the NAT gateway
# (`associate_nat_gateway_address`), and return its public IP.

# %%
def add_secondary_address(ec2, nat_gateway_id):
    """Return the public IP of a new secondary Elastic IP on nat_gateway_id."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    add_secondary_address = lab.solution("add_secondary_address")

# %%
second_ip = check.run("Exercise 3.2 — secondary address", add_secondary_address, ec2, nat_id)
table = nat.for_nat_gateway(lab, nat_id)  # re-read the addresses from describe_nat_gateways
check.that("The NAT gateway now has two addresses", lambda: len(table.addresses) == 2,
           hint="associate_nat_gateway_address(NatGatewayId=..., AllocationIds=[new allocation id])")
check.that("Flow 55,001 now gets the secondary address",
           lambda: table.open("10.40.2.250:33333", API).public_ip == second_ip);

# %% [markdown]
# ### Idle timeout: 350 seconds
# A flow that sends nothing for **350 seconds** is dropped from the table ([Troubleshoot NAT gateways](https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-troubleshooting.html)); the next packet of that flow
# gets a reset, and CloudWatch counts it in `IdleTimeoutCount`. Long-lived idle connections (database pools, SSH
# sessions, websockets) need keepalives more often than that. The clock here is simulated.
#
# **Predict:** app-1 opens a flow, then is silent for 349 s. Is the mapping still there? And after one more second?
# Write *kept* or *dropped* for each.

# %%
MAPPING_AFTER_349_AND_350 = None  # your prediction, e.g. ("kept", "kept")

if SOLUTIONS:
    MAPPING_AFTER_349_AND_350 = ("kept", "dropped")
guess = predict.answer("the idle mapping after 349 s, after 350 s", MAPPING_AFTER_349_AND_350)

# %%
idle = nat.PatTable([nat_ip], name="idle-timeout demo")
idle.open("10.40.2.101:41000", DEST)
idle.advance(349)
still_there = idle.lookup("10.40.2.101:41000", DEST) is not None
idle.advance(1)
after_349 = "kept" if still_there else "dropped"
after_350 = "kept" if idle.lookup("10.40.2.101:41000", DEST) else "dropped"
print(f"after 349 s: {after_349}; after 350 s: {after_350}; metrics {idle.metrics}")
predict.reveal(guess, (after_349, after_350))

# %% [markdown]
# ### Play with it
# Add flows one by one or in bulk, let time pass, add an address, and watch the table and the port usage. (In a
# static copy of this notebook the widget is not interactive; the plot below it shows the same picture.)

# %%
playground = nat.PatTable([nat_ip], name=nat_id)
widgets.pat_table(playground)

# %%
import matplotlib.pyplot as plt  # noqa: E402  (here, not in the first cell: ~0.4 s at start)
draw.port_usage(table)
plt.show()

# %% [markdown]
# ## 4. NAT gateway or NAT instance?
#
# | | NAT gateway | NAT instance |
# |---|---|---|
# | Performance | 5 Gbps, scales to 100 Gbps ([NAT gateway basics](https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html)) | whatever the instance type gives |
# | Availability | managed, redundant inside its AZ | yours: scripts, health checks, failover |
# | Management | AWS patches and scales it | you patch the OS and the iptables rules |
# | Cost | per hour + per GB processed | instance hours + data transfer |
# | Security groups | none can be attached ([NAT gateways](https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html)) | yes, like any instance |
#
# A NAT instance is an ordinary EC2 instance that masquerades (rewrites source IP *and* port, like PAT) and
# forwards. Forwarding means handling packets **not addressed to itself** — and every EC2 network interface drops
# those unless its *source/destination check* is turned off ([NAT instances](https://docs.aws.amazon.com/vpc/latest/userguide/VPC_NAT_Instance.html)).
#
# ### Break it: an incident
# A team's private app can no longer reach the internet. The next cell builds their VPC and breaks it with ordinary
# API calls you do not see: which fault, the seed draws from this lab's kinds (a route, the NAT gateway's subnet, a
# deleted NAT gateway, a NAT instance…), and the cell does not name it, since the name would be the answer. You get
# the symptom and the ids. Diagnose with `lab.trace` and describe calls, make one targeted fix, then
# `incident.check()` (`incident.hint()` helps; `incident.explain()` opens after a ✅ and names the fault). A
# teacher can give the class one number as `INCIDENT_SEED` (in the parameters cell); `None` draws a fault of your own.

# %%
incident = lab.incident(seed=INCIDENT_SEED, lab="02", solutions=SOLUTIONS)
incident

# %%
# Your diagnosis and fix go here, e.g. lab.trace(incident.resources["app"], "internet", port=443)

if SOLUTIONS:
    incident.solve()

# %%
incident.check()
incident.explain()
incident.close()  # their world goes: a new account holds five VPCs per Region

# %% [markdown]
# ## 5. Private NAT gateways
#
# A NAT gateway created with `ConnectivityType="private"` has **no Elastic IP** ([NAT gateways](https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html)). It translates to its own
# *private* address, which is useful when you must reach another network (a transit gateway, a VPN, a peered VPC)
# that cannot route your subnet — for example because your CIDR overlaps theirs. It cannot take you to the
# internet: if its route leads to an internet gateway, the IGW drops the traffic (no public address to map to).
#
# **Predict:** a subnet sends `0.0.0.0/0` to a private NAT gateway that sits in the public subnet. Does its
# instance reach `8.8.8.8`? Write *yes* or *no*.

# %%
PRIVATE_NAT_REACHES_INTERNET = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    PRIVATE_NAT_REACHES_INTERNET = "no"
guess = predict.answer("a private NAT gateway takes corp-app to 8.8.8.8", PRIVATE_NAT_REACHES_INTERNET)

# %%
private_nat = ec2.create_nat_gateway(SubnetId=public_subnet, ConnectivityType="private")["NatGateway"]["NatGatewayId"]
corp_subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.40.4.0/24", AvailabilityZone=AZ_A)["Subnet"]["SubnetId"]
corp_rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
ec2.associate_route_table(RouteTableId=corp_rt, SubnetId=corp_subnet)
ec2.create_route(RouteTableId=corp_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=private_nat)
corp_app = launch(corp_subnet, "10.40.4.10", "corp-app")
via_private_nat = lab.trace(corp_app, "internet", port=443)
check.that("A private NAT gateway does not reach the internet", lambda: not via_private_nat.reachable)
predict.reveal(guess, "yes" if via_private_nat.reachable else "no")
via_private_nat

# %% [markdown]
# ## 6. Watching the NAT gateway: `BytesOutToDestination`
#
# In a real account every NAT gateway publishes metrics to CloudWatch in the `AWS/NatGateway` namespace, among them
# `BytesOutToDestination` (bytes sent out to destinations) and the `ErrorPortAllocation` and `IdleTimeoutCount`
# counters you met above. The notes' check after adding VPC endpoints is that `BytesOutToDestination` **falls**.
#
# The sandbox has no traffic, so in sandbox mode this lab writes a day of synthetic hourly points: 12 hours of the
# notes' ECS shop before endpoints, then 12 hours after the S3 gateway endpoint took half the bytes off the NAT
# (the bytes come from the cost model's traffic profile, so the drop is the one lab 03 prices). This is the **only**
# place the lab branches on `lab.mode`: in live mode AWS publishes these metrics itself, and the PutMetricData
# documentation says not to write into `AWS/` namespaces (they belong to AWS's services; your points would be mixed
# with the real ones), so the cell only reads.

# %%
from lab_helpers.lessons import cost_scenarios as scenarios

before_gb = scenarios.ecs_before(1000).quantity("NAT gateway data")   # GB per month through the NAT
after_gb = scenarios.ecs_after(1000).quantity("NAT gateway data")
start = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=24)
dimension = [{"Name": "NatGatewayId", "Value": nat_id}]
if lab.mode == "sandbox":
    points = [{"MetricName": "BytesOutToDestination", "Dimensions": dimension, "Unit": "Bytes",
               "Timestamp": start + dt.timedelta(hours=h),
               "Value": (before_gb if h < 12 else after_gb) * 1e9 / costs.HOURS_PER_MONTH} for h in range(24)]
    cloudwatch.put_metric_data(Namespace="AWS/NatGateway", MetricData=points)

stats = cloudwatch.get_metric_statistics(Namespace="AWS/NatGateway", MetricName="BytesOutToDestination",
                                         Dimensions=dimension, StartTime=start, EndTime=start + dt.timedelta(hours=25),
                                         Period=3600, Statistics=["Sum"])["Datapoints"]
stats.sort(key=lambda p: p["Timestamp"])
fig, ax = plt.subplots(figsize=(7, 3))
ax.plot([p["Timestamp"] for p in stats], [p["Sum"] / 1e9 for p in stats], marker="o")
ax.set_ylabel("GB per hour")
ax.set_title(f"AWS/NatGateway BytesOutToDestination, {nat_id}" + ("" if stats else " (no datapoints yet)"))
fig.autofmt_xdate()
plt.show()

# %% [markdown]
# ### Who is behind the bytes? VPC Flow Logs
# `BytesOutToDestination` says *how much* went through the NAT gateway, not *who* sent it. **VPC Flow Logs** do: a
# flow log on the VPC records, on the NAT gateway's own network interface, each flow twice — from the instance's
# private address on the inside, and from the gateway's private address on the outside
# ([flow log records](https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html); "Traffic through a
# NAT gateway" in the [record examples](https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html)).
# Grouping the inside records by source address finds the top talker behind a surprise NAT bill.
#
# In a real account the flow log needs an IAM role that may write to CloudWatch Logs, and records arrive within
# minutes. In the sandbox, `lab.traffic(day_from=[...])` plays a day of internet traffic from the instances and
# the flow log records it as AWS would.

# %%
from lab_helpers.sim import flowlogs

account = lab.client("sts").get_caller_identity()["Account"]
ec2.create_flow_logs(ResourceIds=[vpc_id], ResourceType="VPC", TrafficType="ALL", LogGroupName="lab02-flows",
                     DeliverLogsPermissionArn=f"arn:aws:iam::{account}:role/vpclab-flow-logs")
day = lab.traffic(day_from=[app1, app2], seed=2)
day

# %%
nat_eni, nat_ip = None, None
if nat_id:
    address = ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]["NatGatewayAddresses"][0]
    nat_eni, nat_ip = address["NetworkInterfaceId"], address["PrivateIp"]
records = flowlogs.read(lab, log_group="lab02-flows", interface=nat_eni) if nat_eni else []
for record in records[:4]:
    print(record)
top = flowlogs.talkers(records, by="srcaddr", inside="10.40.0.0/16", exclude=[nat_ip])
for talker in top:
    print(talker)

# %% [markdown]
# ### Exercise 6.1 — name the top talker
# Which instance (`app1` or `app2`) sent the most through the NAT gateway? Set `TOP_TALKER` to its instance id.

# %%
TOP_TALKER = None  # app1 or app2

if SOLUTIONS:
    TOP_TALKER = {"10.40.2.101": app1, "10.40.2.201": app2}[top[0].address]

# %%
check.equal("Exercise 6.1 — the NAT gateway's top talker", TOP_TALKER, day.heavy,
            hint="The inside records' srcaddr is the instance: compare it with app1's and app2's private IPs.")

# %% [markdown]
# ## 7. What it costs: one NAT gateway per AZ, or one shared?
#
# The NAT gateway this lab built is a *zonal* one: it lives in one AZ ([NAT gateways](https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html)). AWS now also offers
# **regional NAT gateways**, which expand across the VPC's AZs by themselves as workloads appear there and need no
# public subnet ([Regional NAT gateways for automatic multi-AZ expansion](https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateways-regional.html)) — so "a NAT gateway lives in
# one AZ" is no longer the whole story. The sandbox and the price model here cover zonal NAT gateways. With zonal
# ones and private subnets in two AZs you can give each AZ its own NAT gateway, or let both use one. Sharing saves an hourly charge and an Elastic IP, but the other AZ's bytes cross
# between AZs (billed in each direction) — and if the NAT's AZ fails, the other AZ loses its way out. The model
# prices both from `data/pricing` (never from numbers typed here):

# %%
def shared_nat(gb_per_az):
    return costs.monthly([costs.Resource("nat_gateway"), costs.Resource("public_ipv4")],
                         [costs.Flow("AZ a", gb_per_az, ["nat"]), costs.Flow("AZ b", gb_per_az, ["cross_az", "nat"])],
                         lab.region, title=f"One shared NAT gateway, {gb_per_az:,.0f} GB per AZ")


def nat_per_az(gb_per_az):
    return costs.monthly([costs.Resource("nat_gateway", 2), costs.Resource("public_ipv4", 2)],
                         [costs.Flow("AZ a", gb_per_az, ["nat"]), costs.Flow("AZ b", gb_per_az, ["nat"])],
                         lab.region, title=f"One NAT gateway per AZ, {gb_per_az:,.0f} GB per AZ")


per_az_break_even = costs.break_even(shared_nat, nat_per_az, 0, 100_000)
print(per_az_break_even)
draw.cost_curves({"one shared NAT gateway": shared_nat, "one NAT gateway per AZ": nat_per_az}, 4000,
                  mark=[("break-even", per_az_break_even)], title="NAT per AZ vs shared (GB per AZ per month)")
plt.show()
nat_per_az(500)

# %% [markdown]
# Below the break-even traffic a shared NAT gateway is cheaper — but cost is not the only column: one NAT per AZ
# is what AWS recommends for availability. Internet egress and per-GB processing are the same in both designs,
# so they do not move the break-even (egress is left out above for that reason).
#
# And this is what the resources this lab has running would cost per hour in live mode:

# %%
lab.estimate()

# %% [markdown]
# ## Clean up

# %%
lab.teardown();

# %% [markdown]
# ## Key points
# - An internet gateway translates **1:1** and lets both sides start connections; a NAT device translates **1:N**
#   and only lets the inside start them; a proxy is addressed by the application itself.
# - A public NAT gateway sits in a **public subnet** with an Elastic IP; private subnets route `0.0.0.0/0` to it.
# - "No inbound" is not a rule you configure: a packet with no matching translation is dropped (the trace says so).
# - PAT tells flows apart by port: the host's port is kept when free for that destination, otherwise another is
#   chosen (port overloading). Each address handles 55,000 simultaneous connections **per destination**; beyond
#   that, `ErrorPortAllocation` — add secondary addresses (up to 8) or spread destinations.
# - Idle flows are dropped after **350 s**; use keepalives.
# - A NAT instance needs its **source/destination check off**; a private NAT gateway has no EIP and cannot reach
#   the internet.
# - One NAT per AZ costs more per hour but saves cross-AZ bytes and survives an AZ failure.
