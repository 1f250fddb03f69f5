"""EC2 fidelity, one module per resource family (as moto's ``ec2/models/``): each holds its AWS rules as pure
functions, the botocore handlers that apply them, and a ``SHIMS`` list."""
from lab_helpers.fidelity.ec2 import (
                                      elastic_ips,
                                      endpoints,
                                      instance_metadata,
                                      instances,
                                      internet_gateways,
                                      nat_gateways,
                                      network_acls,
                                      network_interfaces,
                                      placement_groups,
                                      quotas,
                                      reachability_analyzer,
                                      security_groups,
                                      transit_gateways,
                                      vpc_peering,
                                      vpcs,
)

FAMILIES = [vpcs, vpc_peering, internet_gateways, elastic_ips, network_acls, security_groups, instances,
            instance_metadata, endpoints, nat_gateways, network_interfaces, placement_groups, quotas,
            reachability_analyzer, transit_gateways]
SHIMS = [shim for family in FAMILIES for shim in family.SHIMS]

__all__ = ["SHIMS", "FAMILIES"]
