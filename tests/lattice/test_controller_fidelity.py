"""Issue 14: the controller model behaves like the real one on the controller's documented examples.

Each test names the case of the issue it covers: a crash that became a status or a clear error, an apply that
must not poison the next one, or a behaviour that used to be silently wrong.
"""
from __future__ import annotations

import pytest

from lab_helpers.errors import ControllerRefused, LabError, ManifestError
from lab_helpers.sim import k8s as lattice
from lab_helpers.sim.k8s.conditions import condition

GATEWAY_3 = """
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: demo-sn}
spec:
  gatewayClassName: amazon-vpc-lattice
  listeners:
    - {name: http, protocol: HTTP, port: 80}
    - name: https
      protocol: HTTPS
      port: 443
      tls:
        mode: Terminate
        options: {application-networking.k8s.aws/certificate-arn: "arn:aws:acm:ap-northeast-2:123456789012:certificate/abc"}
    - {name: tls, protocol: TLS, port: 444, tls: {mode: Passthrough}}
"""


def route(name: str, rules: str = "    - backendRefs: [{name: demo-app-a, port: 80}]", annotations: str = "",
          parent: str = "{name: demo-sn}", namespace: str = "default", hostnames: str = "") -> str:
    meta = f"{{name: {name}, namespace: {namespace}" + (f", annotations: {{{annotations}}}" if annotations else "")
    return f"""
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {meta}}}
spec:
  parentRefs: [{parent}]
{hostnames}  rules:
{rules}
"""


def service_of(lab, name: str) -> dict:
    lat = lab.client("vpc-lattice")
    return next(s for s in lat.list_services()["items"] if s["name"] == name)


def rules_of(lab, svc_id: str) -> list[dict]:
    lat = lab.client("vpc-lattice")
    out = []
    for lst in lat.list_listeners(serviceIdentifier=svc_id)["items"]:
        out += [r for r in lat.list_rules(serviceIdentifier=svc_id, listenerIdentifier=lst["id"])["items"]
                if not r["isDefault"]]
    return out


def forward_of(lab, svc_id: str) -> list[dict]:
    lat = lab.client("vpc-lattice")
    (lst,) = lat.list_listeners(serviceIdentifier=svc_id)["items"]
    (rule,) = [r for r in lat.list_rules(serviceIdentifier=svc_id, listenerIdentifier=lst["id"])["items"]
               if not r["isDefault"]]
    full = lat.get_rule(serviceIdentifier=svc_id, listenerIdentifier=lst["id"], ruleIdentifier=rule["id"])
    return full["action"]["forward"]["targetGroups"]


# -- crashes that became statuses or clear errors, and no poisoned cluster ----------------------------------
def test_http_https_tls_gateway_and_route_without_section_name(world):
    lab, lat = world.lab, world.lab.client("vpc-lattice")
    lab.kubectl_apply(GATEWAY_3, cluster="eks-demo")
    lab.kubectl_apply(route("every"), cluster="eks-demo")  # no sectionName: every listener that allows it
    svc = service_of(lab, "every-default")
    names = sorted(lst["name"] for lst in lat.list_listeners(serviceIdentifier=svc["id"])["items"])
    assert names == ["every-default-443-https", "every-default-80-http"]  # not the TLS one
    gw = lattice.kubectl_get(lab, "Gateway", "demo-sn")
    assert [lst["attachedRoutes"] for lst in gw.status["listeners"]] == [2, 1, 0]
    assert lat.get_service(serviceIdentifier=svc["id"])["certificateArn"].endswith("certificate/abc")


def test_invalid_rule_priority_annotation_is_ignored(world):
    lab = world.lab
    lab.kubectl_apply(route("prio", annotations='application-networking.k8s.aws/rule-0-priority: "invalid"'),
                      cluster="eks-demo")
    (rule,) = rules_of(lab, service_of(lab, "prio-default")["id"])
    assert rule["priority"] == 1
    assert "rule-0-priority 'invalid' ignored" in lattice.kubectl_get(lab, "HTTPRoute", "prio").status["warnings"][0]


def test_annotated_priority_moves_the_unannotated_rule_to_the_next_free_one(world):
    lab = world.lab
    rules = ("    - matches: [{path: {type: PathPrefix, value: /a}}]\n      backendRefs: [{name: demo-app-a, port: 80}]\n"
             "    - matches: [{path: {type: PathPrefix, value: /b}}]\n      backendRefs: [{name: demo-app-b, port: 80}]")
    lab.kubectl_apply(route("prio", rules, annotations='application-networking.k8s.aws/rule-0-priority: "2"'),
                      cluster="eks-demo")
    got = {r["name"]: r["priority"] for r in rules_of(lab, service_of(lab, "prio-default")["id"])}
    assert got == {"prio-default-rule-1": 2, "prio-default-rule-2": 3}


def test_invalid_service_name_override_is_a_clear_error_and_stores_nothing(world):
    lab = world.lab
    with pytest.raises(ManifestError, match="not a valid Lattice service name"):
        lab.kubectl_apply(route("bad", annotations="application-networking.k8s.aws/service-name-override: "
                                                   "INVALID-UPPERCASE"), cluster="eks-demo")
    with pytest.raises(LabError, match="not found"):
        lattice.kubectl_get(lab, "HTTPRoute", "bad")


def test_lattice_refusal_undoes_the_apply_and_the_next_apply_works(world):
    lab, lat = world.lab, world.lab.client("vpc-lattice")
    six = "\n".join(f"    - matches: [{{path: {{type: PathPrefix, value: /p{i}}}}}]\n"
                    f"      backendRefs: [{{name: demo-app-a, port: 80}}]" for i in range(6))
    before = sorted(s["name"] for s in lat.list_services()["items"])
    with pytest.raises(ControllerRefused, match="ServiceQuotaExceededException.*apply is undone") as caught:
        lab.kubectl_apply(route("six", six), cluster="eks-demo")
    assert caught.value.key == ("HTTPRoute", "default", "six")
    assert caught.value.condition["reason"] == "FailedDeployModel"
    with pytest.raises(LabError, match="not found"):
        lattice.kubectl_get(lab, "HTTPRoute", "six")
    assert sorted(s["name"] for s in lat.list_services()["items"]) == before  # the half-made service is gone
    lab.kubectl_apply(route("ok"), cluster="eks-demo")  # not poisoned
    assert condition(lattice.kubectl_get(lab, "HTTPRoute", "ok"), "Accepted")["status"] == "True"
    assert world.get("/v1/health").status == 200


def test_kubectl_get_lists_conditions(world):
    lab = world.lab
    lab.kubectl_apply(route("broken", "    - backendRefs: [{name: nope, port: 80}]"), cluster="eks-demo")
    table = str(lattice.kubectl_get(lab, "httproutes"))
    assert "ACCEPTED" in table and "False (BackendNotFound)" in table and "Service nope not found" in table


def test_secret_in_a_multi_document_file_and_unmodelled_kinds(world):
    lab = world.lab
    out = lab.kubectl_apply("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {k: v}\n---\n"
                            + route("with-secret"), cluster="eks-demo")
    assert "secret.v1/s created" in str(out)
    with pytest.raises(ManifestError, match="ServiceNetwork .*not by this lab's model"):
        lab.kubectl_apply("apiVersion: application-networking.k8s.aws/v1alpha1\nkind: ServiceNetwork\n"
                          "metadata: {name: g}\n", cluster="eks-demo")


# -- silently wrong before ------------------------------------------------------------------------------------
def test_route_on_a_tls_listener_is_not_allowed(world):
    lab, lat = world.lab, world.lab.client("vpc-lattice")
    lab.kubectl_apply(GATEWAY_3, cluster="eks-demo")
    lab.kubectl_apply(route("on-tls", parent="{name: demo-sn, sectionName: tls}"), cluster="eks-demo")
    accepted = condition(lattice.kubectl_get(lab, "HTTPRoute", "on-tls"), "Accepted")
    assert accepted["status"] == "False" and accepted["reason"] == "NotAllowedByListeners"
    assert "on-tls-default" not in [s["name"] for s in lat.list_services()["items"]]


def test_allowed_routes_decide_other_namespaces(world):
    lab, lat = world.lab, world.lab.client("vpc-lattice")
    # The notes' Gateway admits every namespace; without allowedRoutes a listener admits only its own (Same).
    lab.kubectl_apply("""
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: demo-sn}
spec:
  gatewayClassName: amazon-vpc-lattice
  listeners: [{name: http, protocol: HTTP, port: 80}]
""", cluster="eks-demo")
    lab.kubectl_apply(route("elsewhere", parent="{name: demo-sn, namespace: default}", namespace="team-b",
                            rules="    - backendRefs: []"), cluster="eks-demo")
    got = lattice.kubectl_get(lab, "HTTPRoute", "elsewhere", namespace="team-b")
    assert condition(got, "Accepted")["reason"] == "NotAllowedByListeners"
    lab.kubectl_apply("""
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: demo-sn}
spec:
  gatewayClassName: amazon-vpc-lattice
  listeners: [{name: http, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: All}}}]
""", cluster="eks-demo")
    got = lattice.kubectl_get(lab, "HTTPRoute", "elsewhere", namespace="team-b")
    assert condition(got, "Accepted")["status"] == "True"
    assert "elsewhere-team-b" in [s["name"] for s in lat.list_services()["items"]]


def test_standalone_annotation_on_route_and_gateway(world):
    lab, lat = world.lab, world.lab.client("vpc-lattice")
    lab.kubectl_apply(route("alone", annotations='application-networking.k8s.aws/standalone: "true"'),
                      cluster="eks-demo")
    svc = service_of(lab, "alone-default")
    assert lat.list_service_network_service_associations(serviceIdentifier=svc["id"])["items"] == []
    assert lattice.kubectl_get(lab, "HTTPRoute", "alone").annotations[lattice.SERVICE_ARN] == svc["arn"]
    lab.kubectl_apply("""
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: demo-sn, annotations: {application-networking.k8s.aws/standalone: "true"}}
spec:
  gatewayClassName: amazon-vpc-lattice
  listeners: [{name: http, protocol: HTTP, port: 80}]
""", cluster="eks-demo")
    demo = service_of(lab, "demo-http-route-default")
    assert lat.list_service_network_service_associations(serviceIdentifier=demo["id"])["items"] == []
    lab.kubectl_apply(route("joined", annotations='application-networking.k8s.aws/standalone: "false"'),
                      cluster="eks-demo")
    joined = service_of(lab, "joined-default")
    assert len(lat.list_service_network_service_associations(serviceIdentifier=joined["id"])["items"]) == 1


POLICY = """
apiVersion: application-networking.k8s.aws/v1alpha1
kind: IAMAuthPolicy
metadata: {{name: {name}}}
spec:
  targetRef: {{group: {group}, kind: Gateway, name: demo-sn}}
  policy: '{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}]}}'
"""


def test_policy_with_a_wrong_group_is_invalid_and_a_second_one_conflicted(world):
    lab, lat = world.lab, world.lab.client("vpc-lattice")
    lab.kubectl_apply(POLICY.format(name="wrong", group="application-networking.k8s.aws"), cluster="eks-demo")
    wrong = condition(lattice.kubectl_get(lab, "IAMAuthPolicy", "wrong"), "Accepted")
    assert wrong["reason"] == "Invalid" and "group" in wrong["message"]
    assert lat.get_service_network(serviceNetworkIdentifier=world.network["id"])["authType"] == "NONE"
    lab.kubectl_apply(POLICY.format(name="first", group="gateway.networking.k8s.io"), cluster="eks-demo")
    lab.kubectl_apply(POLICY.format(name="second", group="gateway.networking.k8s.io"), cluster="eks-demo")
    assert condition(lattice.kubectl_get(lab, "IAMAuthPolicy", "first"), "Accepted")["status"] == "True"
    second = condition(lattice.kubectl_get(lab, "IAMAuthPolicy", "second"), "Accepted")
    assert second["reason"] == "Conflicted" and "default/first" in second["message"]


def _tg_of_service(lab, svc_name: str) -> dict:
    lat = lab.client("vpc-lattice")
    ref = forward_of(lab, service_of(lab, svc_name)["id"])[0]
    return lat.get_target_group(targetGroupIdentifier=ref["targetGroupIdentifier"])


def test_deleting_a_target_group_policy_restores_the_default_health_check(world):
    lab = world.lab
    lab.kubectl_apply(route("only-a"), cluster="eks-demo")
    assert _tg_of_service(lab, "only-a-default")["config"]["healthCheck"]["path"] == "/v1/health"
    lattice.kubectl_delete(lab, "TargetGroupPolicy", "tg-policy-demo-app-a")
    hc = _tg_of_service(lab, "only-a-default")["config"]["healthCheck"]
    assert hc["path"] == "/" and hc["healthCheckIntervalSeconds"] == 30


def test_protocol_change_removes_the_old_target_group(world):
    lab, lat = world.lab, world.lab.client("vpc-lattice")
    lab.kubectl_apply(route("only-a"), cluster="eks-demo")
    old = _tg_of_service(lab, "only-a-default")
    lab.kubectl_apply("""
apiVersion: application-networking.k8s.aws/v1alpha1
kind: TargetGroupPolicy
metadata: {name: tg-policy-demo-app-a}
spec:
  targetRef: {group: "", kind: Service, name: demo-app-a}
  protocol: HTTPS
  protocolVersion: HTTP1
""", cluster="eks-demo")
    new = _tg_of_service(lab, "only-a-default")
    assert new["id"] != old["id"] and new["config"]["protocol"] == "HTTPS"
    assert old["id"] not in [tg["id"] for tg in lat.list_target_groups()["items"]]


def test_each_route_gets_its_own_target_group(world):
    lab, lat = world.lab, world.lab.client("vpc-lattice")
    lab.kubectl_apply(route("r1"), cluster="eks-demo")
    lab.kubectl_apply(route("r2"), cluster="eks-demo")
    one, two = _tg_of_service(lab, "r1-default"), _tg_of_service(lab, "r2-default")
    assert one["id"] != two["id"]
    tags = lat.list_tags_for_resource(resourceArn=two["arn"])["tags"]
    assert tags["application-networking.k8s.aws/RouteName"] == "r2"
    assert tags["application-networking.k8s.aws/SourceTypeKey"] == "HTTPRoute"
    assert lat.list_targets(targetGroupIdentifier=two["id"])["items"]


EXPORT = """
apiVersion: application-networking.k8s.aws/v1alpha1
kind: ServiceExport
metadata: {name: demo-app-a, annotations: {application-networking.k8s.aws/federation: amazon-vpc-lattice}}
---
apiVersion: application-networking.k8s.aws/v1alpha1
kind: ServiceImport
metadata: {name: demo-app-a}
spec: {type: ClusterSetIP, ports: [{port: 80, protocol: TCP}]}
"""


def test_service_import_backend_forwards_to_the_exported_target_group(world):
    lab, lat = world.lab, world.lab.client("vpc-lattice")
    lab.kubectl_apply(EXPORT, cluster="eks-demo")
    blue_green = ("    - backendRefs:\n        - {name: demo-app-b, port: 80, weight: 10}\n"
                  "        - {name: demo-app-a, kind: ServiceImport, weight: 90}")
    lab.kubectl_apply(route("bluegreen", blue_green), cluster="eks-demo")
    got = forward_of(lab, service_of(lab, "bluegreen-default")["id"])
    assert sorted(g["weight"] for g in got) == [10, 90]
    imported = next(g for g in got if g["weight"] == 90)
    tg = lat.get_target_group(targetGroupIdentifier=imported["targetGroupIdentifier"])
    tags = lat.list_tags_for_resource(resourceArn=tg["arn"])["tags"]
    assert tags["application-networking.k8s.aws/SourceTypeKey"] == "ServiceExport"
    assert condition(lattice.kubectl_get(lab, "HTTPRoute", "bluegreen"), "ResolvedRefs")["status"] == "True"


def test_target_group_policy_on_a_service_export_leaves_route_target_groups_alone(world):
    lab, lat = world.lab, world.lab.client("vpc-lattice")
    lab.kubectl_apply(EXPORT, cluster="eks-demo")
    lab.kubectl_apply("""
apiVersion: application-networking.k8s.aws/v1alpha1
kind: TargetGroupPolicy
metadata: {name: export-policy}
spec:
  targetRef: {group: application-networking.k8s.aws, kind: ServiceExport, name: demo-app-a}
  healthCheck: {enabled: true, path: /exported, intervalSeconds: 15}
""", cluster="eks-demo")
    paths = {}
    for tg in lat.list_target_groups()["items"]:
        source = lat.list_tags_for_resource(resourceArn=tg["arn"])["tags"]["application-networking.k8s.aws/"
                                                                          "SourceTypeKey"]
        full = lat.get_target_group(targetGroupIdentifier=tg["id"])
        if "demo-app-a" in tg["name"]:
            paths[source] = full["config"]["healthCheck"]["path"]
    assert paths == {"HTTPRoute": "/v1/health", "ServiceExport": "/exported"}


@pytest.mark.parametrize("manifest, message", [
    (route("no-parent-name", parent="{sectionName: http}"), r"parentRefs\[0\].name is required"),
    (route("no-backend-name", "    - backendRefs: [{port: 80}]"), r"backendRefs\[0\].name is required"),
    ("apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec:\n"
     "  gatewayClassName: amazon-vpc-lattice\n  listeners: [{name: http, protocol: HTTP}]\n",
     r"listeners\[0\].port is required"),
    ("apiVersion: application-networking.k8s.aws/v1alpha1\nkind: TargetGroupPolicy\nmetadata: {name: t}\nspec:\n"
     "  targetRef: {kind: Service, name: demo-app-a}\n  healthCheck: {statusMatch: INVALID}\n", "statusMatch"),
])
def test_missing_fields_are_refused_before_anything_is_stored(world, manifest, message):
    """Found by mutating every field of the seminar's manifests: each mistake is a ManifestError, none a KeyError."""
    with pytest.raises(ManifestError, match=message):
        world.lab.kubectl_apply(manifest, cluster="eks-demo")
    assert world.get("/v1/health").status == 200


def test_a_refused_auth_policy_names_the_policy_and_undoes_the_apply(world, monkeypatch):
    """Lattice refusing PutAuthPolicy (here forced) is a ControllerRefused about the IAMAuthPolicy, not a ClientError."""
    from botocore.exceptions import ClientError

    lab = world.lab
    client = lab.client("vpc-lattice")

    def refuse(**_):
        raise ClientError({"Error": {"Code": "ValidationException", "Message": "policy too large"}}, "PutAuthPolicy")

    monkeypatch.setattr(client, "put_auth_policy", refuse)
    with pytest.raises(ControllerRefused, match="IAMAuthPolicy default/big was not applied.*policy too large"):
        lab.kubectl_apply(POLICY.format(name="big", group="gateway.networking.k8s.io"), cluster="eks-demo")
    with pytest.raises(LabError, match="not found"):
        lattice.kubectl_get(lab, "IAMAuthPolicy", "big")
    monkeypatch.undo()
    assert world.get("/v1/health").status == 200


def test_listeners_and_rules_carry_the_controllers_tags_and_the_routes_additional_tags(world):
    lab, lat = world.lab, world.lab.client("vpc-lattice")
    lab.kubectl_apply(route("tagged", annotations='application-networking.k8s.aws/tags: "Team=Backend,Env=Prod"'),
                      cluster="eks-demo")
    svc = service_of(lab, "tagged-default")
    base = "application-networking.k8s.aws/"
    (listener,) = lat.list_listeners(serviceIdentifier=svc["id"])["items"]
    rules = [r for r in lat.list_rules(serviceIdentifier=svc["id"], listenerIdentifier=listener["id"])["items"]
             if not r["isDefault"]]
    assert rules
    for arn in [listener["arn"]] + [r["arn"] for r in rules]:
        tags = lat.list_tags_for_resource(resourceArn=arn)["tags"]
        assert tags[base + "ManagedBy"].endswith(f"/eks-demo/{world.eks_vpc}")
        assert (tags["Team"], tags["Env"]) == ("Backend", "Prod") and base + "RouteType" not in tags
    svc_tags = lat.list_tags_for_resource(resourceArn=svc["arn"])["tags"]
    assert (svc_tags[base + "RouteType"], svc_tags["Team"]) == ("http", "Backend")
