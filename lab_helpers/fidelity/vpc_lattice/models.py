"""A VPC Lattice control plane kept per lab, answering in AWS's shapes and with AWS's error codes.

moto 5.2.5 stores networks, services, listeners and target groups but cannot delete any of them, has no
``GetRule``/``ListRules``/``UpdateRule``/``DeleteRule`` and no targets at all, skips the one-network-per-VPC rule,
and invents ``*.vpclattice.amazonaws.com`` names. Serving only the missing calls would leave two sources of truth
(moto would keep showing what we deleted), so the lab's whole Lattice API is served from this one model, every
call validated as AWS validates it. Reads go through the same served API, so a simulator that calls
``list_services``/``list_targets`` works unchanged against a real account.

State is a plain dict per Region inside the lab's ``shim_state``; nothing is global.
"""
from __future__ import annotations

import copy
import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Optional

from lab_helpers.fidelity.vpc_lattice import rules


class Refusal(Exception):
    """AWS refuses the call: ``code`` and ``message`` as the real service answers."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _refuse(found):
    if found:
        raise Refusal(*found)


def _status_of(code: str) -> int:
    return {"ResourceNotFoundException": 404, "ConflictException": 409,
            "ServiceQuotaExceededException": 402}.get(code, 400)


def _now() -> datetime:
    return datetime.now(UTC)


def _new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(9)[:17]}"


class LatticeRegion:
    """Everything Lattice holds in one account and Region."""

    def __init__(self, account: str, region: str, health_of: Optional[Callable] = None):
        self.account, self.region = account, region
        self.networks: dict[str, dict] = {}
        self.services: dict[str, dict] = {}
        self.listeners: dict[str, dict] = {}  # listener id -> listener (with "serviceId")
        self.rules: dict[str, dict] = {}  # rule id -> rule (with "listenerId")
        self.target_groups: dict[str, dict] = {}
        self.vpc_associations: dict[str, dict] = {}
        self.service_associations: dict[str, dict] = {}
        self.auth_policies: dict[str, dict] = {}  # resource arn -> {"policy", "createdAt", ...}
        self.tags: dict[str, dict] = {}
        # health_of(region_model, target_group, target) -> (status, reasonCode); set by the health checker.
        self.health_of = health_of

    # -- helpers --------------------------------------------------------------------------------------------
    def _arn(self, path: str) -> str:
        return f"arn:aws:vpc-lattice:{self.region}:{self.account}:{path}"

    @staticmethod
    def _find(table: dict, ident: str, what: str) -> dict:
        """Identifiers are ids or ARNs (AWS accepts both)."""
        key = ident.rsplit("/", 1)[-1] if ident.startswith("arn:") else ident
        if key in table:
            return table[key]
        for item in table.values():  # names are accepted for networks in some calls (e.g. the controller's lookup)
            if item.get("arn") == ident:
                return item
        raise Refusal("ResourceNotFoundException", f"{what} {ident} not found.", 404)

    def _by_name(self, table: dict, name: str) -> Optional[dict]:
        return next((v for v in table.values() if v["name"] == name), None)

    def _tag(self, arn: str, tags: Optional[dict]) -> None:
        self.tags[arn] = dict(tags or {})

    @staticmethod
    def _pick(item: dict, keys: tuple) -> dict:
        return {k: copy.deepcopy(item[k]) for k in keys if k in item and item[k] is not None}

    # -- service networks -----------------------------------------------------------------------------------
    def create_service_network(self, p: dict) -> dict:
        _refuse(rules.name("service network", p["name"]))
        if self._by_name(self.networks, p["name"]):
            raise Refusal("ConflictException", f"A service network named {p['name']} already exists.", 409)
        if len(self.networks) >= rules.SERVICE_NETWORKS_PER_REGION:
            raise Refusal("ServiceQuotaExceededException", "Service networks per Region quota reached.", 402)
        sid = _new_id("sn")
        now = _now()
        net = {"id": sid, "name": p["name"], "arn": self._arn(f"servicenetwork/{sid}"),
               "authType": p.get("authType", "NONE"), "createdAt": now, "lastUpdatedAt": now}
        if p.get("sharingConfig"):
            net["sharingConfig"] = p["sharingConfig"]
        self.networks[sid] = net
        self._tag(net["arn"], p.get("tags"))
        return self._pick(net, ("id", "name", "arn", "authType", "sharingConfig"))

    def _network_counts(self, sid: str) -> dict:
        return {"numberOfAssociatedVPCs": sum(a["serviceNetworkId"] == sid for a in self.vpc_associations.values()),
                "numberOfAssociatedServices": sum(a["serviceNetworkId"] == sid
                                                  for a in self.service_associations.values())}

    def get_service_network(self, p: dict) -> dict:
        net = self._find(self.networks, p["serviceNetworkIdentifier"], "Service network")
        return {**copy.deepcopy(net), **self._network_counts(net["id"])}

    def list_service_networks(self, p: dict) -> dict:
        return {"items": [{**self._pick(n, ("id", "name", "arn", "createdAt", "lastUpdatedAt")),
                           **self._network_counts(n["id"])} for n in self.networks.values()]}

    def update_service_network(self, p: dict) -> dict:
        net = self._find(self.networks, p["serviceNetworkIdentifier"], "Service network")
        net["authType"], net["lastUpdatedAt"] = p["authType"], _now()
        return self._pick(net, ("id", "name", "arn", "authType"))

    def delete_service_network(self, p: dict) -> dict:
        net = self._find(self.networks, p["serviceNetworkIdentifier"], "Service network")
        counts = self._network_counts(net["id"])
        if counts["numberOfAssociatedVPCs"] or counts["numberOfAssociatedServices"]:
            raise Refusal("ConflictException",
                          f"Service network {net['id']} still has {counts['numberOfAssociatedVPCs']} VPC and "
                          f"{counts['numberOfAssociatedServices']} service association(s); delete them first.", 409)
        del self.networks[net["id"]]
        self.auth_policies.pop(net["arn"], None)
        return {}

    # -- services -------------------------------------------------------------------------------------------
    def create_service(self, p: dict) -> dict:
        _refuse(rules.name("service", p["name"]))
        if self._by_name(self.services, p["name"]):
            raise Refusal("ConflictException", f"A service named {p['name']} already exists.", 409)
        sid = _new_id("svc")
        now = _now()
        svc = {"id": sid, "name": p["name"], "arn": self._arn(f"service/{sid}"), "status": "ACTIVE",
               "authType": p.get("authType", "NONE"), "createdAt": now, "lastUpdatedAt": now,
               "dnsEntry": {"domainName": rules.generated_domain_name(p["name"], sid, self.account, self.region),
                            "hostedZoneId": rules.hosted_zone_id(self.region)}}
        for key in ("customDomainName", "certificateArn", "idleTimeoutSeconds"):
            if p.get(key):
                svc[key] = p[key]
        self.services[sid] = svc
        self._tag(svc["arn"], p.get("tags"))
        return self._pick(svc, ("id", "arn", "name", "customDomainName", "certificateArn", "status", "authType",
                                "idleTimeoutSeconds", "dnsEntry"))

    def get_service(self, p: dict) -> dict:
        return copy.deepcopy(self._find(self.services, p["serviceIdentifier"], "Service"))

    def list_services(self, p: dict) -> dict:
        return {"items": [self._pick(s, ("id", "name", "arn", "createdAt", "lastUpdatedAt", "dnsEntry",
                                         "customDomainName", "status")) for s in self.services.values()]}

    def update_service(self, p: dict) -> dict:
        svc = self._find(self.services, p["serviceIdentifier"], "Service")
        for key in ("authType", "certificateArn", "idleTimeoutSeconds"):
            if key in p:
                svc[key] = p[key]
        svc["lastUpdatedAt"] = _now()
        return self._pick(svc, ("id", "arn", "name", "customDomainName", "certificateArn", "authType",
                                "idleTimeoutSeconds"))

    def delete_service(self, p: dict) -> dict:
        svc = self._find(self.services, p["serviceIdentifier"], "Service")
        if any(a["serviceId"] == svc["id"] for a in self.service_associations.values()):
            raise Refusal("ConflictException", f"Service {svc['id']} is associated with a service network; "
                                               "delete the service network service association first.", 409)
        # AWS deletes what belongs to the service with it: listeners, their rules, the auth policy.
        for lid in [lid for lid, lst in self.listeners.items() if lst["serviceId"] == svc["id"]]:
            self._drop_listener(lid)
        self.auth_policies.pop(svc["arn"], None)
        del self.services[svc["id"]]
        return {"id": svc["id"], "arn": svc["arn"], "name": svc["name"], "status": "DELETE_IN_PROGRESS"}

    # -- listeners ------------------------------------------------------------------------------------------
    def _check_action(self, action: dict) -> None:
        _refuse(rules.weights(action))
        for group in action.get("forward", {}).get("targetGroups", []):
            self._find(self.target_groups, group["targetGroupIdentifier"], "Target group")

    @staticmethod
    def _normal_action(action: dict) -> dict:
        """Weights default to 1; identifiers are stored as ids, as AWS echoes them."""
        action = copy.deepcopy(action)
        for group in action.get("forward", {}).get("targetGroups", []):
            group["targetGroupIdentifier"] = group["targetGroupIdentifier"].rsplit("/", 1)[-1]
            group.setdefault("weight", 1)
        return action

    def create_listener(self, p: dict) -> dict:
        svc = self._find(self.services, p["serviceIdentifier"], "Service")
        _refuse(rules.name("listener", p["name"]))
        mine = [lst for lst in self.listeners.values() if lst["serviceId"] == svc["id"]]
        if any(lst["name"] == p["name"] for lst in mine):
            raise Refusal("ConflictException", f"Listener {p['name']} already exists on {svc['id']}.", 409)
        if len(mine) >= rules.LISTENERS_PER_SERVICE:
            raise Refusal("ServiceQuotaExceededException",
                          f"A service has at most {rules.LISTENERS_PER_SERVICE} listeners.", 402)
        self._check_action(p["defaultAction"])
        port = p.get("port") or {"HTTP": 80, "HTTPS": 443, "TLS_PASSTHROUGH": 443}[p["protocol"]]
        if any(lst["port"] == port for lst in mine):
            raise Refusal("ConflictException", f"Service {svc['id']} already has a listener on port {port}.", 409)
        lid = _new_id("listener")
        now = _now()
        lst = {"id": lid, "arn": f"{svc['arn']}/listener/{lid}", "name": p["name"], "protocol": p["protocol"],
               "port": port, "serviceArn": svc["arn"], "serviceId": svc["id"],
               "defaultAction": self._normal_action(p["defaultAction"]), "createdAt": now, "lastUpdatedAt": now}
        self.listeners[lid] = lst
        self._tag(lst["arn"], p.get("tags"))
        return self._pick(lst, ("arn", "id", "name", "protocol", "port", "serviceArn", "serviceId", "defaultAction"))

    def _listener(self, p: dict) -> dict:
        svc = self._find(self.services, p["serviceIdentifier"], "Service")
        lst = self._find(self.listeners, p["listenerIdentifier"], "Listener")
        if lst["serviceId"] != svc["id"]:
            raise Refusal("ResourceNotFoundException", f"Listener {p['listenerIdentifier']} not found.", 404)
        return lst

    def get_listener(self, p: dict) -> dict:
        return copy.deepcopy(self._listener(p))

    def list_listeners(self, p: dict) -> dict:
        svc = self._find(self.services, p["serviceIdentifier"], "Service")
        return {"items": [self._pick(lst, ("arn", "id", "name", "protocol", "port", "createdAt", "lastUpdatedAt"))
                          for lst in self.listeners.values() if lst["serviceId"] == svc["id"]]}

    def _drop_listener(self, lid: str) -> None:
        for rid in [rid for rid, r in self.rules.items() if r["listenerId"] == lid]:
            del self.rules[rid]
        del self.listeners[lid]

    def delete_listener(self, p: dict) -> dict:
        self._drop_listener(self._listener(p)["id"])
        return {}

    # -- rules ----------------------------------------------------------------------------------------------
    def create_rule(self, p: dict) -> dict:
        lst = self._listener(p)
        _refuse(rules.name("rule", p["name"]))
        mine = [r for r in self.rules.values() if r["listenerId"] == lst["id"]]
        if any(r["name"] == p["name"] for r in mine):
            raise Refusal("ConflictException", f"Rule {p['name']} already exists on {lst['id']}.", 409)
        if any(r["priority"] == p["priority"] for r in mine):
            raise Refusal("ConflictException", f"Priority {p['priority']} is already used on {lst['id']}; "
                                               "each rule of a listener needs its own priority.", 409)
        if len(mine) >= rules.RULES_PER_LISTENER:
            raise Refusal("ServiceQuotaExceededException",
                          f"A listener has at most {rules.RULES_PER_LISTENER} rules (plus its default action).", 402)
        self._check_action(p["action"])
        rid = _new_id("rule")
        now = _now()
        rule = {"arn": f"{lst['arn']}/rule/{rid}", "id": rid, "name": p["name"], "isDefault": False,
                "match": copy.deepcopy(p["match"]), "priority": p["priority"],
                "action": self._normal_action(p["action"]), "createdAt": now, "lastUpdatedAt": now,
                "listenerId": lst["id"]}
        self.rules[rid] = rule
        self._tag(rule["arn"], p.get("tags"))
        return self._pick(rule, ("arn", "id", "name", "match", "priority", "action"))

    def _rule(self, p: dict) -> dict:
        lst = self._listener(p)
        rule = self._find(self.rules, p["ruleIdentifier"], "Rule")
        if rule["listenerId"] != lst["id"]:
            raise Refusal("ResourceNotFoundException", f"Rule {p['ruleIdentifier']} not found.", 404)
        return rule

    def get_rule(self, p: dict) -> dict:
        return {k: v for k, v in copy.deepcopy(self._rule(p)).items() if k != "listenerId"}

    def list_rules(self, p: dict) -> dict:
        """Rules by priority, then the default rule, as AWS lists them."""
        lst = self._listener(p)
        items = sorted((r for r in self.rules.values() if r["listenerId"] == lst["id"]), key=lambda r: r["priority"])
        out = [self._pick(r, ("arn", "id", "name", "isDefault", "priority", "createdAt", "lastUpdatedAt"))
               for r in items]
        out.append({"arn": f"{lst['arn']}/rule/default", "id": "default", "name": "default", "isDefault": True,
                    "createdAt": lst["createdAt"], "lastUpdatedAt": lst["lastUpdatedAt"]})
        return {"items": out}

    def update_rule(self, p: dict) -> dict:
        rule = self._rule(p)
        if "priority" in p and p["priority"] != rule["priority"]:
            if any(r["priority"] == p["priority"] and r["listenerId"] == rule["listenerId"]
                   for r in self.rules.values()):
                raise Refusal("ConflictException", f"Priority {p['priority']} is already used on this listener.", 409)
            rule["priority"] = p["priority"]
        if "match" in p:
            rule["match"] = copy.deepcopy(p["match"])
        if "action" in p:
            self._check_action(p["action"])
            rule["action"] = self._normal_action(p["action"])
        rule["lastUpdatedAt"] = _now()
        return self._pick(rule, ("arn", "id", "name", "isDefault", "match", "priority", "action"))

    def delete_rule(self, p: dict) -> dict:
        del self.rules[self._rule(p)["id"]]
        return {}

    # -- target groups and targets --------------------------------------------------------------------------
    def create_target_group(self, p: dict) -> dict:
        _refuse(rules.name("target group", p["name"]))
        if self._by_name(self.target_groups, p["name"]):
            raise Refusal("ConflictException", f"A target group named {p['name']} already exists.", 409)
        config = copy.deepcopy(p.get("config", {}))
        if p["type"] in ("IP", "INSTANCE", "ALB"):
            for key in ("port", "protocol", "vpcIdentifier"):
                if key not in config:
                    raise Refusal("ValidationException", f"config.{key} is required for {p['type']} target groups.")
        if p["type"] in ("IP", "INSTANCE"):
            _refuse(rules.health_check(config.get("healthCheck", {})))
            config.setdefault("protocolVersion", "HTTP1")
            config.setdefault("ipAddressType", "IPV4")
            config["healthCheck"] = rules.merged_health_check(config.get("healthCheck"))
        tid = _new_id("tg")
        now = _now()
        tg = {"id": tid, "arn": self._arn(f"targetgroup/{tid}"), "name": p["name"], "type": p["type"],
              "config": config, "status": "ACTIVE", "createdAt": now, "lastUpdatedAt": now, "targets": {}}
        self.target_groups[tid] = tg
        self._tag(tg["arn"], p.get("tags"))
        return self._pick(tg, ("id", "arn", "name", "type", "config", "status"))

    def _service_arns_of(self, tid: str) -> list[str]:
        used = set()
        for lst in self.listeners.values():
            actions = [lst["defaultAction"]] + [r["action"] for r in self.rules.values() if r["listenerId"] == lst["id"]]
            if any(g["targetGroupIdentifier"] == tid for a in actions for g in a.get("forward", {}).get("targetGroups", [])):
                used.add(lst["serviceArn"])
        return sorted(used)

    def get_target_group(self, p: dict) -> dict:
        tg = self._find(self.target_groups, p["targetGroupIdentifier"], "Target group")
        out = {k: copy.deepcopy(v) for k, v in tg.items() if k != "targets"}
        out["serviceArns"] = self._service_arns_of(tg["id"])
        return out

    def list_target_groups(self, p: dict) -> dict:
        items = []
        for tg in self.target_groups.values():
            cfg = tg["config"]
            if p.get("vpcIdentifier") and cfg.get("vpcIdentifier") != p["vpcIdentifier"]:
                continue
            if p.get("targetGroupType") and tg["type"] != p["targetGroupType"]:
                continue
            item = self._pick(tg, ("id", "arn", "name", "type", "createdAt", "lastUpdatedAt", "status"))
            item.update({k: cfg[k] for k in ("port", "protocol", "ipAddressType", "vpcIdentifier") if k in cfg})
            item["serviceArns"] = self._service_arns_of(tg["id"])
            items.append(item)
        return {"items": items}

    def update_target_group(self, p: dict) -> dict:
        tg = self._find(self.target_groups, p["targetGroupIdentifier"], "Target group")
        _refuse(rules.health_check(p["healthCheck"]))
        tg["config"]["healthCheck"] = rules.merged_health_check({**tg["config"].get("healthCheck", {}),
                                                                 **p["healthCheck"]})
        tg["lastUpdatedAt"] = _now()
        return self._pick(tg, ("id", "arn", "name", "type", "config", "status"))

    def delete_target_group(self, p: dict) -> dict:
        tg = self._find(self.target_groups, p["targetGroupIdentifier"], "Target group")
        if self._service_arns_of(tg["id"]):
            raise Refusal("ConflictException", f"Target group {tg['id']} is used by a listener rule; remove it from "
                                               "the rules first.", 409)
        del self.target_groups[tg["id"]]
        return {"id": tg["id"], "arn": tg["arn"], "status": "DELETE_IN_PROGRESS"}

    def _default_port(self, tg: dict) -> Optional[int]:
        return tg["config"].get("port")

    def register_targets(self, p: dict) -> dict:
        tg = self._find(self.target_groups, p["targetGroupIdentifier"], "Target group")
        ok, bad = [], []
        for t in p["targets"]:
            port = t.get("port") or self._default_port(tg)
            if len(tg["targets"]) >= rules.TARGETS_PER_GROUP:
                bad.append({"id": t["id"], "port": port, "failureCode": "ServiceQuotaExceeded",
                            "failureMessage": "Targets per target group quota reached."})
                continue
            tg["targets"][(t["id"], port)] = {"id": t["id"], "port": port}
            ok.append({"id": t["id"], "port": port})
        return {"successful": ok, "unsuccessful": bad}

    def deregister_targets(self, p: dict) -> dict:
        tg = self._find(self.target_groups, p["targetGroupIdentifier"], "Target group")
        ok, bad = [], []
        for t in p["targets"]:
            port = t.get("port") or self._default_port(tg)
            if tg["targets"].pop((t["id"], port), None) is None:
                bad.append({"id": t["id"], "port": port, "failureCode": "TargetNotFound",
                            "failureMessage": f"Target {t['id']}:{port} is not registered."})
            else:
                ok.append({"id": t["id"], "port": port})
        return {"successful": ok, "unsuccessful": bad}

    def list_targets(self, p: dict) -> dict:
        """Each target with its health: UNUSED until a rule uses the group, then what the health checks found."""
        tg = self._find(self.target_groups, p["targetGroupIdentifier"], "Target group")
        wanted = {(t["id"], t.get("port") or self._default_port(tg)) for t in p.get("targets", [])}
        used = bool(self._service_arns_of(tg["id"]))
        items = []
        for key, target in tg["targets"].items():
            if wanted and key not in wanted:
                continue
            if not used:
                status, reason = "UNUSED", "TargetGroupNotInUse"
            elif not tg["config"].get("healthCheck", {}).get("enabled", True):
                status, reason = "UNAVAILABLE", "HealthCheckDisabled"
            elif self.health_of is None:
                status, reason = "INITIAL", "RegistrationInProgress"
            else:
                status, reason = self.health_of(self, tg, target)
            item = {"id": target["id"], "port": target["port"], "status": status}
            if reason:
                item["reasonCode"] = reason
            items.append(item)
        return {"items": items}

    # -- associations ---------------------------------------------------------------------------------------
    def create_service_network_vpc_association(self, p: dict) -> dict:
        net = self._find(self.networks, p["serviceNetworkIdentifier"], "Service network")
        existing = next((a for a in self.vpc_associations.values() if a["vpcId"] == p["vpcIdentifier"]), None)
        _refuse(rules.vpc_already_associated(p["vpcIdentifier"], existing and existing["serviceNetworkId"]))
        aid = _new_id("snva")
        now = _now()
        assoc = {"id": aid, "arn": self._arn(f"servicenetworkvpcassociation/{aid}"), "status": "ACTIVE",
                 "createdBy": self.account, "createdAt": now, "lastUpdatedAt": now, "serviceNetworkId": net["id"],
                 "serviceNetworkName": net["name"], "serviceNetworkArn": net["arn"], "vpcId": p["vpcIdentifier"],
                 "securityGroupIds": list(p.get("securityGroupIds", [])),
                 "privateDnsEnabled": p.get("privateDnsEnabled", False)}
        self.vpc_associations[aid] = assoc
        self._tag(assoc["arn"], p.get("tags"))
        return self._pick(assoc, ("id", "status", "arn", "createdBy", "securityGroupIds", "privateDnsEnabled"))

    def get_service_network_vpc_association(self, p: dict) -> dict:
        return copy.deepcopy(self._find(self.vpc_associations, p["serviceNetworkVpcAssociationIdentifier"],
                                        "Service network VPC association"))

    def list_service_network_vpc_associations(self, p: dict) -> dict:
        if not p.get("serviceNetworkIdentifier") and not p.get("vpcIdentifier"):
            raise Refusal("ValidationException", "Specify serviceNetworkIdentifier or vpcIdentifier.")
        net = (self._find(self.networks, p["serviceNetworkIdentifier"], "Service network")
               if p.get("serviceNetworkIdentifier") else None)
        items = [self._pick(a, ("id", "arn", "status", "createdBy", "createdAt", "serviceNetworkId",
                                "serviceNetworkName", "serviceNetworkArn", "vpcId", "lastUpdatedAt",
                                "privateDnsEnabled"))
                 for a in self.vpc_associations.values()
                 if (net is None or a["serviceNetworkId"] == net["id"])
                 and (not p.get("vpcIdentifier") or a["vpcId"] == p["vpcIdentifier"])]
        return {"items": items}

    def delete_service_network_vpc_association(self, p: dict) -> dict:
        assoc = self._find(self.vpc_associations, p["serviceNetworkVpcAssociationIdentifier"],
                           "Service network VPC association")
        del self.vpc_associations[assoc["id"]]
        return {"id": assoc["id"], "arn": assoc["arn"], "status": "DELETE_IN_PROGRESS"}

    def create_service_network_service_association(self, p: dict) -> dict:
        net = self._find(self.networks, p["serviceNetworkIdentifier"], "Service network")
        svc = self._find(self.services, p["serviceIdentifier"], "Service")
        mine = [a for a in self.service_associations.values() if a["serviceNetworkId"] == net["id"]]
        if any(a["serviceId"] == svc["id"] for a in mine):
            raise Refusal("ConflictException", f"Service {svc['id']} is already associated with {net['id']}.", 409)
        if len(mine) >= rules.SERVICES_PER_NETWORK:
            raise Refusal("ServiceQuotaExceededException", "Services per service network quota reached.", 402)
        domain = svc.get("customDomainName")
        if domain and any(self.services[a["serviceId"]].get("customDomainName") == domain for a in mine):
            raise Refusal("ConflictException", f"Custom domain {domain} is already used by another service in "
                                               f"{net['name']}: a custom domain must be unique in a network.", 409)
        aid = _new_id("snsa")
        now = _now()
        assoc = {"id": aid, "arn": self._arn(f"servicenetworkserviceassociation/{aid}"), "status": "ACTIVE",
                 "createdBy": self.account, "createdAt": now, "serviceId": svc["id"], "serviceName": svc["name"],
                 "serviceArn": svc["arn"], "serviceNetworkId": net["id"], "serviceNetworkName": net["name"],
                 "serviceNetworkArn": net["arn"], "dnsEntry": copy.deepcopy(svc["dnsEntry"])}
        if domain:
            assoc["customDomainName"] = domain
        self.service_associations[aid] = assoc
        self._tag(assoc["arn"], p.get("tags"))
        return self._pick(assoc, ("id", "status", "arn", "createdBy", "customDomainName", "dnsEntry"))

    def get_service_network_service_association(self, p: dict) -> dict:
        return copy.deepcopy(self._find(self.service_associations, p["serviceNetworkServiceAssociationIdentifier"],
                                        "Service network service association"))

    def list_service_network_service_associations(self, p: dict) -> dict:
        if not p.get("serviceNetworkIdentifier") and not p.get("serviceIdentifier"):
            raise Refusal("ValidationException", "Specify serviceNetworkIdentifier or serviceIdentifier.")
        net = (self._find(self.networks, p["serviceNetworkIdentifier"], "Service network")
               if p.get("serviceNetworkIdentifier") else None)
        svc = self._find(self.services, p["serviceIdentifier"], "Service") if p.get("serviceIdentifier") else None
        return {"items": [copy.deepcopy(a) for a in self.service_associations.values()
                          if (net is None or a["serviceNetworkId"] == net["id"])
                          and (svc is None or a["serviceId"] == svc["id"])]}

    def delete_service_network_service_association(self, p: dict) -> dict:
        assoc = self._find(self.service_associations, p["serviceNetworkServiceAssociationIdentifier"],
                           "Service network service association")
        del self.service_associations[assoc["id"]]
        return {"id": assoc["id"], "arn": assoc["arn"], "status": "DELETE_IN_PROGRESS"}

    # -- auth policies --------------------------------------------------------------------------------------
    def _auth_target(self, ident: str) -> dict:
        for table, what in ((self.services, "Service"), (self.networks, "Service network")):
            try:
                return self._find(table, ident, what)
            except Refusal:
                continue
        raise Refusal("ResourceNotFoundException", f"Resource {ident} not found.", 404)

    def put_auth_policy(self, p: dict) -> dict:
        res = self._auth_target(p["resourceIdentifier"])
        try:
            json.loads(p["policy"])
        except ValueError:
            raise Refusal("ValidationException", "The auth policy is not valid JSON.")
        now = _now()
        old = self.auth_policies.get(res["arn"], {})
        self.auth_policies[res["arn"]] = {"policy": p["policy"], "createdAt": old.get("createdAt", now),
                                          "lastUpdatedAt": now}
        return {"policy": p["policy"], "state": self._policy_state(res)}

    @staticmethod
    def _policy_state(res: dict) -> str:
        """A policy is enforced only while the resource's authType is AWS_IAM."""
        return "Active" if res.get("authType") == "AWS_IAM" else "Inactive"

    def get_auth_policy(self, p: dict) -> dict:
        res = self._auth_target(p["resourceIdentifier"])
        pol = self.auth_policies.get(res["arn"])
        if pol is None:
            raise Refusal("ResourceNotFoundException", f"No auth policy on {p['resourceIdentifier']}.", 404)
        return {**copy.deepcopy(pol), "state": self._policy_state(res)}

    def delete_auth_policy(self, p: dict) -> dict:
        res = self._auth_target(p["resourceIdentifier"])
        self.auth_policies.pop(res["arn"], None)
        return {}

    # -- tags -----------------------------------------------------------------------------------------------
    def list_tags_for_resource(self, p: dict) -> dict:
        if p["resourceArn"] not in self.tags:
            raise Refusal("ResourceNotFoundException", f"Resource {p['resourceArn']} not found.", 404)
        return {"tags": dict(self.tags[p["resourceArn"]])}

    def tag_resource(self, p: dict) -> dict:
        if p["resourceArn"] not in self.tags:
            raise Refusal("ResourceNotFoundException", f"Resource {p['resourceArn']} not found.", 404)
        self.tags[p["resourceArn"]].update(p["tags"])
        return {}

    def untag_resource(self, p: dict) -> dict:
        for key in p.get("tagKeys", []):
            self.tags.get(p["resourceArn"], {}).pop(key, None)
        return {}


# Operations served (botocore operation name -> LatticeRegion method name).
OPERATIONS = {
    "CreateServiceNetwork": "create_service_network", "GetServiceNetwork": "get_service_network",
    "ListServiceNetworks": "list_service_networks", "UpdateServiceNetwork": "update_service_network",
    "DeleteServiceNetwork": "delete_service_network",
    "CreateService": "create_service", "GetService": "get_service", "ListServices": "list_services",
    "UpdateService": "update_service", "DeleteService": "delete_service",
    "CreateListener": "create_listener", "GetListener": "get_listener", "ListListeners": "list_listeners",
    "DeleteListener": "delete_listener",
    "CreateRule": "create_rule", "GetRule": "get_rule", "ListRules": "list_rules", "UpdateRule": "update_rule",
    "DeleteRule": "delete_rule",
    "CreateTargetGroup": "create_target_group", "GetTargetGroup": "get_target_group",
    "ListTargetGroups": "list_target_groups", "UpdateTargetGroup": "update_target_group",
    "DeleteTargetGroup": "delete_target_group",
    "RegisterTargets": "register_targets", "DeregisterTargets": "deregister_targets", "ListTargets": "list_targets",
    "CreateServiceNetworkVpcAssociation": "create_service_network_vpc_association",
    "GetServiceNetworkVpcAssociation": "get_service_network_vpc_association",
    "ListServiceNetworkVpcAssociations": "list_service_network_vpc_associations",
    "DeleteServiceNetworkVpcAssociation": "delete_service_network_vpc_association",
    "CreateServiceNetworkServiceAssociation": "create_service_network_service_association",
    "GetServiceNetworkServiceAssociation": "get_service_network_service_association",
    "ListServiceNetworkServiceAssociations": "list_service_network_service_associations",
    "DeleteServiceNetworkServiceAssociation": "delete_service_network_service_association",
    "PutAuthPolicy": "put_auth_policy", "GetAuthPolicy": "get_auth_policy", "DeleteAuthPolicy": "delete_auth_policy",
    "ListTagsForResource": "list_tags_for_resource", "TagResource": "tag_resource", "UntagResource": "untag_resource",
}

# HTTP status AWS answers with on success (from the service model's responseCode).
SUCCESS_STATUS = {"CreateService": 201, "CreateServiceNetwork": 201, "CreateListener": 201, "CreateRule": 201,
                  "CreateTargetGroup": 201, "DeleteServiceNetwork": 204, "DeleteListener": 204,
                  "DeleteRule": 204, "DeleteAuthPolicy": 204, "UntagResource": 200}
