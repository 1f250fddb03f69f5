# ---
# jupyter:
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   vpclab:
#     title: "VPC basics: addresses, subnets, routes and firewalls"
#     minutes: 90
#     objectives:
#       - "Size a VPC and its subnets, counting the five addresses AWS reserves in each subnet"
#       - "Build a two-tier VPC with public and private subnets in two Availability Zones"
#       - "State the four conditions for internet access and prove each one with a trace"
#       - "Explain route tables: the local route, the main table, and explicit associations"
#       - "Contrast security groups (stateful) with network ACLs (stateless, ordered) and fix an ephemeral-port bug"
# ---

# %% [markdown]
# # 01 · VPC basics: addresses, subnets, routes and firewalls
#
# **Time:** about 60 minutes. **Before this:** lab 00.
#
# By the end of this lab you will be able to:
# 1. size a VPC and its subnets, counting the five addresses AWS reserves in every subnet;
# 2. build a two-tier VPC — public and private subnets in two Availability Zones;
# 3. state the **four conditions** for internet access and prove each one with a trace;
# 4. explain route tables: the `local` route, the main table, and explicit associations;
# 5. contrast security groups (stateful) with network ACLs (stateless, ordered), and fix the classic
#    ephemeral-port bug.
#
# Throughout, claims about whether a packet gets through are not asserted in prose: they are shown with
# `lab.trace(source, destination, port)`, which walks the flow hop by hop the way AWS's Reachability Analyzer does
# and names the route or rule that decided each hop.

# %% tags=["parameters"]
MODE = None        # None -> $VPCLAB_MODE or "sandbox"; "live" uses your AWS account
REGION = None      # None -> us-east-1 in the sandbox; required in live mode
SOLUTIONS = False  # True fills in every exercise with the reference solution (the tests do)

# %%
import ipaddress

import lab_helpers
from lab_helpers.teach import check, draw, predict
from lab_helpers.teach.compute import launch

lab = lab_helpers.start_lab("01_vpc_basics", mode=MODE, region=REGION)
ec2 = lab.client("ec2")
AZ_A, AZ_B = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"][:2]]
print("Availability Zones used in this lab:", AZ_A, AZ_B)

# %% [markdown]
# ## 1. A VPC is an address space
#
# A **VPC** (virtual private cloud) is a private IPv4 address range in one region, written as a CIDR block such as
# `10.0.0.0/16`. The `/16` says how many leading bits are fixed: 32 − 16 = 16 bits are left for hosts, so the VPC
# holds 2¹⁶ = 65,536 addresses. AWS allows a VPC between **/16** (65,536) and **/28** (16).
#
# If you write Python, a VPC is a little like a **virtualenv**: an isolated space of your own, invisible from the
# outside unless you deliberately connect it. (The analogy stops there: a virtualenv isolates packages, a VPC
# isolates packets.)
#
# You split a VPC into **subnets**, each living in exactly one **Availability Zone** (AZ, one or more data centres
# in the region). In every subnet AWS keeps five addresses for itself:
#
# | address in 10.0.1.0/24 | used for |
# |---|---|
# | 10.0.1.0 | the network address |
# | 10.0.1.1 | the VPC router |
# | 10.0.1.2 | the Amazon DNS resolver (strictly: the VPC's base + 2) |
# | 10.0.1.3 | reserved for future use |
# | 10.0.1.255 | the last address (AWS does not support broadcast, but reserves it) |
#
# ### Predict, then run
# How many addresses can your instances use in a `/28` subnet? Write the number in the cell, then run the next.

# %%
USABLE_IN_A_28 = None  # your prediction: a number

if SOLUTIONS:
    USABLE_IN_A_28 = 11
guess = predict.answer("usable addresses in a /28", USABLE_IN_A_28)
guess

# %%
demo_vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
tiny = ec2.create_subnet(VpcId=demo_vpc, CidrBlock="10.20.99.0/28", AvailabilityZone=AZ_A)["Subnet"]
print(f"{tiny['CidrBlock']}: {ipaddress.ip_network(tiny['CidrBlock']).num_addresses} addresses, "
      f"AWS says {tiny['AvailableIpAddressCount']} are available")
predict.reveal(guess, tiny["AvailableIpAddressCount"])

# %% [markdown]
# Sixteen addresses, minus five reserved: **11**. A `/28` is the smallest subnet AWS accepts — ask for a `/29` and
# you get `InvalidSubnet.Range`.

# %%
check.raises("A /29 subnet is refused", lambda: ec2.create_subnet(VpcId=demo_vpc, CidrBlock="10.20.98.0/29"),
             code="InvalidSubnet.Range")
ec2.delete_subnet(SubnetId=tiny["SubnetId"])

# %% [markdown]
# ### Exercise 1.1 — usable addresses
# Write `usable_addresses(cidr)`: how many addresses instances can use in a subnet with that CIDR. Use Python's
# `ipaddress` module. (AWS's own answer for any subnet is its `AvailableIpAddressCount` when it is empty.)

# %%
def usable_addresses(cidr):
    """Addresses left for instances in a subnet of this CIDR, after AWS's five reserved ones."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    usable_addresses = lab.solution("usable_addresses")

# %%
check.run("Exercise 1.1 — usable_addresses runs", usable_addresses, "10.0.1.0/24")
for cidr, expected in [("10.0.1.0/24", 251), ("10.0.0.0/16", 65531), ("10.0.1.0/28", 11), ("10.0.4.0/22", 1019)]:
    check.equal(f"usable_addresses('{cidr}')", lambda: usable_addresses(cidr), expected,
                hint="Total addresses (ipaddress.ip_network(cidr).num_addresses) minus the 5 AWS reserves.")

# %% [markdown]
# ## 2. Subnets, route tables and the internet gateway
#
# Now build the classic two-tier layout of the course notes in the demo VPC: a **public** subnet for things that
# must be reachable from the internet (a load balancer, a bastion host) and a **private** subnet for everything
# else (inference workers, databases, caches).
#
# What makes a subnet *public* is not a setting on the subnet. It is its **route table**: a subnet is public when
# its route table sends traffic to an **internet gateway** (IGW). Every route table starts with a `local` route you
# cannot delete — **one for each of the VPC's CIDR blocks** (a secondary IPv4 block or an IPv6 block brings its own,
# [Configure route tables](https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html)) — which is why every subnet in a VPC can reach every other one.
# A subnet without an explicit association uses the VPC's **main** route table.

# %%
public = ec2.create_subnet(VpcId=demo_vpc, CidrBlock="10.20.1.0/24", AvailabilityZone=AZ_A)["Subnet"]["SubnetId"]
private = ec2.create_subnet(VpcId=demo_vpc, CidrBlock="10.20.2.0/24", AvailabilityZone=AZ_A)["Subnet"]["SubnetId"]

igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=demo_vpc)

public_rt = ec2.create_route_table(VpcId=demo_vpc)["RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public)

for table in ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [demo_vpc]}])["RouteTables"]:
    main = any(a.get("Main") for a in table["Associations"])
    subnets = [a["SubnetId"] for a in table["Associations"] if "SubnetId" in a]
    print(table["RouteTableId"], "(main)" if main else f"associated with {subnets}")
    for route in table["Routes"]:
        print("    ", route["DestinationCidrBlock"], "->", route.get("GatewayId") or route.get("NatGatewayId"))

# %% [markdown]
# The private subnet has no association, so it falls back to the main table: `local` only. Here is the picture —
# drawn from `describe_*` calls, so it would draw a real account the same way.

# %%
lab.draw()

# %% [markdown]
# ## 3. The four conditions for internet access
#
# An instance reaches the internet over IPv4 only when **all four** hold:
# 1. the VPC has an **internet gateway** attached;
# 2. the subnet's **route table** sends the destination (usually `0.0.0.0/0`) to it;
# 3. the instance has a **public IPv4 address** (auto-assigned or an Elastic IP);
# 4. **security groups and network ACLs** allow the traffic.
#
# Condition 3 surprises people. An IGW does **one-to-one NAT**: it rewrites the instance's private address to its
# own public address on the way out, and back on the way in. The instance's operating system only ever sees its
# private IP. No public IP means there is nothing to translate to, so the IGW drops the packet.
#
# In Python terms, a public subnet is like a FastAPI server bound to `0.0.0.0:8080`; a private subnet is a database
# listening only on `localhost:5432`. (Where the analogy breaks: the private subnet is still reachable from the
# rest of the VPC — "private" means "not from the internet", not "from nowhere".)
#
# Three instances: `web` in the public subnet with a public IP, `nopip` in the public subnet *without* one, and
# `app` in the private subnet.

# %%
web_sg = ec2.create_security_group(GroupName="web", Description="HTTPS from anywhere", VpcId=demo_vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=web_sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
app_sg = ec2.create_security_group(GroupName="app", Description="Postgres from web", VpcId=demo_vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=app_sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": web_sg}]}])

web = launch(lab, public, "web", public_ip=True, security_groups=[web_sg])
nopip = launch(lab, public, "nopip", public_ip=False, security_groups=[web_sg])
app = launch(lab, private, "app", public_ip=False, security_groups=[app_sg])

# %% [markdown]
# ### Predict, then run
# For each instance, will an HTTPS request to the internet (`8.8.8.8:443`) get through? Write *yes* or *no* for
# `web`, `nopip` and `app` before running the next three cells.

# %%
REACHES_INTERNET = None  # your prediction, e.g. ("yes", "no", "no") for web, nopip, app

if SOLUTIONS:
    REACHES_INTERNET = ("yes", "no", "no")
guesses = predict.answer("web, nopip, app reach 8.8.8.8:443", REACHES_INTERNET)
guesses

# %%
lab.trace(web, "8.8.8.8", port=443)

# %%
lab.trace(nopip, "8.8.8.8", port=443)

# %%
outcomes = ["yes" if lab.trace(i, "8.8.8.8", port=443).reachable else "no" for i in (web, nopip, app)]
predict.reveal(guesses, outcomes)
lab.trace(app, "8.8.8.8", port=443)

# %% [markdown]
# `web` meets all four conditions. `nopip` has the route but no public address (condition 3). `app` has no route to
# the internet gateway at all (condition 2): the private subnet's main table only knows `local`.
#
# Inbound works the same way in reverse. Traffic from the internet enters through the IGW, addressed to the public
# IP; `app` has none, and no route could bring it anyway.

# %%
lab.trace(igw, web, port=443)

# %%
draw.trace(lab.trace(web, "8.8.8.8", port=443))

# %% [markdown]
# ## 4. Security groups and network ACLs
#
# Two firewalls guard every packet, and they behave very differently:
#
# | | security group | network ACL |
# |---|---|---|
# | attached to | a network interface (an instance) | a subnet (its boundary) |
# | rules | **allow** only | allow **and** deny |
# | order | all rules together (a union) | by rule number, **lowest first, first match wins** |
# | state | **stateful**: replies are allowed automatically | **stateless**: replies need their own rule |
# | default | new group: nothing in, everything out | default ACL: everything; a *new* custom ACL: nothing |
#
# Security groups can also refer to *other* security groups. `app` allows port 5432 from members of the `web`
# group — whatever their IP addresses are. That is why `nopip`, which is also in `web`, may connect too, while
# anything outside the group may not.

# %%
lab.trace(web, app, port=5432)

# %%
lab.reachability_matrix([web, nopip, app], port=5432)

# %% [markdown]
# ### The ephemeral-port bug
#
# Now put a custom network ACL on the public subnet that allows HTTPS in and HTTPS out — it sounds complete.
#
# **Predict:** will a client on the internet still reach `web` on 443?

# %%
acl = ec2.create_network_acl(VpcId=demo_vpc)["NetworkAcl"]["NetworkAclId"]
for egress in (False, True):
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=egress,
                                 CidrBlock="0.0.0.0/0", PortRange={"From": 443, "To": 443})
current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [public]}])
association = next(a["NetworkAclAssociationId"] for a in current["NetworkAcls"][0]["Associations"]
                   if a["SubnetId"] == public)
ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)
lab.trace(igw, web, port=443)

# %% [markdown]
# The request gets in, but the **reply** does not get out. The client's request came *from* a random high port
# (its *ephemeral* port, 32768–60999 on Linux, 49152–65535 on Windows), so `web`'s reply goes *to* that port, and
# the outbound rule only allows 443. A security group would have let the reply through (stateful); an ACL checks
# it again (stateless). The usual fix opens 1024–65535 outbound — wide enough for every client OS and for NAT
# gateways and load balancers, which use 1024–65535.

# %% [markdown]
# ### Exercise 4.1 — fix the ACL
# Write `allow_ephemeral_replies(ec2, acl_id)` that adds an **outbound** rule (number 110) allowing TCP to ports
# 1024–65535 anywhere. Then the trace from the internet to `web` must succeed.

# %%
def allow_ephemeral_replies(ec2, acl_id):
    """Add outbound rule 110: allow TCP 1024-65535 to 0.0.0.0/0."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    allow_ephemeral_replies = lab.solution("allow_ephemeral_replies")

# %%
check.run("Exercise 4.1 — add the outbound ephemeral rule", allow_ephemeral_replies, ec2, acl)
check.that("The internet reaches web on 443 again", lambda: lab.trace(igw, web, port=443).reachable,
           hint="The reply leaves web towards the client's ephemeral port: allow TCP 1024-65535 *outbound*.")

# %% [markdown]
# ### Rule order
# **Predict:** add rule **50** that *denies* TCP 443 from anywhere, inbound. Rule 100 still allows it. Which wins?

# %%
ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=50, Protocol="6", RuleAction="deny", Egress=False,
                             CidrBlock="0.0.0.0/0", PortRange={"From": 443, "To": 443})
lab.trace(igw, web, port=443)

# %% [markdown]
# Rule 50 is evaluated first and matches, so the packet is denied; rule 100 is never read. Remove it again:

# %%
ec2.delete_network_acl_entry(NetworkAclId=acl, RuleNumber=50, Egress=False)
check.that("With rule 50 gone, 443 is allowed again", lambda: lab.trace(igw, web, port=443).reachable)

# %% [markdown]
# ### The same bug, the other way round
# Inbound HTTPS to `web` works again. **Predict:** can `web` itself still open an HTTPS connection *out* to
# `8.8.8.8`? Outbound 443 is allowed…

# %%
lab.trace(web, "8.8.8.8", port=443)

# %% [markdown]
# It cannot. This time `web` is the client: its request leaves from an ephemeral port, so the **reply** comes back
# *inbound* to that port — and the inbound rules only allow 443. Every connection, in either direction, needs the
# ACL to allow both legs. Add the inbound twin of your rule:

# %%
ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=110, Protocol="6", RuleAction="allow", Egress=False,
                             CidrBlock="0.0.0.0/0", PortRange={"From": 1024, "To": 65535})
check.that("web reaches the internet through the custom ACL",
           lambda: lab.trace(web, "8.8.8.8", port=443).reachable)

# %% [markdown]
# ## 5. Exercise 5.1 — the two-tier VPC of the course notes
#
# Build it yourself in a **new** VPC. `build_two_tier_vpc(ec2, az_a, az_b)` must create:
# - a VPC `10.0.0.0/16`;
# - public subnets `10.0.1.0/24` (in `az_a`) and `10.0.3.0/24` (in `az_b`);
# - private subnets `10.0.2.0/24` (in `az_a`) and `10.0.4.0/24` (in `az_b`);
# - an internet gateway attached to the VPC, and **one** route table with `0.0.0.0/0 → IGW`, associated with both
#   public subnets (the private ones keep the main table);
#
# and return a dict with keys `vpc_id`, `igw_id`, `public_subnets` and `private_subnets` (lists of ids).

# %%
def build_two_tier_vpc(ec2, az_a, az_b):
    """Create the notes' two-tier VPC in two AZs and return its ids (see the text above)."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    build_two_tier_vpc = lab.solution("build_two_tier_vpc")

# %% [markdown]
# The checks below inspect your VPC with describe calls, then launch a test instance in each subnet and **trace**
# it to the internet: public subnets must get out, private ones must not.

# %%
built = check.run("Exercise 5.1 — build_two_tier_vpc runs", build_two_tier_vpc, ec2, AZ_A, AZ_B) or {}


def subnet_facts(ids):
    return {s["CidrBlock"]: s["AvailabilityZone"] for s in ec2.describe_subnets(SubnetIds=ids)["Subnets"]}


check.equal("The VPC is 10.0.0.0/16",
            lambda: ec2.describe_vpcs(VpcIds=[built["vpc_id"]])["Vpcs"][0]["CidrBlock"], "10.0.0.0/16")
check.equal("Public subnets and their AZs", lambda: subnet_facts(built["public_subnets"]),
            {"10.0.1.0/24": AZ_A, "10.0.3.0/24": AZ_B}, hint="Pass AvailabilityZone=az_a / az_b to create_subnet.")
check.equal("Private subnets and their AZs", lambda: subnet_facts(built["private_subnets"]),
            {"10.0.2.0/24": AZ_A, "10.0.4.0/24": AZ_B})


def probe(subnet_id):
    return launch(lab, subnet_id, "probe", public_ip=True)


check.that("Every public subnet reaches the internet",
           lambda: all(lab.trace(probe(s), "8.8.8.8", port=443).reachable for s in built["public_subnets"]),
           hint="Associate the route table with 0.0.0.0/0 -> IGW with *both* public subnets.")
check.that("No private subnet reaches the internet, even with a public IP",
           lambda: not any(lab.trace(probe(s), "8.8.8.8", port=443).reachable for s in built["private_subnets"]),
           hint="Private subnets keep the main route table, which only has the local route.")

# %% [markdown]
# ## 6. Break it and fix it: an incident
#
# Until now every fault was made in a cell you could read. On call, nobody tells you what changed. The next cell
# calls helper code that builds a small VPC like the demo's and breaks **one** thing in it with ordinary AWS API
# calls you do not see. All you get is what a user would report, and the ids you may need.
#
# Diagnose it with the tools of this lab (`lab.trace`, `describe_route_tables`, `describe_security_groups`…), fix
# it with one targeted change, then run `incident.check()`. It is ✅ only when the symptom is gone, what worked
# before still works, and the fix is not over-broad: opening every port to `0.0.0.0/0` or swapping the network ACL
# for an allow-all one is refused with the reason. `incident.hint()` gives the next of three hints;
# `incident.explain()` names the fault, the AWS rule and its documentation once you have a ✅.

# %%
incident = lab.incident("igw-route-missing", solutions=SOLUTIONS)
incident

# %%
# Your diagnosis and fix go here, e.g. lab.trace(incident.resources["web"], "8.8.8.8", port=443)

if SOLUTIONS:
    incident.solve()

# %%
incident.check()
incident.explain()
incident.close()  # their world goes: a new account holds five VPCs per Region

# %% [markdown]
# ### Security group drop or network ACL drop? Read the flow logs
#
# A trace names the rule that decided. In a real account you often start from **VPC Flow Logs** instead: one
# record per flow per network interface, in AWS's default format `version account-id interface-id srcaddr dstaddr
# srcport dstport protocol packets bytes start end action log-status`
# ([flow log records](https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html)). The two filters
# leave different fingerprints, because a security group is stateful and a network ACL is not
# ([flow log record examples](https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html),
# "Security group and network ACL rules"):
#
# - a **security group** drop is a single `REJECT` for the request: no reply is ever sent;
# - a **network ACL** evaluates the reply on its own, so it can `ACCEPT` the request and `REJECT` the reply.
#
# Two more tickets arrive, each from a VPC with a flow log to CloudWatch Logs. Read both logs with the ordinary API
# (`logs.filter_log_events`) and decide which one is the network ACL.

# %%
from lab_helpers.sim import flowlogs

ticket_a = lab.incident("sg-inbound-missing", seed=3)
ticket_b = lab.incident("nacl-ephemeral", seed=3)
logs = lab.client("logs")


def web_interface(ticket):
    instance = ec2.describe_instances(InstanceIds=[ticket.resources["web"]])["Reservations"][0]["Instances"][0]
    return instance["NetworkInterfaces"][0]["NetworkInterfaceId"]


for name, ticket in (("A", ticket_a), ("B", ticket_b)):
    events = logs.filter_log_events(logGroupName=ticket.resources["flow_log_group"],
                                    logStreamNames=[web_interface(ticket)])["events"]  # one stream per interface
    print(f"ticket {name} ({ticket.symptom[:60]}…): the web server's records")
    for event in events[:6]:
        print("  ", event["message"])

# %% [markdown]
# **Your answer:** which ticket ("A" or "B") shows the network ACL rejecting the *reply*?

# %%
NACL_TICKET = None  # "A" or "B"

if SOLUTIONS:
    NACL_TICKET = "B"

# %%
check.equal("The network ACL drop is the ACCEPT-then-REJECT pattern", NACL_TICKET, "B",
            hint="Look for the same flow twice on one interface: accepted inbound, rejected on the way out.")

# %% [markdown]
# ## 7. The default VPC
#
# Every region of every account comes with a **default VPC** so that a first instance "just works": `172.31.0.0/16`,
# one `/20` default subnet per AZ, an internet gateway, a `0.0.0.0/0` route in the main table, and public IPs
# assigned automatically. **Predict:** are default subnets public or private?

# %%
default = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [default["VpcId"]]}])["Subnets"]
print(default["VpcId"], default["CidrBlock"])
for s in sorted(subnets, key=lambda s: s["AvailabilityZone"]):
    print(f"  {s['AvailabilityZone']}: {s['CidrBlock']}  auto public IP: {s['MapPublicIpOnLaunch']}")
main_routes = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [default["VpcId"]]},
                                                 {"Name": "association.main", "Values": ["true"]}])
print("main route table:", [(r["DestinationCidrBlock"], r.get("GatewayId")) for r in
                            main_routes["RouteTables"][0]["Routes"]])

# %% [markdown]
# Public: convenient for a first experiment, and exactly why production workloads get a VPC of their own with
# private subnets — a database launched into the default VPC is one security-group mistake away from the internet.

# %% [markdown]
# ## 8. Dual stack: IPv6 next to IPv4
#
# A VPC can also have an **IPv6 block** (a `/56` from Amazon's pool); each subnet then takes a `/64` of it
# ([Add IPv6 support for your VPC](https://docs.aws.amazon.com/vpc/latest/userguide/vpc-migrate-ipv6.html)). IPv6 addresses are public: there is no NAT, and an instance's
# IPv6 address is the one the internet sees. Two things change in the route tables:
#
# * the IPv6 block gets its own `local` route, beside the IPv4 one;
# * IPv4 and IPv6 routes are separate: `0.0.0.0/0` **does not match** an IPv6 destination; the default route for
#   IPv6 is `::/0` ([Configure route tables](https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html)).
#
# A private subnet's instances reach the IPv6 internet through an **egress-only internet gateway**: outbound
# connections and their replies pass, connections opened from the internet do not — the IPv6 counterpart of a NAT
# gateway's outbound-only behaviour, without translation and free of charge
# ([egress-only internet gateways](https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html)).

# %%
ec2.associate_vpc_cidr_block(VpcId=demo_vpc, AmazonProvidedIpv6CidrBlock=True)
v6_block = ec2.describe_vpcs(VpcIds=[demo_vpc])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
v6_subnets = list(ipaddress.ip_network(v6_block).subnets(new_prefix=64))
print("VPC IPv6 block:", v6_block)
dual_public = ec2.create_subnet(VpcId=demo_vpc, CidrBlock="10.20.5.0/24", Ipv6CidrBlock=str(v6_subnets[5]),
                                AvailabilityZone=AZ_A)["Subnet"]["SubnetId"]
dual_private = ec2.create_subnet(VpcId=demo_vpc, CidrBlock="10.20.6.0/24", Ipv6CidrBlock=str(v6_subnets[6]),
                                 AvailabilityZone=AZ_A)["Subnet"]["SubnetId"]
for s in (dual_public, dual_private):  # new interfaces in these subnets get an IPv6 address too
    ec2.modify_subnet_attribute(SubnetId=s, AssignIpv6AddressOnCreation={"Value": True})
dual_public_rt = ec2.create_route_table(VpcId=demo_vpc)["RouteTable"]["RouteTableId"]
ec2.associate_route_table(RouteTableId=dual_public_rt, SubnetId=dual_public)
ec2.create_route(RouteTableId=dual_public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
local_routes = [r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock") for r in
                ec2.describe_route_tables(RouteTableIds=[dual_public_rt])["RouteTables"][0]["Routes"]
                if r.get("GatewayId") == "local"]
print("local routes:", local_routes)
check.equal("One local route per VPC CIDR block: IPv4 and IPv6", lambda: sorted(local_routes),
            sorted(["10.20.0.0/16", v6_block]));

# %%
web6_sg = ec2.create_security_group(GroupName="web6", Description="HTTPS in, v4 and v6", VpcId=demo_vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=web6_sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
     "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
web6 = launch(lab, dual_public, "web6", public_ip=True, security_groups=[web6_sg])
app6_sg = ec2.create_security_group(GroupName="app6", Description="no inbound: a private app",
                                    VpcId=demo_vpc)["GroupId"]
app6 = launch(lab, dual_private, "app6", security_groups=[app6_sg])
web6_v6 = ec2.describe_instances(InstanceIds=[web6])["Reservations"][0]["Instances"][0]["NetworkInterfaces"][0][
    "Ipv6Addresses"][0]["Ipv6Address"]
print("web6 has", web6_v6, "from its subnet's /64")
IPV6_SITE = "2001:4860:4860::8888"  # a public IPv6 address on the internet

# %% [markdown]
# **Predict:** `dual_public`'s route table sends `0.0.0.0/0` to the internet gateway. Can `web6` reach an IPv6
# address on the internet?

# %%
v6_before = lab.trace(web6, IPV6_SITE, port=443)
check.that("0.0.0.0/0 does not carry IPv6: no route", lambda: not v6_before.reachable);
v6_before

# %% [markdown]
# The trace stops at the route table: no route matches an IPv6 destination. Add `::/0` to the same internet gateway:

# %%
ec2.create_route(RouteTableId=dual_public_rt, DestinationIpv6CidrBlock="::/0", GatewayId=igw)
v6_after = lab.trace(web6, IPV6_SITE, port=443)
check.that("With ::/0 -> IGW, web6 reaches the IPv6 internet", lambda: v6_after.reachable);
check.that("... and the internet reaches web6 on its IPv6 address (no NAT, the SG allows 443)",
           lambda: lab.trace("internet", web6, port=443, source_ip="2001:db8::50").reachable);
v6_after

# %% [markdown]
# For the private subnet, an **egress-only internet gateway**: `::/0 → eigw-…`. **Predict:** can `app6` get out
# over IPv6? Can it over IPv4?

# %%
eigw = ec2.create_egress_only_internet_gateway(VpcId=demo_vpc)["EgressOnlyInternetGateway"][
    "EgressOnlyInternetGatewayId"]
dual_private_rt = ec2.create_route_table(VpcId=demo_vpc)["RouteTable"]["RouteTableId"]
ec2.associate_route_table(RouteTableId=dual_private_rt, SubnetId=dual_private)
ec2.create_route(RouteTableId=dual_private_rt, DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=eigw)
out6 = lab.trace(app6, IPV6_SITE, port=443)
check.that("app6 reaches the IPv6 internet through the egress-only IGW, and the reply comes back",
           lambda: out6.reachable and eigw in [h.component_id for h in out6.forward_hops]
           and eigw in [h.component_id for h in out6.return_hops]);
check.that("... but app6 has no IPv4 way out (its table has no 0.0.0.0/0)",
           lambda: not lab.trace(app6, "8.8.8.8", port=443).reachable);
out6

# %% [markdown]
# The egress-only gateway is stateful like a NAT gateway: replies to connections `app6` opened come back in, and it
# accepts no connection opened from outside. It is not the only door, though: IPv6 addresses are public, and this
# VPC also has an internet gateway. A packet from the internet to `app6`'s address arrives through *that* gateway,
# whatever `app6`'s route table says — and what turns it away is `app6`'s security group, which admits nothing:

# %%
in6 = lab.trace("internet", app6, port=443, source_ip="2001:db8::50")
check.that("The internet cannot open a connection to app6: its security group has no inbound rule",
           lambda: not in6.reachable and "security group" in str(in6).lower());
in6

# %% [markdown]
# ## 9. What it costs in live mode
#
# VPCs, subnets, route tables, internet gateways, security groups and network ACLs are free. What bills in this
# lab are the instances (EC2 prices are not in this course's price tables, so they show as *unknown* rather than
# as a guess) and every **public IPv4 address**, in use or idle. The estimate below is computed from the resources
# that exist right now and the sourced prices in `data/pricing/`.

# %%
lab.estimate()

# %% [markdown]
# ## Cleanup

# %%
report = lab.teardown()

# %% [markdown]
# ## Key points
# - Each VPC CIDR block — primary, secondary, IPv6 — has its own `local` route. IPv4 and IPv6 are routed
#   separately: `0.0.0.0/0` never matches IPv6, so a dual-stack subnet needs `::/0` too (to an IGW, or to an
#   egress-only IGW for outbound-only IPv6).
# - A VPC is a regional address space (/16 to /28); each subnet lives in one AZ and loses 5 addresses to AWS.
# - "Public" is a property of the route table: a subnet is public when its table routes to an internet gateway.
# - Internet access needs all four: an attached IGW, a route, a public IPv4 address, and firewalls that allow it.
# - The IGW does 1:1 NAT between the public and private address; the instance only ever sees its private IP.
# - Security groups are stateful allow-lists on interfaces, and can reference other groups.
# - Network ACLs are stateless and ordered (lowest number wins): replies need an outbound ephemeral-port rule.
# - The default VPC is public by design; build your own VPC with private subnets for real workloads.
