"""Service networks and what joins them: VPC associations (one network per VPC) and service associations.

A service network is the unit of reachability: a VPC associated with it can reach every service associated with
it, and nothing else.
"""
from __future__ import annotations

import copy

from lab_helpers.fidelity.vpc_lattice import rules
from lab_helpers.fidelity.vpc_lattice.tables import ApiRefused, LatticeTables, new_id, pick, refuse, utc_now


class ServiceNetworks(LatticeTables):
    """Service networks, their VPC associations and their service associations."""

    # -- service networks -----------------------------------------------------------------------------------
    def create_service_network(self, p: dict) -> dict:
        refuse(rules.name("service network", p["name"]))
        if self.by_name(self.networks, p["name"]):
            raise ApiRefused("ConflictException", f"A service network named {p['name']} already exists.", 409)
        if len(self.networks) >= rules.SERVICE_NETWORKS_PER_REGION:
            raise ApiRefused("ServiceQuotaExceededException", "Service networks per Region quota reached.", 402)
        sid = new_id("sn")
        now = utc_now()
        net = {"id": sid, "name": p["name"], "arn": self.arn(f"servicenetwork/{sid}"),
               "authType": p.get("authType", "NONE"), "createdAt": now, "lastUpdatedAt": now}
        if p.get("sharingConfig"):
            net["sharingConfig"] = p["sharingConfig"]
        self.networks[sid] = net
        self.tag(net["arn"], p.get("tags"))
        return pick(net, ("id", "name", "arn", "authType", "sharingConfig"))

    def _network_counts(self, sid: str) -> dict:
        return {"numberOfAssociatedVPCs": sum(a["serviceNetworkId"] == sid for a in self.vpc_associations.values()),
                "numberOfAssociatedServices": sum(a["serviceNetworkId"] == sid
                                                  for a in self.service_associations.values())}

    def get_service_network(self, p: dict) -> dict:
        net = self.find(self.networks, p["serviceNetworkIdentifier"], "Service network")
        return {**copy.deepcopy(net), **self._network_counts(net["id"])}

    def list_service_networks(self, p: dict) -> dict:
        return {"items": [{**pick(n, ("id", "name", "arn", "createdAt", "lastUpdatedAt")),
                           **self._network_counts(n["id"])} for n in self.networks.values()]}

    def update_service_network(self, p: dict) -> dict:
        net = self.find(self.networks, p["serviceNetworkIdentifier"], "Service network")
        net["authType"], net["lastUpdatedAt"] = p["authType"], utc_now()
        return pick(net, ("id", "name", "arn", "authType"))

    def delete_service_network(self, p: dict) -> dict:
        net = self.find(self.networks, p["serviceNetworkIdentifier"], "Service network")
        counts = self._network_counts(net["id"])
        if counts["numberOfAssociatedVPCs"] or counts["numberOfAssociatedServices"]:
            raise ApiRefused("ConflictException",
                          f"Service network {net['id']} still has {counts['numberOfAssociatedVPCs']} VPC and "
                          f"{counts['numberOfAssociatedServices']} service association(s); delete them first.", 409)
        del self.networks[net["id"]]
        self.auth_policies.pop(net["arn"], None)
        return {}

    # -- associations ---------------------------------------------------------------------------------------
    def create_service_network_vpc_association(self, p: dict) -> dict:
        net = self.find(self.networks, p["serviceNetworkIdentifier"], "Service network")
        existing = next((a for a in self.vpc_associations.values() if a["vpcId"] == p["vpcIdentifier"]), None)
        refuse(rules.vpc_already_associated(p["vpcIdentifier"], existing["serviceNetworkId"] if existing else None))
        refuse(rules.association_security_groups([], list(p.get("securityGroupIds", []))))
        aid = new_id("snva")
        now = utc_now()
        assoc = {"id": aid, "arn": self.arn(f"servicenetworkvpcassociation/{aid}"), "status": "ACTIVE",
                 "createdBy": self.account, "createdAt": now, "lastUpdatedAt": now, "serviceNetworkId": net["id"],
                 "serviceNetworkName": net["name"], "serviceNetworkArn": net["arn"], "vpcId": p["vpcIdentifier"],
                 "securityGroupIds": list(p.get("securityGroupIds", [])),
                 "privateDnsEnabled": p.get("privateDnsEnabled", False)}
        self.vpc_associations[aid] = assoc
        self.tag(assoc["arn"], p.get("tags"))
        return pick(assoc, ("id", "status", "arn", "createdBy", "securityGroupIds", "privateDnsEnabled"))

    def get_service_network_vpc_association(self, p: dict) -> dict:
        return copy.deepcopy(self.find(self.vpc_associations, p["serviceNetworkVpcAssociationIdentifier"],
                                        "Service network VPC association"))

    def update_service_network_vpc_association(self, p: dict) -> dict:
        """Security groups on the association: which resources in the VPC may reach the service network."""
        assoc = self.find(self.vpc_associations, p["serviceNetworkVpcAssociationIdentifier"],
                          "Service network VPC association")
        refuse(rules.association_security_groups(assoc["securityGroupIds"], list(p["securityGroupIds"])))
        assoc["securityGroupIds"], assoc["lastUpdatedAt"] = list(p["securityGroupIds"]), utc_now()
        return pick(assoc, ("id", "status", "arn", "createdBy", "securityGroupIds"))

    def list_service_network_vpc_associations(self, p: dict) -> dict:
        if not p.get("serviceNetworkIdentifier") and not p.get("vpcIdentifier"):
            raise ApiRefused("ValidationException", "Specify serviceNetworkIdentifier or vpcIdentifier.")
        net = (self.find(self.networks, p["serviceNetworkIdentifier"], "Service network")
               if p.get("serviceNetworkIdentifier") else None)
        items = [pick(a, ("id", "arn", "status", "createdBy", "createdAt", "serviceNetworkId",
                                "serviceNetworkName", "serviceNetworkArn", "vpcId", "lastUpdatedAt",
                                "privateDnsEnabled"))
                 for a in self.vpc_associations.values()
                 if (net is None or a["serviceNetworkId"] == net["id"])
                 and (not p.get("vpcIdentifier") or a["vpcId"] == p["vpcIdentifier"])]
        return {"items": items}

    def delete_service_network_vpc_association(self, p: dict) -> dict:
        assoc = self.find(self.vpc_associations, p["serviceNetworkVpcAssociationIdentifier"],
                           "Service network VPC association")
        del self.vpc_associations[assoc["id"]]
        return {"id": assoc["id"], "arn": assoc["arn"], "status": "DELETE_IN_PROGRESS"}

    def create_service_network_service_association(self, p: dict) -> dict:
        net = self.find(self.networks, p["serviceNetworkIdentifier"], "Service network")
        svc = self.find(self.services, p["serviceIdentifier"], "Service")
        mine = [a for a in self.service_associations.values() if a["serviceNetworkId"] == net["id"]]
        if any(a["serviceId"] == svc["id"] for a in mine):
            raise ApiRefused("ConflictException", f"Service {svc['id']} is already associated with {net['id']}.", 409)
        if len(mine) >= rules.SERVICES_PER_NETWORK:
            raise ApiRefused("ServiceQuotaExceededException", "Services per service network quota reached.", 402)
        domain = svc.get("customDomainName")
        if domain and any(self.services[a["serviceId"]].get("customDomainName") == domain for a in mine):
            raise ApiRefused("ConflictException", f"Custom domain {domain} is already used by another service in "
                                               f"{net['name']}: a custom domain must be unique in a network.", 409)
        aid = new_id("snsa")
        now = utc_now()
        assoc = {"id": aid, "arn": self.arn(f"servicenetworkserviceassociation/{aid}"), "status": "ACTIVE",
                 "createdBy": self.account, "createdAt": now, "serviceId": svc["id"], "serviceName": svc["name"],
                 "serviceArn": svc["arn"], "serviceNetworkId": net["id"], "serviceNetworkName": net["name"],
                 "serviceNetworkArn": net["arn"], "dnsEntry": copy.deepcopy(svc["dnsEntry"])}
        if domain:
            assoc["customDomainName"] = domain
        self.service_associations[aid] = assoc
        self.tag(assoc["arn"], p.get("tags"))
        return pick(assoc, ("id", "status", "arn", "createdBy", "customDomainName", "dnsEntry"))

    def get_service_network_service_association(self, p: dict) -> dict:
        return copy.deepcopy(self.find(self.service_associations, p["serviceNetworkServiceAssociationIdentifier"],
                                        "Service network service association"))

    def list_service_network_service_associations(self, p: dict) -> dict:
        if not p.get("serviceNetworkIdentifier") and not p.get("serviceIdentifier"):
            raise ApiRefused("ValidationException", "Specify serviceNetworkIdentifier or serviceIdentifier.")
        net = (self.find(self.networks, p["serviceNetworkIdentifier"], "Service network")
               if p.get("serviceNetworkIdentifier") else None)
        svc = self.find(self.services, p["serviceIdentifier"], "Service") if p.get("serviceIdentifier") else None
        return {"items": [copy.deepcopy(a) for a in self.service_associations.values()
                          if (net is None or a["serviceNetworkId"] == net["id"])
                          and (svc is None or a["serviceId"] == svc["id"])]}

    def delete_service_network_service_association(self, p: dict) -> dict:
        assoc = self.find(self.service_associations, p["serviceNetworkServiceAssociationIdentifier"],
                           "Service network service association")
        del self.service_associations[assoc["id"]]
        return {"id": assoc["id"], "arn": assoc["arn"], "status": "DELETE_IN_PROGRESS"}
