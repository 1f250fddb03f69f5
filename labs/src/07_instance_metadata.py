# ---
# jupyter:
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   vpclab:
#     title: "Instance metadata (IMDS): v1, v2 and SSRF"
#     minutes: 40
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
# Nitro instances with IPv6, rule 64), about itself: its id, type, addresses, network, and — if it has an IAM role
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
from lab_helpers.teach import check
from lab_helpers.sim import imds
from lab_helpers.teach.compute import launch

lab = lab_helpers.start_lab("07_instance_metadata", mode=MODE, region=REGION)
ec2 = lab.client("ec2")
AZ = ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
vpc_id = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.7.1.0/24", AvailabilityZone=AZ)["Subnet"]["SubnetId"]
web = launch(lab, subnet_id, "web-1")
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
# IMDS. The network facts live under `network/interfaces/macs/<mac>/`. Guess the path, then run.

# %%
mac = imds.curl(base + "/latest/meta-data/mac").body
nic = base + f"/latest/meta-data/network/interfaces/macs/{mac}/"
print(imds.curl(nic))
check.equal("IMDS knows the instance's VPC", lambda: imds.curl(nic + "vpc-id").body, vpc_id)
check.equal("... and its subnet", lambda: imds.curl(nic + "subnet-id").body, subnet_id)
print("public-ipv4:", imds.curl(base + "/latest/meta-data/public-ipv4"))

# %% [markdown]
# `public-ipv4` is **404**: the instance has no public address, so the item is simply absent (rule 66 lists 404 for
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
# The attacker sends one request to the app. Will the credentials come back?

# %%
app = servers.enter_context(imds.vulnerable_fetcher())
stolen_url = base + "/latest/meta-data/iam/security-credentials/web-app-role"
leak = imds.curl(f"{app}/fetch?url={stolen_url}")
print(leak)
check.that("With IMDSv1 the SSRF bug leaks the role's credentials", lambda: imds.FAKE_LABEL in leak.body)

# %% [markdown]
# ## 3. IMDSv2: a session token first
#
# IMDSv2 adds one step. Before any `GET`, the caller must `PUT /latest/api/token` with a header
# `X-aws-ec2-metadata-token-ttl-seconds` (1–21600), and then send the token it receives in
# `X-aws-ec2-metadata-token` (rule 65). An SSRF bug almost never lets the attacker choose the **method** (PUT) and
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
print(imds.get_token(base, ttl=0))
print(imds.get_token(base, extra={"X-Forwarded-For": "203.0.113.50"}))
print(imds.curl(base + "/latest/meta-data/instance-id", headers={imds.TOKEN_HEADER: "made-up"}))

# %% [markdown]
# 400 (bad TTL), 403 (proxied token request), 401 (wrong token). But IMDSv2 only *adds* a way in: while the
# instance's `HttpTokens` option is `optional` (the old default), a plain v1 `GET` still works — and so does the
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
# leaves IMDS with an IP TTL equal to `HttpPutResponseHopLimit` (default **1**, range 1–64, rule 67): crossing the
# bridge uses the one hop up, and the reply never reaches the container. The container's token request just hangs
# until it times out.
#
# The emulator cannot see your network, so a request says how far it comes from with a header: `X-Vpclab-Hops: 2`
# means "from a container on a bridge" (`imds.get_token(base, hops=2)`). When hops exceed the limit the emulator
# drops the reply, as the network would.
#
# ### Predict, then run
# With the default hop limit, does the container get a token?

# %%
print("from the instance: ", imds.get_token(base, hops=1).status)
print("from a container:  ", imds.get_token(base, hops=2))

# %% [markdown]
# ### Exercise 7.2 — let containers in, keep v2 required
# Write `allow_containers(ec2, instance_id)`: raise the hop limit to **2**. Change only the hop limit: AWS keeps
# every option you do not pass (so `HttpTokens=required` stays).

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
            hint="Exercise 7.1 sets it; changing the hop limit alone must not undo it.")

# %% [markdown]
# Why not 64? Each extra hop lets the token travel further — a hop limit of 2 is enough for a bridge network, and
# a container on the host network (`--network host`) needs only 1.
#
# ## 5. Break it and fix it: an incident on another instance
#
# A hardening script ran on another team's instance, and their agent broke. The next cell builds that instance
# and applies the script's change with ordinary API calls you do not see; you get the agent's complaint. Serve its
# metadata with `with lab.imds(instance_id) as base:` and read what it answers (`imds.get_token`, `imds.curl`), read
# `MetadataOptions` with `describe_instances`, fix it, then `incident.check()`. Switching IMDSv2 off is not a fix
# and is refused: the right hardening is *v2 required*, not *off* (rule 66). `incident.hint()` gives the next of
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

# %%
token = imds.get_token(base).body  # back to this lab's instance: a fresh token for the next section

# %% [markdown]
# ## 6. Tags in the metadata, and IMDSv2 from launch
#
# Instance tags can be read from IMDS under `tags/instance/` — but only when the instance's
# `InstanceMetadataTags` option is `enabled` (off by default, rule 68).

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
# `get_instance_metadata_defaults`. A launch's own options (and a launch template's) win; then an AMI registered
# with `ImdsSupport="v2.0"`; then these account defaults; then AWS's built-in ones. An organisation can also lock
# IMDSv2 in for every account with a declarative policy.
#
# moto lacks both calls, so the course's fidelity layer serves them in the sandbox. In a real account this is an
# account-wide setting: the cell below saves the current defaults and puts them back when it is done.
#
# **Predict:** with the account default set to "tokens required", does an instance launched *without*
# `MetadataOptions` accept a v1 `GET`?

# %%
saved = ec2.get_instance_metadata_defaults()["AccountLevel"]
ec2.modify_instance_metadata_defaults(HttpTokens="required", HttpPutResponseHopLimit=2)
print("account defaults now:", ec2.get_instance_metadata_defaults()["AccountLevel"])
batch = launch(lab, subnet_id, "batch-1")  # no MetadataOptions at all
print("batch-1 got:", {k: metadata_options(batch)[k] for k in ("HttpTokens", "HttpPutResponseHopLimit")})
with lab.imds(batch) as batch_base:
    print(imds.curl(batch_base + "/latest/meta-data/instance-id"))
# Put the account back as it was: every field we changed returns to its saved value, or to "no preference".
ec2.modify_instance_metadata_defaults(HttpTokens=saved.get("HttpTokens", "no-preference"),
                                      HttpPutResponseHopLimit=saved.get("HttpPutResponseHopLimit", -1))
check.equal("batch-1 inherited 'tokens required' from the account default",
            lambda: metadata_options(batch)["HttpTokens"], "required")

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
# - Containers on a bridge are one hop further: set the hop limit to 2 (changing only it keeps the other options).
# - Enforce v2 from launch (MetadataOptions, AMI ImdsSupport, account defaults), not after.
