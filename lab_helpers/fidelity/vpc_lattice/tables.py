"""What every Lattice resource family shares: the per-Region tables, identifiers, and how a call is refused.

The families (:mod:`.networks`, :mod:`.services`, :mod:`.target_groups`, :mod:`.policies`) are mixins over
:class:`LatticeTables`, because Lattice's resources point at each other across families (a rule forwards to a target
group, a service joins a network, a policy sits on either); :class:`~.models.LatticeRegion` composes them.
"""
from __future__ import annotations

import copy
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Optional

from lab_helpers.fidelity.base import Refusal


class ApiRefused(Exception):
    """AWS refuses the call: the :class:`~lab_helpers.fidelity.base.Refusal` (code, message) the real service
    answers, and its HTTP status. Raised inside the model, answered by :mod:`.responses` as a ``ClientError``."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.refusal, self.status = Refusal(code, message), status


def refuse(found: Optional[Refusal], status: int = 400) -> None:
    """Raise a pure rule's verdict (from :mod:`.rules`) when it refused."""
    if found:
        raise ApiRefused(found.code, found.message, status)


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id(prefix: str) -> str:
    """AWS's id shape: a prefix and 17 hex digits (``svc-0123456789abcdef0``)."""
    return f"{prefix}-{secrets.token_hex(9)[:17]}"


def pick(item: dict, keys: tuple) -> dict:
    """The members of ``item`` one response shape carries (copies, so callers cannot edit the store)."""
    return {k: copy.deepcopy(item[k]) for k in keys if k in item and item[k] is not None}


class LatticeTables:
    """Everything Lattice holds in one account and Region, as plain dicts keyed by id."""

    def __init__(self, account: str, region: str, health_of: Optional[Callable] = None):
        self.account, self.region = account, region
        self.networks: dict[str, dict] = {}
        self.services: dict[str, dict] = {}
        self.listeners: dict[str, dict] = {}  # listener id -> listener (with "serviceId")
        self.rules: dict[str, dict] = {}  # rule id -> rule (with "listenerId")
        self.target_groups: dict[str, dict] = {}
        self.vpc_associations: dict[str, dict] = {}
        self.service_associations: dict[str, dict] = {}
        self.access_log_subscriptions: dict[str, dict] = {}
        self.auth_policies: dict[str, dict] = {}  # resource arn -> {"policy", "createdAt", ...}
        self.tags: dict[str, dict] = {}
        # health_of(region_model, target_group, target) -> (status, reasonCode); set by the health checker.
        self.health_of = health_of

    def arn(self, path: str) -> str:
        return f"arn:aws:vpc-lattice:{self.region}:{self.account}:{path}"

    @staticmethod
    def find(table: dict, ident: str, what: str) -> dict:
        """Identifiers are ids or ARNs (AWS accepts both)."""
        key = ident.rsplit("/", 1)[-1] if ident.startswith("arn:") else ident
        if key in table:
            return table[key]
        for item in table.values():  # names are accepted for networks in some calls (e.g. the controller's lookup)
            if item.get("arn") == ident:
                return item
        raise ApiRefused("ResourceNotFoundException", f"{what} {ident} not found.", 404)

    @staticmethod
    def by_name(table: dict, name: str) -> Optional[dict]:
        return next((v for v in table.values() if v["name"] == name), None)

    def tag(self, arn: str, tags: Optional[dict]) -> None:
        self.tags[arn] = dict(tags or {})
