"""Target groups and their targets, with the health ``ListTargets`` reports.

A target group is "in use" while a listener's default action or a rule forwards to it: only then does Lattice run
health checks (until then targets are ``UNUSED``), and only then does deleting it fail.
"""
from __future__ import annotations

import copy
from typing import Optional

from lab_helpers.fidelity.vpc_lattice import rules
from lab_helpers.fidelity.vpc_lattice.tables import ApiRefused, LatticeTables, new_id, pick, refuse, utc_now


class TargetGroups(LatticeTables):
    """Target groups and the targets registered in them."""

    # -- target groups and targets --------------------------------------------------------------------------
    def create_target_group(self, p: dict) -> dict:
        refuse(rules.name("target group", p["name"]))
        if self.by_name(self.target_groups, p["name"]):
            raise ApiRefused("ConflictException", f"A target group named {p['name']} already exists.", 409)
        config = copy.deepcopy(p.get("config", {}))
        if p["type"] in ("IP", "INSTANCE", "ALB"):
            for key in ("port", "protocol", "vpcIdentifier"):
                if key not in config:
                    raise ApiRefused("ValidationException", f"config.{key} is required for {p['type']} target groups.")
        if p["type"] in ("IP", "INSTANCE"):
            refuse(rules.health_check(config.get("healthCheck", {})))
            config.setdefault("protocolVersion", "HTTP1")
            config.setdefault("ipAddressType", "IPV4")
            config["healthCheck"] = rules.merged_health_check(config.get("healthCheck"))
        tid = new_id("tg")
        now = utc_now()
        tg = {"id": tid, "arn": self.arn(f"targetgroup/{tid}"), "name": p["name"], "type": p["type"],
              "config": config, "status": "ACTIVE", "createdAt": now, "lastUpdatedAt": now, "targets": {}}
        self.target_groups[tid] = tg
        self.tag(tg["arn"], p.get("tags"))
        return pick(tg, ("id", "arn", "name", "type", "config", "status"))

    def _service_arns_of(self, tid: str) -> list[str]:
        used = set()
        for lst in self.listeners.values():
            actions = [lst["defaultAction"]] + [r["action"] for r in self.rules.values()
                                                if r["listenerId"] == lst["id"]]
            if any(g["targetGroupIdentifier"] == tid
                   for a in actions for g in a.get("forward", {}).get("targetGroups", [])):
                used.add(lst["serviceArn"])
        return sorted(used)

    def get_target_group(self, p: dict) -> dict:
        tg = self.find(self.target_groups, p["targetGroupIdentifier"], "Target group")
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
            item = pick(tg, ("id", "arn", "name", "type", "createdAt", "lastUpdatedAt", "status"))
            item.update({k: cfg[k] for k in ("port", "protocol", "ipAddressType", "vpcIdentifier") if k in cfg})
            item["serviceArns"] = self._service_arns_of(tg["id"])
            items.append(item)
        return {"items": items}

    def update_target_group(self, p: dict) -> dict:
        tg = self.find(self.target_groups, p["targetGroupIdentifier"], "Target group")
        refuse(rules.health_check(p["healthCheck"]))
        tg["config"]["healthCheck"] = rules.merged_health_check({**tg["config"].get("healthCheck", {}),
                                                                 **p["healthCheck"]})
        tg["lastUpdatedAt"] = utc_now()
        return pick(tg, ("id", "arn", "name", "type", "config", "status"))

    def delete_target_group(self, p: dict) -> dict:
        tg = self.find(self.target_groups, p["targetGroupIdentifier"], "Target group")
        if self._service_arns_of(tg["id"]):
            raise ApiRefused("ConflictException", f"Target group {tg['id']} is used by a listener rule; remove it from "
                                               "the rules first.", 409)
        del self.target_groups[tg["id"]]
        return {"id": tg["id"], "arn": tg["arn"], "status": "DELETE_IN_PROGRESS"}

    def _default_port(self, tg: dict) -> Optional[int]:
        return tg["config"].get("port")

    def register_targets(self, p: dict) -> dict:
        tg = self.find(self.target_groups, p["targetGroupIdentifier"], "Target group")
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
        tg = self.find(self.target_groups, p["targetGroupIdentifier"], "Target group")
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
        tg = self.find(self.target_groups, p["targetGroupIdentifier"], "Target group")
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
