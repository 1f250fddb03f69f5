"""The Route 53 Resolver of one VPC, simulated: ``lab.resolve("api.my-app.internal", vpc_id)``.

moto stores hosted zones, records, VPC associations and Resolver rules, but nothing ever *answers* a query
(moto-fidelity §4). This module answers the way the Amazon-provided DNS server at VPC+2 would, reading the world
only through describe/list/get calls, so the same code explains a live account:

1. ``enableDnsSupport`` off: nothing listens at VPC+2 or 169.254.169.253 — the query goes unanswered.
2. A Resolver rule associated with the VPC (AWS docs: phz-considerations, resolver): the most specific rule wins;
   ``FORWARD`` sends the query to the rule's target IPs (outside the sandbox: we say so and stop), ``SYSTEM`` keeps it
   with the Resolver. A rule for the same name as a private hosted zone beats the zone (AWS docs: phz-considerations).
3. Private hosted zones associated with the VPC (AWS docs: phz-considerations, both DNS attributes on), plus the
   hidden zone an interface endpoint creates when ``PrivateDnsEnabled`` (AWS docs: vpc-dns): the most specific zone
   wins; a zone that matches but lacks the record answers NXDOMAIN — no fallback to public DNS (AWS docs:
   phz-considerations).
4. Otherwise public DNS, which the sandbox never reaches: we say "public DNS, not simulated" instead of inventing
   an answer (special-use names such as ``.internal`` are NXDOMAIN on the public internet, so we say that).

CNAMEs are followed (and shown, ``dig +short`` style); alias records to load balancers show the balancer's name.

Other simulators can add names the Resolver answers (e.g. VPC Lattice service names) without editing this module:
list a function ``"package.module:function"`` in :data:`ZONE_SOURCES`. It is called as ``fn(lab, vpc_id, attrs)``
(``attrs`` = the two DNS attributes) and returns a list of :class:`Zone` — a name, record sets in Route 53's
``ResourceRecordSets`` shape, and a label saying where they come from. They then compete with private hosted zones
for the most specific match, like the hidden zones AWS creates for interface endpoints.

What the Resolver can see is read in :mod:`lab_helpers.sim.dns.zones`; :mod:`lab_helpers.sim.dns.server` serves
these answers to ``dig`` over UDP.
"""
from __future__ import annotations

import html
import importlib
import ipaddress
from dataclasses import dataclass, field
from typing import Any, Optional

from lab_helpers.data.aws_docs import cite, html_with_links
from lab_helpers.sim.dns.zones import (
    Zone,
    associated_rules,
    describe_vpc,
    dns_attributes,
    endpoint_zones,
    fqdn,
    in_domain,
    most_specific,
    private_zones,
)

# The Resolver also listens on a link-local address every instance can reach (AWS docs: resolver).
LINK_LOCAL_RESOLVER = "169.254.169.253"
LINK_LOCAL_RESOLVER_V6 = "fd00:ec2::253"
MAX_CNAME_DEPTH = 8
# Extra answer sources, "module:function" -> fn(lab, vpc_id, attrs) -> list[Zone] (see the module docstring).
ZONE_SOURCES: tuple = ()
# TLDs the public root will never delegate (RFC 6761/6762, ICANN's .internal decision): public DNS says NXDOMAIN.
SPECIAL_USE_TLDS = {"internal", "local", "localhost", "test", "example", "invalid", "corp", "home", "lan",
                    "intranet", "private"}


@dataclass
class Answer:
    """What the Resolver said: ``rcode``, ``answers`` (dig +short style) and ``steps`` (why)."""

    name: str
    rtype: str
    vpc_id: str
    rcode: str  # NOERROR | NXDOMAIN | REFUSED | SERVFAIL
    answers: list = field(default_factory=list)
    steps: list = field(default_factory=list)
    source: str = ""  # "zone:<id> <name>", "rule:<id>", "endpoint:<id>", "public", "disabled"
    forwarded_to: list = field(default_factory=list)  # target "ip:port" of a FORWARD rule
    records: list = field(default_factory=list)  # (name, type, value) tuples, the full chain

    @property
    def ok(self) -> bool:
        """True when the name resolved to at least one value."""
        return self.rcode == "NOERROR" and bool(self.answers)

    @property
    def addresses(self) -> list:
        """The IP addresses at the end of the chain (CNAME targets left out)."""
        return [value for _, kind, value in self.records if kind in ("A", "AAAA")]

    def __str__(self) -> str:
        head = f"{self.name} {self.rtype} from {self.vpc_id}: {self.rcode}"
        body = "\n".join(f"  {a}" for a in self.answers) if self.answers else "  (no answer)"
        why = "\n".join(f"  · {s}" for s in self.steps)
        return f"{head}\n{body}\n  why:\n{why}"

    def __repr__(self) -> str:
        return f"<Answer {self.name} {self.rtype} {self.rcode} {self.answers}>"

    def _repr_html_(self) -> str:
        colour = {"NOERROR": "#1a7f37" if self.answers else "#9a6700", "NXDOMAIN": "#cf222e"}.get(self.rcode,
                                                                                                 "#9a6700")
        answers = "<br>".join(html.escape(a) for a in self.answers) or "<i>no answer</i>"
        steps = "".join(f"<li>{html_with_links(s)}</li>" for s in self.steps)
        return (f"<div style='font-family:sans-serif'><b>{html.escape(self.name)}</b> {self.rtype} "
                f"asked from <code>{self.vpc_id}</code>: <b style='color:{colour}'>{self.rcode}</b>"
                f"<div style='font-family:monospace;margin:.3em 1.5em'>{answers}</div>"
                f"<details open><summary>why</summary><ol>{steps}</ol></details></div>")



def resolver_addresses(lab, vpc_id: str) -> list[str]:
    """Where instances in ``vpc_id`` send DNS queries: the primary CIDR's base + 2, and 169.254.169.253 (AWS docs:
    resolver).

    The +2 address belongs to the VPC's *primary* CIDR even for subnets in a secondary CIDR.
    """
    vpc = describe_vpc(lab, vpc_id)
    base = ipaddress.IPv4Network(vpc["CidrBlock"]).network_address
    return [str(base + 2), LINK_LOCAL_RESOLVER]


# -- the algorithm --------------------------------------------------------------------------------------------------
def resolve(lab, name: str, vpc_id: str, rtype: str = "A") -> Answer:
    """Answer ``name``/``rtype`` as the Route 53 Resolver of ``vpc_id`` would. See the module docstring."""
    rtype = (rtype or "A").upper()
    qname = fqdn(name)
    vpc = describe_vpc(lab, vpc_id)
    answer = Answer(qname, rtype, vpc_id, "NOERROR")
    attrs = dns_attributes(lab, vpc_id)
    base = resolver_addresses(lab, vpc_id)[0]
    if not attrs["enableDnsSupport"]:
        answer.rcode, answer.source = "REFUSED", "disabled"
        answer.steps.append(f"enableDnsSupport is false on {vpc_id}: the Amazon-provided DNS server ({base} and "
                            f"{LINK_LOCAL_RESOLVER}) does not answer this VPC at all. In AWS the query times out; "
                            "shown here as REFUSED. Turn it on with modify_vpc_attribute(EnableDnsSupport=...).")
        return answer
    answer.steps.append(f"enableDnsSupport is true: the Resolver answers at {base} (VPC CIDR {vpc['CidrBlock']} "
                        f"base + 2) and {LINK_LOCAL_RESOLVER}.")
    context = _Context(lab, vpc_id, attrs)
    _answer(context, qname, rtype, answer, depth=0)
    return answer


@dataclass
class _Context:
    lab: Any  # a lab: what the Resolver reads goes through its describe calls
    vpc_id: str
    attrs: dict
    _zones: Optional[list] = None
    _rules: Optional[list] = None

    @property
    def zones(self) -> list[Zone]:
        if self._zones is None:
            self._zones = self._load_zones()
        return self._zones

    @property
    def rules(self) -> list[dict]:
        if self._rules is None:
            self._rules = associated_rules(self.lab, self.vpc_id)
        return self._rules

    def _load_zones(self) -> list[Zone]:
        both = self.attrs["enableDnsSupport"] and self.attrs["enableDnsHostnames"]
        zones = private_zones(self.lab, self.vpc_id) if both else []
        for zone in endpoint_zones(self.lab, self.vpc_id):
            private = zone.label.startswith("private DNS")
            if private and not both:
                continue  # AWS docs: vpc-dns: endpoint private DNS needs both attributes
            zones.append(zone)
        for source in ZONE_SOURCES:
            module, _, function = source.partition(":")
            zones.extend(getattr(importlib.import_module(module), function)(self.lab, self.vpc_id, self.attrs))
        return zones

    def private_zone_count(self) -> int:
        return len(private_zones(self.lab, self.vpc_id))


def _answer(ctx: _Context, qname: str, rtype: str, answer: Answer, depth: int) -> None:
    if depth > MAX_CNAME_DEPTH:
        answer.rcode = "SERVFAIL"
        answer.steps.append(f"CNAME chain longer than {MAX_CNAME_DEPTH}: the Resolver gives up (SERVFAIL).")
        return
    rule = most_specific(ctx.rules, qname, lambda r: fqdn(r["DomainName"]))
    zone = most_specific(ctx.zones, qname, lambda z: z.name)
    if rule is not None and (zone is None or len(fqdn(rule["DomainName"])) >= len(zone.name)):
        if rule["RuleType"] == "FORWARD":
            targets = [f"{t.get('Ip') or t.get('Ipv6')}:{t.get('Port', 53)}" for t in rule.get("TargetIps", [])]
            answer.rcode, answer.source, answer.forwarded_to = "SERVFAIL", f"rule:{rule['Id']}", targets
            beaten = (f" It beats {zone.label} ({cite('phz-considerations')}: a forwarding rule wins over a zone)."
                      if zone else "")
            answer.steps.append(
                f"Resolver rule {rule['Id']} (FORWARD {fqdn(rule['DomainName'])}) is associated with this VPC and "
                f"is the most specific match: the query is forwarded to {', '.join(targets)} through outbound "
                f"endpoint {rule.get('ResolverEndpointId')}.{beaten} That server is outside the sandbox, so no "
                "answer is simulated (SERVFAIL here; in AWS its answer comes back).")
            return
        answer.steps.append(f"Resolver rule {rule['Id']} is SYSTEM for {fqdn(rule['DomainName'])}: the Resolver "
                            "answers this name itself (zones, then public DNS).")
    if zone is not None:
        _answer_from_zone(ctx, zone, qname, rtype, answer, depth)
        return
    _answer_public(ctx, qname, answer)


def _answer_from_zone(ctx: _Context, zone: Zone, qname: str, rtype: str, answer: Answer, depth: int) -> None:
    others = [z.name for z in ctx.zones if in_domain(qname, z.name) and z is not zone]
    shadow = f" (more specific than {', '.join(others)})" if others else ""
    answer.source = answer.source or f"zone:{zone.zone_id} {zone.name}"
    at_name = [r for r in zone.records if fqdn(r["Name"]) == qname]
    if not at_name:
        wildcard = "*." + qname.split(".", 1)[1] if "." in qname[:-1] else None
        at_name = [dict(r, Name=qname) for r in zone.records if wildcard and fqdn(r["Name"]) == wildcard]
    if not at_name:
        answer.rcode = "NXDOMAIN"
        answer.steps.append(f"{zone.label}{shadow} is authoritative for {qname} but has no record with that name: "
                            "NXDOMAIN, with no fallback to public DNS or to a less specific zone "
                            f"({cite('phz-considerations')}).")
        return
    wanted = [r for r in at_name if r["Type"] == rtype]
    cname = [r for r in at_name if r["Type"] == "CNAME"]
    if wanted:
        values = _values(ctx, wanted[0])
        if rtype in ("CNAME", "NS", "PTR"):  # name-valued records are shown fully qualified, as dig does
            values = [fqdn(v) for v in values]
        answer.steps.append(f"{zone.label}{shadow} answers {qname} {rtype}.")
        answer.answers.extend(values)
        answer.records.extend((qname, rtype, v) for v in values)
        return
    if cname and rtype != "CNAME":
        target = fqdn(_values(ctx, cname[0])[0])
        answer.steps.append(f"{zone.label}{shadow}: {qname} is a CNAME for {target}; the Resolver follows it.")
        answer.answers.append(target)
        answer.records.append((qname, "CNAME", target))
        _answer(ctx, target, rtype, answer, depth + 1)
        return
    answer.steps.append(f"{zone.label} has {qname} but no {rtype} record: NOERROR with no data.")


def _values(ctx: _Context, record: dict) -> list[str]:
    if record.get("AliasTarget"):
        # An alias answers with the target's own records; for a load balancer that is its DNS name's addresses.
        return [fqdn(record["AliasTarget"]["DNSName"])]
    return [rr["Value"] for rr in record.get("ResourceRecords", [])]


def _answer_public(ctx: _Context, qname: str, answer: Answer) -> None:
    hidden = ""
    if not ctx.attrs["enableDnsHostnames"] and ctx.private_zone_count():
        hidden = (" This VPC has private hosted zones associated, but enableDnsHostnames is false, so the Resolver "
                  f"ignores them ({cite('phz-considerations')}: both attributes must be true).")
    if _answer_ec2_hostname(ctx, qname, answer):
        return
    lb = _load_balancer(ctx, qname)
    if lb is not None:
        ips = _lb_node_ips(ctx, lb)
        answer.source = answer.source or f"elb:{lb['LoadBalancerName']}"
        if ips:
            answer.answers.extend(ips)
            answer.records.extend((qname, "A", ip) for ip in ips)
            answer.steps.append(f"{qname} is load balancer {lb['LoadBalancerName']} ({lb['Scheme']}); its public DNS "
                                "record lists its nodes' IPs, one per subnet.")
        else:
            answer.steps.append(f"{qname} is load balancer {lb['LoadBalancerName']} ({lb['Scheme']}). AWS publishes "
                                "its node IPs (private ones for an internal balancer) in public DNS; the sandbox "
                                "models no balancer nodes, so the chain stops at its name.")
        return
    tld = qname.rstrip(".").rsplit(".", 1)[-1]
    answer.source = answer.source or "public"
    if tld in SPECIAL_USE_TLDS:
        answer.rcode = "NXDOMAIN"
        answer.steps.append(f"No private hosted zone, endpoint or rule this VPC can see covers {qname}.{hidden} The "
                            f"Resolver asks public DNS, where .{tld} does not exist: NXDOMAIN.")
        return
    answer.rcode = "SERVFAIL"
    answer.steps.append(f"No private hosted zone, endpoint or rule this VPC can see covers {qname}.{hidden} The "
                        "Resolver would ask public DNS — public DNS, not simulated: the sandbox never leaves "
                        "127.0.0.0/8, so no answer is invented (SERVFAIL here).")


def _answer_ec2_hostname(ctx: _Context, qname: str, answer: Answer) -> bool:
    """EC2 DNS hostnames: ``ip-10-0-1-4.ec2.internal`` (private) and ``ec2-54-…amazonaws.com`` (public).

    Inside the instance's own VPC both resolve to the private IP. A public hostname asked from a *peered* VPC resolves
    to the private IP only if the instance's side of the peering allows DNS resolution from the remote VPC (AWS docs:
    peering-dns); anywhere else it is public DNS, which answers with the public IP (read from describe, not invented).
    """
    name = qname.rstrip(".")
    private = name.startswith("ip-") and (name.endswith(".ec2.internal") or name.endswith(".compute.internal"))
    public = name.startswith("ec2-") and name.endswith(".amazonaws.com")
    if not (private or public):
        return False
    found = ctx.lab.raw_client("ec2").describe_instances(Filters=[
        {"Name": "private-dns-name" if private else "dns-name", "Values": [name]}])["Reservations"]
    instances = [i for r in found for i in r["Instances"] if i["State"]["Name"] not in ("terminated", "shutting-down")]
    if not instances:
        return False
    inst = instances[0]
    own = inst.get("VpcId") == ctx.vpc_id
    answer.source = answer.source or f"ec2-hostname:{inst['InstanceId']}"
    if own:
        ip = inst["PrivateIpAddress"]
        answer.steps.append(f"{qname} is the {'private' if private else 'public'} DNS hostname of "
                            f"{inst['InstanceId']}, in this VPC: the Resolver answers with its private IP.")
    elif private:
        answer.rcode = "SERVFAIL"
        answer.steps.append(f"{qname} is the private DNS hostname of {inst['InstanceId']} in {inst.get('VpcId')}, "
                            "another VPC. AWS documents these names for use inside their VPC; how another VPC's "
                            "Resolver answers is not modelled (SERVFAIL here). Publish a name in a private hosted "
                            "zone instead.")
        return True
    elif _peer_allows_dns(ctx, inst.get("VpcId")):
        ip = inst["PrivateIpAddress"]
        answer.steps.append(f"{qname} is the public DNS hostname of {inst['InstanceId']} in peered VPC "
                            f"{inst.get('VpcId')}, whose side of the peering allows DNS resolution from this VPC: the "
                            f"private IP ({cite('peering-dns')}).")
    elif inst.get("PublicIpAddress"):
        ip = inst["PublicIpAddress"]
        answer.steps.append(f"{qname} is the public DNS hostname of {inst['InstanceId']} in {inst.get('VpcId')}: from "
                            "outside that VPC public DNS answers with the public IP. Over a peering, enable "
                            "AllowDnsResolutionFromRemoteVpc on that VPC's side to get the private IP "
                            f"({cite('peering-dns')}).")
    else:
        return False
    answer.answers.append(ip)
    answer.records.append((qname, "A", ip))
    return True


def _peer_allows_dns(ctx: _Context, other_vpc: Optional[str]) -> bool:
    """Is there an active peering between this VPC and ``other_vpc`` whose ``other_vpc`` side allows DNS
    resolution from the remote VPC?"""
    if not other_vpc:
        return False
    pcxs = ctx.lab.raw_client("ec2").describe_vpc_peering_connections(Filters=[
        {"Name": "status-code", "Values": ["active"]}])["VpcPeeringConnections"]
    for pcx in pcxs:
        if pcx.get("Status", {}).get("Code") != "active":
            continue  # moto ignores the status filter (moto-fidelity §12)
        sides = {pcx["RequesterVpcInfo"].get("VpcId"): pcx["RequesterVpcInfo"],
                 pcx["AccepterVpcInfo"].get("VpcId"): pcx["AccepterVpcInfo"]}
        if set(sides) == {ctx.vpc_id, other_vpc}:
            return bool(sides[other_vpc].get("PeeringOptions", {}).get("AllowDnsResolutionFromRemoteVpc"))
    return False


def _load_balancer(ctx: _Context, qname: str) -> Optional[dict]:
    try:
        pages = ctx.lab.raw_client("elbv2").get_paginator("describe_load_balancers").paginate()
        for page in pages:
            for lb in page["LoadBalancers"]:
                if fqdn(lb.get("DNSName", "x")) == qname or in_domain(qname, fqdn(lb.get("DNSName", "x"))):
                    return lb
    except Exception:  # ELB not available: the name is just public DNS
        return None
    return None


def _lb_node_ips(ctx: _Context, lb: dict) -> list[str]:
    """A real ALB/NLB has one ENI per subnet described 'ELB app/<name>/<id>'; moto creates none."""
    suffix = "/".join(lb["LoadBalancerArn"].split(":loadbalancer/")[-1].split("/"))
    enis = ctx.lab.raw_client("ec2").describe_network_interfaces(
        Filters=[{"Name": "description", "Values": [f"ELB {suffix}"]}])["NetworkInterfaces"]
    return sorted(e["PrivateIpAddress"] for e in enis if e.get("PrivateIpAddress"))


