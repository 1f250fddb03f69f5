# ---
# jupyter:
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   vpclab:
#     title: "VPC endpoints and PrivateLink"
#     minutes: 90
#     objectives: ["Add S3 and DynamoDB gateway endpoints and show with a trace that S3 traffic leaves the NAT path", "Build the interface endpoints an ECS Fargate service needs (ecr.api, ecr.dkr, logs) with private DNS and a 443 security group", "Diagnose the three classic endpoint faults: DNS attributes, security group, missing prefix-list route", "Explain GWLB endpoints and publish a service through PrivateLink (provider, consumer, acceptance)", "Recompute the notes' endpoint cost table from the model and find the true break-even traffic"]
# ---

# %% [markdown]
# # Lab 03 — VPC endpoints and PrivateLink
#
# **Time:** about 60 minutes. **Prerequisites:** Lab 02 (NAT gateways and their cost).
#
# By the end of this lab you can:
# 1. add S3 and DynamoDB **gateway endpoints** and show with a trace that S3 traffic no longer goes through the NAT;
# 2. build the **interface endpoints** an ECS Fargate service needs (`ecr.api`, `ecr.dkr`, `logs`) with private DNS
#    and a security group for 443;
# 3. diagnose the three classic faults: VPC DNS attributes, the endpoint security group, a missing prefix-list route;
# 4. explain **Gateway Load Balancer endpoints** and publish your own service through **PrivateLink**;
# 5. recompute the notes' cost table from the model and find the true break-even traffic.
#
# The scenario is the notes' ECS Fargate shop in one region: two AZs, tasks in private subnets, one NAT gateway.
# Every image pull, every S3 download and every log line goes out through that NAT gateway today — and the NAT
# gateway charges for every GB it processes.

# %% tags=["parameters"]
MODE = None        # None -> $VPCLAB_MODE or "sandbox"; "live" uses your AWS account
REGION = None      # None -> us-east-1 in the sandbox; required in live mode
SOLUTIONS = False  # True fills in every exercise with the reference solution (the tests do)

# %%
import json
import re

from lab_helpers.teach import check, compute, draw, predict

from lab_helpers.sim import costs

from lab_helpers import start_lab
from lab_helpers.lessons import cost_scenarios as scenarios

lab = start_lab("03_vpc_endpoints", mode=MODE, region=REGION, server=True)  # server: for the `!aws` cells
ec2 = lab.client("ec2")
s3 = lab.client("s3")
AZ_A, AZ_B = lab.region + "a", lab.region + "b"

# %% [markdown]
# ## The shop's network
# One VPC, 10.0.0.0/16, created with the API's defaults. A public subnet holds the NAT gateway; two private subnets
# (one per AZ) hold the tasks, each with its own route table sending `0.0.0.0/0` to the NAT gateway. Two small
# instances stand in for Fargate tasks (a task's ENI sits in the subnet exactly like an instance's).

# %%
vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
public = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24", AvailabilityZone=AZ_A)["Subnet"]["SubnetId"]
private_a = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.2.0/24", AvailabilityZone=AZ_A)["Subnet"]["SubnetId"]
private_b = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.3.0/24", AvailabilityZone=AZ_B)["Subnet"]["SubnetId"]
igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
public_rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public)
eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
nat_id = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"]["NatGatewayId"]
lab.wait_for("nat_gateway", nat_id)  # minutes in a real account, with a progress bar; at once in the sandbox

private_rts = {}
for name, subnet in (("a", private_a), ("b", private_b)):
    rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat_id)
    ec2.associate_route_table(RouteTableId=rt, SubnetId=subnet)
    private_rts[name] = rt

ami = compute.latest_ami(lab)
task = {}
for name, subnet, ip in (("a", private_a, "10.0.2.10"), ("b", private_b, "10.0.3.10")):
    task[name] = ec2.run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1, SubnetId=subnet,
                                   PrivateIpAddress=ip)["Instances"][0]["InstanceId"]


def through(trace):
    """The gateways a trace went through, e.g. ['nat-…', 'igw-…'] or ['vpce-…']."""
    kinds = ("nat-gateway", "vpc-endpoint", "internet-gateway")
    return list(dict.fromkeys(h.component_id for h in trace.forward_hops if h.component_type in kinds))


GATEWAY_NAMES = {"nat": "NAT gateway", "igw": "internet gateway", "vpce": "endpoint"}


def gateway_names(trace):
    """The same, named by kind, e.g. ["NAT gateway", "internet gateway"]: what a prediction can say."""
    return [GATEWAY_NAMES[g.split("-")[0]] for g in through(trace)]


print("VPC", vpc_id, "| NAT", nat_id, "| tasks", task)

# %% [markdown]
# ## 1. Gateway endpoints: a route, not a device
#
# A **gateway endpoint** exists for exactly two services, S3 and DynamoDB ([Gateway endpoints](https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)). It costs nothing. It is not a
# network interface and has no IP address: it is a *route target*. Creating one adds a route
# `pl-… → vpce-…` to the route tables you choose, where `pl-…` is the AWS-managed **prefix list** holding the
# service's address ranges in this region. Longest-prefix match still decides: for an S3 address the prefix-list
# route is more specific than `0.0.0.0/0 → nat-…`, so S3 traffic takes the endpoint.
#
# **Predict:** today, which gateways does task A's traffic to S3 pass through? Name them in order, from *NAT
# gateway*, *internet gateway*, *endpoint*.

# %%
S3_GATEWAYS_BEFORE = None  # your prediction, e.g. ["endpoint"]

if SOLUTIONS:
    S3_GATEWAYS_BEFORE = ["NAT gateway", "internet gateway"]
guess = predict.answer("the gateways task A's S3 traffic passes, before the endpoint", S3_GATEWAYS_BEFORE)

# %%
before = lab.trace(task["a"], "s3", port=443)
predict.reveal(guess, gateway_names(before))
before

# %% [markdown]
# Through the NAT gateway and the internet gateway: S3's public address range, reached from a private subnet. In a
# real account every GB of that is NAT data processing.
#
# Here is the application code. Remember it — you will run exactly the same lines after the change.

# %%
bucket = f"shop-artifacts-{lab.run_id}".lower()
s3.create_bucket(Bucket=bucket)
s3.put_object(Bucket=bucket, Key="model/weights.bin", Body=b"\x00" * 1024)


def fetch_weights():
    """What the service does at start-up; it knows nothing about routes."""
    return len(s3.get_object(Bucket=bucket, Key="model/weights.bin")["Body"].read())


print(fetch_weights(), "bytes; path:", " → ".join(through(lab.trace(task["a"], "s3"))))

# %% [markdown]
# ### Exercise 1.1 — S3 gateway endpoint on both private route tables
# Write `add_s3_gateway_endpoint(ec2, vpc_id, route_table_ids, region)` that creates the S3 gateway endpoint
# (`com.amazonaws.<region>.s3`) on the given route tables and returns its `vpce-` id.

# %%
def add_s3_gateway_endpoint(ec2, vpc_id, route_table_ids, region):
    """Return the id of an S3 gateway endpoint associated with route_table_ids."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    add_s3_gateway_endpoint = lab.solution("add_s3_gateway_endpoint")

# %%
s3_endpoint = check.run("Exercise 1.1 — S3 gateway endpoint", add_s3_gateway_endpoint, ec2, vpc_id,
                        list(private_rts.values()), lab.region)
# The prefix-list id is random in the sandbox and differs per region in AWS: look it up by name, never hard-code it.
s3_prefix_list = next(p["PrefixListId"] for p in ec2.describe_managed_prefix_lists()["PrefixLists"]
                      if p["PrefixListName"] == f"com.amazonaws.{lab.region}.s3")


def endpoint_route(route_table, prefix_list):
    routes = ec2.describe_route_tables(RouteTableIds=[route_table])["RouteTables"][0]["Routes"]
    return next((r.get("GatewayId") for r in routes if r.get("DestinationPrefixListId") == prefix_list), None)


for name, rt in private_rts.items():
    check.that(f"Private route table {name} has {s3_prefix_list} → vpce-…",
               lambda rt=rt: endpoint_route(rt, s3_prefix_list) == s3_endpoint,
               hint="create_vpc_endpoint(VpcId=..., ServiceName='com.amazonaws.<region>.s3', RouteTableIds=[...])")

# %% [markdown]
# The next cell makes sure the endpoint exists even if the exercise is not solved yet, so the rest of the lab runs.

# %%
if endpoint_route(private_rts["a"], s3_prefix_list) is None:
    s3_endpoint = lab.solution("add_s3_gateway_endpoint")(ec2, vpc_id, list(private_rts.values()), lab.region)

# %% [markdown]
# **Predict:** run the same `fetch_weights()` again. Which gateways does the traffic pass now? (Same names.)

# %%
S3_GATEWAYS_AFTER = None  # your prediction, e.g. ["NAT gateway", "internet gateway"]

if SOLUTIONS:
    S3_GATEWAYS_AFTER = ["endpoint"]
guess = predict.answer("the gateways task A's S3 traffic passes, with the gateway endpoint", S3_GATEWAYS_AFTER)

# %%
after = lab.trace(task["a"], "s3", port=443)
print(fetch_weights(), "bytes; path:", " → ".join(through(after)))
predict.reveal(guess, gateway_names(after))
check.that("S3 traffic now uses the gateway endpoint, not the NAT gateway",
           lambda: s3_endpoint in through(after) and nat_id not in through(after));
after

# %% [markdown]
# Same code, same bucket, same DNS name (`s3.<region>.amazonaws.com` still resolves to S3's public addresses); only
# the route table changed, so the packets took another way.
#
# > **Myth (from the notes): "traffic to a gateway endpoint crosses the public internet."**
# > It does not. The trace above ends at the `vpce-` hop; no internet gateway is involved. Traffic to S3 through a
# > gateway endpoint stays on the AWS network. What distinguishes a gateway endpoint from an interface endpoint is
# > *how you reach it* — a route table entry to a prefix list ([Gateway endpoints](https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)) versus a network interface with a private IP
# > and DNS name in your subnet ([Access an AWS service using an interface VPC endpoint](https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)) — not whether the internet is involved. Neither uses the internet.
#
# > **Myth (from the notes): "with the gateway endpoint, `getent hosts s3.us-east-1.amazonaws.com` returns a
# > private address."** It does not. A *gateway* endpoint changes no DNS: S3's name keeps resolving to S3's public
# > addresses, and the route table's `pl-… → vpce-…` entry is what sends those addresses to the endpoint
# > ([Gateway endpoints](https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)). Only an
# > *interface* endpoint puts private addresses behind a name. Ask this VPC's Resolver:

# %%
s3_name = lab.resolve(f"s3.{lab.region}.amazonaws.com", vpc_id)
print(s3_name)
check.that("No private zone answers for S3's name: a gateway endpoint leaves DNS alone",
           lambda: not any(a.startswith("10.") for a in s3_name.answers));

# %% [markdown]
# The Resolver hands the name to public DNS (which the sandbox does not imitate), so whatever comes back is one of
# S3's public addresses — on an instance `getent` shows a public IP, and the trace above still ends at the `vpce-` hop.
#
# **Endpoint policies.** An endpoint also carries an IAM resource policy that decides *which requests* it lets
# through; the route decides only *which packets* go there. The default policy allows every action on every resource
# by every principal ([Control access to VPC endpoints using endpoint policies](https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html)).
# Narrowing it to the shop's bucket means a task that is tricked into writing to someone else's bucket through this
# endpoint is refused by S3. The traces in this course show paths, not IAM decisions, so read the policy back:

# %%
print("default:", ec2.describe_vpc_endpoints(VpcEndpointIds=[s3_endpoint])["VpcEndpoints"][0]["PolicyDocument"])
only_the_shop = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
    "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]}
ec2.modify_vpc_endpoint(VpcEndpointId=s3_endpoint, PolicyDocument=json.dumps(only_the_shop))
narrowed = json.loads(ec2.describe_vpc_endpoints(VpcEndpointIds=[s3_endpoint])["VpcEndpoints"][0]["PolicyDocument"])
print("now:", narrowed["Statement"][0]["Resource"])
check.equal("The S3 endpoint's policy names only the shop's bucket", lambda: narrowed["Statement"][0]["Resource"],
            [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]);

# %% [markdown]
# (ECR keeps image layers in S3 buckets of its own; a real shop's S3 endpoint policy must also allow those, as the
# ECR guide's endpoint section says. This lab's tasks fetch only the shop's artefacts.)
#
# DynamoDB works the same way. The lab adds its gateway endpoint for you:

# %%
ddb_endpoint = ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName=f"com.amazonaws.{lab.region}.dynamodb",
                                       RouteTableIds=list(private_rts.values()))["VpcEndpoint"]["VpcEndpointId"]
print("DynamoDB path:", " → ".join(through(lab.trace(task["b"], "dynamodb", port=443))))

# %% [markdown]
# ### Break it and fix it: "S3 still goes through the NAT"
# The notes' troubleshooting list says: *if S3 traffic still goes through the NAT, the prefix-list route is
# missing.* Nothing fails when that happens — it just costs money again, which is why it is found late. The next
# cell builds another team's VPC with a gateway endpoint and hides one fault in it with ordinary API calls; you get
# their complaint and the ids. Diagnose it with `lab.trace` (which gateway does the path use?) and describe calls,
# make one targeted fix, then run `incident.check()`. `incident.hint()` gives the next of three hints; after a ✅,
# `incident.explain()` names the fault, the AWS rule and its documentation. (You cannot add a `pl-… → vpce-…` route
# by hand; AWS manages it through the endpoint.)

# %%
incident = lab.incident("gateway-endpoint-route", solutions=SOLUTIONS)
incident

# %%
# Your diagnosis and fix go here, e.g. lab.trace(incident.resources["app"], "s3", port=443)

if SOLUTIONS:
    incident.solve()

# %%
incident.check()
incident.explain()
incident.close()  # their world goes: a new account holds five VPCs per Region

# %% [markdown]
# Gateway endpoints have limits worth knowing: they serve **only their own VPC** (a peered VPC or a VPN cannot use
# them, [Gateway endpoints for Amazon S3](https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html) — lab 04 shows this) and **only their own Region**. A gateway endpoint for another Region's S3
# does not exist:

# %%
check.raises("A gateway endpoint for another region's S3 is refused",
             lambda: ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName="com.amazonaws.eu-west-1.s3"
                                             if lab.region != "eu-west-1" else "com.amazonaws.us-east-1.s3"),
             code="InvalidServiceName");

# %% [markdown]
# That limit belongs to *gateway* endpoints. **Interface** endpoints can reach some AWS services in another Region
# (cross-Region PrivateLink): you name the Region in `ServiceRegion`, and the service must be one AWS lists as
# cross-Region enabled — S3, ECR, KMS, ECS, Lambda and a few more ([Cross-region enabled AWS services](https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html));
# an endpoint service's provider can likewise allow other Regions. Other services stay same-Region. Traffic to the
# other Region is also billed as inter-Region data transfer.

# %%
far = "us-west-2" if lab.region != "us-west-2" else "us-east-1"
cross = ec2.create_vpc_endpoint(VpcId=vpc_id, VpcEndpointType="Interface", ServiceName=f"com.amazonaws.{far}.ecr.api",
                                ServiceRegion=far, SubnetIds=[private_a], PrivateDnsEnabled=False)["VpcEndpoint"]
print(cross["VpcEndpointId"], cross["ServiceName"], "ServiceRegion:", cross.get("ServiceRegion"))
check.raises(f"CloudWatch Logs in {far} is not cross-Region enabled",
             lambda: ec2.create_vpc_endpoint(VpcId=vpc_id, VpcEndpointType="Interface", ServiceRegion=far,
                                             ServiceName=f"com.amazonaws.{far}.logs", SubnetIds=[private_a],
                                             PrivateDnsEnabled=False),
             code="InvalidServiceName");
ec2.delete_vpc_endpoints(VpcEndpointIds=[cross["VpcEndpointId"]]);  # the shop stays in one Region

# %% [markdown]
# ## 2. Interface endpoints for ECS on Fargate
#
# Pulling an image from ECR needs **three** things besides S3 (where ECR keeps the layers): the ECR API
# (`ecr.api`), the Docker registry endpoint (`ecr.dkr`), and — for the `awslogs` driver — CloudWatch Logs (`logs`).
# None of those is S3 or DynamoDB, so they need **interface endpoints**: one network interface per chosen subnet
# (one subnet per AZ), each with a private IP, behind a security group, plus *private DNS* so that the normal name
# (`api.ecr.<region>.amazonaws.com`) resolves to those private IPs inside the VPC ([Access an AWS service using an interface VPC endpoint](https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html); [DNS attributes for your VPC](https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html)).
#
# The endpoints need a security group that lets the tasks in on 443:

# %%
endpoint_sg = ec2.create_security_group(GroupName="vpc-endpoints", Description="HTTPS from the VPC to endpoints",
                                        VpcId=vpc_id)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=endpoint_sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}]);

# %% [markdown]
# **Predict:** the VPC was created with the API's defaults. Will this create succeed? Write *yes* or *no*.

# %%
PRIVATE_DNS_CREATE_SUCCEEDS = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    PRIVATE_DNS_CREATE_SUCCEEDS = "no"
guess = predict.answer("a private-DNS interface endpoint in a VPC with the API's defaults",
                       PRIVATE_DNS_CREATE_SUCCEEDS)

# %%
refusal = check.raises("Private DNS is refused in a VPC without DNS hostnames",
             lambda: ec2.create_vpc_endpoint(VpcId=vpc_id, VpcEndpointType="Interface",
                                             ServiceName=f"com.amazonaws.{lab.region}.logs",
                                             SubnetIds=[private_a, private_b], SecurityGroupIds=[endpoint_sg],
                                             PrivateDnsEnabled=True),
             code="InvalidParameter");
predict.reveal(guess, "no" if refusal.passed else "yes")
for attribute in ("enableDnsSupport", "enableDnsHostnames"):
    value = ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute=attribute)
    print(attribute, "=", value[attribute[0].upper() + attribute[1:]]["Value"])

# %% [markdown]
# A new VPC has DNS *resolution* on but DNS *hostnames* off. Private DNS for an endpoint needs **both** ([DNS attributes for your VPC](https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html)),
# and AWS refuses the endpoint with the message above. (The default VPC has both on, which is why this often
# surprises people only in their own VPCs.)
#
# ### Exercise 2.1 — the three interface endpoints
# Write `add_ecs_endpoints(ec2, vpc_id, subnet_ids, security_group_id, region)`: turn on what private DNS needs,
# then create interface endpoints for `ecr.api`, `ecr.dkr` and `logs` in both subnets, with the security group and
# private DNS enabled. Return `{"ecr.api": "vpce-…", "ecr.dkr": "vpce-…", "logs": "vpce-…"}`.

# %%
def add_ecs_endpoints(ec2, vpc_id, subnet_ids, security_group_id, region):
    """Return {short service name: endpoint id} for ecr.api, ecr.dkr and logs."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    add_ecs_endpoints = lab.solution("add_ecs_endpoints")

# %%
interface = check.run("Exercise 2.1 — ECS interface endpoints", add_ecs_endpoints, ec2, vpc_id,
                      [private_a, private_b], endpoint_sg, lab.region) or {}


def endpoint(eid):
    return ec2.describe_vpc_endpoints(VpcEndpointIds=[eid])["VpcEndpoints"][0]


check.equal("Endpoints for ecr.api, ecr.dkr and logs", lambda: sorted(interface), ["ecr.api", "ecr.dkr", "logs"])
check.that("Each has an interface in both private subnets",
           lambda: all(sorted(endpoint(e)["SubnetIds"]) == sorted([private_a, private_b]) for e in interface.values()))
check.that("Each uses the 443 security group and private DNS",
           lambda: all([g["GroupId"] for g in endpoint(e)["Groups"]] == [endpoint_sg] and endpoint(e)["PrivateDnsEnabled"]
                       for e in interface.values()),
           hint="SecurityGroupIds=[sg], PrivateDnsEnabled=True");

# %%
if len(interface) != 3:  # not solved yet: build them the reference way so the rest of the lab runs
    interface = lab.solution("add_ecs_endpoints")(ec2, vpc_id, [private_a, private_b], endpoint_sg, lab.region)
for short, eid in interface.items():
    names = [d["DnsName"] for d in endpoint(eid).get("DnsEntries", [])][:2]
    print(f"{short:8} {eid}  DNS entries: {names}")

# %% [markdown]
# With private DNS, `api.ecr.<region>.amazonaws.com` answers with the endpoint's private addresses inside this VPC
# (on an instance, `getent hosts api.ecr.us-east-1.amazonaws.com` shows a 10.0.x.x address). Lab 05 is about DNS;
# here we check the network path.
#
# **Predict:** can task A open 443 to the `ecr.api` endpoint? Through which gateway? Write *yes* or *no*, and the
# gateways in order as above (`[]` for none).

# %%
ECR_API_REACH_AND_GATEWAYS = None  # your prediction, e.g. ("yes", ["NAT gateway"])

if SOLUTIONS:
    ECR_API_REACH_AND_GATEWAYS = ("yes", [])
guess = predict.answer("task A reaches the ecr.api endpoint on 443, and through which gateways",
                       ECR_API_REACH_AND_GATEWAYS)

# %%
to_ecr = lab.trace(task["a"], interface["ecr.api"], port=443)
# the endpoint is the destination here, not a gateway on the way
predict.reveal(guess, ("yes" if to_ecr.reachable else "no",
                       [g for g, hop in zip(gateway_names(to_ecr), through(to_ecr)) if hop != interface["ecr.api"]]))
check.that("Task A reaches the ecr.api endpoint on 443 without the NAT gateway",
           lambda: to_ecr.reachable and nat_id not in through(to_ecr));
to_ecr

# %% [markdown]
# ### S3 through an interface endpoint
#
# S3 has an interface endpoint too (`com.amazonaws.<region>.s3`, type `Interface`): network interfaces with private
# addresses, like the three above. It costs per AZ-hour and per GB where the gateway endpoint is free, so inside the
# VPC the gateway endpoint is the cheaper way; the interface endpoint is for clients a gateway endpoint cannot serve —
# on-premises networks over VPN or Direct Connect, peered VPCs, other Regions ([AWS PrivateLink for Amazon S3](https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html)).
# With both in one VPC, S3's private DNS on the interface endpoint can be limited to queries arriving through a
# Resolver inbound endpoint, so the VPC's own traffic keeps using the gateway endpoint (same page, "private DNS").

# %%
s3_interface = ec2.create_vpc_endpoint(VpcId=vpc_id, VpcEndpointType="Interface",
                                       ServiceName=f"com.amazonaws.{lab.region}.s3", SubnetIds=[private_a, private_b],
                                       SecurityGroupIds=[endpoint_sg], PrivateDnsEnabled=False)["VpcEndpoint"]
to_s3_eni = lab.trace(task["a"], s3_interface["VpcEndpointId"], port=443)
print("S3 interface endpoint", s3_interface["VpcEndpointId"], "ENIs:", s3_interface["NetworkInterfaceIds"])
check.that("Task A reaches S3's interface endpoint on 443 inside the VPC",
           lambda: to_s3_eni.reachable and nat_id not in through(to_s3_eni));
ec2.delete_vpc_endpoints(VpcEndpointIds=[s3_interface["VpcEndpointId"]]);  # the shop keeps the free gateway endpoint

# %% [markdown]
# ### Break it and fix it: the endpoint security group
# AWS's services talk HTTPS, so an interface endpoint's security group must allow **443 inbound** from its
# clients ([Access an AWS service using an interface VPC endpoint](https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)).
# Someone else's endpoint now times out; diagnose it from their report alone.

# %%
incident = lab.incident("interface-endpoint-sg", solutions=SOLUTIONS)
incident

# %%
# Your diagnosis and fix go here, e.g. lab.trace(incident.resources["app"], incident.resources["endpoint"], port=443)

if SOLUTIONS:
    incident.solve()

# %%
incident.check()
incident.explain()
incident.close()  # their world goes: a new account holds five VPCs per Region

# %% [markdown]
# ## 3. Gateway Load Balancer endpoints
#
# A **GWLB endpoint** is a third kind: it sends traffic to a Gateway Load Balancer, which spreads it over a fleet
# of inspection appliances (firewalls, IDS) in another VPC and returns it. Like a gateway endpoint it is a **route
# target** (`0.0.0.0/0 → vpce-…` in the subnet you want inspected, or an ingress route on the IGW); like an
# interface endpoint it has a network interface — exactly **one subnet** ([Share your services through AWS PrivateLink](https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html)).
#
# ```
#  app subnet ──0.0.0.0/0──▶ GWLB endpoint (vpce-…) ══PrivateLink══▶ GWLB ──▶ appliances ──▶ back ──▶ NAT/IGW
# ```
#
# The provider side publishes the GWLB as an endpoint service; the consumer creates the endpoint and points routes
# at it:

# %%
elbv2 = lab.client("elbv2")
appliance_vpc = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
appliance_subnet = ec2.create_subnet(VpcId=appliance_vpc, CidrBlock="10.60.1.0/24",
                                     AvailabilityZone=AZ_A)["Subnet"]["SubnetId"]
gwlb = elbv2.create_load_balancer(Name="inspection", Type="gateway", Subnets=[appliance_subnet])
gwlb_arn = gwlb["LoadBalancers"][0]["LoadBalancerArn"]
inspection = ec2.create_vpc_endpoint_service_configuration(GatewayLoadBalancerArns=[gwlb_arn],
                                                           AcceptanceRequired=False)["ServiceConfiguration"]
gwlb_endpoint = ec2.create_vpc_endpoint(VpcId=vpc_id, VpcEndpointType="GatewayLoadBalancer",
                                        ServiceName=inspection["ServiceName"],
                                        SubnetIds=[public])["VpcEndpoint"]["VpcEndpointId"]
inspected_rt = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=inspected_rt, DestinationCidrBlock="0.0.0.0/0", VpcEndpointId=gwlb_endpoint)
print("GWLB endpoint", gwlb_endpoint, "is the 0.0.0.0/0 target of", inspected_rt)

# %% [markdown]
# (This lab's network engine does not model the appliance fleet behind a GWLB, so there is no trace here; the point
# is where the endpoint sits in the routing.)
#
# ## 4. Your own service over PrivateLink
#
# An **endpoint service** publishes a service that sits behind a Network Load Balancer in *your* VPC (the
# **provider**). Other VPCs — other accounts, even VPCs with **overlapping CIDRs** — consume it through an interface
# endpoint (the **consumer**), without peering, routes, or any view into the provider's network. With
# `AcceptanceRequired`, each new consumer waits in `pendingAcceptance` until the provider accepts ([Share your services through AWS PrivateLink](https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html)).
#
# The provider below deliberately uses 10.0.0.0/16, the *same* CIDR as the shop's VPC: peering would be refused,
# PrivateLink does not care.

# %%
provider_vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
provider_subnet = ec2.create_subnet(VpcId=provider_vpc, CidrBlock="10.0.1.0/24",
                                    AvailabilityZone=AZ_A)["Subnet"]["SubnetId"]
nlb_arn = elbv2.create_load_balancer(Name="inference-api", Type="network", Scheme="internal",
                                     Subnets=[provider_subnet])["LoadBalancers"][0]["LoadBalancerArn"]
service = ec2.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[nlb_arn],
                                                        AcceptanceRequired=True)["ServiceConfiguration"]
consumer_endpoint = ec2.create_vpc_endpoint(VpcId=vpc_id, VpcEndpointType="Interface",
                                            ServiceName=service["ServiceName"], SubnetIds=[private_a, private_b],
                                            SecurityGroupIds=[endpoint_sg])["VpcEndpoint"]
print("service", service["ServiceName"], "| consumer endpoint", consumer_endpoint["VpcEndpointId"],
      "state:", consumer_endpoint["State"])

# %% [markdown]
# ### Exercise 4.1 — accept the consumer
# As the provider, find the pending connection with `describe_vpc_endpoint_connections` and accept it. Write
# `accept_pending(ec2, service_id)` that accepts every `pendingAcceptance` endpoint of the service and returns
# their ids.

# %%
def accept_pending(ec2, service_id):
    """Accept all pending consumer endpoints of service_id; return the accepted endpoint ids."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    accept_pending = lab.solution("accept_pending")

# %%
accepted = check.run("Exercise 4.1 — accept the consumer", accept_pending, ec2, service["ServiceId"])
check.equal("The consumer endpoint is available",
            lambda: endpoint(consumer_endpoint["VpcEndpointId"])["State"], "available",
            hint="accept_vpc_endpoint_connections(ServiceId=..., VpcEndpointIds=[...])");

# %% [markdown]
# The consumer pays for its endpoint (per AZ-hour and per GB); the provider pays for its NLB. No separate
# PrivateLink fee for the provider was found in the sources used here.
#
# ## 5. What endpoints cost — the notes' table, recomputed
#
# The notes priced this exact shop (us-east-1, 1 TB a month) before and after the endpoints, and printed a
# break-even table. The cost model (`lab_helpers.sim.costs`) rebuilds it from sourced prices. First, the notes' own
# assumptions — half the bytes are S3 (moved to the free gateway endpoint), half are ECR + Logs, half of all
# bytes cross from the AZ without the NAT gateway, three interface endpoints in two AZs:

# %%
note_before, note_after = scenarios.ecs_before(1000), scenarios.ecs_after(1000)
note_after

# %% [markdown]
# The model reproduces the headline numbers exactly: $82.85 before and $101.65 after. Now the notes' break-even
# rows against the same formula:

# %%
print(f"{'GB/month':>9} | {'note: before':>12} {'model':>8} | {'note: after':>11} {'model':>8}")
for gb, (printed_before, printed_after) in scenarios.NOTE_ECS_ROWS.items():
    b, a = scenarios.ecs_before(gb).total, scenarios.ecs_after(gb).total
    flag = "" if (round(b, 2), round(a, 2)) == (printed_before, printed_after) else "   ← does not follow"
    print(f"{gb:>9,} | {printed_before:>12.2f} {b:>8.2f} | {printed_after:>11.2f} {a:>8.2f}{flag}")

# %% [markdown]
# Only the 1 TB row follows the notes' own formula; at 500 GB, for instance, "before" is
# 32.85 + 22.50 + 2.50 = **$57.85**, not $55.35.
#
# There is a deeper problem. In the notes' "after", the ECR and Logs half of the bytes is *still charged to the NAT
# gateway* — which is exactly what you get when the interface endpoints exist but nothing uses them (private DNS
# off). Once they work, those bytes go through the interface endpoints instead, which charge **$0.01 per GB**
# processed — a charge the notes left out. And cross-AZ transfer is billed in *each* direction. The complete
# version:

# %%
import matplotlib.pyplot as plt  # noqa: E402  (here, not in the first cell: ~0.4 s at start)
complete_before = scenarios.ecs_before(1000, scenarios.COMPLETE_ECS)
complete_after = scenarios.ecs_after(1000, scenarios.COMPLETE_ECS)
draw.cost_stacked({"note: before": note_before, "note: after": note_after,
                    "complete: before": complete_before, "complete: after": complete_after},
                   title="1 TB per month, before and after endpoints")
plt.show()
complete_after

# %% [markdown]
# **Predict:** with the complete model, at what monthly traffic do the endpoints start paying for themselves? More
# or less than the notes' formula says? Write *more* or *less* (the number is yours to compare by eye).

# %%
COMPLETE_BREAK_EVEN_VS_NOTES = None  # your prediction: "more" or "less"

if SOLUTIONS:
    COMPLETE_BREAK_EVEN_VS_NOTES = "less"
guess = predict.answer("the complete model's break-even traffic, against the notes' formula",
                       COMPLETE_BREAK_EVEN_VS_NOTES)

# %%
note_be = costs.break_even(lambda gb: scenarios.ecs_before(gb), lambda gb: scenarios.ecs_after(gb))
true_be = costs.break_even(lambda gb: scenarios.ecs_before(gb, scenarios.COMPLETE_ECS),
                           lambda gb: scenarios.ecs_after(gb, scenarios.COMPLETE_ECS))
print("notes' formula:", note_be)
print("complete model:", true_be)
if note_be.gb is None or true_be.gb is None:
    predict.reveal(guess, "no break-even")
else:
    predict.reveal(guess, "less" if true_be.gb < note_be.gb else "more")
draw.cost_curves({"before (complete)": lambda gb: scenarios.ecs_before(gb, scenarios.COMPLETE_ECS),
                   "after (complete)": lambda gb: scenarios.ecs_after(gb, scenarios.COMPLETE_ECS),
                   "before (notes' formula)": lambda gb: scenarios.ecs_before(gb),
                   "after (notes' formula)": lambda gb: scenarios.ecs_after(gb)},
                  3000, mark=[("complete", true_be), ("notes", note_be)],
                  notes={"notes' printed before": {g: r[0] for g, r in scenarios.NOTE_ECS_ROWS.items() if g <= 3000},
                         "notes' printed after": {g: r[1] for g, r in scenarios.NOTE_ECS_ROWS.items() if g <= 3000}},
                  title="ECS shop: monthly cost vs traffic")
plt.show()

# %% [markdown]
# ### Pricing what you built, with paths from the traces
# The tables above describe the shop on paper. The model can also price **this lab's own VPC**: the resources come
# from describe calls (`costs.snapshot(lab)`), and each flow's path comes from `lab.trace` — the network engine
# knows whether task B's S3 bytes cross to the NAT's AZ or stay on the gateway endpoint, so nobody has to type it.
# The notes' traffic: 1 TB a month, half S3, half ECR + Logs, split evenly over the two AZs.

# %%
flows = []
for name in ("a", "b"):
    flows.append(costs.flow_from_trace(f"S3 from task {name}", 250, lab.trace(task[name], "s3", port=443)))
    flows.append(costs.flow_from_trace(f"ECR + Logs from task {name}", 250,
                                       lab.trace(task[name], interface["ecr.api"], port=443)))
for f in flows:
    print(f"{f.name:<24} {f.gb_per_month:>5.0f} GB via {' → '.join(map(str, f.path)) or '(no billed hop)'}")
built = costs.monthly(costs.snapshot(lab), flows, lab.region, title="This lab's VPC with the notes' traffic")
built

# %% [markdown]
# It includes what the lab added for the other sections (the GWLB endpoint, the PrivateLink consumer endpoint and
# the provider's NLB), so it costs more than the shop alone — and the GWLB's price is unknown, so the total says
# "unknown" rather than pretending it is zero.
#
# Adding the missing per-GB charge *and* routing the bytes where the endpoints actually send them moves the
# break-even **down**, not up: $0.045 of NAT processing (plus cross-AZ) per GB is replaced by $0.01 of endpoint
# processing, so the fixed $43.80 of endpoint-hours is recovered sooner. The lesson is not "endpoints always win":
# at low traffic the fixed hourly charge per endpoint per AZ dominates — count endpoints × AZs before adding them.
#
# What this lab has running would cost per hour in live mode:

# %%
lab.estimate()

# %% [markdown]
# ## 6. The notes' commands, in the AWS CLI
# The course notes build these endpoints with the AWS CLI, so here are their commands, run as `!aws` cells against
# this lab's world. In the sandbox, `start_lab(..., server=True)` started a local AWS endpoint on 127.0.0.1 and
# pointed `AWS_ENDPOINT_URL` at it; in live mode the same cells reach your account. The sandbox's AWS rules answer
# every client alike, so the CLI meets what it would meet in AWS. IPython puts Python values into a shell command:
# `{cli_vpc}` becomes the value of `cli_vpc` (and `{{` is a literal brace).
#
# First a fresh VPC with two private subnets, made as the notes make theirs:

# %%
# out = !aws ec2 create-vpc --cidr-block 10.70.0.0/16 --query Vpc.VpcId --output text
cli_vpc = out[-1]
# out = !aws ec2 create-subnet --vpc-id {cli_vpc} --cidr-block 10.70.1.0/24 --availability-zone {AZ_A} --query Subnet.SubnetId --output text
cli_private_a = out[-1]
# out = !aws ec2 create-subnet --vpc-id {cli_vpc} --cidr-block 10.70.2.0/24 --availability-zone {AZ_B} --query Subnet.SubnetId --output text
cli_private_b = out[-1]
# out = !aws ec2 create-route-table --vpc-id {cli_vpc} --query RouteTable.RouteTableId --output text
cli_rt = out[-1]
# !aws ec2 associate-route-table --route-table-id {cli_rt} --subnet-id {cli_private_a} --output text
cli_task = compute.launch(lab, cli_private_a, "cli-task")
print("VPC", cli_vpc, "subnets", cli_private_a, cli_private_b, "route table", cli_rt, "task", cli_task)

# %% [markdown]
# ### The S3 gateway endpoint, with `--route-table-ids`
# The notes' command, then their check (`describe-vpc-endpoints` filtered by service name):

# %%
# !aws ec2 create-vpc-endpoint --vpc-id {cli_vpc} --service-name com.amazonaws.{lab.region}.s3 --route-table-ids {cli_rt} --tag-specifications 'ResourceType=vpc-endpoint,Tags=[{{Key=Name,Value=shop-s3-endpoint}}]' --query VpcEndpoint.VpcEndpointId
# !aws ec2 describe-vpc-endpoints --filters "Name=service-name,Values=com.amazonaws.{lab.region}.s3" "Name=vpc-id,Values={cli_vpc}" --query "VpcEndpoints[].[VpcEndpointId,VpcEndpointType,State]" --output table

# %% [markdown]
# **Predict:** the CLI made the endpoint, not `lab.client`. Does the task's S3 traffic take it? The trace reads the
# route table AWS now holds. Write *yes* or *no*:

# %%
CLI_ENDPOINT_TAKEN = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    CLI_ENDPOINT_TAKEN = "yes"
guess = predict.answer("S3 traffic takes the CLI-made gateway endpoint", CLI_ENDPOINT_TAKEN)

# %%
lab.refresh()  # the CLI changed the world past the lab's client: in your account the lab cannot know it did
cli_s3 = lab.trace(cli_task, "s3", port=443)
predict.reveal(guess, "yes" if "endpoint" in gateway_names(cli_s3) else "no")
check.that("S3 from the CLI-built subnet goes through the CLI-built gateway endpoint",
           lambda: any(hop.startswith("vpce-") for hop in through(cli_s3)));
cli_s3

# %% [markdown]
# ### Interface endpoints with `--private-dns-enabled`, as written
# The notes create the `ecr.api`, `ecr.dkr` and `logs` endpoints with private DNS, in a VPC where nobody turned on
# DNS hostnames. A new VPC has `enableDnsHostnames` off, and private DNS needs both DNS attributes
# ([Access an AWS service using an interface VPC endpoint](https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html#prerequisites-interface-endpoints)).
# **Predict** what AWS answers, then run the notes' commands as written (security group and 443 rule first): write
# *created*, or the error code you expect.

# %%
NOTES_ENDPOINT_ANSWER = None  # your prediction: "created" or an error code

if SOLUTIONS:
    NOTES_ENDPOINT_ANSWER = "InvalidParameter"
guess = predict.answer("AWS's answer to the notes' private-DNS endpoint", NOTES_ENDPOINT_ANSWER)

# %%
# out = !aws ec2 create-security-group --group-name shop-interface-endpoints --description "Security group for VPC interface endpoints" --vpc-id {cli_vpc} --query GroupId --output text
cli_sg = out[-1]
# !aws ec2 authorize-security-group-ingress --group-id {cli_sg} --protocol tcp --port 443 --cidr 10.70.0.0/16 --query Return
# refused = !aws ec2 create-vpc-endpoint --vpc-id {cli_vpc} --service-name com.amazonaws.{lab.region}.ecr.api --vpc-endpoint-type Interface --subnet-ids {cli_private_a} {cli_private_b} --security-group-ids {cli_sg} --private-dns-enabled 2>&1
print(refused.n)
check.that("AWS refuses private DNS while the VPC's DNS hostnames are off",
           lambda: "InvalidParameter" in refused.n);
error_code = re.search(r"An error occurred \((\w+)\)", refused.n)  # the CLI's own wording of a refusal
predict.reveal(guess, error_code.group(1) if error_code else "created")

# %% [markdown]
# The fix is the VPC attribute, not the endpoint: turn on DNS hostnames, then the same three commands succeed.

# %%
# !aws ec2 modify-vpc-attribute --vpc-id {cli_vpc} --enable-dns-hostnames '{{"Value": true}}'
# !aws ec2 create-vpc-endpoint --vpc-id {cli_vpc} --service-name com.amazonaws.{lab.region}.ecr.api --vpc-endpoint-type Interface --subnet-ids {cli_private_a} {cli_private_b} --security-group-ids {cli_sg} --private-dns-enabled --query VpcEndpoint.VpcEndpointId --output text
# !aws ec2 create-vpc-endpoint --vpc-id {cli_vpc} --service-name com.amazonaws.{lab.region}.ecr.dkr --vpc-endpoint-type Interface --subnet-ids {cli_private_a} {cli_private_b} --security-group-ids {cli_sg} --private-dns-enabled --query VpcEndpoint.VpcEndpointId --output text
# !aws ec2 create-vpc-endpoint --vpc-id {cli_vpc} --service-name com.amazonaws.{lab.region}.logs --vpc-endpoint-type Interface --subnet-ids {cli_private_a} {cli_private_b} --security-group-ids {cli_sg} --private-dns-enabled --query VpcEndpoint.VpcEndpointId --output text
# !aws ec2 describe-vpc-endpoints --filters "Name=vpc-id,Values={cli_vpc}" --query "VpcEndpoints[].[ServiceName,VpcEndpointType,PrivateDnsEnabled]" --output table

# %% [markdown]
# **Predict:** can the task open 443 to the CLI-made `ecr.api` endpoint? Its security group was given the notes'
# rule, 443 from the VPC's CIDR. Write *yes* or *no*.

# %%
TASK_REACHES_CLI_ECR = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    TASK_REACHES_CLI_ECR = "yes"
guess = predict.answer("the task opens 443 to the CLI-made ecr.api endpoint", TASK_REACHES_CLI_ECR)

# %%
cli_ecr = ec2.describe_vpc_endpoints(Filters=[
    {"Name": "vpc-id", "Values": [cli_vpc]},
    {"Name": "service-name", "Values": [f"com.amazonaws.{lab.region}.ecr.api"]}])["VpcEndpoints"][0]["VpcEndpointId"]
lab.refresh()  # again: the endpoints came from the CLI
to_cli_ecr = lab.trace(cli_task, cli_ecr, port=443)
check.that("The task reaches the CLI-made ecr.api endpoint on 443", lambda: to_cli_ecr.reachable);
predict.reveal(guess, "yes" if to_cli_ecr.reachable else "no")
to_cli_ecr

# %% [markdown]
# In the sandbox, whatever the CLI creates is tagged with this run and written to the lab's ledger, like
# `lab.client`'s creates. In your account the CLI knows nothing of the lab, so its resources carry no run tag:
# release the CLI's VPC explicitly. `lab.release` finds what the VPC holds through describe calls (endpoints,
# instances, subnets, route tables, security groups) and deletes it, dependents first.

# %%
print(lab.release(cli_vpc))

# %% [markdown]
# ## Clean up

# %%
lab.teardown();

# %% [markdown]
# ## Key points
# - **Gateway endpoints** (S3, DynamoDB only) are free route targets: `pl-… → vpce-…` in the route tables you pick;
#   longest-prefix match sends the service's traffic there. Same code, different path.
# - Gateway-endpoint traffic does **not** cross the internet; the difference from interface endpoints is routing
#   versus a network interface with an IP and DNS.
# - **Interface endpoints** put an ENI per AZ in your subnets; they need a security group allowing **443** from the
#   clients, and private DNS needs **both** `enableDnsSupport` and `enableDnsHostnames`.
# - "S3 still goes through the NAT" means a route table lacks the prefix-list route — nothing breaks, the bill grows.
# - Gateway endpoints serve only their own VPC and Region, and change no DNS (`getent` still shows S3's public
#   addresses). Interface endpoints can reach cross-Region enabled services in other Regions (`ServiceRegion`).
# - An endpoint policy decides which requests pass; the default allows everything. S3 also has an interface
#   endpoint, for clients outside the VPC's route tables (on-premises, peered VPCs).
# - **PrivateLink** publishes an NLB-fronted service to other VPCs, even with overlapping CIDRs; acceptance is the
#   provider's control. **GWLB endpoints** steer traffic through inspection appliances.
# - Price endpoints with their per-AZ hours **and** per-GB processing; the notes' table left out the latter.
