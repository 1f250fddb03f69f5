# ---
# jupyter:
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   vpclab:
#     title: "EKS and VPC Lattice through the Kubernetes Gateway API"
#     minutes: 100
#     objectives:
#       - "Explain why the Gateway API replaced Ingress and map GatewayClass, Gateway and HTTPRoute onto Lattice"
#       - "Build the seminar's two VPCs, a service network and an EKS cluster, and call a service across VPCs"
#       - "Diagnose a 503 from unhealthy targets and fix the cluster security group with the Lattice prefix list"
#       - "Publish a custom domain through a private hosted zone and turn on AWS_IAM auth for one principal"
#       - "Run a weighted canary, measure it, and explain why the controller's rule order is list order"
#       - "Call a Service exported from one EKS cluster through a route in another, across one service network"
#       - "Route TLS passthrough by SNI, read access log records, and restrict callers with association security groups"
#       - "Compare Lattice's monthly cost with one Network Load Balancer per service, from sourced prices"
# ---

# %% [markdown]
# # 08 · EKS and VPC Lattice through the Kubernetes Gateway API
#
# **Time:** about 100 minutes. **Before this:** labs 01 (VPC basics), 04 (peering and Transit Gateway) and
# 05 (private hosted zones) help, but this lab explains what it uses.
#
# By the end of this lab you will be able to:
# 1. explain why the Gateway API replaced Ingress, and say which Lattice resource each Gateway API object becomes;
# 2. build the seminar's setup — an EKS cluster in `eks-vpc` (10.1.0.0/16), a caller in `client-vpc`
#    (10.2.0.0/16), the service network `demo-sn` — and call a service from the other VPC;
# 3. diagnose a **503** caused by unhealthy targets and fix the cluster security group with the Lattice
#    **managed prefix list**;
# 4. publish `api.example.com` through a private hosted zone, and switch auth from `NONE` to `AWS_IAM`;
# 5. run a 90/10 **canary**, measure it, and explain why the AWS controller orders rules by list position;
# 6. call a Service **exported** from one cluster through a route in a second cluster (multi-cluster);
# 7. pass TLS through Lattice unopened, read Lattice's access logs, and say which client may send;
# 8. price Lattice against "one Network Load Balancer per service" from sourced prices.
#
# **How this runs without a cluster.** No sandbox can run Kubernetes or Lattice's data plane, so the lab uses a
# faithful model (`lab_helpers.sim.k8s`): the EKS cluster, node group, security groups, Lattice service network,
# services, listeners, rules and target groups are made through the real AWS APIs (`eks`, `ec2`, `vpc-lattice`);
# the Kubernetes objects you apply are validated like the API server and the AWS Gateway API controller would, and
# the controller model turns them into Lattice calls with the real controller's names. `lab.http(...)` then walks
# one request through DNS, the service network, auth, the listener, the rules, the target group and the pod, and
# shows every hop.

# %% tags=["parameters"]
MODE = None        # None -> $VPCLAB_MODE or "sandbox"; "live" uses your AWS account
REGION = None      # None -> us-east-1 in the sandbox; required in live mode
SOLUTIONS = False  # True fills in every exercise with the reference solution (the tests do)
LIVE_EKS_OK = False  # live mode in a real account: True runs the real eksctl/helm/kubectl path (billed; priced first)

# %% [markdown]
# The seminar ran in Seoul (`ap-northeast-2`), so this lab does too unless you pass a `REGION`.

# %%
import ipaddress
import json
from collections import Counter

from botocore.exceptions import ClientError

import lab_helpers
from lab_helpers.teach import check, draw, predict
from lab_helpers.sim import costs, k8s
from lab_helpers.sim.costs import pricing
from lab_helpers.sim.costs import Flow, Resource
from lab_helpers.lessons import seminar, seminar_live
from lab_helpers.sim.k8s import precedence

lab = lab_helpers.start_lab("08_eks_and_lattice", mode=MODE, region=REGION or "ap-northeast-2",
                           server=True)  # for the `!aws` cells
ec2 = lab.client("ec2")
lattice_api = lab.client("vpc-lattice")
route53 = lab.client("route53")
ACCOUNT = lab.client("sts").get_caller_identity()["Account"]
AZ_A, AZ_B = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"][:2]]
print("Region", lab.region, "· Availability Zones", AZ_A, AZ_B)

# %% [markdown]
# ## 1. From Ingress to the Gateway API, and what Lattice is
#
# An **Ingress** is one Kubernetes object that says "send `/v1` to this Service". It was designed for one
# cluster and one load balancer, and everything beyond host and path routing — weights, header matches, timeouts,
# auth — ended up in *annotations* that each controller invented for itself. The **Gateway API** splits the job
# by role and puts those features in standard fields:
#
# | object | who owns it | says |
# |---|---|---|
# | `GatewayClass` | the platform team | which controller implements gateways (here: the AWS Gateway API controller) |
# | `Gateway` | the platform team | a listening point: protocol and port |
# | `HTTPRoute` (also `GRPCRoute`, `TCPRoute`…) | the app team | match host, path, method, headers → weighted backends |
# | policies (`TargetGroupPolicy`, `IAMAuthPolicy`) | either | health checks, auth… as objects, not annotations |
#
# **VPC Lattice** is AWS's service-to-service network: it connects *services* across VPCs and accounts at layer
# 7 without you wiring the networks together (no peering, no Transit Gateway, no overlapping-CIDR worries). Its
# parts, and what the AWS controller makes from each Gateway API object:
#
# ```
#  client-vpc ──association──┐                      ┌── service "demo-http-route-default"  ◄── HTTPRoute
#                            ├── service network ───┤     └─ listener HTTP:80  (default: fixed 404)  ◄── Gateway listener
#  eks-vpc ────association───┘   "demo-sn"          │          ├─ rule priority 1: prefix /v1 → target group A
#       ▲                       ◄── Gateway demo-sn │          └─ rule priority 2: prefix /v2 → target group B
#       └── pods (targets) ◄────────────────────────┴── target groups k8s-default-demo-app-a-xxxx  ◄── Service (+ TargetGroupPolicy)
# ```
#
# The service network is a logical boundary, not a box that traffic passes through: a request goes from the
# caller's VPC straight to the target, and the network only decides *who may talk to whom*. Lattice is private:
# to reach it from the internet you still need an ALB or API Gateway in front. It speaks HTTP/HTTPS, gRPC, TLS
# passthrough and TCP; targets can be instances, IPs (our pods), Lambda functions, ALBs, ECS tasks; and it reports
# CloudWatch metrics and access logs per service.
#
# Why not peering, Transit Gateway or PrivateLink? Those connect *networks*: once two VPCs can route to each other,
# per-service routing, auth and overlapping CIDRs are your problem (security groups by CIDR, a load balancer and an
# endpoint service per service). Lattice connects *services*: routing, weights, auth policy and health checks are
# per service, and the VPCs' address ranges may even overlap.

# %% [markdown]
# ## 2. Two VPCs and a service network
#
# The seminar's cluster lives in `eks-vpc` (10.1.0.0/16) with two private subnets; a caller lives in
# `client-vpc` (10.2.0.0/16). A third VPC, `outside-vpc`, plays someone who was never connected. (The seminar's
# cluster also had one NAT gateway so nodes could pull images; Lattice traffic never uses it, so we leave it out.)

# %%
def make_vpc(name, cidr, subnets):
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc",
                                                            "Tags": [{"Key": "Name", "Value": name}]}])["Vpc"]["VpcId"]
    for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):  # private hosted zones need both
        ec2.modify_vpc_attribute(VpcId=vpc, **{attribute: {"Value": True}})
    ids = [ec2.create_subnet(VpcId=vpc, CidrBlock=c, AvailabilityZone=az)["Subnet"]["SubnetId"] for c, az in subnets]
    return vpc, ids


eks_vpc, eks_subnets = make_vpc("eks-vpc", "10.1.0.0/16", [("10.1.1.0/24", AZ_A), ("10.1.2.0/24", AZ_B)])
client_vpc, client_subnets = make_vpc("client-vpc", "10.2.0.0/16", [("10.2.1.0/24", AZ_A)])
outside_vpc, _ = make_vpc("outside-vpc", "10.3.0.0/16", [("10.3.1.0/24", AZ_A)])
print("eks-vpc", eks_vpc, eks_subnets, "\nclient-vpc", client_vpc, "\noutside-vpc", outside_vpc)

# %% [markdown]
# ### Exercise 8.1 — the service network
# The Gateway named `demo-sn` will map onto the service network **with that name** — the controller finds it, it
# does not create it. Write `create_service_network_and_associate(lattice_api, name, vpc_ids)`: create the
# network with `authType="NONE"`, associate every VPC in `vpc_ids` with it
# (`create_service_network_vpc_association`), and return the network's id.

# %%
def create_service_network_and_associate(lattice_api, name, vpc_ids):
    """Create service network `name` (auth NONE), associate each VPC, return the network id."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    create_service_network_and_associate = lab.solution("create_service_network_and_associate")

# %%
network_id = check.run("Exercise 8.1 — service network demo-sn", create_service_network_and_associate,
                       lattice_api, "demo-sn", [eks_vpc, client_vpc])
associated = {a["vpcId"] for a in lattice_api.list_service_network_vpc_associations(
    serviceNetworkIdentifier=network_id)["items"]} if network_id else set()
_ = check.equal("Both VPCs are associated with demo-sn", associated, {eks_vpc, client_vpc},
            hint="Call create_service_network_vpc_association once per VPC, with serviceNetworkIdentifier=<id>.")
if not associated:
    network_id = seminar.ensure_service_network(lab, "demo-sn", [eks_vpc, client_vpc])  # so the lab can go on
    print("(The lab created demo-sn for you so the next sections run; come back to the exercise.)")

# %% [markdown]
# ### Predict, then run
# A VPC can be associated with **one** service network. What happens if you try to put `client-vpc` into a second
# network as well? Write your guess (*accepted*, or the error code you expect), then run.

# %%
SECOND_NETWORK_ANSWER = None  # your prediction: "accepted" or an error code

if SOLUTIONS:
    SECOND_NETWORK_ANSWER = "ConflictException"
guess = predict.answer("Lattice's answer to a second service network for client-vpc", SECOND_NETWORK_ANSWER)

# %%
second = lattice_api.create_service_network(name="other-sn")
try:
    lattice_api.create_service_network_vpc_association(serviceNetworkIdentifier=second["id"],
                                                       vpcIdentifier=client_vpc)
    lattice_says = "accepted"
except ClientError as refusal:
    lattice_says = refusal.response["Error"]["Code"]
predict.reveal(guess, lattice_says)
check.equal("A VPC joins only one service network", lattice_says, "ConflictException",
            hint="AWS refuses a second association; more networks need service-network VPC endpoints.")
_ = lattice_api.delete_service_network(serviceNetworkIdentifier=second["id"])

# %% [markdown]
# ## 3. The cluster: nodes are EC2 instances, pods get VPC addresses
#
# `lab.eks_cluster` calls `eks.create_cluster` and `eks.create_nodegroup` (two `t3.medium` nodes in the private
# subnets, Kubernetes 1.33). EKS creates a **cluster security group** and puts it on every managed node — remember
# its id, it matters in section 5.

# **In live mode** (a real account, or `vpclab serve` standing in for one) this lab does not model Kubernetes: the
# model would bill a real cluster and register pod addresses no real pod answers on. It runs the seminar's own path instead — `eksctl create
# cluster` (with EKS's status shown while it works), the Gateway API CRDs, the controller's IAM role and Pod
# Identity, `helm install` of the controller, and `kubectl apply` of the same manifests — after printing its price
# and its plan, and only with `LIVE_EKS_OK = True`. It needs `eksctl`, `kubectl` and `helm` on your PATH and says
# which are missing. Then it stops: the sections below model Lattice's data plane and run in the sandbox only.

# %%
if lab.mode == "live":
    seminar_live.hand_over(lab, seminar_live.drive(lab, network_id, "demo-sn", confirmed=LIVE_EKS_OK))
cluster = lab.eks_cluster("eks-demo", eks_vpc, eks_subnets, version="1.33", node_count=2)
described = lab.client("eks").describe_cluster(name="eks-demo")["cluster"]
cluster_sg = described["resourcesVpcConfig"]["clusterSecurityGroupId"]
print(cluster)
print("clusterSecurityGroupId from describe_cluster:", cluster_sg)

# %% [markdown]
# In a real cluster you would now install the Gateway API CRDs (the seminar used v1.1.0) and the AWS Gateway API
# controller (Helm chart v1.1.4), and give the controller IAM permissions for `vpc-lattice:*` and a few EC2 reads.
# The seminar used **EKS Pod Identity** for that: an association between the controller's Kubernetes service account
# and an IAM role, without the per-cluster OIDC provider and role trust policy that IRSA needs. The model here plays
# the installed controller, so nothing to install.
#
# Now the seminar's two apps, with the manifests exactly as the seminar wrote them: two replicas each of the image
# `rlawnsdud/demo`, which the environment configures — `HOST`/`PORT` (`0.0.0.0:3000`) is where it listens,
# `GLOBAL_PREFIX` (`/v1` for `demo-app-a`, `/v2` for `demo-app-b`) the path all its routes sit under
# (`<prefix>/health`, `<prefix>/env?select=POD,ROUTE`), and `ROUTE`/`POD` values it reports back. A readiness
# probe on `<prefix>/health` decides when a pod joins its Service. Each Deployment sits behind a ClusterIP Service
# on port 80. Read `data/manifests/seminar/01-deployments.yaml` and `02-services.yaml` before you apply them.
#
# ### Predict, then run
# The pods will get IP addresses. From which range: a separate "pod network", or the VPC's subnets? Write *pod
# network* or *VPC subnets*.

# %%
POD_ADDRESS_RANGE = None  # your prediction: "pod network" or "VPC subnets"

if SOLUTIONS:
    POD_ADDRESS_RANGE = "VPC subnets"
guess = predict.answer("where the pods' IP addresses come from", POD_ADDRESS_RANGE)

# %%
print(lab.kubectl_apply(seminar.manifest("01-deployments.yaml"), cluster="eks-demo"))
print(lab.kubectl_apply(seminar.manifest("02-services.yaml"), cluster="eks-demo"))
pods = lab.kubectl_get("pods", cluster="eks-demo")
print(pods)
node_subnets = [ipaddress.ip_network(s["CidrBlock"]) for s in ec2.describe_subnets(SubnetIds=eks_subnets)["Subnets"]]
in_subnets = pods and all(any(ipaddress.ip_address(p.ip) in net for net in node_subnets) for p in pods)
predict.reveal(guess, "VPC subnets" if in_subnets else "pod network")

# %% [markdown]
# The pods live in the **node subnets**: the VPC CNI plugin gives each pod a secondary private IP of its node's
# network interface, so a pod is a first-class VPC address that Lattice (or a peered VPC) can reach directly.
# Two consequences: a busy cluster eats subnet addresses quickly, and the **node's security groups apply to the
# pods** (unless you enable security groups for pods). A Kubernetes *namespace* is not a VPC, and a Kubernetes
# *Service* is not a load balancer: here the Service only names the pods and their port.

# %% [markdown]
# ## 4. Gateway, routes and the Lattice resources they become
#
# `03-target-group-policies.yaml` sets health checks on `/v1/health` and `/v2/health`; `04-gateway.yaml` creates
# the GatewayClass (controller `application-networking.k8s.aws/gateway-api-controller`) and the Gateway `demo-sn`;
# `05-httproute.yaml` routes `/v1` to `demo-app-a` and `/v2` to `demo-app-b`.

# %%
for name in ("03-target-group-policies.yaml", "04-gateway.yaml", "05-httproute.yaml"):
    print(lab.kubectl_apply(seminar.manifest(name), cluster="eks-demo"))

# %%
route = lab.kubectl_get("HTTPRoute", "demo-http-route", cluster="eks-demo")
print(route)
domain = route.annotations[k8s.ASSIGNED_DOMAIN]
print("Lattice assigned this domain name:", domain)

# %% [markdown]
# The controller wrote the annotation `application-networking.k8s.aws/lattice-assigned-domain-name`. The name has
# AWS's format `<service name>-<service id without svc->.<partition id>.vpc-lattice-svcs.<region>.on.aws`. It is
# public DNS, but it answers with **link-local** addresses (169.254.171.x), so it only works from inside a VPC
# associated with the service network.
#
# Here is what the controller built, read back from the Lattice API:

# %%
service = next(s for s in lattice_api.list_services()["items"] if s["name"] == "demo-http-route-default")
listener = lattice_api.list_listeners(serviceIdentifier=service["id"])["items"][0]
ids = {"serviceIdentifier": service["id"], "listenerIdentifier": listener["id"]}
print(f"service  {service['name']}  ({service['id']})")
print(f"listener {listener['name']}  {listener['protocol']}:{listener['port']}  default action:",
      lattice_api.get_listener(**ids)["defaultAction"])
for summary in lattice_api.list_rules(**ids)["items"]:
    if summary["isDefault"]:
        continue
    rule = lattice_api.get_rule(**ids, ruleIdentifier=summary["id"])
    groups = [lattice_api.get_target_group(targetGroupIdentifier=g["targetGroupIdentifier"])["name"]
              for g in rule["action"]["forward"]["targetGroups"]]
    print(f"rule {rule['priority']}: {k8s.dataplane.describe_match(rule['match']['httpMatch'])} → {groups}")

# %% [markdown]
# ## 5. Call it from the client VPC — and a 503 to fix
#
# ### Predict, then run
# `client-vpc` is associated with `demo-sn`, the route is accepted, the pods are running. Will
# `GET /v1/env?select=POD,ROUTE` from `client-vpc` return 200? Write *yes* or *no*.

# %%
FIRST_CALL_200 = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    FIRST_CALL_200 = "no"
guess = predict.answer("GET /v1/env from client-vpc answers 200 before any security group change", FIRST_CALL_200)

# %%
url = f"http://{domain}/v1/env?select=POD,ROUTE"
first_call = lab.http(client_vpc, url)
predict.reveal(guess, "yes" if first_call.status == 200 else "no")
first_call

# %% [markdown]
# **503: no healthy targets.** Look at the target-group hop: every target is `UNHEALTHY` with `Target.Timeout`.
# Lattice health-checks (and later sends requests to) the pods **from its own addresses**, which AWS publishes as
# two managed prefix lists: `com.amazonaws.<region>.vpc-lattice` (IPv4, 169.254.171.0/24) and
# `com.amazonaws.<region>.ipv6.vpc-lattice` (IPv6) — see
# [Control traffic in VPC Lattice using security groups](https://docs.aws.amazon.com/vpc-lattice/latest/ug/security-groups.html).
# The target's security groups control that inbound traffic, health checks included. The pods carry the cluster
# security group, which only admits traffic from itself — so the health checks time out and Lattice, which routes
# only to healthy targets, has nowhere to send the request.

# %%
for ipv6 in (False, True):
    prefix_list = k8s.lattice_prefix_list(lab, ipv6=ipv6)
    print(prefix_list["PrefixListName"], prefix_list["PrefixListId"], prefix_list["AddressFamily"],
          [e["Cidr"] for e in ec2.get_managed_prefix_list_entries(PrefixListId=prefix_list["PrefixListId"])["Entries"]])
print(json.dumps(ec2.describe_security_groups(GroupIds=[cluster_sg])["SecurityGroups"][0]["IpPermissions"],
                 indent=1, default=str))

# %% [markdown]
# The notes find these ids with the AWS CLI and a JMESPath `--query`, by name, as Exercise 8.2 must. Their command,
# against this lab's world (IPython puts `{lab.region}` in):

# %%
# cli_ipv4 = !aws ec2 describe-managed-prefix-lists --query "PrefixLists[?PrefixListName=='com.amazonaws.{lab.region}.vpc-lattice'].PrefixListId" --output text
# cli_ipv6 = !aws ec2 describe-managed-prefix-lists --query "PrefixLists[?PrefixListName=='com.amazonaws.{lab.region}.ipv6.vpc-lattice'].PrefixListId" --output text
print("IPv4:", cli_ipv4.n, " IPv6:", cli_ipv6.n)
check.equal("The CLI's query finds the same two prefix lists", (cli_ipv4.n.strip(), cli_ipv6.n.strip()),
            (k8s.lattice_prefix_list(lab)["PrefixListId"], k8s.lattice_prefix_list(lab, ipv6=True)["PrefixListId"]));

# %% [markdown]
# ### Exercise 8.2 — let Lattice in
# Write `allow_lattice_prefix_lists(ec2, group_id, region, port)`: look **both** Lattice prefix lists up **by
# name** (`describe_managed_prefix_lists` with a `prefix-list-name` filter — their `pl-` ids differ per Region and
# account, never type them) and add an inbound TCP rule for `port` from each of them to `group_id`. The seminar
# opens the IPv6 list too, so the rule keeps working if the cluster ever runs IPv6 pods. (It allowed every
# protocol and port, `IpProtocol=-1`; one port is enough here and admits less.)

# %%
def allow_lattice_prefix_lists(ec2, group_id, region, port):
    """Allow TCP `port` into `group_id` from com.amazonaws.<region>.vpc-lattice and its .ipv6. twin."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    allow_lattice_prefix_lists = lab.solution("allow_lattice_prefix_lists")

# %%
check.run("Exercise 8.2 — allow the Lattice prefix lists", allow_lattice_prefix_lists, ec2, cluster_sg, lab.region,
          3000)
check.that("The cluster security group admits the IPv4 Lattice prefix list on 3000",
           lambda: seminar.allows_lattice(lab, cluster_sg, 3000),
           hint="IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 3000, 'ToPort': 3000, "
                "'PrefixListIds': [{'PrefixListId': pl_id}, ...]}]")
check.that("... and the IPv6 one", lambda: seminar.allows_lattice(lab, cluster_sg, 3000, ipv6=True),
           hint="Filter on both names: Values=[ipv4_name, ipv6_name]; one rule can carry both prefix-list ids.")
if not (seminar.allows_lattice(lab, cluster_sg, 3000) and seminar.allows_lattice(lab, cluster_sg, 3000, ipv6=True)):
    seminar.allow_lattice(lab, cluster_sg, 3000)
    print("(The lab added the rules for you so the next sections run.)")
# !aws ec2 describe-security-groups --group-ids {cluster_sg} --query "SecurityGroups[0].IpPermissions[?FromPort==`3000`].PrefixListIds[].PrefixListId" --output text

# %%
answer = lab.http(client_vpc, url)
check.equal("GET /v1/env from client-vpc answers 200", answer.status, 200)
answer

# %% [markdown]
# The pod that answered is in `.target`; the body is the app's JSON. Run the cell a few times: the answering pod
# changes, because Lattice spreads requests over the healthy targets. Lattice also rewrote the source address —
# the pod sees a 169.254.171.x peer, and the caller's address in the `X-Forwarded-For` header.

# %% [markdown]
# ### Predict, then run: `/`
# The route has rules for `/v1` and `/v2` only. What does `GET /` return — and who answers it? Write the status
# code and *pod* or *listener*.

# %%
ROOT_STATUS_AND_WHO = None  # your prediction, e.g. (200, "pod")

if SOLUTIONS:
    ROOT_STATUS_AND_WHO = (404, "listener")
guess = predict.answer("GET /: the status, and who answers", ROOT_STATUS_AND_WHO)

# %%
root = lab.http(client_vpc, f"http://{domain}/")
predict.reveal(guess, (root.status, "pod" if root.target else "listener"))
check.equal("GET / is answered by the listener's default action (404)", (root.status, root.target), (404, None))
root

# %% [markdown]
# No rule matched, so the listener's **default action** answered: the controller always creates listeners with a
# fixed 404. No pod was involved (`target` is `None`). Compare `GET /v1/nope`: a rule matches, the request reaches
# a pod, and it is the *application* that says 404.

# %%
lab.http(client_vpc, f"http://{domain}/v1/nope")

# %% [markdown]
# And from `outside-vpc`, which is in no service network? The name resolves (it is public DNS), but the link-local
# address leads nowhere from there:

# %%
lab.http(outside_vpc, url)

# %% [markdown]
# ## 6. A custom domain through a private hosted zone
#
# Nobody wants to call `demo-http-route-default-…on.aws`. The seminar added `hostnames: [api.example.com]` to the
# route, created a private hosted zone `example.com` for both VPCs, and a CNAME `api` → the generated name.
#
# ### Predict, then run
# Suppose you only add the DNS record and leave the route as it is. Will `http://api.example.com/v1/health` work
# from `client-vpc`? Write *yes* or *no*.

# %%
DNS_RECORD_ALONE_WORKS = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    DNS_RECORD_ALONE_WORKS = "no"
guess = predict.answer("api.example.com answers with only the DNS record added", DNS_RECORD_ALONE_WORKS)

# %%
seminar.ensure_private_zone(lab, "example.com", [eks_vpc, client_vpc], "api.example.com", domain)
record_only = lab.http(client_vpc, "http://api.example.com/v1/health")
predict.reveal(guess, "yes" if record_only.status == 200 else "no")
record_only

# %% [markdown]
# DNS worked (see the CNAME hop), but Lattice picks the service by the **Host header**, and no service in
# `demo-sn` has the custom domain `api.example.com`. The route's `hostnames[0]` becomes the service's
# `customDomainName` — and only **when the service is created**. So the seminar deleted the route and applied it
# again with the hostname. That creates a *new* Lattice service, with a new generated name:

# %%
print(lab.kubectl_apply(seminar.manifest("06-httproute-custom-domain.yaml"), cluster="eks-demo"))
print("controller warning:", lab.kubectl_get("HTTPRoute", "demo-http-route", cluster="eks-demo").status.get("warnings"))
print(k8s.kubectl_delete(lab, "HTTPRoute", "demo-http-route", cluster="eks-demo"))
print(lab.kubectl_apply(seminar.manifest("06-httproute-custom-domain.yaml"), cluster="eks-demo"))
domain = lab.kubectl_get("HTTPRoute", "demo-http-route", cluster="eks-demo").annotations[k8s.ASSIGNED_DOMAIN]
print("new generated name:", domain)

# %% [markdown]
# ### Exercise 8.3 — point the CNAME at the new name
# Write `point_api_at(route53, zone_name, record, target)`: find the private hosted zone `zone_name`
# (`list_hosted_zones_by_name`) and **UPSERT** the CNAME `record` → `target` (TTL 300). Return the zone id.

# %%
def point_api_at(route53, zone_name, record, target):
    """UPSERT CNAME `record` -> `target` in the private hosted zone `zone_name`; return the zone id."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    point_api_at = lab.solution("point_api_at")

# %%
check.run("Exercise 8.3 — CNAME api.example.com → the new Lattice name", point_api_at, route53, "example.com",
          "api.example.com", domain)
custom = lab.http(client_vpc, "http://api.example.com/v1/health")
check.equal("http://api.example.com/v1/health answers 200 from client-vpc", custom.status, 200,
            hint="The CNAME must point at the route's *current* lattice-assigned-domain-name.")
if custom.status != 200:
    seminar.ensure_private_zone(lab, "example.com", [eks_vpc, client_vpc], "api.example.com", domain)
custom

# %% [markdown]
# `outside-vpc` is not associated with the zone: its Resolver sees no private zone for `api.example.com` and would
# have to ask public DNS, where the name does not exist (the sandbox does not simulate public DNS, so it says so
# instead of inventing an answer). Network reachability and DNS are separate questions.

# %%
lab.http(outside_vpc, "http://api.example.com/v1/health")

# %% [markdown]
# ## 7. Auth: from NONE to AWS_IAM
#
# So far anyone in an associated VPC may call the service (`authType NONE`). With `AWS_IAM`, Lattice checks an
# **auth policy** on every request — on the service network, on the service, or both (a request must pass each
# one that is `AWS_IAM`). Callers sign requests with SigV4 for the service `vpc-lattice-svcs`.
#
# ### Predict, then run
# Turn the service to `AWS_IAM` *without* any policy. Does a request get through? Write *yes* or *no*.

# %%
IAM_WITHOUT_POLICY_PASSES = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    IAM_WITHOUT_POLICY_PASSES = "no"
guess = predict.answer("a request passes AWS_IAM auth with no auth policy", IAM_WITHOUT_POLICY_PASSES)

# %%
service = next(s for s in lattice_api.list_services()["items"] if s["name"] == "demo-http-route-default")
lattice_api.update_service(serviceIdentifier=service["id"], authType="AWS_IAM")
no_policy = lab.http(client_vpc, "http://api.example.com/v1/health")
predict.reveal(guess, "yes" if no_policy.status == 200 else "no")
no_policy

# %% [markdown]
# **Default deny**: `AWS_IAM` with no policy denies everything. In Kubernetes you attach the policy with an
# `IAMAuthPolicy` whose `targetRef` is the HTTPRoute (the service) or the Gateway (the whole network); the
# controller then calls `PutAuthPolicy` and sets `authType AWS_IAM` itself.
#
# ### Exercise 8.4 — allow exactly one principal
# Write `iam_auth_policy(principal_arn, service_arn)` returning an `IAMAuthPolicy` manifest (a dict) named
# `demo-auth`, targeting the HTTPRoute `demo-http-route` (group `gateway.networking.k8s.io`), whose `policy` allows
# `vpc-lattice-svcs:Invoke` on `service_arn + "/*"` for `principal_arn` only.

# %%
CLIENT_ROLE = f"arn:aws:iam::{ACCOUNT}:role/client-app"
OTHER_ROLE = f"arn:aws:iam::{ACCOUNT}:role/someone-else"


def iam_auth_policy(principal_arn, service_arn):
    """An IAMAuthPolicy manifest (dict) allowing only `principal_arn` to invoke the route's service."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    iam_auth_policy = lab.solution("iam_auth_policy")

# %%
policy = check.run("Exercise 8.4 — an IAMAuthPolicy manifest", iam_auth_policy, CLIENT_ROLE, service["arn"])
if policy:
    check.run("The manifest applies", lab.kubectl_apply, policy, cluster="eks-demo")
health = "http://api.example.com/v1/health"
check.equal("client-app (signed) is allowed", lambda: lab.http(client_vpc, health,
                                                               headers=k8s.sign(lab, CLIENT_ROLE)).status, 200,
            hint="Principal: {'AWS': principal_arn}, Action: 'vpc-lattice-svcs:Invoke', Resource: service_arn + '/*'.")
check.equal("another role (signed) is denied", lambda: lab.http(client_vpc, health,
                                                                headers=k8s.sign(lab, OTHER_ROLE)).status, 403)
_ = check.equal("an unsigned request is denied", lambda: lab.http(client_vpc, health).status, 403)

# %%
lab.http(client_vpc, health, headers=k8s.sign(lab, OTHER_ROLE))

# %% [markdown]
# Deleting the `IAMAuthPolicy` makes the controller delete the auth policy and set `authType` back to `NONE`, which
# the rest of the lab assumes. (An explicit `Deny` statement always wins over an `Allow`; unsigned callers can only
# be allowed by a statement with `"Principal": "*"`.)

# %%
if lab.kubectl_get("IAMAuthPolicy", cluster="eks-demo"):
    print(k8s.kubectl_delete(lab, "IAMAuthPolicy", "demo-auth", cluster="eks-demo"))
lattice_api.update_service(serviceIdentifier=service["id"], authType="NONE")
print("authType:", lattice_api.get_service(serviceIdentifier=service["id"])["authType"])

# %% [markdown]
# ## 8. A weighted canary
#
# A new version of `demo-app-a` should get 10 % of `/v1` traffic first. In Gateway API terms: two `backendRefs`
# with weights 90 and 10; in Lattice terms, one rule forwarding to two target groups with those weights.

# %%
V2 = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: demo-app-a-v2}
spec:
  replicas: 2
  selector: {matchLabels: {app: demo-app-a-v2}}
  template:
    metadata: {labels: {app: demo-app-a-v2}}
    spec:
      containers:
        - name: app
          image: rlawnsdud/demo:latest
          ports: [{containerPort: 3000}]
          env: [{name: PORT, value: "3000"}, {name: GLOBAL_PREFIX, value: /v1}, {name: ROUTE, value: v1-canary}]
          readinessProbe: {httpGet: {path: /v1/health, port: 3000}}
---
apiVersion: v1
kind: Service
metadata: {name: demo-app-a-v2}
spec:
  selector: {app: demo-app-a-v2}
  ports: [{port: 80, targetPort: 3000}]
---
apiVersion: application-networking.k8s.aws/v1alpha1
kind: TargetGroupPolicy
metadata: {name: demo-app-a-v2-policy}
spec:
  targetRef: {group: "", kind: Service, name: demo-app-a-v2}
  healthCheck: {enabled: true, path: /v1/health, port: 3000, statusMatch: "200"}
"""
print(lab.kubectl_apply(V2, cluster="eks-demo"))

# %% [markdown]
# ### Exercise 8.5 — the canary route
# Write `canary_route(weight_v1, weight_v2)`: return the `demo-http-route` HTTPRoute (a dict, hostname
# `api.example.com`, parent `demo-sn` section `http`) whose `/v1` rule has two backendRefs — `demo-app-a` with
# `weight_v1` and `demo-app-a-v2` with `weight_v2` — and whose `/v2` rule is unchanged.

# %%
def canary_route(weight_v1, weight_v2):
    """The demo-http-route manifest (dict) with /v1 split between demo-app-a and demo-app-a-v2."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    canary_route = lab.solution("canary_route")

# %%
canary = check.run("Exercise 8.5 — the canary route", canary_route, 90, 10)
if canary:
    check.run("The canary route applies", lab.kubectl_apply, canary, cluster="eks-demo")

# %% [markdown]
# ### Predict, then run
# Out of 1,000 requests to `/v1/env?select=ROUTE`, how many will `demo-app-a-v2` (its `ROUTE` is `v1-canary`)
# answer? Exactly 100? The data plane
# draws each request's target group at random with the weights (from a seeded generator, so this run is
# reproducible). Write *yes* or *no*: exactly 100?

# %%
CANARY_EXACTLY_100 = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    CANARY_EXACTLY_100 = "no"
guess = predict.answer("demo-app-a-v2 answers exactly 100 of 1,000 requests", CANARY_EXACTLY_100)

# %%
import matplotlib.pyplot as plt  # noqa: E402  (here, not in the first cell: ~0.4 s at start)
answers = k8s.http_many(lab, client_vpc, "http://api.example.com/v1/env?select=ROUTE", 1000, seed_value=8)
counts = Counter(r.json().get("ROUTE") if r.status == 200 else f"HTTP {r.status}" for r in answers)
print(counts)
share_v2 = counts.get("v1-canary", 0) / len(answers)
predict.reveal(guess, "yes" if counts.get("v1-canary", 0) == 100 else "no")
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3))
left.bar(list(counts), list(counts.values()), color=["#4c72b0", "#dd8452", "#999"][:len(counts)])
left.set_title("1,000 requests to /v1 by answering app")
hits, running = 0, []
for n, r in enumerate(answers, start=1):
    hits += r.status == 200 and r.json().get("ROUTE") == "v1-canary"
    running.append(hits / n)
right.plot(running)
right.axhline(0.10, color="grey", linestyle="--", label="configured 10 %")
right.set_ylim(0, 0.3)
right.set_title("share answered by v2, as requests accumulate")
right.legend()
plt.tight_layout()
plt.show()
_ = check.that("About 10 % of requests reach v2 (between 7 % and 13 % of 1,000)", 0.07 <= share_v2 <= 0.13,
               detail=f"{share_v2:.1%}", hint="Weights 90 and 10 on the /v1 rule's backendRefs.")

# %% [markdown]
# The share wanders early and settles near 10 %: weights are probabilities, not a strict rotation. With 1,000
# requests the standard deviation is about √(1000·0.1·0.9) ≈ 9.5 requests, so 85–115 is normal. To finish the
# rollout, move the weights (50/50, then 0/100) and re-apply; weight 0 sends no traffic at all.

# %% [markdown]
# ## 9. Rule order: the controller follows the list, not the spec
#
# > **Myth** (common reading of the Gateway API): "routes are matched most-specific first, so rule order does not
# > matter." That is what the *Gateway API spec* says — an Exact path beats any prefix, a longer prefix beats a
# > shorter one. The AWS controller does not do that across rules: it gives rule *i* the Lattice priority *i + 1*,
# > and Lattice takes the **first** matching rule by priority. A catch-all `/` rule listed first shadows every rule
# > after it. (You can override one rule's priority with the annotation
# > `application-networking.k8s.aws/rule-{i}-priority`.)
#
# ### Predict, then run
# This route lists `/` (to demo-app-a) before `/v2` (to demo-app-b). Who answers `GET /v2/health`? Write
# *demo-app-a* or *demo-app-b*.

# %%
SHADOWED_V2_ANSWERED_BY = None  # your prediction: "demo-app-a" or "demo-app-b"

if SOLUTIONS:
    SHADOWED_V2_ANSWERED_BY = "demo-app-a"
guess = predict.answer("who answers GET /v2/health when / is listed first", SHADOWED_V2_ANSWERED_BY)

# %%
SHADOW = """
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shadow-route}
spec:
  parentRefs: [{name: demo-sn, sectionName: http}]
  rules:
    - matches: [{path: {type: PathPrefix, value: /}}]
      backendRefs: [{name: demo-app-a, port: 80}]
    - matches: [{path: {type: PathPrefix, value: /v2}}]
      backendRefs: [{name: demo-app-b, port: 80}]
"""
print(lab.kubectl_apply(SHADOW, cluster="eks-demo"))
shadow = lab.kubectl_get("HTTPRoute", "shadow-route", cluster="eks-demo")
shadow_domain = shadow.annotations[k8s.ASSIGNED_DOMAIN]
print("Gateway API spec would pick rule", precedence.spec_choice(shadow.spec, "/v2/health"),
      "· the controller + Lattice pick rule", precedence.lattice_choice(shadow.spec, "/v2/health"))
shadowed = lab.http(client_vpc, f"http://{shadow_domain}/v2/health")
answered_by = lab.kubectl_get("pods", shadowed.target, cluster="eks-demo") if shadowed.target else []
predict.reveal(guess, answered_by[0].deployment if answered_by else "nobody")
shadowed

# %% [markdown]
# Rule 1 (`/`, priority 1) matched first and sent `/v2/health` to demo-app-a, which has no such path: the app's
# 404. The fix is to list specific rules first (or set the priority annotation).
#
# ### Exercise 8.6 — fix the order
# Write `fixed_shadow_route()`: return the `shadow-route` manifest (a dict) so that `/v2` goes to demo-app-b and
# everything else to demo-app-a.

# %%
def fixed_shadow_route():
    """shadow-route with its rules in an order the controller maps correctly."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    fixed_shadow_route = lab.solution("fixed_shadow_route")

# %%
fixed = check.run("Exercise 8.6 — a route whose /v2 rule is not shadowed", fixed_shadow_route)
if fixed:
    check.run("The fixed route applies", lab.kubectl_apply, fixed, cluster="eks-demo")
v2 = lab.http(client_vpc, f"http://{shadow_domain}/v2/health")
check.equal("/v2/health now reaches demo-app-b", (v2.status, (v2.target or "").startswith("demo-app-b")), (200, True),
            hint="Put the /v2 rule before the / rule.")
v2

# %% [markdown]
# ## 10. Two clusters, one service network
#
# What the controller is built for: a Service in one cluster, called through a route that lives in **another**
# cluster, in another VPC. The exporting cluster applies a `ServiceExport` (the controller makes a *standalone*
# target group of its pods, tagged with the Service's name and namespace); the other cluster applies a
# `ServiceImport` of the same name and an HTTPRoute whose backendRef has `kind: ServiceImport`. Its controller
# finds the exported target group by those tags, and Lattice carries the request from the caller's VPC, through
# `demo-sn`, to pods in `eks-vpc` — no peering, no routes between the VPCs.
#
# A target group made for a ServiceExport gets its health check from a `TargetGroupPolicy` whose `targetRef` is
# the **ServiceExport** (group `application-networking.k8s.aws`); one aimed at the Service changes only the route
# target groups in its own cluster.
#
# Sources (the controller's own documentation):
# [ServiceExport](https://github.com/aws/aws-application-networking-k8s/blob/main/docs/api-types/service-export.md),
# [ServiceImport](https://github.com/aws/aws-application-networking-k8s/blob/main/docs/api-types/service-import.md),
# [the multi-cluster guide](https://github.com/aws/aws-application-networking-k8s/blob/main/docs/guides/multi-cluster.md).

# %%
eks2_vpc, eks2_subnets = make_vpc("eks2-vpc", "10.4.0.0/16", [("10.4.1.0/24", AZ_A), ("10.4.2.0/24", AZ_B)])
lattice_api.create_service_network_vpc_association(serviceNetworkIdentifier=network_id, vpcIdentifier=eks2_vpc)
cluster2 = lab.eks_cluster("eks-two", eks2_vpc, eks2_subnets, version="1.33", node_count=1)
print(lab.kubectl_apply(seminar.manifest("04-gateway.yaml"), cluster="eks-two"))

export = seminar.manifest("export.yaml", folder="multicluster")  # applied in eks-demo, where demo-app-a runs
imported = seminar.manifest("import.yaml", folder="multicluster")  # applied in eks-two
print(export, imported, sep="\n")
print(lab.kubectl_apply(export, cluster="eks-demo"))
print(lab.kubectl_apply(imported, cluster="eks-two"))
lab.kubectl_get("httproutes", cluster="eks-two")

# %% [markdown]
# ### Predict, then run
# The route lives in `eks-two` (10.4.0.0/16), the caller in `client-vpc`. Which VPC's address answers
# `GET /v1/health` — and which cluster's controller made the target group it went through? Write the VPC's name
# and the cluster's.

# %%
CROSS_CLUSTER_VPC_AND_MAKER = None  # your prediction, e.g. ("eks2-vpc", "eks-two")

if SOLUTIONS:
    CROSS_CLUSTER_VPC_AND_MAKER = ("eks-vpc", "eks-demo")
guess = predict.answer("the VPC whose pod answers the cross-cluster call, and the cluster that made its target group",
                       CROSS_CLUSTER_VPC_AND_MAKER)

# %%
cross = lab.kubectl_get("HTTPRoute", "cross-cluster", cluster="eks-two")
answer = lab.http(client_vpc, f"http://{cross.annotations[k8s.ASSIGNED_DOMAIN]}/v1/health")
exported = next(tg for tg in lattice_api.list_target_groups()["items"]
                if lattice_api.list_tags_for_resource(resourceArn=tg["arn"])["tags"].get(
                    "application-networking.k8s.aws/SourceTypeKey") == "ServiceExport")
tags = lattice_api.list_tags_for_resource(resourceArn=exported["arn"])["tags"]
print("exported target group", exported["name"], "in", exported["vpcIdentifier"],
      "made by cluster", tags["application-networking.k8s.aws/ClusterName"])
check.equal("the cross-cluster call reaches a demo-app-a pod in eks-vpc",
            (answer.status, (answer.target or "").startswith("demo-app-a"), exported["vpcIdentifier"]),
            (200, True, eks_vpc), hint="Is the ServiceExport applied in eks-demo and its health check on /v1/health?")
vpc_names = {eks_vpc: "eks-vpc", client_vpc: "client-vpc", eks2_vpc: "eks2-vpc", outside_vpc: "outside-vpc"}
answering_pod = next((p for c in ("eks-demo", "eks-two") for p in lab.kubectl_get("pods", cluster=c)
                      if p.name == answer.target), None)
answering_vpc = next((name for vpc, name in vpc_names.items() if answering_pod and ipaddress.ip_address(
    answering_pod.ip) in ipaddress.ip_network(ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["CidrBlock"])), "nobody")
predict.reveal(guess, (answering_vpc, tags["application-networking.k8s.aws/ClusterName"]))
answer

# %% [markdown]
# The route's service was made by `eks-two`'s controller, but its rule forwards to a target group in `eks-vpc`
# whose targets are `eks-demo`'s pods: Lattice, not the VPCs' route tables, connects the two clusters. The
# exporting cluster's security group still decides — its pods answer only because section 5 let the Lattice
# prefix list in.

# %% [markdown]
# ## 11. TLS passthrough, access logs, and who sends
#
# Three more things the controller maps onto Lattice, each short.
#
# ### TLS passthrough with a `TLSRoute`
# A Gateway listener with `protocol: TLS` and `tls.mode: Passthrough` becomes a Lattice **TLS listener**
# (`TLS_PASSTHROUGH`): Lattice routes the encrypted connection by the **SNI** name in the TLS handshake and never
# decrypts it. AWS lists what follows from that
# ([TLS listeners](https://docs.aws.amazon.com/vpc-lattice/latest/ug/tls-listeners.html)): the service needs a
# custom domain name (the SNI match), the only rule is the default rule, which forwards to a **TCP** target group,
# and — because Lattice cannot read the request — auth policies are limited to **anonymous principals**. The
# controller's side is in its
# [TLS passthrough guide](https://github.com/aws/aws-application-networking-k8s/blob/main/docs/guides/tls-passthrough.md).
#
# **Predict, then run.** The service below gets `AWS_IAM` auth with a policy that allows only `client-app`. A
# request **signed** by `client-app` goes over TLS passthrough. Allowed or denied? Write *allowed* or *denied*.

# %%
SIGNED_OVER_PASSTHROUGH = None  # your prediction: "allowed" or "denied"

if SOLUTIONS:
    SIGNED_OVER_PASSTHROUGH = "denied"
guess = predict.answer("a signed client-app request over TLS passthrough, policy allowing client-app",
                       SIGNED_OVER_PASSTHROUGH)

# %%
TLS_GATEWAY = """
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: demo-sn}
spec:
  gatewayClassName: amazon-vpc-lattice
  listeners:
    - {name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}
    - {name: tls, protocol: TLS, port: 443, tls: {mode: Passthrough}}
"""
TLS_ROUTE = """
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TLSRoute
metadata: {name: secure-app}
spec:
  parentRefs: [{name: demo-sn, sectionName: tls}]
  hostnames: [secure.example.internal]
  rules:
    - backendRefs: [{name: demo-app-a, port: 80}]
"""
print(lab.kubectl_apply(TLS_GATEWAY, cluster="eks-demo"))
print(lab.kubectl_apply(TLS_ROUTE, cluster="eks-demo"))
secure = next(s for s in lattice_api.list_services()["items"] if s.get("customDomainName") == "secure.example.internal")
tls_listener = lattice_api.list_listeners(serviceIdentifier=secure["id"])["items"][0]
forward = lattice_api.get_listener(serviceIdentifier=secure["id"], listenerIdentifier=tls_listener["id"])
tcp_group = lattice_api.get_target_group(
    targetGroupIdentifier=forward["defaultAction"]["forward"]["targetGroups"][0]["targetGroupIdentifier"])
print("listener", tls_listener["name"], tls_listener["protocol"], "→ target group", tcp_group["name"],
      tcp_group["config"]["protocol"])
secure_url = f"https://{secure['dnsEntry']['domainName']}/v1/health"
lattice_api.update_service(serviceIdentifier=secure["id"], authType="AWS_IAM")
lattice_api.put_auth_policy(resourceIdentifier=secure["id"], policy=json.dumps({
    "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": CLIENT_ROLE},
                                            "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}]}))
signed_tls = lab.http(client_vpc, secure_url, headers=k8s.sign(lab, CLIENT_ROLE))
predict.reveal(guess, "allowed" if signed_tls.ok else "denied")
check.equal("A TLS listener forwards to a TCP target group", (tls_listener["protocol"],
            tcp_group["config"]["protocol"]), ("TLS_PASSTHROUGH", "TCP"))
check.equal("Over passthrough even a signed caller is anonymous, so a principal-only policy denies it",
            signed_tls.status, 403, hint="Lattice never sees the signature inside the encrypted stream.")
signed_tls

# %% [markdown]
# Denied: the signature travels inside the encrypted stream, so Lattice sees an anonymous caller and the policy,
# which names a principal, does not match. On a TLS listener an auth policy can only allow `"Principal": "*"`
# (with conditions such as `vpc-lattice-svcs:SourceVpc`). We put auth back to `NONE`:

# %%
lattice_api.delete_auth_policy(resourceIdentifier=secure["id"])
lattice_api.update_service(serviceIdentifier=secure["id"], authType="NONE")
lab.http(client_vpc, secure_url)

# %% [markdown]
# ### Access logs with an `AccessLogPolicy`
# An `AccessLogPolicy` whose `targetRef` is the Gateway makes the controller create a Lattice **access log
# subscription** on the service network; Lattice then writes one record per request to the destination — a
# CloudWatch Logs log group, an S3 bucket or a Firehose delivery stream
# ([access logs](https://docs.aws.amazon.com/vpc-lattice/latest/ug/monitoring-access-logs.html);
# [AccessLogPolicy](https://github.com/aws/aws-application-networking-k8s/blob/main/docs/api-types/access-log-policy.md)).
# A target takes one policy per destination type; a second of the same type is `Conflicted`.
#
# **Predict, then run.** After the policy, we send three requests: `/v1/health`, `/v2/health` and `/nothing-here`
# (which no rule matches, so the listener's default action answers 404). How many records land in the log group?
# Write a number.

# %%
ACCESS_LOG_RECORDS = None  # your prediction: a number

if SOLUTIONS:
    ACCESS_LOG_RECORDS = 3
guess = predict.answer("access log records for three requests, one of them a default-action 404", ACCESS_LOG_RECORDS)

# %%
logs = lab.client("logs")
logs.create_log_group(logGroupName="/lattice/demo-sn")
log_group_arn = f"arn:aws:logs:{lab.region}:{ACCOUNT}:log-group:/lattice/demo-sn"
print(lab.kubectl_apply(f"""
apiVersion: application-networking.k8s.aws/v1alpha1
kind: AccessLogPolicy
metadata: {{name: demo-sn-logs}}
spec:
  targetRef: {{group: gateway.networking.k8s.io, kind: Gateway, name: demo-sn}}
  destinationArn: "{log_group_arn}"
""", cluster="eks-demo"))
for path in ("/v1/health", "/v2/health", "/nothing-here"):
    lab.http(client_vpc, f"http://api.example.com{path}")
records = [json.loads(e["message"]) for e in logs.filter_log_events(logGroupName="/lattice/demo-sn")["events"]]
predict.reveal(guess, len(records))
for r in records:
    print(r["startTime"], r["method"], r["path"], r["responseCode"], r["sourceVpcArn"].split("/")[-1],
          r["resolvedUser"])
_ = check.equal("One record per request, the 404 included", [r["responseCode"] for r in records], [200, 200, 404],
                hint="Every request through the service network is logged, whoever answers it.")

# %% [markdown]
# The records are ordinary CloudWatch Logs events (`filter_log_events`), and the fields are the ones AWS documents:
# who called (`resolvedUser`, `sourceVpcArn`), what (`method`, `path`, `hostHeader`) and what came back
# (`responseCode`, `bytesSent`, `duration`). With an S3 bucket instead, the same records would be objects under
# `AWSLogs/<account>/VpcLattice/AccessLogs/...`, read with `list_objects_v2` and `get_object`.
#
# ### Who sends: `source=` and the VPC association's security groups
# A VPC association can carry **security groups**; their inbound rules decide which clients in that VPC may reach
# the service network at all
# ([security groups](https://docs.aws.amazon.com/vpc-lattice/latest/ug/security-groups.html)). The controller puts
# them there from a `VpcAssociationPolicy`
# ([API reference](https://github.com/aws/aws-application-networking-k8s/blob/main/docs/api-types/vpc-association-policy.md)).
# Once groups decide, *which* client sends matters, so `lab.http` takes `source=` — the client's private IP.
#
# **Predict, then run.** The group below admits TCP 80 from `10.1.1.0/24` only. From `eks-vpc`, which of
# `10.1.1.20` and `10.1.2.20` reaches `/v1/health`? Write the list of the addresses that get through.

# %%
CALLERS_ADMITTED = None  # your prediction, e.g. ["10.1.1.20", "10.1.2.20"]

if SOLUTIONS:
    CALLERS_ADMITTED = ["10.1.1.20"]
guess = predict.answer("which of 10.1.1.20, 10.1.2.20 reach /v1/health past the association's group",
                       CALLERS_ADMITTED)

# %%
callers_sg = ec2.create_security_group(GroupName="demo-sn-callers", Description="who in eks-vpc may call demo-sn",
                                       VpcId=eks_vpc)["GroupId"]
ec2.authorize_security_group_ingress(GroupId=callers_sg, IpPermissions=[{
    "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.1.1.0/24"}]}])
print(lab.kubectl_apply(f"""
apiVersion: application-networking.k8s.aws/v1alpha1
kind: VpcAssociationPolicy
metadata: {{name: demo-sn-callers}}
spec:
  targetRef: {{group: gateway.networking.k8s.io, kind: Gateway, name: demo-sn}}
  securityGroupIds: [{callers_sg}]
""", cluster="eks-demo"))
inside = lab.http(eks_vpc, "http://api.example.com/v1/health", source="10.1.1.20")
outside = lab.http(eks_vpc, "http://api.example.com/v1/health", source="10.1.2.20")
predict.reveal(guess, [ip for ip, sent in (("10.1.1.20", inside), ("10.1.2.20", outside)) if sent.ok])
check.equal("10.1.1.20 is admitted, 10.1.2.20 never reaches the service network", (inside.status, outside.status),
            (200, None), hint="The association's security group admits TCP 80 from 10.1.1.0/24 only.")
outside

# %% [markdown]
# `10.1.2.20` got no HTTP answer at all: its packets were dropped at the association, before Lattice, so the hop
# names the security group. (Without `source=`, `lab.http` refuses to guess who sends once the association has
# groups.) Deleting the policy makes the controller re-associate the VPC without groups, because Lattice keeps at
# least one group on an association that has any
# ([UpdateServiceNetworkVpcAssociation](https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_UpdateServiceNetworkVpcAssociation.html)).

# %%
print(k8s.kubectl_delete(lab, "VpcAssociationPolicy", "demo-sn-callers", cluster="eks-demo"))
print(k8s.kubectl_delete(lab, "AccessLogPolicy", "demo-sn-logs", cluster="eks-demo"))
lab.http(eks_vpc, "http://api.example.com/v1/health").status

# %% [markdown]
# ### Break it and fix it: an incident
# Another team runs the same seminar setup in their own cluster, and their clients get errors. The next cell
# builds their cluster, service network and client VPC, and hides one fault with ordinary API calls you do not
# see. Diagnose it with `lab.http(client_vpc, url)` (read the hops), `list_targets` and describe calls, make one
# targeted fix, then run `incident.check()`; `incident.hint()` gives the next of three hints. Opening the cluster
# security group to `0.0.0.0/0` is refused as over-broad. A flow log on their cluster VPC helps too: the nodes'
# interfaces log what reaches their pods — Lattice's requests and health checks come from its managed prefix list
# (a 169.254.171.x address), and the target's security group decides them
# ([security groups in VPC Lattice](https://docs.aws.amazon.com/vpc-lattice/latest/ug/security-groups.html)); read
# them with `flowlogs.read` and `flowlogs.talkers` (`from lab_helpers.sim import flowlogs`).
#
# Their VPCs join this lab's five in the Region, past a new account's default quota of five VPCs per Region
# ([Amazon VPC quotas](https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)). An account owner
# asks Service Quotas for more before building; AWS reviews the request, the sandbox approves it at once:

# %%
quotas = lab.client("service-quotas")
vpc_quota = quotas.get_service_quota(ServiceCode="vpc", QuotaCode="L-F678F1CE")["Quota"]
print("VPCs per Region now:", vpc_quota["Value"])
increase = quotas.request_service_quota_increase(ServiceCode="vpc", QuotaCode="L-F678F1CE", DesiredValue=10)
print("requested 10:", increase["RequestedQuota"]["Status"])

# %%
incident = lab.incident("lattice-cluster-sg", solutions=SOLUTIONS)
incident

# %%
# Your diagnosis and fix go here, e.g. lab.kubectl_get("HTTPRoute", incident.resources["route"],
#                                                       cluster=incident.resources["cluster"])

if SOLUTIONS:
    incident.solve()

# %%
incident.check()
incident.explain()
incident.close()  # their world goes: a new account holds five VPCs per Region

# %% [markdown]
# ## 12. What it costs
#
# Lattice bills per **service-hour**, per **GB** processed and per **request** (the first 300,000 requests per hour
# per service are free); service networks and VPC associations are free, and there is no inter-AZ charge. The
# alternative the notes compare with is one **Network Load Balancer per service** (plus PrivateLink or peering to
# reach it from the other VPC). Our price data for Lattice is the us-east-1 price list; the Seoul prices are not in
# our data, so we compute in us-east-1 and show the notes' Seoul figures only as claims.

# %%
PRICES = "us-east-1"
SERVICES, GB_PER_MONTH, REQUESTS_PER_MONTH = 2, 100, 20_000_000
lattice_bill = costs.monthly([Resource("lattice_service", SERVICES)],
                             [Flow("service-to-service traffic", GB_PER_MONTH, ["lattice"])], region=PRICES)
nlb_bill = costs.monthly([Resource("nlb", SERVICES)], [], region=PRICES)

# Requests are not in the cost model's tables: price them here, with the free tier per service-hour.
per_million = pricing.price("lattice_million_requests", PRICES)
requests_per_service_hour = REQUESTS_PER_MONTH / SERVICES / costs.HOURS_PER_MONTH
billable = max(0.0, requests_per_service_hour - 300_000) * SERVICES * costs.HOURS_PER_MONTH
request_charge = billable / 1e6 * per_million.usd
print(per_million, "—", per_million.note)
print(f"{REQUESTS_PER_MONTH:,} requests a month = {requests_per_service_hour:,.0f} per service-hour → "
      f"{billable:,.0f} billable → ${request_charge:.2f}")
print(f"Lattice total: {costs.money(lattice_bill.total + request_charge)}   "
      f"one NLB per service (hours only, before NLCU and PrivateLink): {costs.money(nlb_bill.total)}")
draw.cost_stacked({"Lattice": lattice_bill, "NLB per service\n(hours only)": nlb_bill},
                   title=f"{SERVICES} services, {GB_PER_MONTH} GB a month ({PRICES} prices)")
plt.tight_layout()
plt.show()
lattice_bill

# %%
seoul = pricing.price("lattice_service_hour", "ap-northeast-2")
print("Our Seoul Lattice service-hour price:", seoul)
print("The notes CLAIM for Seoul (unconfirmed, not used above): $0.0325 per service-hour, $0.0325 per GB, "
      "$0.13 per million requests after 300,000 free per hour; 'an NLB alone is about $16.42 a month'.")
nlb_seoul = costs.monthly([Resource("nlb")], [], region="ap-northeast-2")
agrees = abs(nlb_seoul.total - 16.42) < 0.05
print(f"The NLB claim against our Seoul data: {costs.money(nlb_seoul.total)} a month — "
      f"{'agrees' if agrees else 'does not agree'} with the notes' $16.42.")

# %% [markdown]
# Two things decide the comparison: Lattice's per-service hourly charge is close to an NLB's, but
# Lattice includes cross-VPC connectivity, auth and L7 routing; an NLB per service also needs NLCU charges and a
# way across VPCs (PrivateLink endpoints per consumer VPC, or peering/TGW). At high request rates the request
# charge dominates Lattice's bill — re-run the cell with `REQUESTS_PER_MONTH = 2_000_000_000` to see it.

# %%
if lab.mode == "live":
    display(lab.estimate())  # what this run has alive, priced per hour and per month

# %% [markdown]
# ## Clean up

# %%
lab.teardown()

# %% [markdown]
# ## Key points
# - The Gateway API splits Ingress's job by role: GatewayClass (controller), Gateway (listener), HTTPRoute (routing)
#   and policy objects instead of annotations.
# - The AWS controller maps a Gateway to the **existing service network with its name**, an HTTPRoute to a Lattice
#   service `route-namespace` with one listener per Gateway listener (default action **fixed 404**), and each
#   backend Service to an IP target group of **pod IPs**.
# - Pods have VPC addresses (VPC CNI) and carry the node's security groups: the cluster security group must allow
#   the managed prefix lists `com.amazonaws.<region>.vpc-lattice` (and `.ipv6.vpc-lattice`), or health checks fail
#   and Lattice answers 503.
# - The generated name resolves to link-local addresses and works only from VPCs associated with the service
#   network; a custom domain needs `hostnames[0]` at service creation **and** a DNS record (PHZ CNAME).
# - `AWS_IAM` auth denies by default; allow principals with an auth policy (`IAMAuthPolicy`); explicit deny wins.
# - Weights are probabilities per request; rule priority is **list order**, so put specific rules first.
# - Multi-cluster: `ServiceExport` makes a standalone target group; a `ServiceImport` backendRef in another cluster
#   forwards to it through the service network.
# - TLS passthrough: routed by SNI to a TCP target group, never decrypted — so auth policies see only anonymous
#   callers. Access logs: one record per request to CloudWatch Logs, S3 or Firehose. Security groups on a VPC
#   association decide which clients of that VPC reach the service network at all.
# - Lattice bills per service-hour, GB and request (300,000 requests per service-hour free); prices you have not
#   sourced are unknown, not guessed.
