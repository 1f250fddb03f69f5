"""TLSRoute (passthrough): a TLS_PASSTHROUGH listener, TCP target groups, the SNI host name, and lab.http over it."""
from __future__ import annotations

import json

import pytest
from lattice_world import build_world

from lab_helpers.errors import ManifestError
from lab_helpers.sim import k8s as lattice

GATEWAY = """
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: demo-sn}
spec:
  gatewayClassName: amazon-vpc-lattice
  listeners:
  - {name: http, protocol: HTTP, port: 80}
  - {name: tls, protocol: TLS, port: 443, tls: {mode: Passthrough}}
"""
ROUTE = """
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TLSRoute
metadata: {name: secure-app}
spec:
  parentRefs: [{name: demo-sn, sectionName: tls}]
  hostnames: [secure.example.internal]
  rules:
  - backendRefs: [{name: demo-app-a, port: 80}]
"""


@pytest.fixture
def tls_world(lab):
    world = build_world(lab)
    lab.kubectl_apply(GATEWAY, cluster="eks-demo")
    lab.kubectl_apply(ROUTE, cluster="eks-demo")
    return world


def _service(lab):
    lat = lab.client("vpc-lattice")
    return next(s for s in lat.list_services()["items"] if s.get("customDomainName") == "secure.example.internal")


def test_tlsroute_builds_a_passthrough_listener_forwarding_to_tcp_target_groups(tls_world):
    lab = tls_world.lab
    lat = lab.client("vpc-lattice")
    svc = _service(lab)
    (lst,) = lat.list_listeners(serviceIdentifier=svc["id"])["items"]
    assert (lst["protocol"], lst["port"]) == ("TLS_PASSTHROUGH", 443)
    got = lat.get_listener(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])
    (group,) = got["defaultAction"]["forward"]["targetGroups"]
    tg = lat.get_target_group(targetGroupIdentifier=group["targetGroupIdentifier"])
    assert tg["config"]["protocol"] == "TCP"
    assert lat.list_rules(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])["items"] in ([], [
        r for r in lat.list_rules(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])["items"]
        if r.get("isDefault")])
    route = lattice.kubectl_get(lab, "TLSRoute", "secure-app")
    assert route.status["parents"][0]["conditions"][0]["status"] == "True"


def test_https_to_the_route_host_is_passed_through_to_the_pods(tls_world):
    lab = tls_world.lab
    domain = _service(lab)["dnsEntry"]["domainName"]
    r = lab.http(tls_world.client_vpc, f"https://{domain}/v1/health")
    assert r.status == 200, str(r)
    assert any("passed through" in h.detail for h in r.hops)
    assert lab.http(tls_world.client_vpc, f"http://{domain}/").status is None  # no HTTP listener on this service


def test_a_tlsroute_on_an_http_listener_is_not_accepted(lab):
    build_world(lab)
    lab.kubectl_apply(ROUTE.replace("sectionName: tls", "sectionName: http"), cluster="eks-demo")
    cond = lattice.kubectl_get(lab, "TLSRoute", "secure-app").status["parents"][0]["conditions"][0]
    assert (cond["status"], cond["reason"]) == ("False", "NotAllowedByListeners")


def test_tlsroute_needs_one_host_name_and_one_rule(lab):
    build_world(lab)
    with pytest.raises(ManifestError, match="exactly one host name"):
        lab.kubectl_apply(ROUTE.replace("[secure.example.internal]", "['*.example.internal']"), cluster="eks-demo")
    two = ROUTE + "  - backendRefs: [{name: demo-app-b, port: 80}]\n"
    with pytest.raises(ManifestError, match="exactly one rule"):
        lab.kubectl_apply(two, cluster="eks-demo")


def test_served_api_keeps_passthrough_listeners_on_tcp_and_without_rules(tls_world):
    lat = tls_world.lab.client("vpc-lattice")
    svc = _service(tls_world.lab)
    (lst,) = lat.list_listeners(serviceIdentifier=svc["id"])["items"]
    with pytest.raises(lat.exceptions.ValidationException, match="no rules"):
        lat.create_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], name="extra", priority=1,
                        match={"httpMatch": {"pathMatch": {"match": {"prefix": "/"}}}},
                        action={"fixedResponse": {"statusCode": 404}})


def test_services_carry_the_controllers_tags(tls_world):
    lab = tls_world.lab
    lat = lab.client("vpc-lattice")
    svc = _service(lab)
    tags = lat.list_tags_for_resource(resourceArn=svc["arn"])["tags"]
    base = "application-networking.k8s.aws/"
    assert (tags[base + "RouteName"], tags[base + "RouteNamespace"], tags[base + "RouteType"]) == \
        ("secure-app", "default", "tls")
    assert tags[base + "ManagedBy"].endswith(f"/eks-demo/{tls_world.eks_vpc}")
    listener = lat.list_listeners(serviceIdentifier=svc["id"])["items"][0]
    group = lat.get_listener(serviceIdentifier=svc["id"], listenerIdentifier=listener["id"])["defaultAction"]
    tg = lat.get_target_group(targetGroupIdentifier=group["forward"]["targetGroups"][0]["targetGroupIdentifier"])
    tg_tags = lat.list_tags_for_resource(resourceArn=tg["arn"])["tags"]
    assert (tg_tags[base + "SourceTypeKey"], tg_tags[base + "RouteName"], tg_tags[base + "ServiceName"]) == \
        ("TLSRoute", "secure-app", "demo-app-a")


def test_passthrough_tcp_target_groups_are_created_without_a_protocol_version(lab):
    """The controller sends no protocolVersion for TCP groups (target_group_manager.go); the model must not either."""
    build_world(lab)
    sent = []
    lab.client("vpc-lattice").meta.events.register(
        "provide-client-params.vpc-lattice.CreateTargetGroup", lambda params, **_: sent.append(params))
    lab.kubectl_apply(GATEWAY, cluster="eks-demo")
    lab.kubectl_apply(ROUTE, cluster="eks-demo")
    tcp = [p for p in sent if p["config"]["protocol"] == "TCP"]
    assert tcp and all("protocolVersion" not in p["config"] for p in tcp)
    assert all(p["config"].get("protocolVersion") for p in sent if p["config"]["protocol"] != "TCP")


def test_passthrough_auth_sees_only_an_anonymous_caller(tls_world):
    """TLS listeners: "auth policies are limited to anonymous principals" — a signature inside the stream is unread."""
    lab = tls_world.lab
    lat = lab.client("vpc-lattice")
    svc = _service(lab)
    account = lab.client("sts").get_caller_identity()["Account"]
    role = f"arn:aws:iam::{account}:role/client-app"
    lat.update_service(serviceIdentifier=svc["id"], authType="AWS_IAM")
    only_role = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": role},
                                                          "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}]}
    lat.put_auth_policy(resourceIdentifier=svc["id"], policy=json.dumps(only_role))
    url = f"https://{svc['dnsEntry']['domainName']}/v1/health"
    denied = lab.http(tls_world.client_vpc, url, headers=lattice.sign(lab, role))
    assert denied.status == 403 and any("anonymous" in h.detail for h in denied.hops), str(denied)
    anyone = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                                                       "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}]}
    lat.put_auth_policy(resourceIdentifier=svc["id"], policy=json.dumps(anyone))
    assert lab.http(tls_world.client_vpc, url).status == 200
