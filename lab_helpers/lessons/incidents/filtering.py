"""Incidents of packet filters (lab 01): security groups (stateful) and network ACLs (stateless, ordered)."""
from __future__ import annotations

from lab_helpers.lessons.incidents import docs
from lab_helpers.lessons.incidents import world as w
from lab_helpers.lessons.incidents.engine import Case, Kind, Probe, Seeded
from lab_helpers.lessons.incidents.routing import DESTINATIONS

PROBE_DEST = DESTINATIONS[0]  # a fixed internet address for the 'still works' probes


def _web_from_internet(lab, world: w.TwoTier, port: int) -> Probe:
    return Probe(f"the internet reaches {world.web} on {port}", lambda: w.reaches(lab, "internet", world.web, port))


def _web_to_app(lab, world: w.TwoTier) -> Probe:
    return Probe(f"{world.web} reaches {world.app} on {world.app_port}",
                 lambda: w.reaches(lab, world.web, world.app, world.app_port))


def sg_inbound_missing(lab, rng: Seeded) -> Case:
    world = w.two_tier(lab, rng, "sg-inbound-missing")
    ec2, port = lab.client("ec2"), rng.choice((443, 80))
    other, variant = (80 if port == 443 else 443), rng.variant_of(("revoked", "office-only", "udp"))
    ec2.revoke_security_group_ingress(GroupId=world.web_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    if variant == "office-only":
        w.allow(ec2, world.web_sg, port, "198.51.100.7/32")
    elif variant == "udp":
        w.allow(ec2, world.web_sg, port, "0.0.0.0/0", protocol="udp")
    group = w.flow_log(lab, world.vpc, [("internet", world.web, port), ("internet", world.web, other)])
    return Case(
        symptom=f"Customers get a timeout on port {port} of {world.web} (the {world.service} site); port {other} "
                "still answers.",
        resources={"vpc": world.vpc, "web": world.web, "web_security_group": world.web_sg, "port": port,
                   "flow_log_group": group},
        symptom_probe=_web_from_internet(lab, world, port),
        healthy=[_web_from_internet(lab, world, other), _web_to_app(lab, world)],
        fix=lambda: w.allow(ec2, world.web_sg, port, "0.0.0.0/0"),
        hints=(f"Read the flow logs in {group} (filter REJECT): one REJECT per attempt and no reply means a "
               f"security group; or trace from 'internet' to {world.web} on {port}.",
               f"Read the inbound rules of {world.web_sg}.",
               f"Add one inbound rule: tcp {port} from 0.0.0.0/0 — that port only."),
        fault=f"The inbound rule tcp {port} from 0.0.0.0/0 is gone from {world.web_sg} ({variant}: "
              + {"revoked": "revoked", "office-only": "narrowed to one office address",
                 "udp": "re-added as udp"}[variant] + ").",
        rule="Security groups deny by default: inbound traffic is allowed only by an explicit rule.",
        doc=docs.SECURITY_GROUP_RULES, vpcs=[world.vpc])


def sg_egress_removed(lab, rng: Seeded) -> Case:
    world = w.two_tier(lab, rng, "sg-egress-removed")
    ec2 = lab.client("ec2")
    ec2.revoke_security_group_egress(GroupId=world.web_sg, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    keep = rng.variant_of((443, 80, 8443))
    ec2.authorize_security_group_egress(GroupId=world.web_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": keep, "ToPort": keep, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    group = w.flow_log(lab, world.vpc, [(world.web, world.app, world.app_port), ("internet", world.web, 443)])
    return Case(
        symptom=f"{world.web} serves its static pages, but every page that needs the {world.service} back end "
                f"({world.app} on {world.app_port}) fails with a 502.",
        resources={"vpc": world.vpc, "web": world.web, "app": world.app, "web_security_group": world.web_sg,
                   "app_security_group": world.app_sg, "flow_log_group": group},
        symptom_probe=_web_to_app(lab, world),
        healthy=[_web_from_internet(lab, world, 443),
                 Probe(f"{world.web} reaches the internet on {keep}",
                       lambda: w.reaches(lab, world.web, PROBE_DEST, keep))],
        fix=lambda: ec2.authorize_security_group_egress(GroupId=world.web_sg, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": world.app_port, "ToPort": world.app_port,
             "UserIdGroupPairs": [{"GroupId": world.app_sg}]}]),
        hints=(f"In the flow logs ({group}), whose interface logs the REJECT: web's or app's? Or trace {world.web} "
               f"to {world.app} on {world.app_port}.", f"Read the outbound rules of {world.web_sg}.",
               f"Allow outbound tcp {world.app_port} to {world.app_sg} (or to the private subnet's CIDR)."),
        fault=f"{world.web_sg}'s default allow-all outbound rule was replaced by tcp {keep} only.",
        rule="Security groups filter outbound traffic too; a new group allows all outbound until you remove it.",
        doc=docs.SECURITY_GROUP_RULES, vpcs=[world.vpc])


def sg_wrong_source(lab, rng: Seeded) -> Case:
    world = w.two_tier(lab, rng, "sg-wrong-source")
    ec2, variant = lab.client("ec2"), rng.variant_of(("own-group", "wrong-port", "udp"))
    ec2.revoke_security_group_ingress(GroupId=world.app_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": world.app_port, "ToPort": world.app_port,
         "UserIdGroupPairs": [{"GroupId": world.web_sg}]}])
    if variant == "own-group":
        w.allow(ec2, world.app_sg, world.app_port, world.app_sg)
    elif variant == "wrong-port":
        w.allow(ec2, world.app_sg, world.app_port + 1, world.web_sg)
    else:
        w.allow(ec2, world.app_sg, world.app_port, world.web_sg, protocol="udp")
    return Case(
        symptom=f"After a security review, {world.web} can no longer open connections to {world.app} on "
                f"{world.app_port}; the reviewer says the rule 'is still there'.",
        resources={"vpc": world.vpc, "web": world.web, "app": world.app, "app_security_group": world.app_sg,
                   "web_security_group": world.web_sg},
        symptom_probe=_web_to_app(lab, world), healthy=[_web_from_internet(lab, world, 443)],
        fix=lambda: w.allow(ec2, world.app_sg, world.app_port, world.web_sg),
        hints=(f"Trace {world.web} to {world.app} on {world.app_port}.",
               f"Read {world.app_sg}'s inbound rules closely: source, protocol and port.",
               f"The rule must be tcp {world.app_port} from {world.web_sg} (the web tier's group)."),
        fault=f"{world.app_sg}'s rule was rewritten ({variant}): it no longer matches tcp {world.app_port} from "
              f"{world.web_sg}.",
        rule="A security-group rule matches on protocol, port range and source (a CIDR, a prefix list or another "
             "group) — all three must match.",
        doc=docs.SECURITY_GROUP_RULES, vpcs=[world.vpc])


def _public_acl(lab, world: w.TwoTier, kind: str, egress_extra=(), ingress_extra=()) -> str:
    vpc = world.cidr
    ingress = [(100, "6", 443, 443, "0.0.0.0/0", "allow"), (110, "6", 80, 80, "0.0.0.0/0", "allow"),
               (120, "6", 1024, 65535, "0.0.0.0/0", "allow"), (130, "-1", 0, 0, vpc, "allow"), *ingress_extra]
    egress = [(100, "6", 443, 443, "0.0.0.0/0", "allow"), (110, "6", 80, 80, "0.0.0.0/0", "allow"),
              (120, "-1", 0, 0, vpc, "allow"), *egress_extra]
    return w.custom_acl(lab, world.vpc, world.public_subnet, f"{world.service}-public-acl", kind, ingress, egress)


def nacl_ephemeral(lab, rng: Seeded) -> Case:
    world = w.two_tier(lab, rng, "nacl-ephemeral")
    variant, port = rng.variant_of(("missing", "udp", "narrow")), rng.choice((443, 80))
    extra = {"missing": (), "udp": ((140, "17", 1024, 65535, "0.0.0.0/0", "allow"),),
             "narrow": ((140, "6", 1024, 65535, "10.0.0.0/8", "allow"),)}[variant]
    acl = _public_acl(lab, world, "nacl-ephemeral", egress_extra=extra)
    ec2 = lab.client("ec2")
    group = w.flow_log(lab, world.vpc, [("internet", world.web, port), (world.web, PROBE_DEST, 443)])
    return Case(
        symptom=f"Since the new network ACL went on the public subnet, customers time out on {world.web}:{port}; "
                f"{world.web} itself still downloads updates fine.",
        resources={"vpc": world.vpc, "web": world.web, "public_subnet": world.public_subnet, "network_acl": acl,
                   "flow_log_group": group},
        symptom_probe=_web_from_internet(lab, world, port),
        healthy=[Probe(f"{world.web} reaches {PROBE_DEST} on 443", lambda: w.reaches(lab, world.web, PROBE_DEST, 443)),
                 _web_to_app(lab, world)],
        fix=lambda: ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=150, Protocol="6", RuleAction="allow",
                                                 Egress=True, CidrBlock="0.0.0.0/0",
                                                 PortRange={"From": 1024, "To": 65535}),
        hints=(f"Read {world.web}'s records in {group}: an ACCEPT in and a REJECT out for the same flow is the "
               "signature of a stateless filter. Or trace 'internet' to the web server and read the return leg.",
               f"Read {acl}'s outbound entries: where does the reply to a customer's port go?",
               "Add an outbound allow for tcp 1024-65535 to 0.0.0.0/0 (the clients' ephemeral ports)."),
        fault=f"{acl} has no outbound rule for the replies (variant: {variant}): tcp to the clients' ephemeral "
              "ports 1024-65535 falls to the final deny.",
        rule="Network ACLs are stateless: the reply needs its own outbound rule, to the client's ephemeral port.",
        doc=docs.NACL_EPHEMERAL, vpcs=[world.vpc])


def nacl_deny_first(lab, rng: Seeded) -> Case:
    world = w.two_tier(lab, rng, "nacl-deny-first")
    port, number = rng.choice((443, 80)), rng.variant_of((50, 90, 99))
    other = 80 if port == 443 else 443
    acl = _public_acl(lab, world, "nacl-deny-first",
                      egress_extra=((140, "6", 1024, 65535, "0.0.0.0/0", "allow"),),
                      ingress_extra=((number, "6", port, port, "0.0.0.0/0", "deny"),))
    ec2 = lab.client("ec2")
    group = w.flow_log(lab, world.vpc, [("internet", world.web, port), ("internet", world.web, other)])
    return Case(
        symptom=f"Someone 'blocked a scanner' on the public subnet's ACL an hour ago; since then nobody reaches "
                f"{world.web} on {port}. Port {other} works.",
        resources={"vpc": world.vpc, "web": world.web, "network_acl": acl, "port": port, "flow_log_group": group},
        symptom_probe=_web_from_internet(lab, world, port),
        healthy=[_web_from_internet(lab, world, other), _web_to_app(lab, world)],
        fix=lambda: ec2.delete_network_acl_entry(NetworkAclId=acl, RuleNumber=number, Egress=False),
        hints=(f"Filter {group} for REJECT: which port is rejected? Then trace 'internet' to {world.web} on {port}: "
               "which rule number decides?",
               f"List {acl}'s inbound entries in rule-number order.",
               f"Rule {number} denies tcp {port} from 0.0.0.0/0 before rule 100 allows it: remove it (or narrow it "
               "to the scanner's address)."),
        fault=f"Inbound rule {number} of {acl} denies tcp {port} from 0.0.0.0/0, numbered before the allow.",
        rule="Network ACL rules are evaluated in order, lowest number first; the first match decides.",
        doc=docs.NACL_RULES, vpcs=[world.vpc])


KINDS = [
    Kind("sg-inbound-missing", "01", "Security group inbound rule missing", "easy", sg_inbound_missing),
    Kind("sg-egress-removed", "01", "Security group outbound rules removed", "medium", sg_egress_removed),
    Kind("sg-wrong-source", "01", "Security group rule with the wrong source, port or protocol", "medium",
         sg_wrong_source),
    Kind("nacl-ephemeral", "01", "Network ACL denies the replies to ephemeral ports", "medium", nacl_ephemeral),
    Kind("nacl-deny-first", "01", "Network ACL deny numbered before the allow", "medium", nacl_deny_first),
]
