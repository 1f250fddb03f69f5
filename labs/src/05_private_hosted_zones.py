# ---
# jupyter:
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   vpclab:
#     title: "Private DNS: Route 53 private hosted zones"
#     minutes: 70
#     objectives:
#       - "Show that network reachability and name resolution are separate problems"
#       - "Publish a name with the three steps: create a private zone, add records, associate VPCs"
#       - "Predict the Resolver's answer: associated or not, DNS attributes, most specific zone, NXDOMAIN"
#       - "Point a friendly name at an internal load balancer with a CNAME"
#       - "Explain Resolver forwarding rules and cross-account zone association"
#       - "Map EKS concepts (pods, namespaces, Services, CoreDNS) onto VPC ones"
# ---

# %% [markdown]
# # 05 · Private DNS: Route 53 private hosted zones
#
# **Time:** about 50 minutes. **Before this:** lab 04 (Transit Gateway).
#
# By the end of this lab you will be able to:
# 1. show that **network reachability and name resolution are separate problems**;
# 2. publish a name with the three steps — create a private hosted zone, add records, associate VPCs;
# 3. predict what the VPC's DNS Resolver answers, and why: associated or not, the two DNS attributes, the most
#    specific zone, NXDOMAIN without fallback;
# 4. give an internal load balancer a friendly name with a CNAME;
# 5. explain Resolver forwarding rules and cross-account zone association;
# 6. map EKS concepts — pod IPs, namespaces, Services, CoreDNS — onto VPC ones.
#
# Every VPC has a DNS server built in, the **Route 53 Resolver**. Instances reach it at the VPC's base address
# **+2** (10.0.0.2 in 10.0.0.0/16) or at **169.254.169.253** ([Amazon DNS server](https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#AmazonDNS)). It answers public names from the internet and
# private names from **private hosted zones** — but only for VPCs the zone is *associated* with.
#
# moto stores zones and records but answers no queries, so the lab asks `lab.resolve(name, vpc_id)`: a simulator
# that reads zones, associations, rules and endpoints through describe calls and answers as that VPC's Resolver
# would — with the reason. Public names are not simulated: the sandbox never leaves your machine.

# %% tags=["parameters"]
MODE = None        # None -> $VPCLAB_MODE or "sandbox"; "live" uses your AWS account
REGION = None      # None -> us-east-1 in the sandbox; required in live mode
SOLUTIONS = False  # True fills in every exercise with the reference solution (the tests do)

# %%
import time

from botocore.exceptions import ClientError

import lab_helpers
from lab_helpers.teach import check, predict
from lab_helpers.sim import dns
from lab_helpers.teach.compute import launch

lab = lab_helpers.start_lab("05_private_hosted_zones", mode=MODE, region=REGION, server=True)  # for `!aws` cells
ec2, r53, elbv2 = lab.client("ec2"), lab.client("route53"), lab.client("elbv2")
AZ_A, AZ_B = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"][:2]]

# %%
def build_vpc(name, second_octet):
    """A VPC with two subnets (two AZs) and a security group that lets 10.0.0.0/8 in on 443."""
    vpc = ec2.create_vpc(CidrBlock=f"10.{second_octet}.0.0/16",
                         TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}])
    vpc_id = vpc["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.{second_octet}.{i}.0/24", AvailabilityZone=az)
               ["Subnet"]["SubnetId"] for i, az in ((1, AZ_A), (2, AZ_B))]
    sg = ec2.create_security_group(VpcId=vpc_id, GroupName=f"{name}-https", Description="HTTPS from 10/8")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    return {"vpc_id": vpc_id, "subnets": subnets, "sg": sg}


app, client, other = build_vpc("app", 0), build_vpc("client", 1), build_vpc("other", 2)
api_server = launch(lab, app["subnets"][0], "api-server", security_groups=[app["sg"]])
client_box = launch(lab, client["subnets"][0], "client", security_groups=[client["sg"]])
other_box = launch(lab, other["subnets"][0], "other", security_groups=[other["sg"]])
api_ip = ec2.describe_instances(InstanceIds=[api_server])["Reservations"][0]["Instances"][0]["PrivateIpAddress"]

# One transit gateway joins all three VPCs (lab 04): every VPC routes 10.0.0.0/8 to it.
def wait_until_available(describe, what):
    """A transit gateway and its attachments take minutes in AWS (instant in the sandbox): poll their State."""
    for _ in range(90):
        if describe() == "available":
            return
        time.sleep(10)
    raise TimeoutError(f"{what} is still not available after 15 minutes")


tgw = ec2.create_transit_gateway(Description="hub for lab 05")["TransitGateway"]["TransitGatewayId"]
wait_until_available(lambda: ec2.describe_transit_gateways(TransitGatewayIds=[tgw])["TransitGateways"][0]["State"],
                     tgw)
for vpc in (app, client, other):
    att = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc["vpc_id"],
                                                    SubnetIds=vpc["subnets"])
    att_id = att["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    wait_until_available(lambda: ec2.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[att_id])[
        "TransitGatewayVpcAttachments"][0]["State"], att_id)
    main_rt = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc["vpc_id"]]},
                                                 {"Name": "association.main", "Values": ["true"]}])
    ec2.create_route(RouteTableId=main_rt["RouteTables"][0]["RouteTableId"], DestinationCidrBlock="10.0.0.0/8",
                     TransitGatewayId=tgw)
print("app", app["vpc_id"], "| client", client["vpc_id"], "| other", other["vpc_id"], "| api-server at", api_ip)

# %% [markdown]
# ## 1. Reachability is not DNS
#
# The client VPC reaches the app VPC through the transit gateway. The app team tells the client team: "call
# `https://api.my-app.internal`".
#
# ### Predict, then run
# Two questions, two answers to write down: (a) can the client instance reach the API server's address on port 443?
# (b) does the name `api.my-app.internal` resolve in the client VPC? Write *yes* or *no* for each.

# %%
REACHES_AND_RESOLVES = None  # your prediction, e.g. ("yes", "yes") for (a), (b)

if SOLUTIONS:
    REACHES_AND_RESOLVES = ("yes", "no")
guess = predict.answer("the client reaches the API server on 443, and resolves api.my-app.internal",
                       REACHES_AND_RESOLVES)

# %%
client_to_api = lab.trace(client_box, api_server, port=443)
client_to_api

# %%
client_lookup = lab.resolve("api.my-app.internal", client["vpc_id"])
predict.reveal(guess, ("yes" if client_to_api.reachable else "no", "yes" if client_lookup.answers else "no"))
client_lookup

# %% [markdown]
# Packets flow; the name does not exist. Routing, security groups and the transit gateway move packets between
# *addresses*. Nothing in them publishes a *name*. `nslookup api.my-app.internal` on the client would fail exactly
# like this while `curl https://10.0.1.x` works — a classic first-day puzzle with private networking.

# %% [markdown]
# ## 2. The VPC's two DNS switches
#
# Two VPC attributes decide what the Resolver does for a VPC:
#
# | attribute | what it does | default (VPC you create) |
# |---|---|---|
# | `enableDnsSupport` | the Resolver answers at VPC+2 and 169.254.169.253 at all | true |
# | `enableDnsHostnames` | instances get DNS hostnames; **private hosted zones and interface-endpoint private DNS are used only when it is true too** ([DNS attributes for your VPC](https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html); [Considerations when working with a private hosted zone](https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html)) | false |
#
# (The default VPC has both on.) Both must be true for a private zone to work.

# %%
for name, vpc in (("app", app), ("client", client), ("other", other)):
    print(f"{name:>6}: {dns.dns_attributes(lab, vpc['vpc_id'])}   Resolver at {dns.resolver_addresses(lab, vpc['vpc_id'])}")

# %% [markdown]
# ### Exercise 5.1 — turn on DNS for a VPC
# Write `enable_vpc_dns(ec2, vpc_id)`: make both attributes true. (`modify_vpc_attribute` takes one attribute per
# call.)

# %%
def enable_vpc_dns(ec2, vpc_id):
    """Set enableDnsSupport and enableDnsHostnames to true on vpc_id."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    enable_vpc_dns = lab.solution("enable_vpc_dns")

# %%
for vpc in (app, client, other):
    check.run(f"Exercise 5.1 — DNS on for {vpc['vpc_id']}", enable_vpc_dns, ec2, vpc["vpc_id"])
check.that("Both attributes are true in all three VPCs",
           lambda: all(all(dns.dns_attributes(lab, v["vpc_id"]).values()) for v in (app, client, other)),
           hint="ec2.modify_vpc_attribute(VpcId=..., EnableDnsHostnames={'Value': True}), and the same for "
                "EnableDnsSupport.")

# %% [markdown]
# (From here on the lab turns them on itself if your exercise did not, so the rest still works.)

# %%
for vpc in (app, client, other):
    for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
        ec2.modify_vpc_attribute(VpcId=vpc["vpc_id"], **{attribute: {"Value": True}})

# %% [markdown]
# ## 3. Three steps: zone, records, associations
#
# **Step 1 — create the zone**, associated with a first VPC. A private zone cannot exist without one. The notes do
# it with the AWS CLI, so this cell runs their command against the lab's world (`{app_vpc}` is the Python value).
# The command never says "private": AWS makes a zone private *because* it is created with a VPC
# ([CreateHostedZone](https://docs.aws.amazon.com/Route53/latest/APIReference/API_CreateHostedZone.html)).
# The caller reference makes the request safe to retry; a second zone with the same reference is refused.

# %%
app_vpc = app["vpc_id"]
# !aws route53 create-hosted-zone --name my-app.internal --vpc VPCRegion={lab.region},VPCId={app_vpc} --caller-reference {lab.run_id}-my-app --query "HostedZone.[Id,Name,Config.PrivateZone]" --output text
zone = r53.get_hosted_zone(Id=next(z["Id"] for z in r53.list_hosted_zones()["HostedZones"]
                                   if z["CallerReference"] == f"{lab.run_id}-my-app"))
zone_id = zone["HostedZone"]["Id"].split("/")[-1]
lab.adopt("hosted-zone", zone["HostedZone"]["Id"])  # in live mode the CLI's zone is not in the ledger: teardown deletes it
check.that("A zone created with --vpc is private", lambda: zone["HostedZone"]["Config"]["PrivateZone"]);
# again = !aws route53 create-hosted-zone --name my-app.internal --vpc VPCRegion={lab.region},VPCId={app_vpc} --caller-reference {lab.run_id}-my-app 2>&1
check.that("Reusing the caller reference is refused", lambda: "HostedZoneAlreadyExists" in again.n);
print("zone", zone_id, zone["HostedZone"]["Name"])

# %% [markdown]
# ### Predict, then run
# The zone exists and the app VPC is associated, but there is no record yet. What does the app VPC get for
# `api.my-app.internal` — the public internet's answer, or something else? Write the response code you expect
# (`NOERROR` with an answer, `NXDOMAIN` for "no such name", `SERVFAIL`...).

# %%
EMPTY_ZONE_RCODE = None  # your prediction: a DNS response code

if SOLUTIONS:
    EMPTY_ZONE_RCODE = "NXDOMAIN"
guess = predict.answer("the app VPC's answer from a zone with no record", EMPTY_ZONE_RCODE)

# %%
empty_zone = lab.resolve("api.my-app.internal", app["vpc_id"])
predict.reveal(guess, empty_zone.rcode)
empty_zone

# %% [markdown]
# NXDOMAIN, and note *why*: the zone is authoritative for everything under `my-app.internal`, so a missing record is
# a final "no such name" — the Resolver does not go on to ask public DNS ([Considerations when working with a private hosted zone](https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html)).
#
# **Step 2 — add records.** An `A` record maps the name to the API server's private address.

# %%
r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
    "Action": "CREATE", "ResourceRecordSet": {"Name": "api.my-app.internal", "Type": "A", "TTL": 60,
                                              "ResourceRecords": [{"Value": api_ip}]}}]})
print(lab.resolve("api.my-app.internal", app["vpc_id"]))

# %% [markdown]
# ### Predict, then run
# The app VPC now resolves the name. Does the **client** VPC? Write the response code you expect.

# %%
CLIENT_RCODE_UNSHARED = None  # your prediction: a DNS response code, e.g. "NOERROR"

if SOLUTIONS:
    CLIENT_RCODE_UNSHARED = "NXDOMAIN"
guess = predict.answer("the client VPC's answer before the zone is shared with it", CLIENT_RCODE_UNSHARED)

# %%
unshared = lab.resolve("api.my-app.internal", client["vpc_id"])
predict.reveal(guess, unshared.rcode)
unshared

# %% [markdown]
# Still NXDOMAIN: the zone is a phone book only associated VPCs can read.
#
# ### Exercise 5.2 — step 3: associate the client VPC
# Write `share_zone(r53, zone_id, vpc_id, region)` so that `vpc_id` can read the zone.

# %%
def share_zone(r53, zone_id, vpc_id, region):
    """Associate vpc_id (in region) with the private hosted zone zone_id."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    share_zone = lab.solution("share_zone")

# %%
check.run("Exercise 5.2 — zone shared with the client VPC", share_zone, r53, zone_id, client["vpc_id"], lab.region)
check.equal("The client VPC resolves api.my-app.internal to the API server",
            lambda: lab.resolve("api.my-app.internal", client["vpc_id"]).answers, [api_ip],
            hint="r53.associate_vpc_with_hosted_zone(HostedZoneId=..., VPC={'VPCRegion': ..., 'VPCId': ...})")
check.equal("The 'other' VPC, reachable over the same TGW but not associated, still gets NXDOMAIN",
            lambda: lab.resolve("api.my-app.internal", other["vpc_id"]).rcode, "NXDOMAIN")
print(lab.trace(other_box, api_server, port=443))

# %% [markdown]
# The `other` VPC reaches the API server's address (the trace above) yet cannot resolve its name: network and DNS
# are granted separately.
#
# > **Myth:** "an unassociated VPC gets NXDOMAIN." Only when the name does not exist publicly either. `.internal`
# > never exists on the internet, so here it is NXDOMAIN. A private zone named after a real public domain
# > (say `example.com`) gives associated VPCs the private answer and every other VPC the **public** one — a
# > split-horizon setup, sometimes on purpose, sometimes a surprise.

# %%
if not lab.resolve("api.my-app.internal", client["vpc_id"]).ok:  # the exercise was skipped: do it for later cells
    r53.associate_vpc_with_hosted_zone(HostedZoneId=zone_id, VPC={"VPCRegion": lab.region, "VPCId": client["vpc_id"]})

# %% [markdown]
# The notes do step 3 with the CLI as well. **Predict:** after this association, what does the *other* VPC get for
# `api.my-app.internal`? And after the disassociation that follows? Write *address* or a response code for each.

# %%
OTHER_VPC_ANSWERS = None  # your prediction, e.g. ("NXDOMAIN", "address") for associated, disassociated

if SOLUTIONS:
    OTHER_VPC_ANSWERS = ("address", "NXDOMAIN")
guess = predict.answer("the other VPC's answer: associated, then disassociated", OTHER_VPC_ANSWERS)

# %%


def answer_kind(vpc_id):
    """What a prediction can say about a lookup: "address" when there is an answer, else the response code."""
    found = lab.resolve("api.my-app.internal", vpc_id)
    return "address" if found.answers else found.rcode


other_vpc = other["vpc_id"]
# !aws route53 associate-vpc-with-hosted-zone --hosted-zone-id {zone_id} --vpc VPCRegion={lab.region},VPCId={other_vpc} --query ChangeInfo.Status --output text
check.equal("Associated through the CLI, the other VPC resolves the zone",
            lambda: lab.resolve("api.my-app.internal", other_vpc).answers, [api_ip])
while_associated = answer_kind(other_vpc)
# !aws route53 disassociate-vpc-from-hosted-zone --hosted-zone-id {zone_id} --vpc VPCRegion={lab.region},VPCId={other_vpc} --query ChangeInfo.Status --output text
check.equal("Disassociated again, it gets NXDOMAIN", lambda: lab.resolve("api.my-app.internal", other_vpc).rcode,
            "NXDOMAIN");
predict.reveal(guess, (while_associated, answer_kind(other_vpc)));

# %% [markdown]
# ## 4. A friendly name for an internal load balancer
#
# In practice `api` should point at a load balancer, not one server. An **internal** ALB gets a DNS name AWS
# publishes (it resolves to the ALB nodes' *private* addresses). A `CNAME` record gives it your name.

# %%
alb = elbv2.create_load_balancer(Name="api-internal", Subnets=app["subnets"], SecurityGroups=[app["sg"]],
                                 Scheme="internal", Type="application")["LoadBalancers"][0]
print(alb["DNSName"], alb["Scheme"])

# %% [markdown]
# ### Exercise 5.3 — CNAME to the ALB
# Write `name_the_alb(r53, zone_id, alb_dns)`: create `web.my-app.internal` as a **CNAME** to `alb_dns`, TTL 60.

# %%
def name_the_alb(r53, zone_id, alb_dns):
    """Create CNAME web.my-app.internal -> alb_dns in zone_id."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    name_the_alb = lab.solution("name_the_alb")

# %%
check.run("Exercise 5.3 — CNAME created", name_the_alb, r53, zone_id, alb["DNSName"])
web = lab.resolve("web.my-app.internal", client["vpc_id"])
print(web)
check.equal("web.my-app.internal is a CNAME for the internal ALB",
            lambda: web.answers[:1], [alb["DNSName"].lower().rstrip(".") + "."],
            hint="ChangeBatch={'Changes': [{'Action': 'CREATE', 'ResourceRecordSet': {'Name': 'web.my-app.internal', "
                 "'Type': 'CNAME', 'TTL': 60, 'ResourceRecords': [{'Value': alb_dns}]}}]}")

# %% [markdown]
# The Resolver follows the CNAME to the ALB's own name. In AWS that name resolves to one private IP per ALB node;
# the sandbox has no ALB nodes, so the simulator stops at the name and says so. (A Route 53 **alias** record would
# answer with the ALB's addresses directly and is free to query; a CNAME cannot sit at the zone apex.)
#
# ### Predict, then run
# You run the same `CREATE` a second time. What does Route 53 say? Write *accepted*, or the error code you expect.

# %%
SECOND_CREATE_ANSWER = None  # your prediction: "accepted" or an error code

if SOLUTIONS:
    SECOND_CREATE_ANSWER = "InvalidChangeBatch"
guess = predict.answer("Route 53's answer to a second CREATE of the same record", SECOND_CREATE_ANSWER)

# %%
again = {"Changes": [{"Action": "CREATE", "ResourceRecordSet": {
    "Name": "api.my-app.internal", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": api_ip}]}}]}
try:
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch=again)
    route53_says = "accepted"
except ClientError as refusal:
    route53_says = refusal.response["Error"]["Code"]
predict.reveal(guess, route53_says)
check.equal("A second CREATE of an existing record set is refused", route53_says, "InvalidChangeBatch",
            hint="Use Action='UPSERT' to create-or-replace.");

# %% [markdown]
# `InvalidChangeBatch`: `CREATE` means "must not exist yet" (moto would quietly add a duplicate; the course's fidelity
# layer answers as AWS does). Scripts that may run twice use `UPSERT`.
#
# ## 5. Overlapping zones: the most specific wins
#
# Two teams create zones that overlap: `example.com` (platform) and `acc.example.com` (accounting), both associated
# with the client VPC. The platform zone also holds a record *inside* accounting's namespace.

# %%
def private_zone(name, vpc_id):
    z = r53.create_hosted_zone(Name=name, CallerReference=f"{lab.run_id}-{name}", HostedZoneConfig={"PrivateZone": True},
                               VPC={"VPCRegion": lab.region, "VPCId": vpc_id})
    return z["HostedZone"]["Id"].split("/")[-1]


def a_record(zone, name, ip):
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "UPSERT",
        "ResourceRecordSet": {"Name": name, "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": ip}]}}]})


platform = private_zone("example.com", client["vpc_id"])
accounting = private_zone("acc.example.com", client["vpc_id"])
a_record(platform, "www.example.com", "10.0.1.80")
a_record(platform, "db.acc.example.com", "10.0.1.90")
a_record(accounting, "ledger.acc.example.com", "10.0.2.50")

# %% [markdown]
# ### Predict, then run
# From the client VPC, what do these three names give? `www.example.com`, `ledger.acc.example.com`,
# `db.acc.example.com`. Write an address or a response code for each.

# %%
THREE_NAMES = None  # your prediction, e.g. ("10.0.1.80", "NXDOMAIN", "10.0.1.90")

if SOLUTIONS:
    THREE_NAMES = ("10.0.1.80", "10.0.2.50", "NXDOMAIN")
guess = predict.answer("www.example.com, ledger.acc.example.com, db.acc.example.com from the client VPC",
                       THREE_NAMES)

# %%
got = []
for name in ("www.example.com", "ledger.acc.example.com", "db.acc.example.com"):
    answer = lab.resolve(name, client["vpc_id"])
    print(f"{name:<24} {answer.rcode:<9} {answer.answers}   ← {answer.source}")
    got.append(answer.answers[0] if answer.answers else answer.rcode)
predict.reveal(guess, got)

# %% [markdown]
# `db.acc.example.com` is NXDOMAIN although the platform zone has it: the Resolver picks the **most specific** zone
# that matches the name (`acc.example.com`), and a miss there is final ([Considerations when working with a private hosted zone](https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html)). Records belong in the zone that
# owns their namespace.

# %% [markdown]
# ### The same answers over real DNS
# `dns.serve(lab, vpc_id)` runs a small DNS server on 127.0.0.1 that answers with that VPC's view, so any DNS client
# works against it — while it runs, `dig @127.0.0.1 -p <port> db.acc.example.com` in a terminal prints the same
# NXDOMAIN. Here we ask it over UDP from Python:

# %%
with dns.serve(lab, client["vpc_id"]) as server:
    print(server)
    for name in ("api.my-app.internal", "db.acc.example.com"):
        print(f"  {name:<22} ->", server.query(name))

# %% [markdown]
# ## 6. Break it and fix it: names that stopped resolving
#
# A private zone answers a VPC only when the zone is associated with it and the VPC has **both** `enableDnsSupport`
# and `enableDnsHostnames` on ([Considerations when working with a private hosted zone](https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html)). The next cell builds another team's VPC and zone and breaks one of those
# things with ordinary API calls you do not see. Diagnose it from their report with `lab.resolve` (read its steps)
# and describe calls, fix it, then run `incident.check()`; `incident.hint()` gives the next of three hints, and
# `incident.explain()` the fault, the rule and the AWS documentation after a ✅.

# %%
incident = lab.incident("vpc-dns-attribute-off", solutions=SOLUTIONS)
incident

# %%
# Your diagnosis and fix go here, e.g. lab.resolve(incident.resources["name"], incident.resources["vpc"])

if SOLUTIONS:
    incident.solve()

# %%
incident.check()
incident.explain()
incident.close()  # their world goes: a new account holds five VPCs per Region

# %% [markdown]
# ## 7. Forwarding rules beat zones
#
# A hybrid network keeps some names on-premises (`corp.example.com`, served by the data centre's DNS). The VPC sends
# those queries out through a Resolver **outbound endpoint** (ENIs in your subnets) using a **forwarding rule**
# associated with the VPC ([Amazon DNS server](https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#AmazonDNS)). When a rule and a private zone match the same name, **the rule wins** ([Considerations when working with a private hosted zone](https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html)).

# %%
rr = lab.client("route53resolver")
outbound = rr.create_resolver_endpoint(CreatorRequestId=lab.run_id + "-out", Name="to-datacentre",
                                       SecurityGroupIds=[client["sg"]], Direction="OUTBOUND",
                                       IpAddresses=[{"SubnetId": s} for s in client["subnets"]])["ResolverEndpoint"]
wait_until_available(lambda: "available" if rr.get_resolver_endpoint(ResolverEndpointId=outbound["Id"])[
    "ResolverEndpoint"]["Status"] == "OPERATIONAL" else "creating", outbound["Id"])  # minutes in AWS
rule = rr.create_resolver_rule(CreatorRequestId=lab.run_id + "-corp", Name="corp", RuleType="FORWARD",
                               DomainName="corp.example.com", ResolverEndpointId=outbound["Id"],
                               TargetIps=[{"Ip": "192.168.10.53", "Port": 53}])["ResolverRule"]
a_record(platform, "intranet.corp.example.com", "10.0.1.77")  # a stale record in the platform zone
print("before the rule is associated:", lab.resolve("intranet.corp.example.com", client["vpc_id"]).answers)
rr.associate_resolver_rule(ResolverRuleId=rule["Id"], VPCId=client["vpc_id"])
lab.resolve("intranet.corp.example.com", client["vpc_id"])

# %% [markdown]
# Once associated, the rule takes `corp.example.com` and everything under it: the query leaves for 192.168.10.53
# (outside the sandbox, so no answer is simulated), and the stale record in the platform zone is never consulted.
# The opposite direction — on-premises servers resolving your private zones — needs an **inbound** endpoint; they
# cannot use VPC+2 ([Amazon DNS server](https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#AmazonDNS)).

# %% [markdown]
# ## 8. EKS and the VPC: who does what
#
# The course notes ask how Kubernetes ideas map onto VPC ones. One EKS cluster lives in one VPC. With the default
# VPC CNI plugin, **every pod gets a real private IP from a VPC subnet**, so pods are routable like instances.
#
# | concern | inside Kubernetes | in the VPC / AWS |
# |---|---|---|
# | IP addresses | the CNI assigns pod IPs | from your subnets (VPC CNI): plan subnet sizes for pods, not just nodes |
# | isolation | a **namespace** groups objects and names; `NetworkPolicy` filters pod traffic | a **VPC** is a network; security groups and NACLs filter |
# | load balancing | a **Service** is a stable virtual IP inside the cluster (kube-proxy) | an ALB/NLB exists only if a controller creates one (an `Ingress` → ALB, a `Service type: LoadBalancer` → NLB, via the AWS Load Balancer Controller) |
# | DNS | **CoreDNS** answers `*.svc.cluster.local` and forwards everything else to the VPC Resolver | Route 53 **private hosted zones** answer names like `api.my-app.internal` |
# | across clusters | a second cluster means a second VPC (or more subnets) | needs **both** network (peering / TGW / Lattice) **and** DNS (a PHZ associated with both VPCs) |
#
# A namespace is not a VPC, and a Service is not an ALB. And the lesson of section 1 holds for pods too:
# `my-svc.default.svc.cluster.local` means nothing outside its cluster; to call it from another VPC, publish a name
# in a private zone both VPCs can read, and route the packets.
#
# ## 9. Zones and VPCs in different accounts
#
# Often the zone lives in a shared-services account and the VPC in an application account. Association then takes
# two accounts and two calls, and only the API or CLI can do it — not the console ([Associating an Amazon VPC and a private hosted zone that you created with different AWS accounts](https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-associate-vpcs-different-accounts.html)):
#
# ```python
# # 1. In the zone owner's account: allow that VPC to associate.
# r53_owner.create_vpc_association_authorization(HostedZoneId=zone_id, VPC={"VPCRegion": region, "VPCId": vpc_id})
# # 2. In the VPC owner's account: associate.
# r53_vpc_owner.associate_vpc_with_hosted_zone(HostedZoneId=zone_id, VPC={"VPCRegion": region, "VPCId": vpc_id})
# # 3. Back in the zone owner's account (recommended): remove the now-used authorization.
# r53_owner.delete_vpc_association_authorization(HostedZoneId=zone_id, VPC={"VPCRegion": region, "VPCId": vpc_id})
# ```
#
# Without step 1, step 2 fails with `NotAuthorizedException`. The authorization only *permits* the association;
# deleting it afterwards does not undo the association. (moto does not implement the authorization calls, so this
# cell is not run in the sandbox.)

# %% [markdown]
# ## 10. What it costs in live mode
#
# Private hosted zones bill per zone per month and per million queries; the transit gateway bills per attachment
# hour and per GB; the ALB per hour and per LCU; the outbound Resolver endpoint per ENI hour. The estimate below uses
# the course's sourced price tables; anything they do not cover shows as *unknown*.

# %%
lab.estimate()

# %% [markdown]
# ## Cleanup

# %%
report = lab.teardown()

# %% [markdown]
# ## Key points
# - Reachability and DNS are separate: a working route does not publish a name, and a name does not open a route.
# - A private hosted zone answers only VPCs associated with it, and only when the VPC has **both** `enableDnsSupport`
#   and `enableDnsHostnames` on.
# - Three steps: create the zone (with a first VPC), add records, associate every VPC that needs the names.
# - The most specific matching zone answers; a miss there is NXDOMAIN, with no fallback.
# - A Resolver forwarding rule for a name beats a private zone for that name.
# - Pods get VPC IPs, but CoreDNS names stay inside the cluster; cross-VPC needs network **and** DNS.
# - Cross-account: the zone owner authorizes, the VPC owner associates (API/CLI only).
