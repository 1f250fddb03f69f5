"""Scenario tests of the data plane: DNS, association, health, security groups, rules, weights, auth."""
from __future__ import annotations

import json
from collections import Counter

import pytest
from lattice_world import SEMINAR, build_world

from lab_helpers.lessons import seminar
from lab_helpers.sim import k8s as lattice
from lab_helpers.sim.k8s import precedence

ROUTE = """
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: NAME}
spec:
  parentRefs: [{name: demo-sn, sectionName: http}]
  rules: RULES
"""


def route(name: str, rules: list) -> str:
    return ROUTE.replace("NAME", name).replace("RULES", json.dumps(rules))


def rule(prefix, *backends, kind="PathPrefix"):
    return {"matches": [{"path": {"type": kind, "value": prefix}}],
            "backendRefs": [{"name": b, "port": 80, "weight": w} for b, w in backends]}


def domain_of(lab, name):
    return lattice.kubectl_get(lab, "HTTPRoute", name).annotations[lattice.ASSIGNED_DOMAIN]


# -- the seminar, end to end ------------------------------------------------------------------------------------
def test_seminar_answers_from_the_client_vpc(world):
    r = world.get("/v1/env?select=POD,ROUTE")
    assert r.status == 200 and r.json()["ROUTE"] == "v1" and r.json()["POD"] == r.target
    pods = {p.name for p in lattice.kubectl_get(world.lab, "pods") if p.deployment == "demo-app-a"}
    assert r.target in pods
    assert [h.step for h in r.hops] == ["DNS", "service network", "auth", "listener", "rule", "target group",
                                       "security group", "pod"]
    b = world.get("/v2/health")
    assert (b.status, b.body) == (200, "ok") and b.target.startswith("demo-app-b")


def test_root_gets_the_listener_default_404_not_a_pod(world):
    r = world.get("/")
    assert (r.status, r.target) == (404, None)
    assert "default action" in r.hops[-1].detail
    app = world.get("/v1/nope")  # a rule matches: the application's own 404
    assert app.status == 404 and app.target is not None and app.body.startswith("Cannot GET")


def test_cluster_sg_without_prefix_list_gives_503_then_fix(lab):
    w = build_world(lab, fix_sg=False)
    r = w.get("/v1/health")
    assert r.status == 503 and "Target.Timeout" in r.hops[-1].detail
    lat = lab.client("vpc-lattice")
    tg = next(t for t in lat.list_target_groups()["items"] if "demo-app-a" in t["name"])
    assert {t["status"] for t in lat.list_targets(targetGroupIdentifier=tg["id"])["items"]} == {"UNHEALTHY"}
    seminar.allow_lattice(lab, w.cluster.security_group_id, 3000)
    assert w.get("/v1/health").status == 200
    assert {t["status"] for t in lat.list_targets(targetGroupIdentifier=tg["id"])["items"]} == {"HEALTHY"}


def test_a_cidr_rule_for_the_link_local_range_also_works_but_a_vpc_cidr_does_not(lab):
    w = build_world(lab, fix_sg=False)
    ec2 = lab.client("ec2")
    ec2.authorize_security_group_ingress(GroupId=w.cluster.security_group_id, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 3000, "ToPort": 3000, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    assert w.get("/v1/health").status == 503  # Lattice's source is 169.254.171.x, not a VPC address
    ec2.authorize_security_group_ingress(GroupId=w.cluster.security_group_id, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 3000, "ToPort": 3000, "IpRanges": [{"CidrIp": "169.254.171.0/24"}]}])
    assert w.get("/v1/health").status == 200


def test_without_target_group_policy_health_checks_hit_slash_and_fail(lab):
    w = build_world(lab, manifests=[p for p in SEMINAR if "target-group-policies" not in p])
    r = w.get("/v1/health")
    assert r.status == 503 and "Target.ResponseCodeMismatch" in r.hops[-1].detail


def test_unassociated_vpc_gets_no_response(world):
    r = world.lab.http(world.other_vpc, f"http://{world.domain}/v1/health")
    assert r.status is None and "not associated" in r.hops[-1].detail


def test_vpc_association_removed_then_no_response(world):
    lat = world.lab.client("vpc-lattice")
    (assoc,) = lat.list_service_network_vpc_associations(vpcIdentifier=world.client_vpc)["items"]
    lat.delete_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=assoc["id"])
    assert world.get("/v1/health").status is None


# -- DNS ----------------------------------------------------------------------------------------------------------
def test_custom_domain_needs_phz_and_custom_domain_name(lab):
    w = build_world(lab)
    seminar.ensure_private_zone(lab, "example.com", [w.eks_vpc, w.client_vpc], "api.example.com", w.domain)
    r = lab.http(w.client_vpc, "http://api.example.com/v1/health")
    assert r.status == 404 and "customDomainName" in r.hops[-1].detail  # DNS fine, Host unknown to Lattice
    assert "CNAME" in r.hops[0].detail
    lattice.kubectl_delete(lab, "HTTPRoute", "demo-http-route")
    lab.kubectl_apply(str(seminar.manifest("06-httproute-custom-domain.yaml")), cluster="eks-demo")
    assert lab.http(w.client_vpc, "http://api.example.com/v1/health").status is None  # CNAME → deleted service
    seminar.ensure_private_zone(lab, "example.com", [w.eks_vpc, w.client_vpc], "api.example.com", w.domain)
    r = lab.http(w.client_vpc, "http://api.example.com/v1/health")
    assert r.status == 200
    nx = lab.http(w.other_vpc, "http://api.example.com/v1/health")
    # outside the zone's VPCs the Resolver can only ask public DNS, which the shared simulator does not invent
    assert nx.status is None and "No private hosted zone" in nx.hops[0].detail


def test_generated_name_resolves_to_link_local(world):
    r = world.get("/v1/health")
    assert "→ 169.254.171." in r.hops[0].detail


# -- rules: list order vs the spec ------------------------------------------------------------------------------
def test_slash_rule_listed_first_shadows_the_rest(world):
    lab = world.lab
    rules = [rule("/", ("demo-app-a", 1)), rule("/v2", ("demo-app-b", 1))]
    lab.kubectl_apply(route("shadow", rules), cluster="eks-demo")
    spec = lattice.kubectl_get(lab, "HTTPRoute", "shadow").spec
    assert precedence.spec_choice(spec, "/v2/health") == 1  # the Gateway API spec: longest prefix
    assert precedence.lattice_choice(spec, "/v2/health") == 0  # the controller: list order
    r = lab.http(world.client_vpc, f"http://{domain_of(lab, 'shadow')}/v2/health")
    assert r.target.startswith("demo-app-a") and r.status == 404
    lab.kubectl_apply(route("shadow", list(reversed(rules))), cluster="eks-demo")
    r = lab.http(world.client_vpc, f"http://{domain_of(lab, 'shadow')}/v2/health")
    assert r.target.startswith("demo-app-b") and r.status == 200


def test_priority_annotation_overrides_list_order(world):
    lab = world.lab
    text = route("annotated", [rule("/", ("demo-app-a", 1)), rule("/v2", ("demo-app-b", 1))]).replace(
        "metadata: {name: annotated}",
        "metadata: {name: annotated, annotations: "
        "{application-networking.k8s.aws/rule-0-priority: '10', application-networking.k8s.aws/rule-1-priority: '5'}}")
    lab.kubectl_apply(text, cluster="eks-demo")
    r = lab.http(world.client_vpc, f"http://{domain_of(lab, 'annotated')}/v2/health")
    assert r.target.startswith("demo-app-b")


def test_exact_match_and_spec_segment_prefix():
    spec = {"rules": [rule("/v1", ("a", 1)), rule("/v1/health", ("b", 1), kind="Exact")]}
    assert precedence.spec_choice(spec, "/v1/health") == 1  # Exact beats any prefix
    assert precedence.spec_choice(spec, "/v10") is None  # segment-wise prefix
    assert precedence.lattice_choice(spec, "/v1/health") == 0


def test_method_and_header_matches(world):
    lab = world.lab
    lab.kubectl_apply(route("matchy", [
        {"matches": [{"path": {"type": "PathPrefix", "value": "/v1"}, "headers": [{"name": "x-canary",
                                                                                  "value": "yes"}]}],
         "backendRefs": [{"name": "demo-app-b", "port": 80}]},
        {"matches": [{"path": {"type": "PathPrefix", "value": "/v1"}, "method": "GET"}],
         "backendRefs": [{"name": "demo-app-a", "port": 80}]}]), cluster="eks-demo")
    url = f"http://{domain_of(lab, 'matchy')}/v1/health"
    assert lab.http(world.client_vpc, url, headers={"X-Canary": "YES"}).target.startswith("demo-app-b")
    assert lab.http(world.client_vpc, url).target.startswith("demo-app-a")
    assert lab.http(world.client_vpc, url, method="POST").status == 404  # no rule → default action
    assert lab.http(world.client_vpc, url, method="POST").target is None


# -- weights ------------------------------------------------------------------------------------------------------
def _canary(lab, w1, w2):
    lab.kubectl_apply("""
apiVersion: apps/v1
kind: Deployment
metadata: {name: v2}
spec:
  replicas: 1
  selector: {matchLabels: {app: v2}}
  template:
    metadata: {labels: {app: v2}}
    spec:
      containers: [{name: app, image: rlawnsdud/demo:latest, ports: [{containerPort: 3000}],
                    env: [{name: GLOBAL_PREFIX, value: /v1}, {name: ROUTE, value: v1-canary}]}]
---
apiVersion: v1
kind: Service
metadata: {name: v2}
spec: {selector: {app: v2}, ports: [{port: 80, targetPort: 3000}]}
---
apiVersion: application-networking.k8s.aws/v1alpha1
kind: TargetGroupPolicy
metadata: {name: v2}
spec: {targetRef: {kind: Service, name: v2}, healthCheck: {path: /v1/health}}
""", cluster="eks-demo")
    lab.kubectl_apply(route("demo-http-route", [rule("/v1", ("demo-app-a", w1), ("v2", w2)),
                                                rule("/v2", ("demo-app-b", 1))]), cluster="eks-demo")


def test_weights_split_traffic_statistically_and_reproducibly(world):
    lab = world.lab
    _canary(lab, 90, 10)
    url = f"http://{world.domain}/v1/env?select=ROUTE"
    first = lattice.http_many(lab, world.client_vpc, url, 2000, seed_value=42)
    counts = Counter(r.json()["ROUTE"] for r in first)
    # Binomial(2000, 0.1): mean 200, sd ≈ 13.4; ±5 sd bounds make a false failure practically impossible
    assert 133 <= counts["v1-canary"] <= 267, counts
    assert counts["v1-canary"] + counts["v1"] == 2000
    again = lattice.http_many(lab, world.client_vpc, url, 2000, seed_value=42)
    assert [r.target for r in again] == [r.target for r in first]  # same seed, same answers


def test_weight_zero_gets_nothing_and_all_zero_is_503(world):
    lab = world.lab
    _canary(lab, 1, 0)
    url = f"http://{world.domain}/v1/env?select=ROUTE"
    assert {r.json()["ROUTE"] for r in lattice.http_many(lab, world.client_vpc, url, 300, seed_value=1)} == \
        {"v1"}
    _canary(lab, 0, 0)
    assert world.get("/v1/health").status == 503


def test_unhealthy_targets_are_skipped(world):
    lab = world.lab
    # demo-app-a's pods answer /v1/health; give one of them a broken app so its health check fails
    pods = [p for p in lattice.kubectl_get(lab, "pods") if p.deployment == "demo-app-a"]
    from lab_helpers.sim.k8s.health import HOSTS_KEY
    lab.shim_state[HOSTS_KEY][(pods[0].ip, 3000)] = lambda m, p, h: (500, "broken", {"pod": pods[0].name})
    answers = lattice.http_many(lab, world.client_vpc, f"http://{world.domain}/v1/health", 50, seed_value=3)
    assert {r.target for r in answers} == {pods[1].name}
    assert "1/2 targets healthy" in answers[0].hops[5].detail


# -- auth ---------------------------------------------------------------------------------------------------------
def _auth(lab, kind, name, statements):
    policy = {"Version": "2012-10-17", "Statement": statements}
    lab.kubectl_apply({"apiVersion": "application-networking.k8s.aws/v1alpha1", "kind": "IAMAuthPolicy",
                       "metadata": {"name": "auth"}, "spec": {"targetRef": {"kind": kind, "name": name},
                                                              "policy": json.dumps(policy)}}, cluster="eks-demo")


ALICE = "arn:aws:iam::123456789012:role/alice"
BOB = "arn:aws:iam::123456789012:role/bob"


def test_aws_iam_without_policy_denies_everything(world):
    lat = world.lab.client("vpc-lattice")
    svc = lat.list_services()["items"][0]
    lat.update_service(serviceIdentifier=svc["id"], authType="AWS_IAM")
    r = world.get("/v1/health", headers=lattice.sign(world.lab, ALICE))
    assert r.status == 403 and "no auth policy" in r.hops[-1].detail


def test_service_policy_allows_one_principal(world):
    lab = world.lab
    _auth(lab, "HTTPRoute", "demo-http-route", [{"Effect": "Allow", "Principal": {"AWS": ALICE},
                                                 "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}])
    svc = lab.client("vpc-lattice").list_services()["items"][0]
    assert lab.client("vpc-lattice").get_service(serviceIdentifier=svc["id"])["authType"] == "AWS_IAM"
    assert world.get("/v1/health", headers=lattice.sign(lab, ALICE)).status == 200
    assert world.get("/v1/health", headers=lattice.sign(lab, BOB)).status == 403
    assert world.get("/v1/health").status == 403  # unsigned
    lattice.kubectl_delete(lab, "IAMAuthPolicy", "auth")
    assert lab.client("vpc-lattice").get_service(serviceIdentifier=svc["id"])["authType"] == "NONE"
    assert world.get("/v1/health").status == 200


def test_explicit_deny_wins_and_star_admits_unsigned(world):
    lab = world.lab
    _auth(lab, "HTTPRoute", "demo-http-route", [
        {"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"},
        {"Effect": "Deny", "Principal": {"AWS": BOB}, "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}])
    assert world.get("/v1/health").status == 200
    assert world.get("/v1/health", headers=lattice.sign(lab, ALICE)).status == 200
    r = world.get("/v1/health", headers=lattice.sign(lab, BOB))
    assert r.status == 403 and "explicit Deny" in r.hops[-1].detail


def test_network_policy_and_service_policy_must_both_allow(world):
    lab = world.lab
    _auth(lab, "Gateway", "demo-sn", [{"Effect": "Allow", "Principal": {"AWS": ALICE},
                                       "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}])
    assert world.get("/v1/health", headers=lattice.sign(lab, ALICE)).status == 200
    assert world.get("/v1/health", headers=lattice.sign(lab, BOB)).status == 403
    net = lab.client("vpc-lattice").list_service_networks()["items"][0]
    assert lab.client("vpc-lattice").get_service_network(serviceNetworkIdentifier=net["id"])["authType"] == "AWS_IAM"
    lat = lab.client("vpc-lattice")
    svc = lat.list_services()["items"][0]
    lat.update_service(serviceIdentifier=svc["id"], authType="AWS_IAM")  # service has no policy → deny
    assert world.get("/v1/health", headers=lattice.sign(lab, ALICE)).status == 403


def test_condition_on_source_vpc(world):
    lab = world.lab
    _auth(lab, "HTTPRoute", "demo-http-route", [{
        "Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
        "Condition": {"StringEquals": {"vpc-lattice-svcs:SourceVpc": world.eks_vpc}}}])
    assert world.get("/v1/health").status == 403
    assert lab.http(world.eks_vpc, f"http://{world.domain}/v1/health").status == 200


@pytest.mark.parametrize("bad", ["ftp://x/y", "http:///nohost"])
def test_bad_urls_are_clear(world, bad):
    with pytest.raises(Exception, match="Cannot send"):
        world.lab.http(world.client_vpc, bad)
