"""Every served vpc-lattice response fits AWS's output shape (botocore's service model), member by member."""
from __future__ import annotations

from aws_shapes import shape_problems
from lattice_world import build_world


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
        problems += [f"{op}{p}" for p in shape_problems(body, model.operation_model(op).output_shape)]
    ops = {op for op, _ in captured}
    assert {"CreateService", "CreateListener", "CreateRule", "RegisterTargets", "ListTargets", "GetRule",
            "DeleteService", "DeleteTargetGroup", "DeleteServiceNetwork"} <= ops, ops
    assert problems == []
    assert w.network["id"].startswith("sn-")
