"""botocore glue: serve the lab's VPC Lattice API from :mod:`.control_plane` (see there for why all of it)."""
from __future__ import annotations

from lab_helpers.fidelity.base import Shim, aws_error, aws_response, request_region
from lab_helpers.fidelity.vpc_lattice import health
from lab_helpers.fidelity.vpc_lattice import models as control_plane

STORE = "vpc-lattice"


def region_model(ctx, region: str) -> control_plane.LatticeRegion:
    """The Lattice state of ``region`` in this lab, created on first use with its health checker attached."""
    regions = ctx.store(STORE)
    if region not in regions:
        def health_of(model, tg, target, _region=region):
            return health.check_target(ctx.raw_client("ec2", _region), ctx.state.get(health.HOSTS_KEY, {}),
                                       tg, target, _region)
        regions[region] = control_plane.LatticeRegion(ctx.account_id, region, health_of)
    return regions[region]


def _serve(operation: str, method: str):
    def handler(params, ctx, context=None, **_):
        region = request_region(context)
        try:
            body = getattr(region_model(ctx, region), method)(dict(params))
        except control_plane.Refusal as refusal:
            return aws_error(refusal.code, refusal.message, refusal.status)
        return aws_response(body, control_plane.SUCCESS_STATUS.get(operation, 200))
    handler.__name__ = f"serve_{method}"
    return handler


SHIMS = [Shim("vpc-lattice", op, "call", f"VPC Lattice {op}: served with AWS's shape and errors "
              "(moto lacks deletes, rules, targets, one-network-per-VPC, real DNS names)", _serve(op, method))
         for op, method in control_plane.OPERATIONS.items()]
