# ---
# jupyter:
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   vpclab:
#     title: "Capstone: a multi-region inference platform"
#     minutes: 120
#     objectives:
#       - "Plan non-overlapping address space for VPCs in several Regions"
#       - "Build private inference workers that reach S3 and DynamoDB through gateway endpoints and use NAT only for external APIs"
#       - "Send metrics to a central Region over Transit Gateway peering while keeping the worker Regions apart"
#       - "Publish internal names in a private hosted zone shared by VPCs in every Region"
#       - "Prove every required flow reachable and every forbidden flow blocked with lab.trace"
#       - "Price the platform with the cost model, including what the source note left out, and keep it under budget"
# ---

# %% [markdown]
# # 09 · Capstone: a multi-region inference platform
#
# **Time:** about 90 minutes. **Before this:** labs 01–05 (VPCs, NAT, endpoints, peering and Transit Gateway,
# private hosted zones).
#
# One of the source notes describes an inference platform: **10 Regions × 5 EC2 inference workers**. Per Region
# and per day the workers download 1 GB of models from S3, write 10 GB of results to S3, make 1 million DynamoDB
# requests, send 2 GB of metrics to a central Region (Prometheus `remote_write` to VictoriaMetrics) and make 0.5 GB
# of calls to external APIs. You will design and build its network — in three Regions, because the pattern is the
# same in ten — prove it with the network engine, and price the full ten-Region version.
#
# By the end you will be able to:
# 1. plan non-overlapping address space for VPCs in several Regions;
# 2. build private workers that reach S3 and DynamoDB through **gateway endpoints** and use **NAT only for
#    external APIs**;
# 3. send metrics to a central Region over **Transit Gateway peering** while the worker Regions stay apart;
# 4. publish internal names in a **private hosted zone** shared by VPCs in every Region;
# 5. prove every required flow and every forbidden flow with `lab.trace`;
# 6. price the platform with the cost model — including what the note left out — and keep it under budget.
#
# This lab is checked end to end: the last check passes only when every flow behaves as required.

# %% tags=["parameters"]
MODE = None        # None -> $VPCLAB_MODE or "sandbox"; "live" uses your AWS account
REGION = None      # None -> us-east-1 in the sandbox; required in live mode
SOLUTIONS = False  # True fills in every exercise with the reference solution (the tests do)

# %%
import ipaddress

import lab_helpers
from lab_helpers.teach import check, draw, predict
from lab_helpers.sim import costs
from lab_helpers.sim.costs import Flow, Resource
from lab_helpers.lessons import cost_scenarios as scenarios
from lab_helpers.sim.netsim import snapshot_of

lab = lab_helpers.start_lab("09_capstone", mode=MODE, region=REGION)
CENTRAL = lab.region
SPOKES = [r for r in ("us-west-2", "eu-west-1", "ap-northeast-2") if r != CENTRAL][:2]
REGIONS = [CENTRAL] + SPOKES
ACCOUNT = lab.client("sts").get_caller_identity()["Account"]
METRICS_PORT = 8428  # VictoriaMetrics' HTTP port, where Prometheus remote_write sends
print("central Region:", CENTRAL, "· worker Regions:", SPOKES)

# %% [markdown]
# ## 1. The requirements
#
# | # | flow | must be | how it should travel |
# |---|---|---|---|
# | R1 | worker → S3 (443) | reachable | an S3 **gateway endpoint** (free), not the NAT gateway |
# | R2 | worker → DynamoDB (443) | reachable | a DynamoDB **gateway endpoint** |
# | R3 | worker → external API on the internet (443) | reachable | the Region's **NAT gateway** |
# | R4 | worker in a spoke Region → metrics server in the central Region (8428) | reachable | privately: **TGW peering** in the build below; inter-Region VPC peering would do too (exercise 9.6) |
# | R5 | `metrics.platform.internal` | resolvable in every VPC | a **private hosted zone** |
# | F1 | internet → any worker (22) | blocked | workers have no public address |
# | F2 | worker → metrics server on SSH (22) | blocked | the metrics server admits only 8428 |
# | F3 | worker in one spoke → worker in the other spoke (22) | blocked | spokes share no route |
#
# And a budget: the ten-Region platform must cost at most **$1,100 a month** in network charges (we price
# everything at us-east-1 rates, as the note does).
#
# ```
#            us-west-2 (spoke)                 us-east-1 (central)                 eu-west-1 (spoke)
#   ┌──────────────────────────┐        ┌──────────────────────────┐        ┌──────────────────────────┐
#   │ private: workers ──► S3/DDB gw endpoints │ private: metrics :8428   │        │ private: workers         │
#   │   └─► NAT ─► IGW (external APIs)          │   ▲                     │        │   └─► NAT ─► IGW          │
#   │   └─► TGW ══ peering ══════════════► TGW ─┘   ◄══════════ peering ══ TGW ◄─┘                          │
#   └──────────────────────────┘        └──────────────────────────┘        └──────────────────────────┘
# ```

# %% [markdown]
# ## 2. Address plan
#
# Overlapping ranges break both ways of joining VPCs, in different ways. VPC peering **refuses** a connection
# between overlapping CIDRs ([VPC peering limitations](https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations)). A Transit Gateway
# **accepts** the attachment, but does not propagate the newly attached VPC's overlapping CIDR into its route
# tables, so that VPC is silently unreachable for that range ([Amazon VPC attachments in AWS Transit Gateway](https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html)) — the
# quieter failure of the two. Give every Region its own /16 inside 10.0.0.0/8.
#
# ### Exercise 9.1
# Write `address_plan(regions)` returning `{region: cidr}` with one /16 per Region, all inside 10.0.0.0/8, none
# overlapping (e.g. 10.0.0.0/16 for the first Region, 10.1.0.0/16 for the next…).

# %%
def address_plan(regions):
    """One non-overlapping /16 inside 10.0.0.0/8 per Region: {region: cidr}."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    address_plan = lab.solution("address_plan")

# %%
def plan_is_sound(plan, regions):
    nets = [ipaddress.ip_network(plan[r]) for r in regions]
    return (all(n.prefixlen == 16 and n.subnet_of(ipaddress.ip_network("10.0.0.0/8")) for n in nets)
            and not any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1:]))


plan = check.run("Exercise 9.1 — address plan", address_plan, REGIONS)
check.that("One /16 per Region, inside 10.0.0.0/8, no overlaps", lambda: plan_is_sound(plan, REGIONS),
           hint="f'10.{i}.0.0/16' for the i-th Region.")
if not plan or not plan_is_sound(plan, REGIONS):
    plan = lab.solution("address_plan")(REGIONS)
    print("(The lab used the reference plan so the build can go on.)", plan)

# %% [markdown]
# ## 3. One Region: private workers, endpoints, NAT for the rest
#
# Each Region gets the same shape:
#
# * a **public subnet** holding only the NAT gateway (with an internet gateway and a `0.0.0.0/0 → igw` route);
# * a **private subnet** for the workers, whose route table sends `0.0.0.0/0` to the NAT gateway and has the
#   **S3 and DynamoDB gateway endpoints** attached (they add `pl-… → vpce-…` routes, more specific than the
#   default route, so AWS traffic never touches the NAT — and gateway endpoints cost nothing);
# * a worker security group with **no inbound rules**;
# * a **transit gateway** with the VPC attached through the private subnet.
#
# In the central Region the "worker" is the metrics server, and its security group admits only `METRICS_PORT`
# from 10.0.0.0/8.
#
# ### Exercise 9.2
# Write `build_region(lab, region, cidr, role)` (`role` is `"central"` or `"spoke"`) that builds the shape above
# with `lab.client("ec2", region)` and launches one instance in the private subnet with
# `lab_helpers.teach.compute.launch(lab, subnet, name, security_groups=[sg], region=region)`. Return a dict with at
# least the keys `vpc`, `private_subnet`, `private_route_table`, `instance`, `security_group`, `nat`, `tgw`,
# `tgw_attachment`, `cidr`, `region`. Use a /24 at `.0.0` for the public subnet and `.1.0` for the private one.

# %%
def build_region(lab, region, cidr, role):
    """Build one Region of the platform (see the text); return a dict describing it."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    build_region = lab.solution("build_region")

# %%
built = {}
for region in REGIONS:
    role = "central" if region == CENTRAL else "spoke"
    built[region] = check.run(f"Exercise 9.2 — build {region} ({role})", build_region, lab, region, plan[region], role)
    if not built[region]:
        built[region] = lab.solution("build_region")(lab, region, plan[region], role)
        print(f"(The lab built {region} with the reference code so the rest can run.)")

# %% [markdown]
# ### Predict, then run
# Will a worker in `SPOKES[0]` reach S3 — and through which component? Write *yes* or *no* and the components on
# the way out, in order, from *NAT gateway*, *internet gateway*, *endpoint*; then run.

# %%
WORKER_S3_REACH_AND_PATH = None  # your prediction, e.g. ("yes", ["NAT gateway", "internet gateway"])

if SOLUTIONS:
    WORKER_S3_REACH_AND_PATH = ("yes", ["endpoint"])
guess = predict.answer("a spoke worker reaches S3, and through which components", WORKER_S3_REACH_AND_PATH)

# %%
OUT_OF_THE_VPC = {"nat-gateway": "NAT gateway", "internet-gateway": "internet gateway", "vpc-endpoint": "endpoint"}
worker = built[SPOKES[0]]["instance"]
metrics = built[CENTRAL]["instance"]
worker_to_s3 = lab.trace(worker, "s3", port=443)
took = [OUT_OF_THE_VPC[h.component_type] for h in worker_to_s3.forward_hops if h.component_type in OUT_OF_THE_VPC]
predict.reveal(guess, ("yes" if worker_to_s3.reachable else "no", list(dict.fromkeys(took))))
worker_to_s3

# %% [markdown]
# ## 4. Metrics to the central Region over Transit Gateway peering
#
# A transit gateway is Regional; Regions are joined by a **peering attachment** between two transit gateways.
# Unlike VPC attachments, a peering attachment is not propagated and is not associated automatically on the
# accepter side, and its routes are **static**:
#
# 1. `create_transit_gateway_peering_attachment` from the spoke's TGW to the central TGW (`PeerRegion`), then
#    `accept_transit_gateway_peering_attachment` **in the central Region**;
# 2. associate the peering attachment with a route table on **both** sides (each TGW's default route table);
# 3. static TGW routes: in the spoke's table, the central /16 → the peering attachment; in the central table, the
#    spoke's /16 → the peering attachment;
# 4. VPC routes: the spoke's private route table sends **10.0.0.0/8** to its TGW (so private addresses never
#    leave through the NAT); the central private route table sends the spoke's /16 to the central TGW.
#
# Because the spoke's TGW route table learns only the central /16, the two spokes cannot reach each other (F3).
#
# ### Exercise 9.3
# Write `connect_to_central(lab, spoke, central)` (both are dicts from `build_region`) doing steps 1–4; return
# the peering attachment id. (Look up each TGW's default route table with `describe_transit_gateway_route_tables`
# filtered on `transit-gateway-id`.)

# %%
def connect_to_central(lab, spoke, central):
    """Peer the spoke's TGW with the central TGW, associate, add static and VPC routes; return the attachment id."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    connect_to_central = lab.solution("connect_to_central")

# %%
for region in SPOKES:
    peering = check.run(f"Exercise 9.3 — connect {region} to {CENTRAL}", connect_to_central, lab, built[region],
                        built[CENTRAL])
    if not peering:
        peering = lab.solution("connect_to_central")(lab, built[region], built[CENTRAL])
        print(f"(The lab connected {region} with the reference code.)")
    built[region]["peering"] = peering

# %% [markdown]
# ### Predict, then run
# Which hops will a metrics write from the spoke worker cross on its way to the central Region? Count the route
# tables you expect (VPC and TGW), then run.

# %%
ROUTE_TABLES_TO_CENTRAL = None  # your prediction: a number

if SOLUTIONS:
    ROUTE_TABLES_TO_CENTRAL = 4
guess = predict.answer("route tables (VPC and TGW) a metrics write crosses to the central Region",
                       ROUTE_TABLES_TO_CENTRAL)

# %%
metrics_write = lab.trace(worker, metrics, port=METRICS_PORT)
predict.reveal(guess, sum(h.component_type in ("route-table", "transit-gateway-route-table")
                          for h in metrics_write.forward_hops))
metrics_write

# %% [markdown]
# Four: the spoke's VPC table, the two TGW tables, and then the route table of the **central subnet the
# TGW attachment sits in**. The attachment's subnets are where transit gateway traffic enters and leaves a VPC, so
# their route table decides where it goes next ([Amazon VPC attachments in AWS Transit Gateway](https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html));
# here its `local` route delivers it to the metrics server.

# %% [markdown]
# ## 5. Internal names
#
# Workers should send metrics to `metrics.platform.internal`, not to an IP address. A private hosted zone can be
# associated with VPCs in **any** Region of the account; each associated VPC's resolver answers from it.
#
# ### Exercise 9.4
# Write `publish_internal_names(lab, built, central_region)`: create the private hosted zone `platform.internal`
# (first VPC: the central one), associate every other VPC (`associate_vpc_with_hosted_zone` with its own
# `VPCRegion`), and add an **A** record `metrics.platform.internal` → the metrics server's private IP. Return the
# zone id.

# %%
def publish_internal_names(lab, built, central_region):
    """Private hosted zone platform.internal for every VPC, with metrics.platform.internal -> metrics server IP."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    publish_internal_names = lab.solution("publish_internal_names")

# %%
zone_id = check.run("Exercise 9.4 — platform.internal", publish_internal_names, lab, built, CENTRAL)
if not zone_id:
    zone_id = lab.solution("publish_internal_names")(lab, built, CENTRAL)
    print("(The lab published the zone with the reference code.)")


def resolves_everywhere(name, expected_ip):
    """R5: every VPC is associated with a zone that has an A record `name` -> `expected_ip` (asked via Route 53)."""
    r53 = lab.client("route53")
    for region, b in built.items():
        zones = r53.list_hosted_zones_by_vpc(VPCId=b["vpc"], VPCRegion=region)["HostedZoneSummaries"]
        zone = next((z for z in zones if name.endswith(z["Name"].rstrip("."))), None)
        if zone is None:
            return False
        records = r53.list_resource_record_sets(HostedZoneId=zone["HostedZoneId"])["ResourceRecordSets"]
        if not any(r["Name"].rstrip(".") == name and r["Type"] == "A" and
                   [v["Value"] for v in r["ResourceRecords"]] == [expected_ip] for r in records):
            return False
    return True


metrics_ip = lab.client("ec2", CENTRAL).describe_instances(InstanceIds=[metrics])["Reservations"][0]["Instances"][0][
    "PrivateIpAddress"]
_ = check.that("R5 — metrics.platform.internal resolves to the metrics server in every VPC",
               lambda: resolves_everywhere("metrics.platform.internal", metrics_ip),
               hint="Associate each VPC with VPCRegion set to the VPC's own Region; the record type is A.")

# %% [markdown]
# Ask the central VPC's Resolver the way an instance would (`lab.resolve` simulates the Route 53 Resolver of one
# VPC in the lab's Region; the check above read the zone associations of every Region through Route 53):

# %%
lab.resolve("metrics.platform.internal", built[CENTRAL]["vpc"])

# %% [markdown]
# ## 6. Prove it: every required flow, every forbidden flow
#
# Each flow below is walked by the network engine hop by hop, from the describe calls of all three Regions. A
# required flow must arrive **through the component the design intends** (an S3 flow that arrives through the
# NAT gateway works, but costs $0.045 per GB and fails the design).

# %%
def via(result, component_type):
    """Did the forward path cross a component of this type (prefix match: "transit-gateway" covers attachments)?"""
    return any(h.component_type.startswith(component_type) for h in result.forward_hops)


def verify(built):
    """Run every required and forbidden flow; return rows (id, description, ok, trace)."""
    snap = snapshot_of(lab)  # read the three Regions once; every trace below walks the same picture

    def trace(source, destination, port):
        return lab.trace(source, destination, port=port, snapshot=snap)

    rows = []
    central = built[CENTRAL]
    for region in SPOKES + [CENTRAL]:
        w = built[region]["instance"]
        s3 = trace(w, "s3", 443)
        rows.append(("R1", f"{region} worker → S3 via gateway endpoint",
                     s3.reachable and via(s3, "vpc-endpoint") and not via(s3, "nat-gateway"), s3))
        ddb = trace(w, "dynamodb", 443)
        rows.append(("R2", f"{region} worker → DynamoDB via gateway endpoint",
                     ddb.reachable and via(ddb, "vpc-endpoint") and not via(ddb, "nat-gateway"), ddb))
        ext = trace(w, "203.0.113.10", 443)
        rows.append(("R3", f"{region} worker → external API via NAT", ext.reachable and via(ext, "nat-gateway"), ext))
        inbound = trace("internet", w, 22)
        rows.append(("F1", f"internet → {region} worker (22) blocked", not inbound.reachable, inbound))
    for region in SPOKES:
        w = built[region]["instance"]
        m = trace(w, central["instance"], METRICS_PORT)
        rows.append(("R4", f"{region} worker → metrics:{METRICS_PORT} via TGW",
                     m.reachable and via(m, "transit-gateway"), m))
        ssh = trace(w, central["instance"], 22)
        rows.append(("F2", f"{region} worker → metrics:22 blocked", not ssh.reachable, ssh))
    a, b = SPOKES
    cross = trace(built[a]["instance"], built[b]["instance"], 22)
    rows.append(("F3", f"{a} worker → {b} worker blocked", not cross.reachable, cross))
    return rows


rows = verify(built)
for rid, text, ok, result in rows:
    why = "" if ok else f"   ← {result.explanation}"
    print(f"{'✅' if ok else '❌'} {rid} {text}{why}")
_ = check.that("Every required flow is reachable the intended way and every forbidden flow is blocked",
               all(ok for *_, ok, _ in rows), detail=f"{sum(ok for *_, ok, _ in rows)}/{len(rows)} flows as required",
               hint="Read the ❌ lines: each names the hop that decided.")

# %% [markdown]
# Look at one forbidden flow in detail — where exactly does F3 stop?

# %%
next(result for rid, _, _, result in rows if rid == "F3")

# %% [markdown]
# ## 7. Break it and fix it: the endpoint that "doesn't matter"
#
# Someone tidies up and deletes the S3 gateway endpoint in one spoke. Nothing breaks — S3 still answers, now
# through the NAT gateway. **Predict** what the trace shows and what it does to the bill: write *yes* or *no* (does
# S3 still answer), the component on the way out (*NAT gateway* or *endpoint*), and *up*, *same* or *down*.

# %%
WITHOUT_THE_ENDPOINT = None  # your prediction, e.g. ("no", "endpoint", "same")

if SOLUTIONS:
    WITHOUT_THE_ENDPOINT = ("yes", "NAT gateway", "up")
guess = predict.answer("without the spoke's S3 endpoint: S3 answers, the way out, the bill", WITHOUT_THE_ENDPOINT)

# %%
spoke = built[SPOKES[0]]
ec2_spoke = lab.client("ec2", SPOKES[0])
s3_endpoint = ec2_spoke.describe_vpc_endpoints(Filters=[
    {"Name": "vpc-id", "Values": [spoke["vpc"]]},
    {"Name": "service-name", "Values": [f"com.amazonaws.{SPOKES[0]}.s3"]}])["VpcEndpoints"][0]["VpcEndpointId"]
ec2_spoke.delete_vpc_endpoints(VpcEndpointIds=[s3_endpoint])
broken = lab.trace(spoke["instance"], "s3", port=443)
print("reachable:", broken.reachable, "· through a NAT gateway:", via(broken, "nat-gateway"))
a = scenarios.NOTE_PLATFORM
s3_gb_per_region = a.monthly_gb(a.s3_download_gb + a.s3_upload_gb, regions=1)
nat_gb = costs.monthly([], [Flow("S3 through NAT", s3_gb_per_region, ["nat"])], region="us-east-1")
print(f"{s3_gb_per_region:.0f} GB of S3 traffic a month through one Region's NAT: {costs.money(nat_gb.total)}")
# the gateway endpoint carried these bytes for free, so any NAT charge is what the tidy-up added
bill = "up" if (nat_gb.total or 0) > 0 else "same"
predict.reveal(guess, ("yes" if broken.reachable else "no",
                       "NAT gateway" if via(broken, "nat-gateway") else "endpoint" if via(broken, "vpc-endpoint")
                       else "neither", bill))
broken

# %% [markdown]
# The flow still arrives, so a "does it work?" test passes; only the path shows the problem. Put the endpoint
# back on the private route table and check the path again.

# %%
ec2_spoke.create_vpc_endpoint(VpcId=spoke["vpc"], ServiceName=f"com.amazonaws.{SPOKES[0]}.s3",
                              VpcEndpointType="Gateway", RouteTableIds=[spoke["private_route_table"]])
fixed = lab.trace(spoke["instance"], "s3", port=443)
_ = check.that("S3 from the spoke goes through a gateway endpoint again",
               fixed.reachable and via(fixed, "vpc-endpoint") and not via(fixed, "nat-gateway"))

# %% [markdown]
# ## 8. What the platform costs — and what the note left out
#
# The note priced the platform as NAT hours plus per-GB charges: **$506.25** a month unoptimised and **$342.75**
# optimised ("≈ 32 % saved"). The cost model reproduces those numbers from the same assumptions:

# %%
note_before, note_after = scenarios.platform_note(False), scenarios.platform_note(True)
print("note, unoptimised:", costs.money(note_before.total), "· note, optimised:", costs.money(note_after.total))

# %% [markdown]
# **Myth (the note):** "gateway endpoints plus Transit Gateway saves about 32 %". The note left out the Transit
# Gateway's **attachment-hours** ($0.05 per attachment per hour in us-east-1 — one VPC attachment per Region plus
# one peering attachment per spoke), the **inter-Region transfer** of the metrics, the NAT gateways' public IPv4
# addresses and the internet egress of the API calls ([Amazon VPC pricing](https://aws.amazon.com/vpc/pricing/), [AWS Transit Gateway pricing](https://aws.amazon.com/transit-gateway/pricing/)). With them, the
# design the note recommends is the *most* expensive.
#
# ### Exercise 9.5 — price the full ten-Region platform as you built it
# Write `platform_bill(a)` returning `costs.monthly(resources, flows, region=a.region, hours=a.hours)` for
# `a.regions` Regions (one central, the rest spokes) built like yours: per Region one NAT gateway, one public IPv4
# address, two gateway endpoints, one TGW VPC attachment; one TGW peering attachment per spoke. Flows (use
# `a.monthly_gb(per_day)` and `a.monthly_gb(per_day, regions=n)`): external API calls via `["nat", "internet"]`;
# S3 downloads + uploads via `["gateway_endpoint"]`; the spokes' metrics via `["tgw", "inter_region"]` (the
# central Region's own metrics never leave it).

# %%
BUDGET = 1100.0


def platform_bill(a):
    """The monthly bill (costs.monthly) of the ten-Region platform built as in this lab."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    platform_bill = lab.solution("platform_bill")

# %%
bill = check.run("Exercise 9.5 — the platform's bill", platform_bill, scenarios.NOTE_PLATFORM)
reference = scenarios.platform_complete("endpoints + TGW (note)")
check.equal("Your bill matches the cost model's complete TGW design", lambda: round(bill.total, 2),
            round(reference.total, 2), hint="Compare your lines with the text: 10 NAT, 10 IPv4, 20 endpoints, "
                                            "10 TGW attachments, 9 peering attachments, and three flows.")
check.that(f"The platform stays under the ${BUDGET:,.0f} budget", lambda: bill.total <= BUDGET,
           detail=costs.money(bill.total if bill else None))
bill if bill else reference

# %%
designs = {d: scenarios.platform_complete(d) for d in scenarios.PLATFORM_DESIGNS}
designs["note: optimised"] = note_after
draw.cost_stacked(designs, title="Ten Regions, per month (us-east-1 prices)")
import matplotlib.pyplot as plt  # noqa: E402

plt.tight_layout()
plt.show()

# %% [markdown]
# What the bars say: the gateway endpoints are pure savings (they are free and take the 3,300 GB of S3 traffic off
# the NAT gateways). The metrics are small (540 GB a month from nine spokes), so *how* they travel matters less
# than what the path costs per hour: nineteen TGW attachments cost about $684 a month before a single byte moves.
# For this traffic, inter-Region VPC peering of each spoke with the central VPC (no hourly charge) is cheaper; a
# TGW earns its hourly price when many VPCs must reach each other, not for a star of small metric streams. The
# build here used TGW, so the design meets the brief — and the bill is how you argue for another one.
#
# ### Exercise 9.6 — your design, under the budget
# Now choose for yourself. Write `my_design()` returning a dict with:
#
# - `"interconnect"`: `"vpc_peering"` (inter-Region VPC peering of each spoke with the central VPC) or `"tgw"`
#   (a TGW per Region, peered with the hub);
# - `"s3"` and `"dynamodb"`: `"gateway"` (a gateway endpoint per Region), `"interface"` (an interface endpoint per
#   Region, in the workers' one AZ) or `"nat"` (no endpoint).
#
# The check prices your design with the cost model (`scenarios.platform_design`) and accepts **any** design that
# meets the requirements (R1, R2: no S3 or DynamoDB traffic through the NAT gateway; R4: metrics travel privately)
# and costs at most the budget. There is more than one right answer; the bill tells you what each one costs.
#
# %%
def my_design():
    """Return {"interconnect": "vpc_peering" | "tgw", "s3": ..., "dynamodb": ...} (see the text)."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    my_design = lab.solution("my_design")

# %%
design = check.run("Exercise 9.6 — your design", my_design) or {}
if design:
    yours = scenarios.platform_design(**design)
    problems = scenarios.design_problems(**design)
    print("requirements:", "all met" if not problems else "; ".join(problems))
    check.that("Your design meets the requirements", lambda: not problems, detail="; ".join(problems))
    check.that(f"... and costs at most ${BUDGET:,.0f} a month", lambda: yours.total <= BUDGET,
               detail=costs.money(yours.total), hint="Hourly charges dominate: count attachments and AZ-hours.")
    display(yours)

# %% [markdown]
# What this sandbox run has alive right now (three Regions), from the describe calls:

# %%
alive = costs.monthly(costs.snapshot(lab, REGIONS), [], region="us-east-1")
alive

# %% [markdown]
# ## Clean up

# %%
lab.teardown()

# %% [markdown]
# ## Key points
# - Plan addresses first: one non-overlapping /16 per Region inside 10.0.0.0/8 keeps TGW, peering and future
#   mergers possible.
# - Private workers + S3/DynamoDB **gateway endpoints** (free) + NAT **only** for external APIs is the cheap,
#   private default; prove the *path*, not just reachability.
# - TGW peering joins Regions with **static** routes and explicit associations; a spoke table that knows only the
#   central range keeps spokes apart.
# - A private hosted zone can serve VPCs in every Region; names, not IPs, in configuration.
# - Required flows reachable, forbidden flows blocked — each shown by a trace that names the deciding hop.
# - Cost models must include hourly charges (TGW attachments, NAT, IPv4) and inter-Region transfer: leaving them
#   out turned the note's "32 % saved" into the most expensive design.
