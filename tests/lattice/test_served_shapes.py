"""Every served vpc-lattice response fits AWS's output shape (botocore's service model), member by member."""
from __future__ import annotations

import datetime

from lattice_world import build_world


def conforms(value, shape, where="") -> list[str]:
    """Problems found when checking ``value`` against botocore ``shape`` (empty list: it fits)."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: expected a structure, got {type(value).__name__}"]
        problems = [f"{where}.{k}: not a member of {shape.name}" for k in value if k not in shape.members]
        for k, v in value.items():
            if k in shape.members:
                problems += conforms(v, shape.members[k], f"{where}.{k}")
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where}: expected a list"]
        return [p for i, item in enumerate(value) for p in conforms(item, shape.member, f"{where}[{i}]")]
    if kind == "map":
        return [p for k, v in value.items() for p in conforms(v, shape.value, f"{where}[{k}]")]
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: expected a string, got {value!r}"]
        enum = shape.metadata.get("enum")
        return [f"{where}: {value!r} not in {enum}"] if enum and value not in enum else []
    if kind in ("integer", "long"):
        return [] if isinstance(value, int) and not isinstance(value, bool) else [f"{where}: expected an integer"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: expected a boolean"]
    if kind == "timestamp":
        return [] if isinstance(value, datetime.datetime) else [f"{where}: expected a timestamp"]
    return []


def test_every_served_read_and_write_fits_the_model(lab):
    captured = []

    def capture(parsed, model, **_):
        captured.append((model.name, parsed))

    lab.session.events.register("after-call.vpc-lattice", capture)
    w = build_world(lab)
    lat = lab.client("vpc-lattice")
    svc = lat.list_services()["items"][0]
    net = lat.list_service_networks()["items"][0]
    lat.get_service(serviceIdentifier=svc["id"])
    lat.get_service_network(serviceNetworkIdentifier=net["id"])
    lst = lat.list_listeners(serviceIdentifier=svc["id"])["items"][0]
    lat.get_listener(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])
    for r in lat.list_rules(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"])["items"]:
        if not r["isDefault"]:
            lat.get_rule(serviceIdentifier=svc["id"], listenerIdentifier=lst["id"], ruleIdentifier=r["id"])
    for tg in lat.list_target_groups()["items"]:
        lat.get_target_group(targetGroupIdentifier=tg["id"])
        lat.list_targets(targetGroupIdentifier=tg["id"])
    for a in lat.list_service_network_vpc_associations(serviceNetworkIdentifier=net["id"])["items"]:
        lat.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=a["id"])
    for a in lat.list_service_network_service_associations(serviceNetworkIdentifier=net["id"])["items"]:
        lat.get_service_network_service_association(serviceNetworkServiceAssociationIdentifier=a["id"])
    lat.update_service(serviceIdentifier=svc["id"], authType="AWS_IAM")
    lat.put_auth_policy(resourceIdentifier=svc["id"], policy='{"Statement": []}')
    lat.get_auth_policy(resourceIdentifier=svc["id"])
    lat.list_tags_for_resource(resourceArn=svc["arn"])
    lab.teardown()  # the deletes, through the served API
    model = lat.meta.service_model
    problems = []
    for op, parsed in captured:
        body = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
        problems += [f"{op}{p}" for p in conforms(body, model.operation_model(op).output_shape)]
    ops = {op for op, _ in captured}
    assert {"CreateService", "CreateListener", "CreateRule", "RegisterTargets", "ListTargets", "GetRule",
            "DeleteService", "DeleteTargetGroup", "DeleteServiceNetwork"} <= ops, ops
    assert problems == []
    assert w.network["id"].startswith("sn-")
