"""botocore glue: serve the lab's VPC Lattice API from :mod:`.models` (see there for why all of it)."""
from __future__ import annotations

from lab_helpers.fidelity.base import Shim, aws_error, aws_response, request_region
from lab_helpers.fidelity.vpc_lattice.models import LatticeRegion
from lab_helpers.fidelity.vpc_lattice.tables import ApiRefused
from lab_helpers.sim.k8s import health

STORE = "vpc-lattice"


# Operations served (botocore operation name -> LatticeRegion method name).
OPERATIONS = {
    "CreateServiceNetwork": "create_service_network", "GetServiceNetwork": "get_service_network",
    "ListServiceNetworks": "list_service_networks", "UpdateServiceNetwork": "update_service_network",
    "DeleteServiceNetwork": "delete_service_network",
    "CreateService": "create_service", "GetService": "get_service", "ListServices": "list_services",
    "UpdateService": "update_service", "DeleteService": "delete_service",
    "CreateListener": "create_listener", "GetListener": "get_listener", "ListListeners": "list_listeners",
    "DeleteListener": "delete_listener", "UpdateListener": "update_listener",
    "CreateRule": "create_rule", "GetRule": "get_rule", "ListRules": "list_rules", "UpdateRule": "update_rule",
    "DeleteRule": "delete_rule",
    "CreateTargetGroup": "create_target_group", "GetTargetGroup": "get_target_group",
    "ListTargetGroups": "list_target_groups", "UpdateTargetGroup": "update_target_group",
    "DeleteTargetGroup": "delete_target_group",
    "RegisterTargets": "register_targets", "DeregisterTargets": "deregister_targets", "ListTargets": "list_targets",
    "CreateServiceNetworkVpcAssociation": "create_service_network_vpc_association",
    "GetServiceNetworkVpcAssociation": "get_service_network_vpc_association",
    "ListServiceNetworkVpcAssociations": "list_service_network_vpc_associations",
    "UpdateServiceNetworkVpcAssociation": "update_service_network_vpc_association",
    "DeleteServiceNetworkVpcAssociation": "delete_service_network_vpc_association",
    "CreateServiceNetworkServiceAssociation": "create_service_network_service_association",
    "GetServiceNetworkServiceAssociation": "get_service_network_service_association",
    "ListServiceNetworkServiceAssociations": "list_service_network_service_associations",
    "DeleteServiceNetworkServiceAssociation": "delete_service_network_service_association",
    "CreateAccessLogSubscription": "create_access_log_subscription",
    "GetAccessLogSubscription": "get_access_log_subscription",
    "ListAccessLogSubscriptions": "list_access_log_subscriptions",
    "UpdateAccessLogSubscription": "update_access_log_subscription",
    "DeleteAccessLogSubscription": "delete_access_log_subscription",
    "PutAuthPolicy": "put_auth_policy", "GetAuthPolicy": "get_auth_policy", "DeleteAuthPolicy": "delete_auth_policy",
    "ListTagsForResource": "list_tags_for_resource", "TagResource": "tag_resource", "UntagResource": "untag_resource",
}

# HTTP status AWS answers with on success (from the service model's responseCode).
SUCCESS_STATUS = {"CreateService": 201, "CreateServiceNetwork": 201, "CreateListener": 201, "CreateRule": 201,
                  "CreateTargetGroup": 201, "DeleteServiceNetwork": 204, "DeleteListener": 204,
                  "DeleteRule": 204, "DeleteAuthPolicy": 204, "UntagResource": 200,
                  "CreateAccessLogSubscription": 201, "DeleteAccessLogSubscription": 204}


def region_model(ctx, region: str) -> LatticeRegion:
    """The Lattice state of ``region`` in this lab, created on first use with its health checker attached."""
    regions = ctx.store(STORE)
    if region not in regions:
        def health_of(model, tg, target, _region=region):
            return health.check_target(ctx.raw_client("ec2", _region), ctx.state.get(health.HOSTS_KEY, {}),
                                       tg, target, _region)
        regions[region] = LatticeRegion(ctx.account_id, region, health_of)
    return regions[region]


def _serve(operation: str, method: str):
    def handler(params, ctx, context=None, **_):
        region = request_region(context)
        try:
            body = getattr(region_model(ctx, region), method)(dict(params))
        except ApiRefused as refused:
            return aws_error(*refused.refusal, refused.status)
        return aws_response(body, SUCCESS_STATUS.get(operation, 200))
    handler.__name__ = f"serve_{method}"
    return handler


SHIMS = [Shim("vpc-lattice", op, "call", f"VPC Lattice {op}: served with AWS's shape and errors "
              "(moto lacks deletes, rules, targets, one-network-per-VPC, real DNS names)", _serve(op, method))
         for op, method in OPERATIONS.items()]
