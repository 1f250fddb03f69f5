"""Services, their listeners (protocol and port) and the listeners' rules (match → forward, by priority).

Deleting a service deletes its listeners and their rules with it, as AWS does; a listener's default action is
listed as the rule ``default``.
"""
from __future__ import annotations

import copy
from typing import Optional

from lab_helpers.fidelity.vpc_lattice import rules
from lab_helpers.fidelity.vpc_lattice.tables import ApiRefused, LatticeTables, new_id, pick, refuse, utc_now
from lab_helpers.sim.k8s.lattice_names import generated_domain_name, hosted_zone_id


class Services(LatticeTables):
    """Services, listeners and listener rules."""

    # -- services -------------------------------------------------------------------------------------------
    def create_service(self, p: dict) -> dict:
        refuse(rules.name("service", p["name"]))
        if self.by_name(self.services, p["name"]):
            raise ApiRefused("ConflictException", f"A service named {p['name']} already exists.", 409)
        sid = new_id("svc")
        now = utc_now()
        svc = {"id": sid, "name": p["name"], "arn": self.arn(f"service/{sid}"), "status": "ACTIVE",
               "authType": p.get("authType", "NONE"), "createdAt": now, "lastUpdatedAt": now,
               "dnsEntry": {"domainName": generated_domain_name(p["name"], sid, self.account, self.region),
                            "hostedZoneId": hosted_zone_id(self.region)}}
        for key in ("customDomainName", "certificateArn", "idleTimeoutSeconds"):
            if p.get(key):
                svc[key] = p[key]
        self.services[sid] = svc
        self.tag(svc["arn"], p.get("tags"))
        return pick(svc, ("id", "arn", "name", "customDomainName", "certificateArn", "status", "authType",
                                "idleTimeoutSeconds", "dnsEntry"))

    def get_service(self, p: dict) -> dict:
        return copy.deepcopy(self.find(self.services, p["serviceIdentifier"], "Service"))

    def list_services(self, p: dict) -> dict:
        return {"items": [pick(s, ("id", "name", "arn", "createdAt", "lastUpdatedAt", "dnsEntry",
                                         "customDomainName", "status")) for s in self.services.values()]}

    def update_service(self, p: dict) -> dict:
        svc = self.find(self.services, p["serviceIdentifier"], "Service")
        for key in ("authType", "certificateArn", "idleTimeoutSeconds"):
            if key in p:
                svc[key] = p[key]
        svc["lastUpdatedAt"] = utc_now()
        return pick(svc, ("id", "arn", "name", "customDomainName", "certificateArn", "authType",
                                "idleTimeoutSeconds"))

    def delete_service(self, p: dict) -> dict:
        svc = self.find(self.services, p["serviceIdentifier"], "Service")
        if any(a["serviceId"] == svc["id"] for a in self.service_associations.values()):
            raise ApiRefused("ConflictException", f"Service {svc['id']} is associated with a service network; "
                                               "delete the service network service association first.", 409)
        # AWS deletes what belongs to the service with it: listeners, their rules, the auth policy.
        for lid in [lid for lid, lst in self.listeners.items() if lst["serviceId"] == svc["id"]]:
            self._drop_listener(lid)
        self.auth_policies.pop(svc["arn"], None)
        del self.services[svc["id"]]
        return {"id": svc["id"], "arn": svc["arn"], "name": svc["name"], "status": "DELETE_IN_PROGRESS"}

    # -- listeners ------------------------------------------------------------------------------------------
    def _check_action(self, action: dict, protocol: Optional[str] = None) -> None:
        refuse(rules.weights(action))
        for group in action.get("forward", {}).get("targetGroups", []):
            tg = self.find(self.target_groups, group["targetGroupIdentifier"], "Target group")
            if protocol:
                refuse(rules.listener_target_protocol(protocol, tg["config"].get("protocol")))

    @staticmethod
    def _normal_action(action: dict) -> dict:
        """Weights default to 1; identifiers are stored as ids, as AWS echoes them."""
        action = copy.deepcopy(action)
        for group in action.get("forward", {}).get("targetGroups", []):
            group["targetGroupIdentifier"] = group["targetGroupIdentifier"].rsplit("/", 1)[-1]
            group.setdefault("weight", 1)
        return action

    def create_listener(self, p: dict) -> dict:
        svc = self.find(self.services, p["serviceIdentifier"], "Service")
        refuse(rules.name("listener", p["name"]))
        mine = [lst for lst in self.listeners.values() if lst["serviceId"] == svc["id"]]
        if any(lst["name"] == p["name"] for lst in mine):
            raise ApiRefused("ConflictException", f"Listener {p['name']} already exists on {svc['id']}.", 409)
        if len(mine) >= rules.LISTENERS_PER_SERVICE:
            raise ApiRefused("ServiceQuotaExceededException",
                          f"A service has at most {rules.LISTENERS_PER_SERVICE} listeners.", 402)
        self._check_action(p["defaultAction"], p["protocol"])
        port = p.get("port") or {"HTTP": 80, "HTTPS": 443, "TLS_PASSTHROUGH": 443}[p["protocol"]]
        if any(lst["port"] == port for lst in mine):
            raise ApiRefused("ConflictException", f"Service {svc['id']} already has a listener on port {port}.", 409)
        lid = new_id("listener")
        now = utc_now()
        lst = {"id": lid, "arn": f"{svc['arn']}/listener/{lid}", "name": p["name"], "protocol": p["protocol"],
               "port": port, "serviceArn": svc["arn"], "serviceId": svc["id"],
               "defaultAction": self._normal_action(p["defaultAction"]), "createdAt": now, "lastUpdatedAt": now}
        self.listeners[lid] = lst
        self.tag(lst["arn"], p.get("tags"))
        return pick(lst, ("arn", "id", "name", "protocol", "port", "serviceArn", "serviceId", "defaultAction"))

    def _listener(self, p: dict) -> dict:
        svc = self.find(self.services, p["serviceIdentifier"], "Service")
        lst = self.find(self.listeners, p["listenerIdentifier"], "Listener")
        if lst["serviceId"] != svc["id"]:
            raise ApiRefused("ResourceNotFoundException", f"Listener {p['listenerIdentifier']} not found.", 404)
        return lst

    def get_listener(self, p: dict) -> dict:
        return copy.deepcopy(self._listener(p))

    def update_listener(self, p: dict) -> dict:
        lst = self._listener(p)
        self._check_action(p["defaultAction"], lst["protocol"])
        lst["defaultAction"], lst["lastUpdatedAt"] = self._normal_action(p["defaultAction"]), utc_now()
        return pick(lst, ("arn", "id", "name", "protocol", "port", "serviceArn", "serviceId", "defaultAction"))

    def list_listeners(self, p: dict) -> dict:
        svc = self.find(self.services, p["serviceIdentifier"], "Service")
        return {"items": [pick(lst, ("arn", "id", "name", "protocol", "port", "createdAt", "lastUpdatedAt"))
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
        refuse(rules.name("rule", p["name"]))
        mine = [r for r in self.rules.values() if r["listenerId"] == lst["id"]]
        if any(r["name"] == p["name"] for r in mine):
            raise ApiRefused("ConflictException", f"Rule {p['name']} already exists on {lst['id']}.", 409)
        if any(r["priority"] == p["priority"] for r in mine):
            raise ApiRefused("ConflictException", f"Priority {p['priority']} is already used on {lst['id']}; "
                                               "each rule of a listener needs its own priority.", 409)
        if len(mine) >= rules.RULES_PER_LISTENER:
            raise ApiRefused("ServiceQuotaExceededException",
                          f"A listener has at most {rules.RULES_PER_LISTENER} rules (plus its default action).", 402)
        if lst["protocol"] == "TLS_PASSTHROUGH":
            raise ApiRefused("ValidationException", "A TLS_PASSTHROUGH listener has no rules: it cannot read the "
                                                    "request; set its default action instead.")
        self._check_action(p["action"], lst["protocol"])
        rid = new_id("rule")
        now = utc_now()
        rule = {"arn": f"{lst['arn']}/rule/{rid}", "id": rid, "name": p["name"], "isDefault": False,
                "match": copy.deepcopy(p["match"]), "priority": p["priority"],
                "action": self._normal_action(p["action"]), "createdAt": now, "lastUpdatedAt": now,
                "listenerId": lst["id"]}
        self.rules[rid] = rule
        self.tag(rule["arn"], p.get("tags"))
        return pick(rule, ("arn", "id", "name", "match", "priority", "action"))

    def _rule(self, p: dict) -> dict:
        lst = self._listener(p)
        rule = self.find(self.rules, p["ruleIdentifier"], "Rule")
        if rule["listenerId"] != lst["id"]:
            raise ApiRefused("ResourceNotFoundException", f"Rule {p['ruleIdentifier']} not found.", 404)
        return rule

    def get_rule(self, p: dict) -> dict:
        return {k: v for k, v in copy.deepcopy(self._rule(p)).items() if k != "listenerId"}

    def list_rules(self, p: dict) -> dict:
        """Rules by priority, then the default rule, as AWS lists them."""
        lst = self._listener(p)
        items = sorted((r for r in self.rules.values() if r["listenerId"] == lst["id"]), key=lambda r: r["priority"])
        out = [pick(r, ("arn", "id", "name", "isDefault", "priority", "createdAt", "lastUpdatedAt"))
               for r in items]
        out.append({"arn": f"{lst['arn']}/rule/default", "id": "default", "name": "default", "isDefault": True,
                    "createdAt": lst["createdAt"], "lastUpdatedAt": lst["lastUpdatedAt"]})
        return {"items": out}

    def update_rule(self, p: dict) -> dict:
        rule = self._rule(p)
        if "priority" in p and p["priority"] != rule["priority"]:
            if any(r["priority"] == p["priority"] and r["listenerId"] == rule["listenerId"]
                   for r in self.rules.values()):
                raise ApiRefused("ConflictException", f"Priority {p['priority']} is already used on this listener.",
                                 409)
            rule["priority"] = p["priority"]
        if "match" in p:
            rule["match"] = copy.deepcopy(p["match"])
        if "action" in p:
            self._check_action(p["action"])
            rule["action"] = self._normal_action(p["action"])
        rule["lastUpdatedAt"] = utc_now()
        return pick(rule, ("arn", "id", "name", "isDefault", "match", "priority", "action"))

    def delete_rule(self, p: dict) -> dict:
        del self.rules[self._rule(p)["id"]]
        return {}
