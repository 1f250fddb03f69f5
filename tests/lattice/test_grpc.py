"""GRPCRoute (docs/api-types/grpc-route.md): HTTPS listeners only, POST /<service>/<method>, gRPC target groups."""
from __future__ import annotations

import pytest
from lattice_world import allow_lattice
from test_controller_fidelity import GATEWAY_3, rules_of, service_of

from lab_helpers.errors import ManifestError
from lab_helpers.sim import k8s as lattice
from lab_helpers.sim.k8s.conditions import condition

SERVER = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: greeter-grpc-server}
spec:
  replicas: 1
  selector: {matchLabels: {app: greeter}}
  template:
    metadata: {labels: {app: greeter}}
    spec:
      containers: [{name: server, image: public.ecr.aws/example/greeter-server:latest}]
---
apiVersion: v1
kind: Service
metadata: {name: greeter-grpc-server}
spec: {selector: {app: greeter}, ports: [{port: 50051, targetPort: 50051}]}
"""


def grpc_route(section: str = "https", match: str = "{method: {service: helloworld.Greeter, method: SayHello}}"):
    return f"""
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {{name: greeter-grpc-route}}
spec:
  parentRefs: [{{name: demo-sn, sectionName: {section}}}]
  rules:
    - matches: [{{headers: [{{name: testKey1, value: testValue1}}]}}]
      backendRefs: [{{name: greeter-grpc-server, kind: Service, port: 50051, weight: 10}}]
    - matches: [{match}]
      backendRefs: [{{name: greeter-grpc-server, kind: Service, port: 50051}}]
"""


def test_grpc_route_becomes_an_https_service_with_grpc_target_groups(world):
    lab, lat = world.lab, world.lab.client("vpc-lattice")
    allow_lattice(lab, world.cluster.security_group_id, port=50051)
    lab.kubectl_apply([GATEWAY_3, SERVER, grpc_route()], cluster="eks-demo")
    svc = service_of(lab, "greeter-grpc-route-default")
    (listener,) = lat.list_listeners(serviceIdentifier=svc["id"])["items"]
    assert (listener["protocol"], listener["port"]) == ("HTTPS", 443)
    ids = {"serviceIdentifier": svc["id"], "listenerIdentifier": listener["id"]}
    second = next(r for r in rules_of(lab, svc["id"]) if r["priority"] == 2)
    rule = lat.get_rule(**ids, ruleIdentifier=second["id"])
    assert rule["match"]["httpMatch"]["method"] == "POST"
    assert rule["match"]["httpMatch"]["pathMatch"]["match"] == {"exact": "/helloworld.Greeter/SayHello"}
    tg_id = rule["action"]["forward"]["targetGroups"][0]["targetGroupIdentifier"]
    assert lat.get_target_group(targetGroupIdentifier=tg_id)["config"]["protocolVersion"] == "GRPC"
    domain = lattice.kubectl_get(lab, "GRPCRoute", "greeter-grpc-route").annotations[lattice.ASSIGNED_DOMAIN]
    said = lab.http(world.client_vpc, f"https://{domain}/helloworld.Greeter/SayHello", method="POST")
    assert said.status == 200 and said.json()["path"] == "/helloworld.Greeter/SayHello", str(said)
    assert lab.http(world.client_vpc, f"https://{domain}/other.Service/Call", method="POST").status == 404


def test_grpc_route_needs_an_https_listener_and_a_service_for_its_method(world):
    lab = world.lab
    lab.kubectl_apply([GATEWAY_3, SERVER, grpc_route(section="http")], cluster="eks-demo")
    got = condition(lattice.kubectl_get(lab, "GRPCRoute", "greeter-grpc-route"), "Accepted")
    assert got["reason"] == "NotAllowedByListeners"
    with pytest.raises(ManifestError, match="needs its service"):
        lab.kubectl_apply(grpc_route(match="{method: {method: SayHello}}"), cluster="eks-demo")
