"""Pods answer as their image does (issue 14, item 5): the seminar's app, a generic echo, readiness probes."""
from __future__ import annotations

from lattice_world import allow_lattice

from lab_helpers.sim import k8s as lattice


def app(name: str, image: str, port_lines: str = "", probe: str = "", env: str = "", target: int = 8090) -> str:
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: {name}
          image: {image}
{port_lines}{env}{probe}---
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec:
  selector: {{app: {name}}}
  ports: [{{port: 80, targetPort: {target}, protocol: TCP}}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {{name: {name}}}
spec:
  parentRefs: [{{name: demo-sn, sectionName: http}}]
  rules:
    - backendRefs: [{{name: {name}, port: 80}}]
"""


def health_policy(name: str, path: str) -> str:
    """Lattice checks "/" by default, where the seminar's app answers 404: its health path needs a policy."""
    return f"""
apiVersion: application-networking.k8s.aws/v1alpha1
kind: TargetGroupPolicy
metadata: {{name: {name}-health}}
spec:
  targetRef: {{group: "", kind: Service, name: {name}}}
  healthCheck: {{enabled: true, path: {path}, port: 3000, statusMatch: "200"}}
"""


def _get(world, name: str, path: str):
    route = lattice.kubectl_get(world.lab, "HTTPRoute", name)
    return world.lab.http(world.client_vpc, f"http://{route.annotations[lattice.ASSIGNED_DOMAIN]}{path}")


def test_any_other_image_is_a_generic_echo_on_the_target_port(world):
    allow_lattice(world.lab, world.cluster.security_group_id, port=8090)
    # The controller's examples: an HTTP server that declares no containerPort, reached through targetPort 8090.
    world.lab.kubectl_apply(app("parking", "public.ecr.aws/x2j8p8w7/http-server:latest"), cluster="eks-demo")
    r = _get(world, "parking", "/any/path")
    assert r.status == 200, str(r)
    body = r.json()
    assert body["path"] == "/any/path" and body["pod"].startswith("parking-")


def test_seminar_image_listens_on_port_with_global_prefix(world):
    env = ("          env:\n            - {name: PORT, value: \"3000\"}\n"
           "            - {name: GLOBAL_PREFIX, value: /v9}\n")
    world.lab.kubectl_apply([health_policy("seminar", "/v9/health"),
                             app("seminar", "rlawnsdud/demo:latest", env=env, target=3000)], cluster="eks-demo")
    assert _get(world, "seminar", "/v9/health").status == 200
    assert _get(world, "seminar", "/v1/health").status == 404  # the app's own 404


def test_readiness_probe_decides_which_pods_are_targets(world):
    ports = "          ports: [{containerPort: 3000, name: web}]\n"
    env = "          env: [{name: GLOBAL_PREFIX, value: /v1}]\n"
    failing = "          readinessProbe: {httpGet: {path: /nope, port: web}}\n"
    image = "rlawnsdud/demo:latest"
    world.lab.kubectl_apply([health_policy("probed", "/v1/health"),
                             app("probed", image, ports, failing, env, target=3000)], cluster="eks-demo")
    pods = [p for p in lattice.kubectl_get(world.lab, "pods") if p.deployment == "probed"]
    assert pods and not any(p.ready for p in pods)
    r = _get(world, "probed", "/v1/health")
    assert r.status == 503  # no ready pod, so no target
    passing = "          readinessProbe: {httpGet: {path: /v1/health, port: web}}\n"
    world.lab.kubectl_apply(app("probed", image, ports, passing, env, target=3000), cluster="eks-demo")
    assert _get(world, "probed", "/v1/health").status == 200


def test_the_notes_manifests_applied_unchanged_reach_healthy_targets(world):
    """The seminar's YAML as the notes write it (packaged unchanged): healthy targets and the app's answers."""
    lat = world.lab.client("vpc-lattice")
    for tg in lat.list_target_groups()["items"]:
        targets = lat.list_targets(targetGroupIdentifier=tg["id"])["items"]
        assert targets and {t["status"] for t in targets} == {"HEALTHY"}, (tg["name"], targets)
    r = world.get("/v1/env?select=POD,ROUTE")
    assert r.status == 200 and r.json() == {"POD": r.target, "ROUTE": "v1"}, str(r)
    assert world.get("/v2/env?select=ROUTE").json() == {"ROUTE": "v2"}
    assert world.get("/v2/health").status == 200 and world.get("/v1/v2/health").status == 404


def test_both_lattice_prefix_lists_are_served_by_name(lab):
    ipv4, ipv6 = lattice.lattice_prefix_list(lab), lattice.lattice_prefix_list(lab, ipv6=True)
    assert (ipv4["PrefixListName"], ipv4["AddressFamily"]) == ("com.amazonaws.ap-northeast-2.vpc-lattice", "IPv4")
    assert (ipv6["PrefixListName"], ipv6["AddressFamily"]) == ("com.amazonaws.ap-northeast-2.ipv6.vpc-lattice",
                                                               "IPv6")
    ec2 = lab.client("ec2")
    cidrs = [e["Cidr"] for e in ec2.get_managed_prefix_list_entries(PrefixListId=ipv6["PrefixListId"])["Entries"]]
    assert cidrs and all(":" in c for c in cidrs)


def test_a_loopback_host_answers_nobody_outside_the_pod(world):
    env = ("          env:\n            - {name: HOST, value: 127.0.0.1}\n"
           "            - {name: GLOBAL_PREFIX, value: /v1}\n")
    probe = "          readinessProbe: {httpGet: {path: /v1/health, port: 3000}}\n"
    world.lab.kubectl_apply([health_policy("loopback", "/v1/health"),
                             app("loopback", "rlawnsdud/demo:latest", env=env, probe=probe, target=3000)],
                            cluster="eks-demo")
    pods = [p for p in lattice.kubectl_get(world.lab, "pods") if p.deployment == "loopback"]
    assert pods and not any(p.ready for p in pods)  # the kubelet probes the pod IP, where nothing listens
    assert _get(world, "loopback", "/v1/health").status == 503


def test_the_seminar_image_listens_on_port_not_on_the_declared_container_port(world):
    allow_lattice(world.lab, world.cluster.security_group_id, port=8080)
    ports = "          ports: [{containerPort: 3000}]\n"
    env = "          env: [{name: PORT, value: \"8080\"}, {name: GLOBAL_PREFIX, value: /v1}]\n"
    policy = health_policy("elsewhere", "/v1/health")
    world.lab.kubectl_apply([policy, app("elsewhere", "rlawnsdud/demo:latest", ports, env=env, target=3000)],
                            cluster="eks-demo")
    assert _get(world, "elsewhere", "/v1/health").status == 503  # port 3000 has no listener
    world.lab.kubectl_apply([policy.replace("port: 3000", "port: 8080"),
                             app("elsewhere", "rlawnsdud/demo:latest", ports, env=env, target=8080)],
                            cluster="eks-demo")
    assert _get(world, "elsewhere", "/v1/health").status == 200
