# ---
# jupyter:
#   kernelspec: {display_name: Python 3, language: python, name: python3}
#   vpclab:
#     title: "Placement groups: cluster, partition, spread"
#     minutes: 50
#     objectives:
#       - "Explain what default placement does and does not promise about shared hardware"
#       - "Launch instances into cluster, partition and spread placement groups and read their placement back"
#       - "Hit each placement-group limit on purpose and read AWS's error"
#       - "Predict the blast radius of a rack failure for each strategy"
#       - "Choose the right strategy for an HPC job, a Kafka/Cassandra cluster and a few critical nodes"
# ---

# %% [markdown]
# # 06 · Placement groups: cluster, partition, spread
#
# **Time:** about 45 minutes. **Before this:** lab 01 (subnets and Availability Zones).
#
# By the end of this lab you will be able to:
# 1. explain what *default* placement does — and what it does not promise;
# 2. launch instances into **cluster**, **partition** and **spread** placement groups and read their placement back;
# 3. hit each limit on purpose and read AWS's error: burstable types in a cluster, a cluster in two AZs, more than
#    7 partitions, an 8th instance in a spread group, deleting a group that is still in use;
# 4. predict what a **rack failure** takes down under each strategy;
# 5. pick the right strategy for three workloads.
#
# An Availability Zone is one or more data centres; inside, your instances run on **hosts** (physical servers)
# mounted in **racks** that share power and a top-of-rack network switch. AWS never tells you which rack an instance
# is on. A placement group is how you *ask* for a relationship between your instances and that hardware.
#
# In the sandbox the placement group API is served by the course's fidelity layer (moto has none), with AWS's
# request and response shapes and its rules. Racks and hosts come from a small, deterministic **hardware model**
# (`lab_helpers.sim.hardware`) so you can fail a rack and watch who survives — a picture AWS cannot show you.

# %% tags=["parameters"]
MODE = None        # None -> $VPCLAB_MODE or "sandbox"; "live" uses your AWS account
REGION = None      # None -> us-east-1 in the sandbox; required in live mode
SOLUTIONS = False  # True fills in every exercise with the reference solution (the tests do)

# %%
import lab_helpers
from lab_helpers.teach import check, draw, predict
from lab_helpers.sim import hardware
from lab_helpers.sim.costs import pricing
from lab_helpers.teach.compute import launch

lab = lab_helpers.start_lab("06_placement_groups", mode=MODE, region=REGION)
ec2 = lab.client("ec2")
AZS = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"][:3]]
AZ_A, AZ_B, AZ_C = AZS

vpc_id = ec2.create_vpc(CidrBlock="10.6.0.0/16")["Vpc"]["VpcId"]
subnet = {az: ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.6.{i}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"]
          for i, az in enumerate(AZS, start=1)}
COMPUTE = "c5.large"  # for the cluster group: burstable (T) types are refused there
SMALL = "t2.micro"  # partition, spread and default placement accept burstable types: 1 vCPU keeps quotas happy
print("VPC", vpc_id, "with one subnet in each of", AZS)


def show_placement(instance_ids):
    """One line per instance: its AZ, placement group and partition, straight from describe_instances."""
    found = ec2.describe_instances(InstanceIds=list(instance_ids))["Reservations"]
    for inst in sorted((i for r in found for i in r["Instances"]), key=lambda i: i["InstanceId"]):
        p = inst["Placement"]
        print(f"  {inst['InstanceId']}  {p['AvailabilityZone']}  group={p.get('GroupName') or '-':<10} "
              f"partition={p.get('PartitionNumber', '-')}")

# %% [markdown]
# ## 1. Default placement
#
# Launch without a placement group and EC2 decides where your instances go. AWS says EC2 *attempts* to spread your
# instances across the underlying hardware to minimise correlated failures ([Placement groups for your Amazon EC2 instances](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/placement-groups.html)).
# The word that matters is *attempts*: it is a best effort, not a promise. Two of your instances can share a rack,
# and nothing in the API tells you whether they do.
#
# > **What is promised, and where.** Only a **spread** placement group *guarantees* each instance its own rack
# > (up to seven running per AZ — [Placement group rules and limitations](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/limitations-placement-groups.html)), and only
# > partition and spread groups let you *see* the separation (the partition number, the group). Default placement
# > gives you EC2's effort, no guarantee, and no visibility.
#
# The hardware model below plays default placement as a round-robin over a few shared racks. **Predict:** with
# eight instances and six shared racks, will every instance have a rack of its own? Write *yes* or *no*.

# %%
RACK_EACH_BY_DEFAULT = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    RACK_EACH_BY_DEFAULT = "no"
guess = predict.answer("eight default-placed instances on six racks each get a rack of their own",
                       RACK_EACH_BY_DEFAULT)

# %%
import matplotlib.pyplot as plt  # noqa: E402  (here, not in the first cell: ~0.4 s at start)
web = [launch(lab, subnet[AZ_A], f"web-{n}", instance_type=SMALL) for n in range(8)]
show_placement(web)
layout = hardware.layout(lab)
web_racks = {slot.rack for slot in layout if slot.instance_id in web}
predict.reveal(guess, "yes" if len(web_racks) == len(web) else "no")
draw.placement(layout)
plt.show()

# %% [markdown]
# No: two racks carry two web servers each. That is fine for a stateless web tier behind a load balancer, and
# a problem for three database replicas that must never fail together.
#
# ## 2. The three strategies
#
# | strategy | where instances go | limits | fits |
# |---|---|---|---|
# | **cluster** | packed close together in **one AZ**, often one rack | one AZ only; no burstable (T2/T3…) or Mac1 types ([Placement group rules and limitations](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/limitations-placement-groups.html)) | HPC / MPI jobs, tightly coupled computation: lowest latency, highest throughput (10 Gbps per flow inside the group vs 5 Gbps outside) |
# | **partition** | instances grouped into partitions; **partitions never share racks** | up to **7 partitions per AZ** ([Placement group rules and limitations](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/limitations-placement-groups.html)) | big replicated systems that understand racks: Kafka, Cassandra, HDFS/Hadoop, HBase |
# | **spread** | **every instance on its own rack** | up to **7 running instances per AZ** per group ([Placement group rules and limitations](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/limitations-placement-groups.html)); may span AZs | a handful of critical nodes: etcd/ZooKeeper quorums, primary + standby database |
#
# An instance is in at most one placement group at a time, and you can have 500 groups per Region.

# %% [markdown]
# ## 3. Cluster: close together, one blast radius
#
# Create a cluster group and launch three compute nodes into it.

# %%
ec2.create_placement_group(GroupName="hpc", Strategy="cluster")
hpc = [launch(lab, subnet[AZ_A], f"hpc-{n}", instance_type=COMPUTE, Placement={"GroupName": "hpc"})
       for n in range(3)]
show_placement(hpc)

# %% [markdown]
# ### Predict, then run
# Two tries that AWS refuses. Write down what you expect for each before running:
# 1. a `t3.micro` (burstable) into the cluster group;
# 2. one more `c5.large` — in **another** Availability Zone.

# %%
check.raises("A burstable t3.micro is refused by a cluster group",
             lambda: launch(lab, subnet[AZ_A], "hpc-cheap", instance_type="t3.micro",
                            Placement={"GroupName": "hpc"}))
check.raises("A cluster group lives in one AZ: a launch in another AZ is refused",
             lambda: launch(lab, subnet[AZ_B], "hpc-far", instance_type=COMPUTE, Placement={"GroupName": "hpc"}),
             code="InvalidPlacementGroup.InUse")

# %% [markdown]
# Read the messages above: the AZ one names the zone the group already lives in. (AWS documents
# `InvalidPlacementGroup.InUse` for the second case. For the limits — burstable types here, partitions and the spread
# group's seven below — it documents the rule but not the error code, so these checks accept any refusal; read the
# message.) A cluster group trades
# availability for speed — the next section shows the price.
#
# ## 4. Partition: racks you can name
#
# A partition group gives each partition its own racks. The instance's **partition number** is visible in
# `describe_instances` (and in the instance metadata), so rack-aware software — Kafka's `broker.rack`, Cassandra's
# rack setting, HDFS's topology script — can keep replicas of one piece of data in different partitions.
#
# **Predict:** the group below has 3 partitions and you launch 6 brokers without saying which partition. How many
# land in each? Write three numbers, for partitions 1, 2 and 3.

# %%
BROKERS_PER_PARTITION = None  # your prediction, e.g. (6, 0, 0)

if SOLUTIONS:
    BROKERS_PER_PARTITION = (2, 2, 2)
guess = predict.answer("brokers in partitions 1, 2, 3 when EC2 chooses", BROKERS_PER_PARTITION)

# %%
ec2.create_placement_group(GroupName="kafka", Strategy="partition", PartitionCount=3)
kafka = [launch(lab, subnet[AZ_A], f"kafka-{n}", instance_type=SMALL, Placement={"GroupName": "kafka"})
         for n in range(6)]
show_placement(kafka)
brokers = [i["Placement"].get("PartitionNumber") for r in ec2.describe_instances(InstanceIds=kafka)["Reservations"]
           for i in r["Instances"]]
predict.reveal(guess, [brokers.count(n) for n in (1, 2, 3)])

# %% [markdown]
# Two each: without a `PartitionNumber`, EC2 balances instances over the partitions. Now the limits.
# **Predict:** can you ask for 8 partitions? Can you launch into partition 4 of a 3-partition group? Write *yes* or
# *no* for each.

# %%
PARTITION_LIMITS = None  # your prediction, e.g. ("yes", "no") for 8 partitions, partition 4 of 3

if SOLUTIONS:
    PARTITION_LIMITS = ("no", "no")
guess = predict.answer("8 partitions in a group; a launch into partition 4 of 3", PARTITION_LIMITS)

# %%
eight = check.raises("More than 7 partitions per AZ is refused ([Placement group rules and limitations](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/limitations-placement-groups.html))",
             lambda: ec2.create_placement_group(GroupName="kafka-big", Strategy="partition", PartitionCount=8))
fourth = check.raises("Partition 4 of a 3-partition group does not exist",
                      lambda: launch(lab, subnet[AZ_A], "kafka-x", instance_type=SMALL,
                                     Placement={"GroupName": "kafka", "PartitionNumber": 4}))
predict.reveal(guess, ["no" if refused.passed else "yes" for refused in (eight, fourth)])

# %% [markdown]
# ## 5. Spread: one rack each, seven per AZ
#
# **Predict:** you launch seven instances into a spread group in one AZ. What happens to the eighth — in the same
# AZ, and in another AZ? Write *starts* or *refused* for each.

# %%
EIGHTH_SPREAD_NODE = None  # your prediction, e.g. ("starts", "refused") for the same AZ, another AZ

if SOLUTIONS:
    EIGHTH_SPREAD_NODE = ("refused", "starts")
guess = predict.answer("the eighth spread instance: in the same AZ, in another AZ", EIGHTH_SPREAD_NODE)

# %%
ec2.create_placement_group(GroupName="critical", Strategy="spread")
critical = [launch(lab, subnet[AZ_B], f"critical-{n}", instance_type=SMALL, Placement={"GroupName": "critical"})
            for n in range(7)]
same_az = check.raises("The 8th running instance of a spread group in one AZ is refused ([Placement group rules and limitations](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/limitations-placement-groups.html))",
             lambda: launch(lab, subnet[AZ_B], "critical-7", instance_type=SMALL, Placement={"GroupName": "critical"}))
critical.append(launch(lab, subnet[AZ_C], "critical-7", instance_type=SMALL, Placement={"GroupName": "critical"}))
show_placement(critical)
started = {i["Placement"]["AvailabilityZone"] for r in ec2.describe_instances(InstanceIds=critical)["Reservations"]
           for i in r["Instances"]}
predict.reveal(guess, ("refused" if same_az.passed else "starts", "starts" if AZ_C in started else "refused"))

# %% [markdown]
# The limit is per AZ: the eighth instance starts fine in another zone. If you need more than seven instances on
# distinct racks in one AZ, a spread group is the wrong tool — use a partition group (distinct racks per
# *partition*) or several spread groups.

# %% [markdown]
# ### Exercise 6.1 — a rack-aware Cassandra ring
# Write `build_cassandra(ec2, launch_node, subnet_id)`: create a **partition** group named `cassandra` with
# **3 partitions**, then start **one node in each partition, chosen explicitly** with `PartitionNumber`.
# Use `launch_node(name, placement)` to start a node (it wraps `launch` with this lab's subnet and type);
# `placement` is the `Placement` dict. Return the three instance ids in partition order.

# %%
def build_cassandra(ec2, launch_node, subnet_id):
    """Create partition group 'cassandra' (3 partitions) and one node per partition; return [id1, id2, id3]."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    build_cassandra = lab.solution("build_cassandra")

# %%
def launch_node(name, placement_):
    return launch(lab, subnet[AZ_C], name, instance_type=SMALL, Placement=placement_)


ring = check.run("Exercise 6.1 — three Cassandra nodes", build_cassandra, ec2, launch_node, subnet[AZ_C]) or []


def partitions_of(ids):
    found = ec2.describe_instances(InstanceIds=ids)["Reservations"] if ids else []
    return {i["InstanceId"]: i["Placement"].get("PartitionNumber") for r in found for i in r["Instances"]}


check.equal("The cassandra group has 3 partitions",
            lambda: ec2.describe_placement_groups(GroupNames=["cassandra"])["PlacementGroups"][0]["PartitionCount"], 3,
            hint="create_placement_group(GroupName='cassandra', Strategy='partition', PartitionCount=3)")
check.equal("One node in each partition, in order", lambda: [partitions_of(ring)[i] for i in ring], [1, 2, 3],
            hint="Pass Placement={'GroupName': 'cassandra', 'PartitionNumber': n} for n in 1, 2, 3.")

# %% [markdown]
# ## 6. Break it: fail a rack
#
# Here is the model's view of every instance now running. Columns are racks; colours are strategies.

# %%
layout = hardware.layout(lab)
draw.placement(layout)
plt.show()

# %% [markdown]
# ### Predict, then run
# One rack loses power. For each group — `hpc` (3 nodes), `kafka` (6 brokers in 3 partitions), `critical`
# (8 nodes) — how many instances go down if the failing rack is the one that holds (a) the first HPC node,
# (b) the first Kafka broker, (c) the first critical node? Write three numbers for each case.

# %%
LOST_PER_RACK_FAILURE = None  # your prediction, e.g. ((1, 1, 1), (1, 1, 1), (1, 1, 1)): hpc, kafka, critical lost

if SOLUTIONS:
    LOST_PER_RACK_FAILURE = ((3, 0, 0), (0, 2, 0), (0, 0, 1))
guess = predict.answer("hpc, kafka, critical instances lost when the rack of (a), (b), (c) fails",
                       LOST_PER_RACK_FAILURE)

# %%
def rack_of(instance_id):
    return next(s.rack for s in layout if s.instance_id == instance_id)


lost = []  # per failure: how many of hpc, kafka, critical went down
fig, axes = plt.subplots(1, 3, figsize=(16, 3.6))
for ax, (label, victim) in zip(axes, [("hpc", hpc[0]), ("kafka", kafka[0]), ("critical", critical[0])]):
    hit = hardware.fail(lab, rack=rack_of(victim), slots=layout)
    draw.failure(hit, ax=ax)
    ax.set_title(f"rack of the first {label} node fails", fontsize=9)
    print(hit, "\n")
    lost.append([sum(slot.group == group for slot in hit.lost) for group in ("hpc", "kafka", "critical")])
plt.show()
predict.reveal(guess, lost)

# %% [markdown]
# The cluster group loses **everything** at once: close together means one blast radius. The partition group
# loses **one partition** — a third of the brokers — and a Kafka topic with replicas in three partitions keeps
# serving. The spread group loses **one node**. That is what a quorum needs: an etcd cluster of five members placed
# on five of these racks keeps its quorum of three when one rack goes, and so does a three-member one (quorum two).
# An etcd cluster is sized in odd numbers; the eight instances here are just the group's capacity test (seven in one
# AZ, the eighth in another), not one cluster. Default placement sits somewhere in between, and you cannot know where.

# %% [markdown]
# ### Fix it: a group you no longer need
# **Predict:** can you delete the `hpc` group while its three nodes still run? Write *yes* or *no*.

# %%
DELETE_GROUP_IN_USE = None  # your prediction: "yes" or "no"

if SOLUTIONS:
    DELETE_GROUP_IN_USE = "no"
guess = predict.answer("delete the hpc group while its nodes run", DELETE_GROUP_IN_USE)

# %%
in_use = check.raises("A placement group that still has instances cannot be deleted",
                      lambda: ec2.delete_placement_group(GroupName="hpc"), code="InvalidPlacementGroup.InUse")
predict.reveal(guess, "no" if in_use.passed else "yes")
ec2.terminate_instances(InstanceIds=hpc)
ec2.get_waiter("instance_terminated").wait(InstanceIds=hpc, WaiterConfig={"Delay": 5, "MaxAttempts": 120})
ec2.delete_placement_group(GroupName="hpc")
check.that("After terminating its instances, the hpc group is gone",
           lambda: "hpc" not in [g["GroupName"] for g in ec2.describe_placement_groups()["PlacementGroups"]])

# %% [markdown]
# ### Break it and fix it: an incident
# A team's quorum service is stuck at launch. The next cell builds their VPC and placement group with ordinary API
# calls you do not see; you get their report. Find out why the launch fails (read the error), fix it without
# giving up one-rack-per-node, then run `incident.check()`. `incident.hint()` gives the next of three hints.

# %%
incident = lab.incident("spread-over-limit", solutions=SOLUTIONS)
incident

# %%
# Your diagnosis and fix go here, e.g. ec2.describe_placement_groups(GroupNames=[incident.resources["placement_group"]])

if SOLUTIONS:
    incident.solve()

# %%
incident.check()
incident.explain()
incident.close()  # their world goes: a new account holds five VPCs per Region

# %% [markdown]
# ### Exercise 6.2 — pick the strategy
# Return a dict mapping each scenario to `"cluster"`, `"partition"`, `"spread"` or `"default"`:
# - `"weather_simulation"`: 16 nodes exchanging MPI messages every millisecond;
# - `"kafka_cluster"`: 12 brokers, each topic replicated three times, brokers told their rack;
# - `"etcd_quorum"`: three etcd members of a Kubernetes control plane in one AZ — two failing together loses quorum.

# %%
def choose_strategies():
    """Return {"weather_simulation": ..., "kafka_cluster": ..., "etcd_quorum": ...}."""
    # YOUR CODE HERE
    raise NotImplementedError


if SOLUTIONS:
    choose_strategies = lab.solution("choose_strategies")

# %%
answer = check.run("Exercise 6.2 — strategies chosen", choose_strategies) or {}
check.equal("Tightly coupled HPC wants the lowest latency: cluster", lambda: answer["weather_simulation"], "cluster",
            hint="Which strategy puts nodes closest together, in one AZ?")
check.equal("Rack-aware replicated storage: partition", lambda: answer["kafka_cluster"], "partition",
            hint="12 brokers is more than a spread group's 7 per AZ, and Kafka can use partition numbers as racks.")
check.equal("A few critical nodes that must not fail together: spread", lambda: answer["etcd_quorum"], "spread",
            hint="Which strategy guarantees a distinct rack per instance?")

# %% [markdown]
# ## 7. What it costs in live mode
#
# AWS does not charge for placement groups; you pay for the instances in them. This course's price tables hold no
# EC2 instance prices, so the estimate shows them as *unknown* rather than as a guess. In a real account the lab
# runs 28 instances for a few minutes — 25 one-vCPU `t2.micro` and three two-vCPU `c5.large`, 31 vCPUs at the
# peak: if your account's On-Demand vCPU quota is lower, a launch fails with `VcpuLimitExceeded` — ask for a quota
# increase or run the lab in the sandbox. Cluster groups have one
# indirect cost worth knowing: launching all nodes in one rack can fail with `InsufficientInstanceCapacity` when the
# rack is full — launch the whole group in one request, and consider an On-Demand Capacity Reservation.

# %%
lab.estimate()

# %% [markdown]
# ## Cleanup
# Teardown terminates the instances first, then deletes the placement groups (a group in use cannot be deleted).

# %%
report = lab.teardown()

# %% [markdown]
# ## Key points
# - Default placement may spread your instances, but promises nothing; only a spread group guarantees distinct racks.
# - Cluster: one AZ, one rack's worth of blast radius, lowest latency — for HPC; no burstable types.
# - Partition: up to 7 partitions per AZ that never share racks; the partition number lets Kafka, Cassandra and HDFS
#   place replicas safely.
# - Spread: one rack per instance, at most 7 running instances per AZ per group; the 8th launch fails.
# - An instance is in one group at a time; a group with instances cannot be deleted.
# - Pick by failure model first: "what must not fail together?", then by latency.
