# ---
# jupyter:
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   vpclab:
#     title: "Start here: how the labs work"
#     minutes: 20
#     objectives:
#       - "Run a lab in the sandbox and say why it costs nothing and cannot touch a real account"
#       - "Explain what live mode does differently: consent, a region, tags, a ledger and teardown"
#       - "Read a check's ✅ or ❌ and use its hint"
#       - "Clean up a live run with lab.teardown() or `vpclab cleanup`"
# ---

# %% [markdown]
# # 00 · Start here: how the labs work
#
# **Time:** about 15 minutes. **You need:** nothing but this notebook.
#
# By the end of this lab you will be able to:
# 1. run a lab in the **sandbox** and say why it costs nothing and cannot touch a real account;
# 2. explain what **live mode** does differently — consent, a region, tags, a ledger and teardown;
# 3. read a **check** (✅ or ❌) and use its hint;
# 4. clean up after yourself with `lab.teardown()` or `vpclab cleanup`.
#
# Every lab in this course has the same shape: objectives, a parameters cell, short concept sections with a
# picture, *predict, then run* cells, exercises with automatic checks, a *break it and fix it* task, what the lab
# would cost in a real account, cleanup, and key points. Once you know this one, you know them all.

# %% [markdown]
# ## The parameters cell
#
# The next cell is tagged `parameters`. It holds the three switches every lab has. Leave them as they are to learn
# in the sandbox. The test suite (and `vpclab run`) replaces these values when it runs the notebook for you.

# %% tags=["parameters"]
MODE = None        # None -> $VPCLAB_MODE or "sandbox"; "live" uses your AWS account
REGION = None      # None -> us-east-1 in the sandbox; required in live mode
SOLUTIONS = False  # True fills in every exercise with the reference solution (the tests do)

# %% [markdown]
# ## Opening a lab
#
# `start_lab` gives you a `lab` object. Everything you do with AWS goes through `lab.client(...)`, which returns a
# normal **boto3** client. That one rule is what lets the same notebook run in two very different places:
#
# | | sandbox (default) | live |
# |---|---|---|
# | where the API calls go | [moto](https://github.com/getmoto/moto), inside this Python process | your AWS account |
# | cost | nothing | real money (each lab says how much) |
# | needs | nothing | `VPCLAB_LIVE_OK=yes`, a region, credentials |
# | what is faked | moto has no data plane, so `lab_helpers` adds one (traces, DNS, metadata…) | nothing |
#
# In the sandbox the lab also replaces your AWS credentials with fake ones while it is open, so even a typo cannot
# reach a real account.

# %%
import lab_helpers
from lab_helpers.teach import check

lab = lab_helpers.start_lab("00_start_here", mode=MODE, region=REGION)
ec2 = lab.client("ec2")
lab

# %% [markdown]
# ### Predict, then run
#
# A brand-new AWS account (and the sandbox) already has one VPC in every region. **Before you run the next cell,
# write down what you expect its CIDR block to be.** (Lab 01 explains why it exists.)

# %%
for vpc in ec2.describe_vpcs()["Vpcs"]:
    print(vpc["VpcId"], vpc["CidrBlock"], "default" if vpc["IsDefault"] else "")

# %% [markdown]
# It is `172.31.0.0/16`: AWS creates this *default VPC* for you so that a first instance can reach the internet
# without any network set-up. The labs build their own VPCs and leave this one alone.

# %% [markdown]
# ## Tags, the ledger and teardown
#
# Every resource you create through `lab.client()` gets two tags at the moment it is created:
# `vpclab:run = <run id>` and `vpclab:lab = <lab name>`. The lab also writes each one into a **ledger**. At the end
# `lab.teardown()` deletes everything in the ledger in dependency order (instances before subnets, subnets before
# VPCs…), then sweeps by tag for anything the ledger missed, and tells you if anything is left.
#
# Tagging at creation rather than afterwards matters in a real account: a kernel that crashes between "create" and
# "tag" would leave an untagged, billed resource that nothing can find.

# %%
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16",
                     TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "hello"}]}])["Vpc"]
print("tags on the new VPC:", {t["Key"]: t["Value"] for t in vpc["Tags"]})
print("ledger:", [(e.kind, e.resource_id) for e in lab.ledger.entries])

# %% [markdown]
# ## Checks
#
# Exercises end with a check. A check prints ✅ when it passes, or ❌ with **what it saw** and a **hint** — never a
# wall of traceback. Here is what a failed check looks like (this one is only displayed, not counted):

# %%
check.Result("The subnet is a /24", passed=False, detail="got '10.0.1.0/28'",
             hint="A /24 holds 256 addresses; pass CidrBlock='10.0.1.0/24'.")

# %% [markdown]
# ### Exercise 0.1 — your first check
#
# Create a subnet `10.0.1.0/24` in the VPC above (`vpc["VpcId"]`) and return its id. Replace the body of the
# function, then run the cell after it.

# %%
def create_first_subnet(ec2, vpc_id):
    """Create 10.0.1.0/24 in vpc_id and return the new subnet's id."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    create_first_subnet = lab.solution("create_first_subnet")

# %%
subnet_id = check.run("Exercise 0.1 — create a subnet", create_first_subnet, ec2, vpc["VpcId"])
check.equal("The subnet is 10.0.1.0/24",
            lambda: ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]["CidrBlock"], "10.0.1.0/24",
            hint="Call ec2.create_subnet(VpcId=vpc_id, CidrBlock='10.0.1.0/24') and return ['Subnet']['SubnetId'].")

# %% [markdown]
# ### Break it and fix it: AWS says no
#
# The sandbox does not just store whatever you send. Where moto would accept something AWS refuses, the labs'
# *fidelity layer* answers with AWS's own error. A subnet smaller than a /28 is one example — predict the error
# code before you run the cell.

# %%
check.raises("A /29 subnet is refused, as in AWS", lambda: ec2.create_subnet(VpcId=vpc["VpcId"],
                                                                             CidrBlock="10.0.2.0/29"),
             code="InvalidSubnet.Range")

# %% [markdown]
# ## What it costs in live mode
#
# Nothing in this lab bills: VPCs and subnets are free. Labs that create billed resources (NAT gateways, interface
# endpoints, Transit Gateway attachments) print the price before they create them in live mode, and
# `lab.estimate()` lists what is running and what it costs per hour.

# %%
lab.estimate()

# %% [markdown]
# ## Going live (optional, not now)
#
# To run a lab against your own account: set `MODE = "live"` and `REGION = "us-east-1"` (or any region) in the
# parameters cell, and give consent once with `export VPCLAB_LIVE_OK=yes` before starting Jupyter (or run
# `lab_helpers.confirm_live()` in a cell and click the button). The lab then prints the account id and region it
# will use. If a kernel dies before teardown, `vpclab cleanup --run-id <run id>` shows what is left (a dry run),
# and `vpclab cleanup --run-id <run id> --yes` deletes it.
#
# ## Cleanup

# %%
report = lab.teardown()

# %% [markdown]
# ## Key points
# - Every AWS call goes through `lab.client(...)`; the same notebook runs in the sandbox and in a real account.
# - The sandbox is moto in this process with fake credentials: no account, no cost, no traffic off this machine.
# - Live mode needs consent and a region, tags everything it creates, keeps a ledger, and tears it all down.
# - Checks show ✅ or ❌ with what they saw and a hint; fix the cell and run it again.
# - Where moto is more permissive than AWS, the labs answer with AWS's own error codes.
