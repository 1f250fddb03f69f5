# ---
# jupyter:
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   vpclab:
#     title: "On call: six incidents"
#     minutes: 45
#     objectives:
#       - "Diagnose a network fault from a user's report alone, with lab.trace, lab.resolve, lab.imds and describe calls"
#       - "Read VPC Flow Logs to tell where traffic is rejected"
#       - "Fix the one rule, route or setting that is wrong, without opening everything"
#       - "Work against the clock, and read your score: solved, hints, minutes, over-broad fixes refused"
# ---

# %% [markdown]
# # 10 · On call: six incidents
#
# **Time:** about 45 minutes. **Before this:** labs 01–07.
#
# You are on call. Six tickets arrive, one after another, from six different parts of the course: routing, NAT,
# endpoints, peering and Transit Gateway, DNS, placement, instance metadata. Each ticket is a small world that
# helper code built and broke with ordinary AWS API calls you do not see; you get only what the user reported and
# the ids you may need. The clock runs from the first ticket.
#
# For every ticket:
#
# 1. read the symptom and the resources;
# 2. diagnose with the tools of the course: `lab.trace(source, destination, port)`, `lab.resolve(name, vpc)`,
#    `with lab.imds(instance) as base:`, the flow logs some tickets come with, and describe calls;
# 3. make **one targeted fix** with boto3;
# 4. run `incident.check()`. It is ✅ only when the symptom is gone, nothing that worked before broke, and the fix
#    was not over-broad — opening every port to `0.0.0.0/0`, replacing a network ACL with an allow-all one,
#    switching IMDSv2 off or routing a private subnet to the internet gateway is refused, and counted.
#
# `incident.hint()` gives the next of three hints (they count too); `incident.explain()` names the fault, the AWS
# rule and its documentation once you have a ✅. Move on when you are stuck: an unsolved ticket costs less than a
# lost shift. At the end, `shift.score()` records your result in the progress file (`vpclab progress` shows it).
#
# An instructor gives the whole class the same six tickets with `vpclab instructor 10 --seed N` (the copies carry
# `SEED = N`); with `SEED = None` every learner gets a shift of their own.

# %% tags=["parameters"]
MODE = None        # None -> $VPCLAB_MODE or "sandbox"; "live" uses your AWS account
REGION = None      # None -> us-east-1 in the sandbox; required in live mode
SOLUTIONS = False  # True fills in every exercise with the reference solution (the tests do)
SEED = None        # the shift's seed: the same seed gives the same six incidents

# %%
import lab_helpers
from lab_helpers.lessons.incidents.oncall import Shift
from lab_helpers.sim import flowlogs  # noqa: F401  (for your diagnosis: flowlogs.read, flowlogs.talkers)
from lab_helpers.sim import imds  # noqa: F401  (imds.get_token, imds.curl)
from lab_helpers.teach import check

lab = lab_helpers.start_lab("10_on_call", mode=MODE, region=REGION)
ec2 = lab.client("ec2")
shift = Shift(lab, seed=SEED, solutions=SOLUTIONS)
shift

# %% [markdown]
# ## Ticket 1

# %%
incident = shift.next()
incident

# %%
# Diagnose and fix ticket 1 here.

if SOLUTIONS:
    incident.solve()

# %%
incident.check()

# %% [markdown]
# ## Ticket 2

# %%
incident = shift.next()
incident

# %%
# Diagnose and fix ticket 2 here.

if SOLUTIONS:
    incident.solve()

# %%
incident.check()

# %% [markdown]
# ## Ticket 3

# %%
incident = shift.next()
incident

# %%
# Diagnose and fix ticket 3 here.

if SOLUTIONS:
    incident.solve()

# %%
incident.check()

# %% [markdown]
# ## Ticket 4

# %%
incident = shift.next()
incident

# %%
# Diagnose and fix ticket 4 here.

if SOLUTIONS:
    incident.solve()

# %%
incident.check()

# %% [markdown]
# ## Ticket 5

# %%
incident = shift.next()
incident

# %%
# Diagnose and fix ticket 5 here.

if SOLUTIONS:
    incident.solve()

# %%
incident.check()

# %% [markdown]
# ## Ticket 6

# %%
incident = shift.next()
incident

# %%
# Diagnose and fix ticket 6 here.

if SOLUTIONS:
    incident.solve()

# %%
incident.check()

# %% [markdown]
# ## End of the shift

# %%
score = shift.score()
score

# %%
check.that("Every ticket of the shift was handed out", len(shift.handed) == len(shift.kinds),
           hint="Run each ticket's cells, in order.");

# %% [markdown]
# ## Clean up

# %%
lab.teardown()

# %% [markdown]
# ## Key points
# - Start from the symptom and prove each guess with a tool: a trace names the hop and the rule that decided, a
#   resolve lists its steps, flow logs show where packets were rejected.
# - A security group drop is one REJECT; a network ACL can ACCEPT a request and REJECT its reply.
# - Fix the one thing that is wrong. Opening everything makes the symptom go away and the next incident worse.
# - Check what worked before: a fix that breaks another tier is not a fix.
# - `incident.explain()` links the AWS documentation for each fault: read it after every ✅.
