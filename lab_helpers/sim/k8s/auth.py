"""VPC Lattice auth policies: who may invoke a service, evaluated as Lattice evaluates them.

* ``authType NONE`` (the default): no check at all.
* ``authType AWS_IAM``: the request must be **allowed** by the policy, and with no policy (or no matching Allow)
  it is denied — default deny. An explicit ``Deny`` wins over any ``Allow``.
* A request passes the network check (if the service network is ``AWS_IAM``) **and** the service check (if the
  service is ``AWS_IAM``).
* Unsigned requests have no principal: only a statement with ``"Principal": "*"`` can allow them.

Supported policy language (enough for the labs, with a clear error for the rest): Effect, Principal (``"*"`` or
``{"AWS": arn | [arns]}``, with ``*`` wildcards), Action (``vpc-lattice-svcs:Invoke`` / ``vpc-lattice-svcs:*`` /
``*``), Resource (ARN patterns), Condition with ``StringEquals``/``StringNotEquals``/``StringLike``/``StringNotLike``
on ``aws:PrincipalArn``, ``vpc-lattice-svcs:SourceVpc``, ``vpc-lattice-svcs:SourceVpcOwnerAccount``,
``vpc-lattice-svcs:RequestMethod``, ``vpc-lattice-svcs:ServiceNetworkArn``, ``vpc-lattice-svcs:ServiceArn``,
``vpc-lattice-svcs:Port``, ``aws:PrincipalAccount``, and the request's own ``vpc-lattice-svcs:RequestHeader/<name>``
(header names case-insensitive) and ``vpc-lattice-svcs:RequestQueryString/<key>``. A key the request does not
carry (a header it lacks) fails every operator except the negated ones, as in IAM.
"""
from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from typing import Optional

from lab_helpers.errors import LabError


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _principal_matches(principal, caller: Optional[str]) -> bool:
    if principal == "*" or (isinstance(principal, dict) and principal.get("AWS") == "*"):
        return True
    if caller is None or not isinstance(principal, dict):
        return False
    for pattern in _as_list(principal.get("AWS", [])):
        account_only = pattern.isdigit() or pattern.endswith(":root")
        account = pattern.split(":")[4] if pattern.startswith("arn:") else pattern
        if fnmatch.fnmatchcase(caller, pattern) or (account_only and caller.split(":")[4] == account):
            return True
    return False


def _action_matches(actions) -> bool:
    return any(a in ("*", "vpc-lattice-svcs:*", "vpc-lattice-svcs:Invoke") for a in _as_list(actions))


def _resource_matches(resources, resource_arn: str) -> bool:
    return any(fnmatch.fnmatchcase(resource_arn, r) for r in _as_list(resources))


_OPS = {
    "StringEquals": lambda have, want: have in want,
    "StringNotEquals": lambda have, want: have not in want,
    "StringLike": lambda have, want: any(fnmatch.fnmatchcase(have or "", w) for w in want),
    "StringNotLike": lambda have, want: not any(fnmatch.fnmatchcase(have or "", w) for w in want),
}


REQUEST_KEYS = ("vpc-lattice-svcs:RequestHeader/", "vpc-lattice-svcs:RequestQueryString/")


def _conditions_hold(conditions: dict, keys: dict) -> bool:
    for op, tests in (conditions or {}).items():
        if op not in _OPS:
            raise LabError(f"Auth policy condition operator {op!r} is not modelled; use one of {', '.join(_OPS)}.")
        for key, want in tests.items():
            per_request = key.startswith(REQUEST_KEYS)
            if per_request and key.startswith(REQUEST_KEYS[0]):
                key = REQUEST_KEYS[0] + key[len(REQUEST_KEYS[0]):].lower()
            if key not in keys and not per_request:
                raise LabError(f"Auth policy condition key {key!r} is not modelled; use one of "
                               f"{', '.join(sorted(k for k in keys if not k.startswith(REQUEST_KEYS)))}, "
                               f"{REQUEST_KEYS[0]}<name> or {REQUEST_KEYS[1]}<key>.")
            if key not in keys:  # the request lacks it: only a negated operator holds
                if "Not" not in op:
                    return False
                continue
            if not _OPS[op](keys[key], [str(w) for w in _as_list(want)]):
                return False
    return True


def evaluate(policy_text: Optional[str], caller: Optional[str], resource_arn: str, keys: dict, where: str) -> Decision:
    """One auth policy (of a network or a service) against one request."""
    if not policy_text:
        return Decision(False, f"{where} uses AWS_IAM and has no auth policy: every request is denied")
    policy = json.loads(policy_text)
    allow = None
    for i, st in enumerate(_as_list(policy.get("Statement", []))):
        if not (_principal_matches(st.get("Principal"), caller) and _action_matches(st.get("Action", []))
                and _resource_matches(st.get("Resource", "*"), resource_arn)
                and _conditions_hold(st.get("Condition"), keys)):
            continue
        label = st.get("Sid") or f"statement {i}"
        if st.get("Effect") == "Deny":
            return Decision(False, f"{where} policy: explicit Deny ({label}) wins")
        allow = allow or label
    if allow:
        return Decision(True, f"{where} policy allows ({allow})")
    who = caller or "an unsigned (anonymous) caller"
    return Decision(False, f"{where} policy has no Allow for {who}: denied by default")
