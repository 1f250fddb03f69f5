"""Access log subscriptions: where Lattice writes one record per request for a service network or a service.

A subscription names a destination by ARN — a CloudWatch Logs log group, an S3 bucket or a Firehose delivery
stream — and a resource may have one subscription per destination type (a second of the same type is a
``ConflictException``). The records themselves are written by the data plane (:mod:`lab_helpers.sim.k8s.access_log`).
"""
from __future__ import annotations

import copy

from lab_helpers.fidelity.vpc_lattice import rules
from lab_helpers.fidelity.vpc_lattice.tables import ApiRefused, LatticeTables, new_id, pick, refuse, utc_now

_SHAPE = ("id", "arn", "resourceId", "resourceArn", "destinationArn", "serviceNetworkLogType")


class AccessLogs(LatticeTables):
    """Access log subscriptions on service networks and services."""

    def _log_resource(self, ident: str) -> dict:
        """A service network or a service, by id or ARN."""
        table, what = ((self.networks, "Service network") if ident.rsplit("/", 1)[-1].startswith("sn-")
                       else (self.services, "Service"))
        return self.find(table, ident, what)

    def create_access_log_subscription(self, p: dict) -> dict:
        res = self._log_resource(p["resourceIdentifier"])
        kind = rules.log_destination_type(p["destinationArn"])
        refuse(rules.log_destination(p["destinationArn"]))
        if any(s["resourceId"] == res["id"] and rules.log_destination_type(s["destinationArn"]) == kind
               for s in self.access_log_subscriptions.values()):
            raise ApiRefused("ConflictException", f"{res['id']} already has an access log subscription to a {kind} "
                                                  "destination: one per destination type.", 409)
        aid = new_id("als")  # AWS ids: als-<17>, the pattern the API model checks
        now = utc_now()
        sub = {"id": aid, "arn": self.arn(f"accesslogsubscription/{aid}"), "resourceId": res["id"],
               "resourceArn": res["arn"], "destinationArn": p["destinationArn"], "createdAt": now,
               "lastUpdatedAt": now}
        if res["id"].startswith("sn-"):
            sub["serviceNetworkLogType"] = p.get("serviceNetworkLogType", "SERVICE")
        self.access_log_subscriptions[aid] = sub
        self.tag(sub["arn"], p.get("tags"))
        return pick(sub, _SHAPE)

    def get_access_log_subscription(self, p: dict) -> dict:
        return copy.deepcopy(self.find(self.access_log_subscriptions, p["accessLogSubscriptionIdentifier"],
                                       "Access log subscription"))

    def list_access_log_subscriptions(self, p: dict) -> dict:
        res = self._log_resource(p["resourceIdentifier"])
        return {"items": [copy.deepcopy(s) for s in self.access_log_subscriptions.values()
                          if s["resourceId"] == res["id"]]}

    def update_access_log_subscription(self, p: dict) -> dict:
        sub = self.find(self.access_log_subscriptions, p["accessLogSubscriptionIdentifier"],
                        "Access log subscription")
        refuse(rules.log_destination(p["destinationArn"]))
        if rules.log_destination_type(p["destinationArn"]) != rules.log_destination_type(sub["destinationArn"]):
            raise ApiRefused("ValidationException", "An update keeps the destination type; to change it, delete "
                                                    "the subscription and create another.")
        sub["destinationArn"], sub["lastUpdatedAt"] = p["destinationArn"], utc_now()
        return pick(sub, ("id", "arn", "resourceId", "resourceArn", "destinationArn"))

    def delete_access_log_subscription(self, p: dict) -> dict:
        sub = self.find(self.access_log_subscriptions, p["accessLogSubscriptionIdentifier"],
                        "Access log subscription")
        del self.access_log_subscriptions[sub["id"]]
        return {}
