"""The VPC Lattice data plane: what happens to one HTTP request, hop by hop.

``http(lab, from_vpc, url)`` reads the world only through API calls (Route 53, VPC Lattice, EC2) and walks:

1. **DNS** — the host name through the caller VPC's resolver (private hosted zone CNAME → generated Lattice name
   → a link-local 169.254.171.x address).
2. **Service network** — the caller's VPC must be associated with a service network that has the service.
3. **Auth** — network policy (if the network is ``AWS_IAM``) and service policy (if the service is ``AWS_IAM``).
4. **Listener** — the one on the request's protocol and port.
5. **Rule** — lowest priority number first; the first match wins; none → the default action (fixed 404).
6. **Target group** — weighted choice between the rule's target groups (a seeded RNG: reproducible).
7. **Target** — a *healthy* target (``ListTargets``), whose security groups must admit Lattice's prefix list.
8. **Pod** — the application answers.

The response has ``.status`` (``None`` when no HTTP answer came back at all), ``.body``, ``.target`` (the pod or
``None``) and ``.hops``, shown as a table in a notebook. Each request is also written to the Lattice access logs
(:mod:`.access_log`) and, when a flow log covers the client's or the target's interface, to VPC Flow Logs
(:mod:`.lattice_flows`).
"""
from __future__ import annotations

import hashlib
import html
import json
import random
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Optional
from urllib.parse import parse_qsl, urlsplit

from lab_helpers.errors import LabError, LabInputError
from lab_helpers.sim.k8s import access_log, auth, lattice_flows, lattice_names, resolver, vpc_association
from lab_helpers.sim.k8s import health as hc
from lab_helpers.sim.k8s.rule_match import describe_match, http_matches

__all__ = ["Response", "Hop", "describe_match", "http", "http_many", "sign", "seed", "lattice_prefix_list"]
RNG_KEY = "vpclab.lattice.rng"
KEYS_KEY = "vpclab.lattice.signing-keys"


@dataclass
class Hop:
    step: str
    detail: str
    ok: bool = True


@dataclass
class Response:
    status: Optional[int]
    body: str = ""
    target: Optional[str] = None
    hops: list[Hop] = field(default_factory=list)
    headers: dict = field(default_factory=dict)
    error: Optional[str] = None

    def json(self):
        return json.loads(self.body)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def __str__(self) -> str:
        head = f"HTTP {self.status}" if self.status is not None else f"no response ({self.error})"
        lines = [f"{head}  {self.body[:120]}"]
        lines += [f"  {'✅' if h.ok else '❌'} {h.step:<16} {h.detail}" for h in self.hops]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.ok else "#cf222e"
        head = f"HTTP {self.status}" if self.status is not None else f"no response — {self.error}"
        rows = "".join(f"<tr><td>{'✅' if h.ok else '❌'}</td><td><b>{html.escape(h.step)}</b></td>"
                       f"<td style='text-align:left'>{html.escape(h.detail)}</td></tr>" for h in self.hops)
        return (f"<div><b style='color:{colour}'>{html.escape(head)}</b> "
                f"<code>{html.escape(self.body[:200])}</code><table>{rows}</table></div>")

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


# -- request signing (SigV4 with the service name vpc-lattice-svcs) -------------------------------------------
def sign(lab, principal_arn: str) -> dict:
    """Headers of a request signed by ``principal_arn`` (a model of SigV4 for the ``vpc-lattice-svcs`` service).

    A real client signs with the caller's credentials and Lattice learns the principal from the access key; here
    the lab remembers which principal each modelled access key belongs to.
    """
    key_id = "VPCLABFAKE" + hashlib.sha256(principal_arn.encode()).hexdigest()[:16].upper()
    lab.shim_state.setdefault(KEYS_KEY, {})[key_id] = principal_arn
    now = datetime.now(UTC)
    scope = f"{key_id}/{now:%Y%m%d}/{lab.region}/vpc-lattice-svcs/aws4_request"
    return {"authorization": f"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host;x-amz-date, "
                             f"Signature={hashlib.sha256(scope.encode()).hexdigest()}",
            "x-amz-date": f"{now:%Y%m%dT%H%M%SZ}", "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}


def _caller(lab, headers: dict) -> Optional[str]:
    value = headers.get("authorization", "")
    if not value.startswith("AWS4-HMAC-SHA256") or "/vpc-lattice-svcs/" not in value:
        return None
    key_id = value.split("Credential=", 1)[1].split("/", 1)[0]
    return lab.shim_state.get(KEYS_KEY, {}).get(key_id)


def seed(lab, value: int) -> None:
    """Reset the data plane's random choices (weights, targets) so a run is reproducible."""
    lab.shim_state[RNG_KEY] = random.Random(value)


def _rng(lab) -> random.Random:
    return lab.shim_state.setdefault(RNG_KEY, random.Random(0))


# -- the walk -------------------------------------------------------------------------------------------------
@dataclass
class _Request:
    method: str
    scheme: str
    host: str
    port: int
    path: str  # path + query
    headers: dict
    source: Optional[str] = None  # the client's private IP, for the VPC association's security groups


HOSTNAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$", re.I)


def _parse(url: str, method: str, headers: Optional[dict], source: Optional[str] = None) -> _Request:
    example = "use a URL like http://<service DNS name>/v1/health (or https://...:8443/path)"
    if not isinstance(url, str) or not url.strip() or any(c.isspace() for c in url.strip()):
        raise LabInputError(f"Cannot send to {url!r}: it is not a URL; {example}.")
    parts = urlsplit(url if "://" in url else f"http://{url}")
    if parts.scheme not in ("http", "https"):
        raise LabInputError(f"Cannot send to {url!r}: Lattice speaks HTTP and HTTPS, not {parts.scheme!r}; {example}.")
    if not parts.hostname or not HOSTNAME.match(parts.hostname):
        raise LabInputError(f"Cannot send to {url!r}: {parts.hostname or 'no host'!r} is not a host name; {example}.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # urllib refuses ports outside 0-65535 and non-numbers only when asked for .port
        raise LabInputError(f"Cannot send to {url!r}: its port is not a number from 1 to 65535; {example}.") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Request(method.upper(), parts.scheme, parts.hostname.lower(), port, path,
                    {k.lower(): v for k, v in (headers or {}).items()}, source)


class _Plan:
    """Everything about one (caller VPC, host, port) read once, so many requests can be routed quickly."""

    def __init__(self, lab, from_vpc: str, req: _Request):
        self.lab, self.from_vpc, self.req = lab, from_vpc, req
        self.lattice = lab.client("vpc-lattice")
        self.ec2 = lab.raw_client("ec2")
        self.hops: list[Hop] = []
        self.failure: Optional[Response] = None
        self.rules: list[dict] = []
        self.default_action: dict = {}
        self.target_cache: dict = {}
        self.sg_cache: dict = {}
        self.unhealthy: dict[str, list[dict]] = {}  # target group id -> its targets ListTargets does not call healthy
        self.address: Optional[str] = None  # the service's link-local address, once DNS gave one
        self.leg: Optional[lattice_flows.TargetLeg] = None  # the last request's connection to a target, if any
        self.flows = lattice_flows.recorder(lab, self.ec2, from_vpc)
        self._build()

    def fail(self, step: str, detail: str, status: Optional[int] = None, error: str = "", body: str = "") -> None:
        self.hops.append(Hop(step, detail, False))
        self.failure = Response(status, body, None, list(self.hops), error=error or detail)

    def _build(self) -> None:
        lab, req = self.lab, self.req
        ans = resolver.resolve(lab, self.lattice, req.host, self.from_vpc, lab.region)
        if ans.address is None:
            return self.fail("DNS", f"{req.host} in {self.from_vpc}: {ans.rcode}",
                             error=f"could not resolve {req.host}")
        self.hops.append(Hop("DNS", str(ans)))
        if not ans.address.startswith("169.254.171."):
            return self.fail("DNS", f"{ans.address} is not a Lattice address; this model routes Lattice only",
                             error="not a Lattice service")
        self.address = ans.address
        # Lattice picks the service by the Host header: its generated name or its custom domain.
        svc_summary = next((s for s in self.lattice.list_services()["items"]
                            if req.host in (s.get("customDomainName"), s.get("dnsEntry", {}).get("domainName"))), None)
        assoc = self.lattice.list_service_network_vpc_associations(vpcIdentifier=self.from_vpc)["items"]
        assoc = [a for a in assoc if a["status"] == "ACTIVE"]
        if not assoc:
            return self.fail("service network", f"{self.from_vpc} is not associated with any service network: the "
                             "link-local address goes nowhere", error="connection timed out")
        net_id = assoc[0]["serviceNetworkId"]
        self.association_sgs = self.lattice.get_service_network_vpc_association(
            serviceNetworkVpcAssociationIdentifier=assoc[0]["id"]).get("securityGroupIds", [])
        self.network = self.lattice.get_service_network(serviceNetworkIdentifier=net_id)
        if svc_summary is None:
            return self.fail("service", f"no service in {self.network['name']} has the host name {req.host} "
                             "(a custom domain must be the service's customDomainName — HTTPRoute hostnames[0])",
                             404, body="Not Found")
        in_net = self.lattice.list_service_network_service_associations(serviceIdentifier=svc_summary["id"])["items"]
        if not any(a["serviceNetworkId"] == net_id for a in in_net):
            return self.fail("service network", f"{self.from_vpc} is in {self.network['name']}, which does not have "
                             f"service {svc_summary['name']}", error="connection timed out")
        self.service = self.lattice.get_service(serviceIdentifier=svc_summary["id"])
        self.hops.append(Hop("service network", f"{self.from_vpc} → {self.network['name']} (auth "
                                                f"{self.network['authType']}) → service {self.service['name']}"))
        listeners = self.lattice.list_listeners(serviceIdentifier=self.service["id"])["items"]
        want_proto = "HTTPS" if req.scheme == "https" else "HTTP"
        # An https:// request also reaches a TLS_PASSTHROUGH listener: Lattice then reads only the handshake's SNI.
        protos = (want_proto, "TLS_PASSTHROUGH") if want_proto == "HTTPS" else (want_proto,)
        listener = next((lst for lst in listeners if lst["port"] == req.port and lst["protocol"] in protos), None)
        if listener is None:
            has = ", ".join(f"{x['protocol']}:{x['port']}" for x in listeners) or "none"
            return self.fail("listener", f"{self.service['name']} has no {want_proto} listener on port {req.port} "
                             f"(has: {has})", error="connection refused")
        self.listener = self.lattice.get_listener(serviceIdentifier=self.service["id"],
                                                  listenerIdentifier=listener["id"])
        self.default_action = self.listener["defaultAction"]
        ids = {"serviceIdentifier": self.service["id"], "listenerIdentifier": listener["id"]}
        self.rules = sorted((self.lattice.get_rule(**ids, ruleIdentifier=r["id"])
                             for r in self.lattice.list_rules(**ids)["items"] if not r.get("isDefault")),
                            key=lambda r: r["priority"])
        self.policies = {}
        for what, res in (("network", self.network), ("service", self.service)):
            if res["authType"] == "AWS_IAM":
                try:
                    self.policies[what] = self.lattice.get_auth_policy(resourceIdentifier=res["id"])["policy"]
                except self.lattice.exceptions.ResourceNotFoundException:
                    self.policies[what] = None

    # -- per request --------------------------------------------------------------------------------------
    def send(self, req: _Request, rng: random.Random) -> Response:
        self.leg = None
        if self.failure is not None:
            return self.failure
        hops = list(self.hops)
        admitted, why = vpc_association.admits(self.ec2, self.association_sgs, self.from_vpc, req.source, req.port)
        if not admitted:
            hops.append(Hop("VPC association", why, False))
            return Response(None, "", None, hops, error="connection timed out")
        if self.association_sgs:
            hops.append(Hop("VPC association", why))
        passthrough = self.listener["protocol"] == "TLS_PASSTHROUGH"
        # Lattice cannot open a passthrough connection, so it never sees a SigV4 signature, method, path or header:
        # "auth policies are limited to anonymous principals" on TLS listeners (user guide, TLS listeners,
        # https://docs.aws.amazon.com/vpc-lattice/latest/ug/tls-listeners.html#tls-listeners-considerations).
        caller = None if passthrough else _caller(self.lab, req.headers)
        verdict = self._authorize(req, caller, opaque=passthrough)
        why = f"TLS passthrough, so an anonymous caller: {verdict.reason}" if passthrough else verdict.reason
        hops.append(Hop("auth", why, verdict.allowed))
        if not verdict.allowed:
            return Response(403, "AccessDeniedException: not authorized to invoke this service", None, hops)
        rule, why = (None, f"TLS passthrough: SNI {req.host} matched; the encrypted connection is passed through "
                           "to the default action, unopened") if passthrough else self._match(req)
        action = rule["action"] if rule else self.default_action
        hops.append(Hop("listener", f"{self.listener['name']} ({self.listener['protocol']}:{self.listener['port']})"))
        hops.append(Hop("rule", why, rule is not None or passthrough))
        if "fixedResponse" in action:
            code = action["fixedResponse"]["statusCode"]
            return Response(code, "Not Found" if code == 404 else f"fixed response {code}", None, hops)
        groups = [g for g in action["forward"]["targetGroups"] if g.get("weight", 1) > 0]
        if not groups:
            hops.append(Hop("target group", "every target group has weight 0", False))
            return Response(503, "Service Unavailable", None, hops)
        chosen = rng.choices(groups, weights=[g.get("weight", 1) for g in groups])[0]
        tg, healthy, summary = self._targets(chosen["targetGroupIdentifier"])
        split = ", ".join(f"{self._targets(g['targetGroupIdentifier'])[0]['name']}={g.get('weight', 1)}"
                          for g in groups)
        hops.append(Hop("target group", f"{tg['name']} (weights {split}); {summary}", bool(healthy)))
        if self.flows is not None:
            self.flows.health_checks(tg, self.unhealthy[tg["id"]])
        if not healthy:
            return Response(503, "Service Unavailable: no healthy targets", None, hops)
        target = rng.choice(healthy)
        allowed, sg_why = self._admitted(target, tg["config"].get("vpcIdentifier"))
        self.leg = lattice_flows.TargetLeg(target["id"], target["port"], tg["config"].get("vpcIdentifier"), allowed)
        if not allowed:
            hops.append(Hop("security group", sg_why, False))
            return Response(504, "Gateway Timeout", None, hops)
        hops.append(Hop("security group", sg_why))
        handler = self.lab.shim_state.get(hc.HOSTS_KEY, {}).get((target["id"], target["port"]))
        if handler is None:
            hops.append(Hop("pod", f"nothing listens on {target['id']}:{target['port']}", False))
            return Response(502, "Bad Gateway", None, hops)
        headers = {**req.headers, "host": req.host, "x-forwarded-for": "<caller IP in " + self.from_vpc + ">",
                   "x-amzn-lattice-network": f"SourceVpcArn=arn:aws:ec2:{self.lab.region}::vpc/{self.from_vpc}",
                   "x-amzn-lattice-target": f"{self.service['arn']}/{tg['id']}",
                   "x-amzn-lattice-identity": f"Principal={caller or 'anonymous'}"}
        status, body, meta = handler(req.method, req.path, headers)
        pod = meta.get("pod")
        hops.append(Hop("pod", f"{pod} {target['id']}:{target['port']} answered {status}", status < 500))
        return Response(status, body, pod, hops, headers={k: v for k, v in meta.items() if k != "pod"})

    def logged(self, req: _Request, rng: random.Random) -> Response:
        """``send``, then one access log record per subscription of the network and the service (AccessLogPolicy)
        and the flow log records of the client's and the target's interfaces (:mod:`.lattice_flows`)."""
        started = time.time()
        response = self.send(req, rng)
        if self.flows is not None:
            self.flows.request(req, response, self.address, self.leg)
        network, service = getattr(self, "network", None), getattr(self, "service", None)
        if not hasattr(self, "access_logs"):
            self.access_logs = access_log.subscriptions(self.lattice, network, service)
        if self.access_logs:
            entry = access_log.record(self.lab, req, response, from_vpc=self.from_vpc, network=network,
                                      service=service, caller=_caller(self.lab, req.headers), started=started)
            access_log.write(self.lab, self.access_logs, entry)
        return response

    def _authorize(self, req: _Request, caller: Optional[str], opaque: bool = False) -> auth.Decision:
        """Evaluate the auth policies; ``opaque`` (TLS passthrough) hides everything inside the encrypted stream."""
        if not self.policies:
            return auth.Decision(True, "authType NONE on network and service: no auth check")
        keys = {"aws:PrincipalArn": caller, "vpc-lattice-svcs:SourceVpc": self.from_vpc,
                "vpc-lattice-svcs:SourceVpcOwnerAccount": self.service["arn"].split(":")[4],
                "vpc-lattice-svcs:ServiceNetworkArn": self.network["arn"],
                "vpc-lattice-svcs:ServiceArn": self.service["arn"], "vpc-lattice-svcs:Port": str(req.port),
                "aws:PrincipalAccount": caller.split(":")[4] if caller else None}
        if not opaque:
            keys["vpc-lattice-svcs:RequestMethod"] = req.method
            keys |= {auth.REQUEST_KEYS[0] + name: value for name, value in req.headers.items()}
            keys |= {auth.REQUEST_KEYS[1] + k: v
                     for k, v in parse_qsl(urlsplit(req.path).query, keep_blank_values=True)}
        resource = f"{self.service['arn']}/{'' if opaque else req.path.split('?')[0].lstrip('/')}"
        reasons = []
        for what in ("network", "service"):
            if what in self.policies:
                d = auth.evaluate(self.policies[what], caller, resource, keys, what)
                if not d.allowed:
                    return d
                reasons.append(d.reason)
        return auth.Decision(True, "; ".join(reasons))

    def _match(self, req: _Request) -> tuple[Optional[dict], str]:
        path = req.path.split("?")[0]
        for rule in self.rules:
            http = rule["match"].get("httpMatch", {})
            if http_matches(http, req.method, path, req.headers):
                return rule, f"{rule['name']} (priority {rule['priority']}, {describe_match(http)}) matched {path}"
        tried = ", ".join(f"{r['priority']}:{describe_match(r['match'].get('httpMatch', {}))}" for r in self.rules)
        return None, f"no rule matched {path} (tried {tried or 'none'}) → default action"

    def _admitted(self, target: dict, vpc_id: Optional[str]) -> tuple[bool, str]:
        """Do the target interface's security groups admit Lattice on the target port? (read once per target)"""
        key = ("sg", target["id"], target["port"])
        if key not in self.sg_cache:
            eni = hc.eni_for_ip(self.ec2, target["id"], vpc_id)
            groups = [g["GroupId"] for g in (eni or {}).get("Groups", [])]
            self.sg_cache[key] = hc.sg_allows(self.ec2, groups, lattice_names.lattice_source_ip(self.lab.region),
                                              target["port"], cache=self.sg_cache)
        return self.sg_cache[key]

    def _targets(self, tg_id: str):
        if tg_id not in self.target_cache:
            tg = self.lattice.get_target_group(targetGroupIdentifier=tg_id)
            items = self.lattice.list_targets(targetGroupIdentifier=tg_id)["items"]
            healthy = [t for t in items if t["status"] == "HEALTHY"]
            self.unhealthy[tg_id] = [t for t in items if t["status"] != "HEALTHY"]
            bad = [f"{t['id']}:{t['port']} {t['status']} ({t.get('reasonCode', '')})" for t in items
                   if t["status"] != "HEALTHY"]
            summary = f"{len(healthy)}/{len(items)} targets healthy" + (f"; {'; '.join(bad)}" if bad else "")
            self.target_cache[tg_id] = (tg, healthy, summary)
        return self.target_cache[tg_id]


def http(lab, from_vpc: str, url: str, method: str = "GET", headers: Optional[dict] = None,
         source: Optional[str] = None) -> Response:
    """Send one request from ``from_vpc`` (from the client at private IP ``source``) to ``url`` through Lattice."""
    req = _parse(url, method, headers, source)
    plan = _Plan(lab, from_vpc, req)
    return plan.logged(req, _rng(lab))


def http_many(lab, from_vpc: str, url: str, count: int, method: str = "GET", headers: Optional[dict] = None,
              seed_value: Optional[int] = None, source: Optional[str] = None) -> list[Response]:
    """Send ``count`` identical requests (the configuration is read once): for weights and canaries."""
    req = _parse(url, method, headers, source)
    rng = random.Random(seed_value) if seed_value is not None else _rng(lab)
    plan = _Plan(lab, from_vpc, req)
    return [plan.logged(req, rng) for _ in range(count)]


def lattice_prefix_list(lab, region: Optional[str] = None, ipv6: bool = False) -> dict:
    """A managed prefix list Lattice sends from (``com.amazonaws.<region>.vpc-lattice``, or with ``ipv6`` its
    ``com.amazonaws.<region>.ipv6.vpc-lattice`` twin), looked up by name — its ``pl-`` id differs per Region and
    account, so never type it. AWS names both lists:
    https://docs.aws.amazon.com/vpc-lattice/latest/ug/security-groups.html#managed-prefix-list"""
    region = region or lab.region
    name = (lattice_names.PREFIX_LIST_IPV6 if ipv6 else lattice_names.PREFIX_LIST_IPV4).format(region=region)
    found = lab.client("ec2", region).describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": [name]}])["PrefixLists"]
    if not found:
        raise LabError(f"No managed prefix list {name} in {region}.")
    return found[0]
