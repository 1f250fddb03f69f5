"""Security groups on a service network's VPC association: the ``VpcAssociationPolicy`` and what they enforce.

A VPC association may carry up to five security groups. Their **inbound** rules decide which clients in that VPC
may reach the service network (user guide, "Control traffic in VPC Lattice using security groups",
https://docs.aws.amazon.com/vpc-lattice/latest/ug/security-groups.html); a request from a client no rule admits
never reaches Lattice. With no security groups, every resource in the VPC may.

``VpcAssociationPolicy`` (``targetRef`` a Gateway) makes the controller put ``securityGroupIds`` on the
association between the cluster's VPC and the Gateway's service network, creating it when ``associateWithVpc`` is
true (the default). Lattice keeps at least one group once an association has any (UpdateServiceNetworkVpcAssociation,
https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_UpdateServiceNetworkVpcAssociation.html: "to remove
all security groups, you must first delete the association and then recreate it"), so when the policy goes (or its
list empties) this model deletes the association and recreates it without groups — the controller's docs are
silent on that case; this is the only way Lattice's API allows.
"""
from __future__ import annotations

import ipaddress
from typing import Optional

from lab_helpers.errors import LabInputError
from lab_helpers.sim.k8s import health
from lab_helpers.sim.k8s.cluster import Cluster
from lab_helpers.sim.k8s.policies import judge

MANAGED_KEY = "vpc-association-sgs"  # association id -> the groups the controller put there


def reconcile(lattice, cluster: Cluster, networks: dict, log: list) -> None:
    """Put each accepted policy's security groups on the cluster VPC's association with its Gateway's network."""
    managed = cluster.controller.setdefault(MANAGED_KEY, {})
    assocs = {a["serviceNetworkId"]: a for a in
              lattice.list_service_network_vpc_associations(vpcIdentifier=cluster.vpc_id)["items"]}
    wanted = set()
    winners = judge(cluster, "VpcAssociationPolicy", lambda key: key[0] == "Gateway" and key[1:] in networks)
    for (_, ns, name), policy in winners.items():
        net = networks[(ns, name)]
        groups = list(policy.spec.get("securityGroupIds", []))
        assoc = assocs.get(net["id"])
        if assoc is None:
            if policy.spec.get("associateWithVpc", True) is False:
                continue  # the policy only shapes an association someone else makes
            made = lattice.create_service_network_vpc_association(
                serviceNetworkIdentifier=net["id"], vpcIdentifier=cluster.vpc_id, securityGroupIds=groups)
            managed[made["id"]] = groups
            wanted.add(made["id"])
            log.append(f"associated {cluster.vpc_id} with {net['name']} (security groups {', '.join(groups)})")
            continue
        wanted.add(assoc["id"])
        have = lattice.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=assoc["id"])
        managed[assoc["id"]] = groups  # first, so that undoing a refused apply knows what was changed
        if sorted(have.get("securityGroupIds", [])) != sorted(groups):
            if groups:
                lattice.update_service_network_vpc_association(
                    serviceNetworkVpcAssociationIdentifier=assoc["id"], securityGroupIds=groups)
            else:
                _recreate_without_groups(lattice, have)
            log.append(f"VPC association {assoc['id']}: security groups {', '.join(groups) or 'none'}")
    for aid in [a for a in managed if a not in wanted]:
        del managed[aid]
        try:
            have = lattice.get_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=aid)
        except lattice.exceptions.ResourceNotFoundException:
            continue
        if have.get("securityGroupIds"):
            _recreate_without_groups(lattice, have)
            log.append(f"VpcAssociationPolicy removed: {cluster.vpc_id} re-associated with "
                       f"{have['serviceNetworkName']} without security groups")


def _recreate_without_groups(lattice, assoc: dict) -> None:
    lattice.delete_service_network_vpc_association(serviceNetworkVpcAssociationIdentifier=assoc["id"])
    lattice.create_service_network_vpc_association(serviceNetworkIdentifier=assoc["serviceNetworkId"],
                                                   vpcIdentifier=assoc["vpcId"])


# -- the data plane -----------------------------------------------------------------------------------------
def admits(ec2, groups: list[str], vpc_id: str, source: Optional[str], port: int) -> tuple[bool, str]:
    """Do the association's security groups admit a client at ``source`` (an IP in ``vpc_id``) on ``port``?

    CIDR and prefix-list rules match the client's address; a rule naming a security group matches a client whose
    network interface is in that group (found by its private IP).
    """
    if not groups:
        return True, "the VPC association has no security groups: every resource in the VPC may send"
    if source is None:
        raise LabInputError(f"The VPC association of {vpc_id} has security groups ({', '.join(groups)}), so who "
                            "sends matters: pass source='<the client's private IP>' to lab.http, e.g. an "
                            "instance's PrivateIpAddress.")
    try:
        ipaddress.ip_address(source)
    except ValueError:
        raise LabInputError(f"source={source!r} is not an IP address; pass the client's private IP "
                            "(e.g. '10.2.1.25').") from None
    allowed, why = health.sg_allows(ec2, groups, source, port)
    if allowed:
        return True, f"VPC association security group {why}"
    eni = health.eni_for_ip(ec2, source, vpc_id)
    mine = {g["GroupId"] for g in (eni or {}).get("Groups", [])}
    for group in ec2.describe_security_groups(GroupIds=groups)["SecurityGroups"]:
        for perm in group.get("IpPermissions", []):
            refs = {p["GroupId"] for p in perm.get("UserIdGroupPairs", [])} & mine
            if refs and health.port_ok(perm, port, "tcp"):
                return True, f"VPC association security group {group['GroupId']} allows members of {min(refs)}"
    return False, (f"VPC association security groups {', '.join(groups)} have no inbound rule for {source} on "
                   f"tcp/{port}: the request never reaches the service network")
