# ---
# jupyter:
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   vpclab:
#     title: "Instance metadata (IMDS): v1, v2 and SSRF"
#     minutes: 60
#     objectives:
#       - "Read an instance's own metadata over HTTP and find its VPC, subnet and AZ there"
#       - "Perform the IMDSv2 token flow and explain each refusal (400, 401, 403)"
#       - "Show how an SSRF bug leaks instance credentials with IMDSv1 and why IMDSv2 stops it"
#       - "Enforce IMDSv2 on a running instance and at launch"
#       - "Set the hop limit so containers can use IMDSv2"
# ---

# %% [markdown]
# # 07 · Instance metadata (IMDS): v1, v2 and SSRF
#
# **Time:** about 40 minutes. **Before this:** lab 01.
#
# By the end of this lab you will be able to:
# 1. read an instance's own metadata over HTTP, and find its VPC, subnet and Availability Zone there;
# 2. run the **IMDSv2** token flow and explain each refusal — 400, 401, 403;
# 3. show how a server-side request forgery (**SSRF**) bug leaks an instance's credentials with IMDSv1, and why
#    IMDSv2 stops it;
# 4. enforce IMDSv2 on a running instance and at launch;
# 5. set the **hop limit** so containers can use IMDSv2.
#
# Every EC2 instance can ask a link-local web service, `http://169.254.169.254` (and `http://[fd00:ec2::254]` on
# Nitro instances with IPv6, [Access instance metadata for an EC2 instance](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html)), about itself: its id, type, addresses, network, and — if it has an IAM role
# — **temporary credentials for that role**. Nothing about this traffic crosses your VPC: the address answers only
# from inside the instance.
#
# Your notebook is not an EC2 instance, so the lab serves that instance's metadata on `127.0.0.1` instead
# (`lab.imds(instance_id)`), built from `describe_instances` on every request and enforcing the same rules. Wherever
# you see `base` below, read `http://169.254.169.254`. `imds.curl(...)` is a tiny `curl -i`.

# %% tags=["parameters"]
MODE = None        # None -> $VPCLAB_MODE or "sandbox"; "live" uses your AWS account
REGION = None      # None -> us-east-1 in the sandbox; required in live mode
SOLUTIONS = False  # True fills in every exercise with the reference solution (the tests do)

# %%
import contextlib
import json

import lab_helpers
from lab_helpers.teach import check, predict
from lab_helpers.sim import imds
from lab_helpers.teach.compute import launch

lab = lab_helpers.start_lab("07_instance_metadata", mode=MODE, region=REGION)
ec2 = lab.client("ec2")
AZ = ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
vpc_id = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.7.1.0/24", AvailabilityZone=AZ)["Subnet"]["SubnetId"]
# web-1 stands for an instance launched before its team moved to IMDSv2: tokens optional, hop limit 1, said
# explicitly — the course's AMI (Amazon Linux 2023) would otherwise launch it v2-only (section 4 shows why).
web = launch(lab, subnet_id, "web-1", MetadataOptions={"HttpTokens": "optional", "HttpPutResponseHopLimit": 1})
print("instance", web, "in", vpc_id, subnet_id)

# The instance's role is called web-app-role. The credentials IMDS serves for it are FAKE and say so.
servers = contextlib.ExitStack()
base = servers.enter_context(lab.imds(web, role="web-app-role"))
print("IMDS for", web, "answers at", base, "(read: http://169.254.169.254)")

# %% [markdown]
# ## 1. IMDSv1: just ask
#
# The metadata is a tree of plain-text files. A path ending in `/` lists a directory. With IMDSv1 a plain `GET` is
# enough — that simplicity is both the convenience and the problem.

# %%
print(imds.curl(base + "/latest/meta-data/"))
for item in ("instance-id", "instance-type", "local-ipv4", "placement/availability-zone"):
    print(f"{item:>28}: {imds.curl(base + '/latest/meta-data/' + item).body}")

# %% [markdown]
# ### Predict, then run
# Which VPC is this instance in? It has no AWS credentials of its own to call `describe_instances` — but it can ask
# IMDS. The network facts live under `network/interfaces/macs/<mac>/`. Guess the path: write the name of the item
# under it that holds the VPC id, then run.

# %%
VPC_ID_ITEM = None  # your prediction: an item name under network/interfaces/macs/<mac>/, e.g. "vpc"

if SOLUTIONS:
    VPC_ID_ITEM = "vpc-id"
guess = predict.answer("the IMDS item under macs/<mac>/ that holds the VPC id", VPC_ID_ITEM)

# %%
mac = imds.curl(base + "/latest/meta-data/mac").body
nic = base + f"/latest/meta-data/network/interfaces/macs/{mac}/"
listing = imds.curl(nic)
print(listing)
predict.reveal(guess, next((item for item in listing.body.split() if imds.curl(nic + item).body == vpc_id), None))
check.equal("IMDS knows the instance's VPC", lambda: imds.curl(nic + "vpc-id").body, vpc_id)
check.equal("... and its subnet", lambda: imds.curl(nic + "subnet-id").body, subnet_id)
print("public-ipv4:", imds.curl(base + "/latest/meta-data/public-ipv4"))

# %% [markdown]
# `public-ipv4` is **404**: the instance has no public address, so the item is simply absent ([Access instance metadata for an EC2 instance](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html) lists 404 for
# a missing item). Now the sensitive part: the role's credentials.

# %%
print(imds.curl(base + "/latest/meta-data/iam/security-credentials/"))
print(imds.curl(base + "/latest/meta-data/iam/security-credentials/web-app-role"))

# %% [markdown]
# Those keys (fake here, real on EC2) let whoever holds them act as `web-app-role` until they expire — from
# anywhere. Anything that can make the instance send one `GET` can read them.
#
# ## 2. SSRF: when your web app makes the request
#
# Many apps fetch a URL the user gives them: link previews, image proxies, webhooks, "import from URL". If the app
# does not restrict the URL, an attacker asks it to fetch **the metadata service** — a *server-side request forgery*.
# The app's request comes from the instance, so IMDS answers. This is how the 2019 Capital One breach worked.
#
# The cell below starts such an app on loopback: `/fetch?url=...` GETs the URL and returns the body.
#
# ### Predict, then run
# The attacker sends one request to the app. Will the credentials come back? Write *yes* or *no*.

# %%
SSRF_LEAKS_V1 = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    SSRF_LEAKS_V1 = "yes"
guess = predict.answer("one SSRF request returns the role's credentials under IMDSv1", SSRF_LEAKS_V1)

# %%
app = servers.enter_context(imds.vulnerable_fetcher())
stolen_url = base + "/latest/meta-data/iam/security-credentials/web-app-role"
leak = imds.curl(f"{app}/fetch?url={stolen_url}")
print(leak)
check.that("With IMDSv1 the SSRF bug leaks the role's credentials", lambda: imds.FAKE_LABEL in leak.body)
predict.reveal(guess, "yes" if imds.FAKE_LABEL in leak.body else "no")

# %% [markdown]
# ## 3. IMDSv2: a session token first
#
# IMDSv2 adds one step. Before any `GET`, the caller must `PUT /latest/api/token` with a header
# `X-aws-ec2-metadata-token-ttl-seconds` (1–21600), and then send the token it receives in
# `X-aws-ec2-metadata-token` ([How Instance Metadata Service Version 2 works](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-v2-how-it-works.html)). An SSRF bug almost never lets the attacker choose the **method** (PUT) and
# **headers**, so it cannot get a token. Two more defences: a token request carrying `X-Forwarded-For` (a sign it
# came through a proxy) is refused, and the token's reply leaves with an IP TTL of the *hop limit*, so it dies before
# it can be forwarded off the instance.

# %%
token_reply = imds.get_token(base, ttl=300)
print(token_reply)
token = token_reply.body
print(imds.curl(base + "/latest/meta-data/instance-id", headers={imds.TOKEN_HEADER: token}))

# %% [markdown]
# ### Predict, then run
# Write down the status code you expect for each, then run: (a) a token with TTL `0`; (b) a token request through a
# proxy (`X-Forwarded-For` set); (c) a `GET` with a made-up token.

# %%
THREE_STATUS_CODES = None  # your prediction, e.g. (200, 200, 200) for (a), (b), (c)

if SOLUTIONS:
    THREE_STATUS_CODES = (400, 403, 401)
guess = predict.answer("HTTP status: token TTL 0, proxied token request, made-up token", THREE_STATUS_CODES)

# %%
replies = [imds.get_token(base, ttl=0),
           imds.get_token(base, extra={"X-Forwarded-For": "203.0.113.50"}),
           imds.curl(base + "/latest/meta-data/instance-id", headers={imds.TOKEN_HEADER: "made-up"})]
for reply in replies:
    print(reply)
predict.reveal(guess, [reply.status for reply in replies])

# %% [markdown]
# 400 (bad TTL), 403 (proxied token request), 401 (wrong token). But IMDSv2 only *adds* a way in: while the
# instance's `HttpTokens` option is `optional` (the default for an AMI that does not ask for v2), a plain v1 `GET` still works — and so does the
# SSRF. You have to **require** tokens.

# %% [markdown]
# ### Exercise 7.1 — enforce IMDSv2
# Write `require_imdsv2(ec2, instance_id)`: change the running instance's metadata options so tokens are
# **required** and the endpoint stays **enabled**. One API call.

# %%
def require_imdsv2(ec2, instance_id):
    """Make IMDSv2 mandatory on instance_id (HttpTokens=required, HttpEndpoint=enabled)."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    require_imdsv2 = lab.solution("require_imdsv2")

# %%
check.run("Exercise 7.1 — IMDSv2 required", require_imdsv2, ec2, web)


def metadata_options(instance_id):
    return ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["MetadataOptions"]


check.equal("describe_instances shows HttpTokens=required", lambda: metadata_options(web)["HttpTokens"], "required",
            hint="ec2.modify_instance_metadata_options(InstanceId=..., HttpTokens='required', HttpEndpoint='enabled')")
check.equal("A v1 GET is now refused with 401", lambda: imds.curl(base + "/latest/meta-data/instance-id").status,
            401)
blocked = imds.curl(f"{app}/fetch?url={stolen_url}")
print(blocked)
check.that("The same SSRF attack no longer leaks anything", lambda: imds.FAKE_LABEL not in blocked.body)
fresh = imds.get_token(base).body
check.equal("Your own code, using the token flow, still works",
            lambda: imds.curl(base + "/latest/meta-data/instance-id", headers={imds.TOKEN_HEADER: fresh}).body, web)

# %% [markdown]
# The change took effect at once — no reboot. (This emulator reads the options on every request, as IMDS does.)
#
# ## 4. Containers and the hop limit
#
# A container on a Docker bridge network is **one hop further** from IMDS than the instance itself. The token's reply
# leaves IMDS with an IP TTL equal to `HttpPutResponseHopLimit` (range 1–64, [Configure the Instance Metadata Service options](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html)): with a
# limit of 1, crossing the bridge uses the one hop up, and the reply never reaches the container. The container's
# token request just hangs until it times out ([Instance metadata access considerations](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html#imds-considerations)).
#
# Which limit an instance starts with depends on its AMI. An AMI that does not ask for IMDSv2 launches with **1**.
# An AMI registered with `ImdsSupport="v2.0"` launches with `HttpTokens=required` **and a hop limit of 2**
# ([Configure the AMI](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html#configure-IMDS-new-instances-ami-configuration));
# the Amazon Linux 2023 AMIs are such AMIs ([Comparing AL2 and AL2023](https://docs.aws.amazon.com/linux/al2023/ug/compare-with-al2.html#imdsv2)). So on an
# AL2023-style instance the containers can already reach IMDS — and with it **the instance role's credentials**:
# every container on the host can act as the instance. The course launches from the latest AL2023 AMI; the cell
# below reads its `ImdsSupport` and launches one more instance without any `MetadataOptions`.
#
# The emulator cannot see your network, so a request says how far it comes from with a header: `X-Vpclab-Hops: 2`
# means "from a container on a bridge" (`imds.get_token(base, hops=2)`). When hops exceed the limit the emulator
# drops the reply, as the network would.
#
# %%
from lab_helpers.teach.compute import latest_ami

al2023 = ec2.describe_images(ImageIds=[latest_ami(lab)])["Images"][0]
print("AMI", al2023["ImageId"], al2023["Name"], "ImdsSupport:", al2023.get("ImdsSupport"))
worker = launch(lab, subnet_id, "worker-1")  # no MetadataOptions: the AMI decides
print("worker-1 got:", {k: metadata_options(worker)[k] for k in ("HttpTokens", "HttpPutResponseHopLimit")})
check.equal("An ImdsSupport=v2.0 AMI launches v2-only with a hop limit of 2",
            lambda: (metadata_options(worker)["HttpTokens"], metadata_options(worker)["HttpPutResponseHopLimit"]),
            ("required", 2))

# %% [markdown]
# ### Predict, then run
# `web` was launched with a hop limit of 1. Does a container on it get a token? Write *yes* or *no*.

# %%
CONTAINER_GETS_TOKEN = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    CONTAINER_GETS_TOKEN = "no"
guess = predict.answer("a container on web (hop limit 1) gets a token", CONTAINER_GETS_TOKEN)

# %%
print("from the instance: ", imds.get_token(base, hops=1).status)
from_container = imds.get_token(base, hops=2)
print("from a container:  ", from_container)
predict.reveal(guess, "yes" if from_container.ok else "no")

# %% [markdown]
# ### Exercise 7.2 — let containers in, keep v2 required
# Write `allow_containers(ec2, instance_id)`: raise the hop limit to **2**, keeping tokens required and the endpoint
# enabled. Read the [ModifyInstanceMetadataOptions API reference](https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceMetadataOptions.html)
# first: a field you leave out is not always kept. `HttpEndpoint` and `HttpPutResponseHopLimit` keep their current
# values ("the existing state is maintained"), but `HttpTokens` has a documented **default**: `required` for an
# instance of an `ImdsSupport="v2.0"` AMI when the account has no default (as for `web`), otherwise the account's
# default or `optional`. So whether a call that passes only the hop limit keeps IMDSv2 depends on things the call
# does not show. The safe call passes every field you mean.

# %%
def allow_containers(ec2, instance_id):
    """Set HttpPutResponseHopLimit to 2 on instance_id."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    allow_containers = lab.solution("allow_containers")

# %%
check.run("Exercise 7.2 — hop limit 2", allow_containers, ec2, web)
check.equal("The hop limit is 2", lambda: metadata_options(web)["HttpPutResponseHopLimit"], 2,
            hint="modify_instance_metadata_options(InstanceId=..., HttpPutResponseHopLimit=2)")
check.that("A container (2 hops) now gets a token", lambda: imds.get_token(base, hops=2).ok)
check.equal("... and IMDSv2 is still required", lambda: metadata_options(web)["HttpTokens"], "required",
            hint="a call without HttpTokens sets its default (optional): pass HttpTokens='required' as well.")

# %% [markdown]
# The same one-field call on an instance whose AMI does not ask for v2 (Amazon Linux 2 here) shows the default at
# work: the instance had tokens required, and afterwards it has not.

# %%
al2 = lab.client("ssm").get_parameter(Name="/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2")
legacy = ec2.run_instances(ImageId=al2["Parameter"]["Value"], InstanceType="t3.micro", MinCount=1, MaxCount=1,
                           SubnetId=subnet_id, MetadataOptions={"HttpTokens": "required"})["Instances"][0]["InstanceId"]
ec2.modify_instance_metadata_options(InstanceId=legacy, HttpPutResponseHopLimit=2)  # HttpTokens left out
print("after the one-field call:", {k: metadata_options(legacy)[k] for k in ("HttpTokens", "HttpPutResponseHopLimit")})
check.equal("HttpTokens left out took its default", lambda: metadata_options(legacy)["HttpTokens"], "optional")

# %% [markdown]
# Why not 64? Each extra hop lets the token travel further — a hop limit of 2 is enough for a bridge network, and
# a container on the host network (`--network host`) needs only 1. And 2 is a choice, not a free fix: it hands the
# instance role to every container on the host. On Amazon EKS, AWS's guidance is the opposite — require IMDSv2 with
# a hop limit of **1** on the nodes, so pods cannot reach the node's role, and give each pod its own role with EKS
# Pod Identity or IAM roles for service accounts ([EKS best practices: identity and access management](https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html),
# [EKS Pod Identity](https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html)).
#
# ## 5. Break it and fix it: an incident on another instance
#
# A hardening script ran on another team's instance, and their agent broke. The next cell builds that instance
# and applies the script's change with ordinary API calls you do not see; you get the agent's complaint. Serve its
# metadata with `with lab.imds(instance_id) as base:` and read what it answers (`imds.get_token`, `imds.curl`), read
# `MetadataOptions` with `describe_instances`, fix it, then `incident.check()`. Switching IMDSv2 off is not a fix
# and is refused: the right hardening is *v2 required*, not *off* ([How Instance Metadata Service Version 2 works](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-v2-how-it-works.html)). `incident.hint()` gives the next of
# three hints; `incident.explain()` opens after a ✅.

# %%
incident = lab.incident("imds-endpoint-disabled", solutions=SOLUTIONS)
incident

# %%
# Your diagnosis and fix go here, e.g.
# with lab.imds(incident.resources["instance"]) as other: print(imds.get_token(other))

if SOLUTIONS:
    incident.solve()

# %%
incident.check()
incident.explain()
incident.close()  # their world goes: a new account holds five VPCs per Region

# %%
token = imds.get_token(base).body  # back to this lab's instance: a fresh token for the next section

# %% [markdown]
# ## 6. Tags in the metadata, and IMDSv2 from launch
#
# Instance tags can be read from IMDS under `tags/instance/` — but only when the instance's
# `InstanceMetadataTags` option is `enabled` (off by default, [Instance metadata categories](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-categories.html)).

# %%
print(imds.curl(base + "/latest/meta-data/tags/instance/Name", headers={imds.TOKEN_HEADER: token}).status)
ec2.modify_instance_metadata_options(InstanceId=web, InstanceMetadataTags="enabled")
print(imds.curl(base + "/latest/meta-data/tags/instance/Name", headers={imds.TOKEN_HEADER: token}))

# %% [markdown]
# ### Exercise 7.3 — secure from the first boot
# Fixing instances after launch leaves a window. Write `launch_v2_only(launch, subnet_id)`: start an instance named
# `api-1` whose metadata options, **at launch**, require tokens with a hop limit of 2. `launch(name, **extra)` passes
# `extra` straight to `run_instances`. Return the instance id.

# %%
def launch_v2_only(launch, subnet_id):
    """Launch 'api-1' with MetadataOptions requiring IMDSv2 and hop limit 2; return its id."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    launch_v2_only = lab.solution("launch_v2_only")

# %%
def launch_named(name, **extra):
    return launch(lab, subnet_id, name, **extra)


api = check.run("Exercise 7.3 — launched with IMDSv2 required", launch_v2_only, launch_named, subnet_id)
check.equal("api-1 requires tokens and allows 2 hops from its first boot",
            lambda: (metadata_options(api)["HttpTokens"], metadata_options(api)["HttpPutResponseHopLimit"]),
            ("required", 2),
            hint="run_instances(..., MetadataOptions={'HttpTokens': 'required', 'HttpPutResponseHopLimit': 2})")

# %% [markdown]
# **Account-level defaults.** Instead of remembering `MetadataOptions` on every launch, an account can set
# Region-wide defaults for new instances with `modify_instance_metadata_defaults` and read them with
# `get_instance_metadata_defaults`. The [order of precedence](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html#instance-metadata-options-order-of-precedence)
# for a field the launch leaves out, highest first: the launch's own options (and a launch template's); then these
# **account defaults**; then the AMI's `ImdsSupport`; then AWS's built-in values. The account beats the AMI: the
# [InstanceMetadataOptionsRequest reference](https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceMetadataOptionsRequest.html)
# says an AMI at `v2.0` gives `required` only when the account default has no preference, and `optional` when the
# account default is "V1 or V2" (tokens optional). An organisation can also lock IMDSv2 in for every account with a
# declarative policy.
#
# moto lacks both calls, so the course's fidelity layer serves them in the sandbox. In a real account this is an
# account-wide setting: the cell below saves the current defaults and puts them back when it is done.
#
# **Predict:** with the account default set to "tokens required", does an instance launched *without*
# `MetadataOptions` accept a v1 `GET`? Write *yes* or *no*.

# %%
V1_GET_UNDER_REQUIRED_DEFAULT = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    V1_GET_UNDER_REQUIRED_DEFAULT = "no"
guess = predict.answer("an instance launched under a 'tokens required' account default accepts a v1 GET",
                       V1_GET_UNDER_REQUIRED_DEFAULT)

# %%
saved = ec2.get_instance_metadata_defaults()["AccountLevel"]
ec2.modify_instance_metadata_defaults(HttpTokens="required", HttpPutResponseHopLimit=2)
print("account defaults now:", ec2.get_instance_metadata_defaults()["AccountLevel"])
batch = launch(lab, subnet_id, "batch-1")  # no MetadataOptions at all
print("batch-1 got:", {k: metadata_options(batch)[k] for k in ("HttpTokens", "HttpPutResponseHopLimit")})
with lab.imds(batch) as batch_base:
    v1_get = imds.curl(batch_base + "/latest/meta-data/instance-id")
    print(v1_get)
predict.reveal(guess, "yes" if v1_get.ok else "no")
# Put the account back as it was: every field we changed returns to its saved value, or to "no preference".
ec2.modify_instance_metadata_defaults(HttpTokens=saved.get("HttpTokens", "no-preference"),
                                      HttpPutResponseHopLimit=saved.get("HttpPutResponseHopLimit", -1))
check.equal("batch-1 inherited 'tokens required' from the account default",
            lambda: metadata_options(batch)["HttpTokens"], "required")

# %% [markdown]
# **Predict:** now set the account default to *tokens optional* and launch, without `MetadataOptions`, from the
# `ImdsSupport="v2.0"` AMI of section 4. Which wins — the AMI's `required`, or the account's `optional`? Write the
# `HttpTokens` value you expect worker-2 to get.

# %%
WORKER2_HTTP_TOKENS = None  # your prediction: "required" or "optional"

if SOLUTIONS:
    WORKER2_HTTP_TOKENS = "optional"
guess = predict.answer("worker-2's HttpTokens: AMI says required, account default says optional",
                       WORKER2_HTTP_TOKENS)

# %%
ec2.modify_instance_metadata_defaults(HttpTokens="optional")
late = launch(lab, subnet_id, "worker-2")
print("worker-2 got:", {k: metadata_options(late)[k] for k in ("HttpTokens", "HttpPutResponseHopLimit")})
ec2.modify_instance_metadata_defaults(HttpTokens=saved.get("HttpTokens", "no-preference"))
predict.reveal(guess, metadata_options(late)["HttpTokens"])
check.equal("The account default beat the AMI's ImdsSupport", lambda: metadata_options(late)["HttpTokens"], "optional")

# %% [markdown]
# ## 7. What it costs in live mode
#
# The metadata service is free; this lab bills only its instances (EC2 prices are not in the course's price tables,
# so they show as *unknown*).

# %%
lab.estimate()

# %% [markdown]
# ## Cleanup

# %%
servers.close()  # stops the loopback IMDS and the vulnerable app
report = lab.teardown()

# %% [markdown]
# ## Key points
# - IMDS at 169.254.169.254 tells an instance about itself — including temporary credentials for its IAM role.
# - IMDSv1 answers any GET from the instance, so an SSRF bug in any app on it can leak those credentials.
# - IMDSv2 needs a PUT for a session token (TTL 1–21600 s) sent back as a header; proxied token requests are refused.
# - Only `HttpTokens=required` turns v1 off: 401 without a token. `HttpEndpoint=disabled` means 403 for everything.
# - Containers on a bridge are one hop further: a hop limit of 2 lets them in — and gives them the instance role.
#   `ImdsSupport=v2.0` AMIs (AL2023) start at 2; on EKS prefer hop limit 1 plus Pod Identity or IRSA.
# - `ModifyInstanceMetadataOptions` keeps the endpoint and hop limit you leave out, but `HttpTokens` left out takes
#   its default: pass every field you mean.
# - Enforce v2 from launch: launch options beat account defaults, which beat the AMI's `ImdsSupport`.
