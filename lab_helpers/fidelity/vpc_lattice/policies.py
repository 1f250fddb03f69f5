"""Auth policies (on a service or a service network) and tags (on any Lattice resource).

An auth policy is stored whatever the resource's ``authType``, but it is enforced only while that is ``AWS_IAM``:
``GetAuthPolicy`` says so in ``state``.
"""
from __future__ import annotations

import copy
import json

from lab_helpers.fidelity.vpc_lattice.tables import ApiRefused, LatticeTables, utc_now


class Policies(LatticeTables):
    """Auth policies and tags."""

    # -- auth policies --------------------------------------------------------------------------------------
    def _auth_target(self, ident: str) -> dict:
        for table, what in ((self.services, "Service"), (self.networks, "Service network")):
            try:
                return self.find(table, ident, what)
            except ApiRefused:
                continue
        raise ApiRefused("ResourceNotFoundException", f"Resource {ident} not found.", 404)

    def put_auth_policy(self, p: dict) -> dict:
        res = self._auth_target(p["resourceIdentifier"])
        try:
            json.loads(p["policy"])
        except ValueError:
            raise ApiRefused("ValidationException", "The auth policy is not valid JSON.") from None
        now = utc_now()
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
            raise ApiRefused("ResourceNotFoundException", f"No auth policy on {p['resourceIdentifier']}.", 404)
        return {**copy.deepcopy(pol), "state": self._policy_state(res)}

    def delete_auth_policy(self, p: dict) -> dict:
        res = self._auth_target(p["resourceIdentifier"])
        self.auth_policies.pop(res["arn"], None)
        return {}

    # -- tags -----------------------------------------------------------------------------------------------
    def list_tags_for_resource(self, p: dict) -> dict:
        if p["resourceArn"] not in self.tags:
            raise ApiRefused("ResourceNotFoundException", f"Resource {p['resourceArn']} not found.", 404)
        return {"tags": dict(self.tags[p["resourceArn"]])}

    def tag_resource(self, p: dict) -> dict:
        if p["resourceArn"] not in self.tags:
            raise ApiRefused("ResourceNotFoundException", f"Resource {p['resourceArn']} not found.", 404)
        self.tags[p["resourceArn"]].update(p["tags"])
        return {}

    def untag_resource(self, p: dict) -> dict:
        for key in p.get("tagKeys", []):
            self.tags.get(p["resourceArn"], {}).pop(key, None)
        return {}
