"""The controller model maps Gateway API objects onto Lattice with the real controller's names and choices."""
from __future__ import annotations

import random
import re

import pytest
from lattice_world import build_world

from lab_helpers.sim import k8s as lattice
from lab_helpers.sim.k8s import naming, routes


def test_naming_rules_from_the_reference():
    assert naming.service_name("demo-http-route", "default") == "demo-http-route-default"
    long = naming.service_name("a-very-long-route-name-indeed", "a-long-namespace-name-here")
    assert long == "a-very-long-route-na-a-long-namespace-n" and len(long) <= 40
    assert naming.service_name("r", "ns", {naming.SERVICE_NAME_OVERRIDE: "custom"}) == "custom"
    assert naming.listener_name("demo-http-route", "default", 80, "HTTP") == "demo-http-route-default-80-http"
    assert re.fullmatch(r"k8s-default-demo-app-a-[a-z]{10}",
                        naming.target_group_name("default", "demo-app-a", random.Random(1)))
    assert [naming.rule_priority(i) for i in range(3)] == [1, 2, 3]
    assert naming.rule_priority(0, {"application-networking.k8s.aws/rule-0-priority": "9"}) == 9


def test_match_mapping():
    assert routes.lattice_match({}) == {"httpMatch": {"pathMatch": {"match": {"prefix": "/"},
                                                                        "caseSensitive": True}}}
    m = routes.lattice_match({"matches": [{"path": {"type": "Exact", "value": "/x"}, "method": "post",
                                               "headers": [{"name": "env", "value": "canary"}]}]})
    assert m["httpMatch"]["pathMatch"]["match"] == {"exact": "/x"} and m["httpMatch"]["method"] == "POST"
    assert m["httpMatch"]["headerMatches"] == [{"name": "env", "match": {"exact": "canary"}, "caseSensitive": False}]


def test_seminar_objects_become_lattice_resources(world):
    lab, lat = world.lab, world.lab.client("vpc-lattice")
    svc = next(s for s in lat.list_services()["items"] if s["name"] == "demo-http-route-default")
    route = lattice.kubectl_get(lab, "HTTPRoute", "demo-http-route")
    assert route.annotations[lattice.ASSIGNED_DOMAIN] == svc["dnsEntry"]["domainName"]
    assert route.annotations[lattice.SERVICE_ARN] == svc["arn"]
    assert route.status["parents"][0]["conditions"][0] == {"type": "Accepted", "status": "True", "reason": "Accepted"}
    gw = lattice.kubectl_get(lab, "Gateway", "demo-sn")
    assert {"type": "Programmed", "status": "True"}.items() <= gw.status["conditions"][1].items()
    (listener,) = lat.list_listeners(serviceIdentifier=svc["id"])["items"]
    assert listener["name"] == "demo-http-route-default-80-http" and listener["port"] == 80
    full = lat.get_listener(serviceIdentifier=svc["id"], listenerIdentifier=listener["id"])
    assert full["defaultAction"] == {"fixedResponse": {"statusCode": 404}}
    rules = [r for r in lat.list_rules(serviceIdentifier=svc["id"], listenerIdentifier=listener["id"])["items"]
             if not r["isDefault"]]
    assert [r["priority"] for r in rules] == [1, 2]
    first = lat.get_rule(serviceIdentifier=svc["id"], listenerIdentifier=listener["id"], ruleIdentifier=rules[0]["id"])
    assert first["match"]["httpMatch"]["pathMatch"]["match"] == {"prefix": "/v1"}
    tg_id = first["action"]["forward"]["targetGroups"][0]["targetGroupIdentifier"]
    tg = lat.get_target_group(targetGroupIdentifier=tg_id)
    assert re.fullmatch(r"k8s-default-demo-app-a-[a-z]{10}", tg["name"]) and tg["type"] == "IP"
    assert tg["config"]["port"] == 80 and tg["config"]["vpcIdentifier"] == world.eks_vpc
    assert tg["config"]["healthCheck"]["path"] == "/v1/health"  # from the TargetGroupPolicy
    assert tg["config"]["healthCheck"]["healthCheckIntervalSeconds"] == 10
    pods = {(p.ip, 3000) for p in lattice.kubectl_get(lab, "pods") if p.deployment == "demo-app-a"}
    targets = {(t["id"], t["port"]) for t in lat.list_targets(targetGroupIdentifier=tg_id)["items"]}
    assert targets == pods and len(pods) == 2
    assocs = lat.list_service_network_service_associations(serviceIdentifier=svc["id"])["items"]
    assert [a["serviceNetworkName"] for a in assocs] == ["demo-sn"]


def test_gateway_without_network_is_not_programmed(lab):
    w = build_world(lab, manifests=[])
    lat = lab.client("vpc-lattice")
    lab.kubectl_apply("""
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: amazon-vpc-lattice}
spec: {controllerName: application-networking.k8s.aws/gateway-api-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: no-such-network}
spec:
  gatewayClassName: amazon-vpc-lattice
  listeners: [{name: http, protocol: HTTP, port: 80}]
""", cluster="eks-demo")
    gw = lattice.kubectl_get(lab, "Gateway", "no-such-network")
    programmed = gw.status["conditions"][1]
    assert programmed["status"] == "False" and programmed["message"] == "VPC Lattice Service Network not found"
    assert [n["name"] for n in lat.list_service_networks()["items"]] == ["demo-sn"]  # not created
    assert w.network["name"] == "demo-sn"


def test_pods_get_ips_from_node_subnets(world):
    ec2 = world.lab.client("ec2")
    for pod in lattice.kubectl_get(world.lab, "pods"):
        subnet = ec2.describe_subnets(SubnetIds=[pod.node.subnet_id])["Subnets"][0]
        import ipaddress
        assert ipaddress.ip_address(pod.ip) in ipaddress.ip_network(subnet["CidrBlock"])
        eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[pod.node.eni_id])["NetworkInterfaces"][0]
        assert pod.ip in [a["PrivateIpAddress"] for a in eni["PrivateIpAddresses"]]


def test_route_delete_removes_service_and_target_groups(world):
    lab, lat = world.lab, world.lab.client("vpc-lattice")
    lattice.kubectl_delete(lab, "HTTPRoute", "demo-http-route")
    assert lat.list_services()["items"] == []
    assert lat.list_target_groups()["items"] == []


def test_reapply_is_idempotent_and_custom_domain_is_fixed(world):
    lab, lat = world.lab, world.lab.client("vpc-lattice")
    before = lat.list_services()["items"]
    out = lab.kubectl_apply(str(world.lab and __import__("lattice_world").SEMINAR[-1]), cluster="eks-demo")
    assert "unchanged" in str(out) and lat.list_services()["items"] == before
    from lattice_world import ROOT
    lab.kubectl_apply(str(ROOT / "lab_helpers/data/manifests/seminar/06-httproute-custom-domain.yaml"),
                      cluster="eks-demo")
    route = lattice.kubectl_get(lab, "HTTPRoute", "demo-http-route")
    assert "fixed when the service is created" in route.status["warnings"][0]
    lattice.kubectl_delete(lab, "HTTPRoute", "demo-http-route")
    lab.kubectl_apply(str(ROOT / "lab_helpers/data/manifests/seminar/06-httproute-custom-domain.yaml"),
                      cluster="eks-demo")
    (svc,) = lat.list_services()["items"]
    assert svc["customDomainName"] == "api.example.com"


def test_all_invalid_backends_give_fixed_500(world):
    lab = world.lab
    lab.kubectl_apply("""
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: broken}
spec:
  parentRefs: [{name: demo-sn}]
  rules:
    - backendRefs: [{name: no-such-service, port: 80}]
""", cluster="eks-demo")
    route = lattice.kubectl_get(lab, "HTTPRoute", "broken")
    assert route.status["parents"][0]["conditions"][1]["reason"] == "BackendNotFound"
    r = lab.http(world.client_vpc, "http://" + route.annotations[lattice.ASSIGNED_DOMAIN] + "/anything")
    assert r.status == 500


def test_unknown_cluster_is_a_clear_error(lab):
    with pytest.raises(Exception, match="Create it first"):
        lab.kubectl_apply("kind: Service", cluster="nope")
