"""VPC Flow Logs of ``lab.http`` requests through VPC Lattice, field by field against AWS's default format.

The format (https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html): ``version account-id
interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status``, one record per
flow per network interface. Lattice sends to targets from its managed prefix list (169.254.171.0/24 among them) and
the target's security groups decide that inbound traffic, health checks included
(https://docs.aws.amazon.com/vpc-lattice/latest/ug/security-groups.html). A pod's address is a secondary IP of its
node's interface, so the node's interface logs the pod's flows with the pod's IP.
"""
from __future__ import annotations

import ipaddress
import re

from lattice_world import SEMINAR, allow_lattice, build_world

from lab_helpers.sim import flowlogs
from lab_helpers.sim import k8s as lattice
from lab_helpers.sim.k8s import health
from lab_helpers.sim.k8s.lattice_names import link_local_address
from lab_helpers.teach.compute import launch

ROLE = "arn:aws:iam::123456789012:role/flow-logs"
LINK_LOCAL = ipaddress.ip_network("169.254.171.0/24")


def flow_log(lab, *resources, kind="VPC", group="flows"):
    lab.client("ec2").create_flow_logs(ResourceIds=list(resources), ResourceType=kind, TrafficType="ALL",
                                       LogGroupName=group, DeliverLogsPermissionArn=ROLE)


def lines(lab, stream, group="flows"):
    """The raw messages of one interface's log stream, split into AWS's 14 fields (not through our parser)."""
    events = lab.client("logs").filter_log_events(logGroupName=group, logStreamNames=[stream])["events"]
    out = []
    for event in events:
        fields = event["message"].split(" ")
        assert len(fields) == 14, event["message"]
        version, account, eni, src, dst, sport, dport, proto, packets, size, start, end, action, status = fields
        assert version == "2" and re.fullmatch(r"\d{12}", account) and eni == stream
        ipaddress.ip_address(src), ipaddress.ip_address(dst)
        assert 1 <= int(sport) <= 65535 and 1 <= int(dport) <= 65535 and proto == "6"  # 6: TCP (IANA)
        assert int(packets) > 0 and int(size) > 0 and int(start) <= int(end) and int(end) - int(start) <= 600
        assert action in ("ACCEPT", "REJECT") and status == "OK"
        out.append(fields)
    return out


def client_instance(world):
    ec2 = world.lab.client("ec2")
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [world.client_vpc]}])["Subnets"][0]
    instance = launch(world.lab, subnet["SubnetId"], "lattice-client")
    found = ec2.describe_instances(InstanceIds=[instance])["Reservations"][0]["Instances"][0]
    return found["NetworkInterfaces"][0]["NetworkInterfaceId"], found["PrivateIpAddress"]


def service_address(world):
    """The service's link-local address, as the client VPC's DNS answers (the first hop of lab.http)."""
    lat = world.lab.client("vpc-lattice")
    svc = next(s for s in lat.list_services()["items"] if s["dnsEntry"]["domainName"] == world.domain)
    address = link_local_address(svc["id"], world.lab.region)
    assert ipaddress.ip_address(address) in LINK_LOCAL
    return address


def pod_named(lab, name):
    return next(p for p in lattice.kubectl_get(lab, "pods") if p.name == name)


def prefix_list_cidrs(lab):
    pl = lattice.lattice_prefix_list(lab)
    entries = lab.client("ec2").get_managed_prefix_list_entries(PrefixListId=pl["PrefixListId"])["Entries"]
    return [ipaddress.ip_network(e["Cidr"]) for e in entries]


def test_accepted_request_is_logged_on_the_client_and_on_the_pods_node(world):
    lab = world.lab
    client_eni, client_ip = client_instance(world)
    flow_log(lab, world.client_vpc, world.eks_vpc)
    r = world.get("/v1/health", source=client_ip)
    assert r.status == 200
    request, reply = lines(lab, client_eni)
    address = service_address(world)
    assert (request[3], request[4], request[6], request[12]) == (client_ip, address, "80", "ACCEPT")
    assert (reply[3], reply[4], reply[5], reply[6], reply[12]) == (address, client_ip, "80", request[5], "ACCEPT")
    assert int(request[5]) >= 1024  # the client's ephemeral port
    pod = pod_named(lab, r.target)
    to_pod, from_pod = lines(lab, pod.node.eni_id)
    assert (to_pod[4], to_pod[6], to_pod[12]) == (pod.ip, "3000", "ACCEPT")
    assert (from_pod[3], from_pod[4], from_pod[5], from_pod[6], from_pod[12]) == (
        pod.ip, to_pod[3], "3000", to_pod[5], "ACCEPT")  # the same Lattice address and port both ways
    assert any(ipaddress.ip_address(to_pod[3]) in cidr for cidr in prefix_list_cidrs(lab))
    assert ipaddress.ip_address(to_pod[3]) in LINK_LOCAL
    assert int(from_pod[9]) > len(r.body)  # the reply carries the body


def test_cluster_sg_without_the_prefix_list_rejects_health_checks_on_the_node(lab):
    w = build_world(lab, fix_sg=False)
    flow_log(lab, w.eks_vpc)
    r = w.get("/v1/health")
    assert r.status == 503 and "Target.Timeout" in r.hops[-1].detail
    pods = [p for p in lattice.kubectl_get(lab, "pods") if p.deployment == "demo-app-a"]
    for node in {p.node.eni_id for p in pods}:
        recs = lines(lab, node)
        ips = {p.ip for p in pods if p.node.eni_id == node}
        assert recs and all(f[12] == "REJECT" and f[4] in ips and f[6] == "3000" for f in recs)
        assert all(ipaddress.ip_address(f[3]) in LINK_LOCAL for f in recs)
        assert not any(f[3] in ips for f in recs)  # dropped on the way in: no reply record
    assert {p.ip for p in pods} <= {f[4] for n in {p.node.eni_id for p in pods} for f in lines(lab, n)}
    w.get("/v1/health")  # another call, another health-check interval: its rejections too
    top = flowlogs.talkers(flowlogs.read(lab, log_group="flows"), by="srcaddr", action="REJECT")
    assert len(top) == 1 and ipaddress.ip_address(top[0].address) in LINK_LOCAL
    assert top[0].flows == 2 * len(pods)


def test_healthy_target_whose_sg_does_not_admit_the_traffic_port_logs_one_reject(lab):
    """Health checks on 8080 (allowed), traffic on 3000 (not): the target is healthy, the request is dropped."""
    w = build_world(lab, fix_sg=False)
    allow_lattice(lab, w.cluster.security_group_id, port=8080)
    policy = open(next(p for p in SEMINAR if "03-" in p)).read().replace("port: 3000", "port: 8080")
    lab.kubectl_apply(policy, cluster="eks-demo")
    pods = [p for p in lattice.kubectl_get(lab, "pods") if p.deployment == "demo-app-a"]
    for pod in pods:  # a health endpoint on a second port, as a sidecar would serve
        lab.shim_state[health.HOSTS_KEY][(pod.ip, 8080)] = lambda method, path, headers: (200, "ok", {})
    flow_log(lab, w.eks_vpc)
    r = w.get("/v1/health")
    assert r.status == 504 and r.hops[-1].step == "security group" and not r.hops[-1].ok
    chosen = [f for p in pods for f in lines(lab, p.node.eni_id) if p.ip in (f[3], f[4])]
    assert len(chosen) == 1  # the request only: no reply, and no health check rejected
    (rec,) = chosen
    assert rec[12] == "REJECT" and rec[6] == "3000" and ipaddress.ip_address(rec[3]) in LINK_LOCAL
    assert (int(rec[8]), int(rec[9])) == (3, 180)  # three retried SYNs, 60 bytes each


def test_association_sg_drop_is_a_request_without_reply_on_the_client(world):
    lab, ec2 = world.lab, world.lab.client("ec2")
    client_eni, client_ip = client_instance(world)
    gate = ec2.create_security_group(GroupName="assoc-gate", Description="nobody", VpcId=world.client_vpc)["GroupId"]
    lat = lab.client("vpc-lattice")
    assoc = lat.list_service_network_vpc_associations(vpcIdentifier=world.client_vpc)["items"][0]["id"]
    lat.update_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=assoc, securityGroupIds=[gate])
    flow_log(lab, client_eni, kind="NetworkInterface")
    r = world.get("/v1/health", source=client_ip)
    assert r.status is None and r.hops[-1].step == "VPC association"
    (request,) = lines(lab, client_eni)
    assert (request[3], request[4], request[6], request[12]) == (client_ip, service_address(world), "80", "ACCEPT")


def test_no_flow_log_no_records_and_only_covered_interfaces(world):
    lab = world.lab
    client_eni, client_ip = client_instance(world)
    assert world.get("/v1/health", source=client_ip).status == 200
    assert lab.client("logs").describe_log_groups()["logGroups"] == []
    flow_log(lab, world.client_vpc)  # the client's VPC only: the pods' nodes are not covered
    r = world.get("/v1/health", source=client_ip)
    assert r.status == 200 and len(lines(lab, client_eni)) == 2
    streams = {s["logStreamName"] for s in lab.client("logs").describe_log_streams(logGroupName="flows")["logStreams"]}
    assert streams == {client_eni} and pod_named(lab, r.target).node.eni_id not in streams


def test_the_incidents_flow_log_hint_shows_the_nodes_rejecting_lattice(lab):
    """Hint 2 of lattice-cluster-sg, followed literally: a flow log on the cluster VPC, one request, the talkers."""
    incident = lab.incident("lattice-cluster-sg", seed=0, solutions=True)
    eks_vpc = incident.vpcs[0]
    incident.hint()
    second = str(incident.hint())
    assert eks_vpc in second and "flowlogs.talkers" in second and "REJECT" in second
    account = lab.client("sts").get_caller_identity()["Account"]
    lab.client("ec2").create_flow_logs(ResourceIds=[eks_vpc], ResourceType="VPC", TrafficType="ALL",
                                       LogGroupName="their-flows",
                                       DeliverLogsPermissionArn=f"arn:aws:iam::{account}:role/flow-logs")
    client_vpc, cluster = incident.resources["client_vpc"], incident.resources["cluster"]
    domain = lattice.kubectl_get(lab, "HTTPRoute", incident.resources["route"], cluster=cluster).annotations[
        lattice.ASSIGNED_DOMAIN]
    assert lab.http(client_vpc, f"http://{domain}{incident.resources['path']}").status == 503
    records = flowlogs.read(lab, log_group="their-flows")
    (top,) = flowlogs.talkers(records, by="srcaddr", action="REJECT")
    assert ipaddress.ip_address(top.address) in LINK_LOCAL
    nodes = {p.node.eni_id for p in lattice.kubectl_get(lab, "pods", cluster=cluster)}
    assert {r.interface_id for r in records} <= nodes and all(r.dstport == 3000 for r in records)
    incident.solve()
    assert incident.check().passed


def test_s3_destination_gets_the_pods_records_under_the_aws_key_layout(world):
    lab = world.lab
    lab.client("s3").create_bucket(Bucket="lattice-flows",
                                   CreateBucketConfiguration={"LocationConstraint": lab.region})
    lab.client("ec2").create_flow_logs(ResourceIds=[world.eks_vpc], ResourceType="VPC", TrafficType="ACCEPT",
                                       LogDestinationType="s3", LogDestination="arn:aws:s3:::lattice-flows")
    r = world.get("/v2/health")
    assert r.status == 200
    (obj,) = lab.client("s3").list_objects_v2(Bucket="lattice-flows")["Contents"]
    assert re.fullmatch(rf"AWSLogs/\d{{12}}/vpcflowlogs/{lab.region}/\d{{4}}/\d{{2}}/\d{{2}}/.+\.log\.gz", obj["Key"])
    pod = pod_named(lab, r.target)
    recs = flowlogs.read(lab, bucket="lattice-flows")
    assert [(x.interface_id, x.dstaddr, x.dstport, x.action) for x in recs][:1] == [
        (pod.node.eni_id, pod.ip, 3000, "ACCEPT")] and len(recs) == 2
