"""Incidents of private DNS (lab 05): zone associations, records in the wrong zone, VPC DNS attributes, Resolver
forwarding rules that shadow a private zone. Proven with ``lab.resolve``."""
from __future__ import annotations

from dataclasses import dataclass

from lab_helpers.lessons.incidents import docs
from lab_helpers.lessons.incidents import world as w
from lab_helpers.lessons.incidents.engine import Case, Kind, Probe, Seeded

DOMAINS = ("corp.internal", "svc.example.internal", "prod.internal", "int.example.com")
HOSTS = ("db", "api", "cache", "queue", "billing")


@dataclass
class Zone:
    vpc: str
    zone: str
    domain: str
    name: str
    address: str


def private_zone(lab, domain: str, vpc: str, tag: str) -> str:
    r53 = lab.client("route53")
    zone = r53.create_hosted_zone(Name=domain, CallerReference=f"{tag}-{vpc}-{domain}",
                                  HostedZoneConfig={"PrivateZone": True, "Comment": tag},
                                  VPC={"VPCRegion": lab.region, "VPCId": vpc})
    return zone["HostedZone"]["Id"].split("/")[-1]


def record(lab, zone: str, name: str, address: str) -> None:
    lab.client("route53").change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [
        {"Action": "UPSERT", "ResourceRecordSet": {"Name": name, "Type": "A", "TTL": 60,
                                                   "ResourceRecords": [{"Value": address}]}}]})


def _world(lab, rng: Seeded, kind: str, with_record: bool = True) -> Zone:
    octet = rng.randint(20, 250)
    vpc = w.vpc(lab, f"10.{octet}.0.0/16", f"{kind}-vpc", kind)
    domain = rng.variant_of(DOMAINS)
    name, address = f"{rng.choice(HOSTS)}.{domain}", f"10.{octet}.2.{rng.randint(10, 200)}"
    zone = private_zone(lab, domain, vpc, kind)
    if with_record:
        record(lab, zone, name, address)
    return Zone(vpc, zone, domain, name, address)


def answers(lab, name: str, vpc: str, address: str) -> Probe:
    return Probe(f"{name} resolves to {address} in {vpc}", lambda: lab.resolve(name, vpc).addresses == [address])


def _hints(name: str, vpc: str, second: str, third: str) -> tuple[str, str, str]:
    return (f"lab.resolve('{name}', '{vpc}') and read its steps.", second, third)


def zone_not_associated(lab, rng: Seeded) -> Case:
    kind = "phz-not-associated"
    z = _world(lab, rng, kind)
    other = w.vpc(lab, f"10.{rng.randint(20, 250)}.0.0/16", f"{kind}-new-vpc", kind)
    r53 = lab.client("route53")
    return Case(
        symptom=f"Services in the new VPC {other} get NXDOMAIN for {z.name}; in {z.vpc} it resolves fine.",
        resources={"new_vpc": other, "old_vpc": z.vpc, "hosted_zone": z.zone, "name": z.name},
        symptom_probe=answers(lab, z.name, other, z.address), healthy=[answers(lab, z.name, z.vpc, z.address)],
        fix=lambda: r53.associate_vpc_with_hosted_zone(HostedZoneId=z.zone,
                                                       VPC={"VPCRegion": lab.region, "VPCId": other}),
        hints=_hints(z.name, other, f"Which VPCs is {z.zone} associated with (get_hosted_zone)?",
                     f"associate_vpc_with_hosted_zone({z.zone}, {other})."),
        fault=f"The private hosted zone {z.zone} ({z.domain}) is not associated with {other}.",
        rule="A private hosted zone answers only queries from the VPCs associated with it.",
        doc=docs.PRIVATE_ZONE_ASSOCIATE, vpcs=[z.vpc, other])


def record_wrong_zone(lab, rng: Seeded) -> Case:
    kind = "record-in-wrong-zone"
    z = _world(lab, rng, kind, with_record=False)
    host = z.name.split(".")[0]
    sibling_domain = rng.choice([d for d in DOMAINS if d != z.domain])
    sibling = private_zone(lab, sibling_domain, z.vpc, kind)
    record(lab, sibling, f"{host}.{sibling_domain}", z.address)
    keep = f"www.{z.domain}"
    record(lab, z.zone, keep, z.address.rsplit(".", 1)[0] + ".5")
    return Case(
        symptom=f"{z.name} gets NXDOMAIN in {z.vpc} although 'the record was created this morning'; "
                f"{keep} works.",
        resources={"vpc": z.vpc, "zones": [z.zone, sibling], "name": z.name},
        symptom_probe=answers(lab, z.name, z.vpc, z.address),
        healthy=[answers(lab, keep, z.vpc, z.address.rsplit(".", 1)[0] + ".5")],
        fix=lambda: record(lab, z.zone, z.name, z.address),
        hints=_hints(z.name, z.vpc, "list_resource_record_sets on every private zone of this VPC: where is the "
                     f"record for {host}?", f"Create {z.name} A {z.address} in the zone {z.domain} ({z.zone})."),
        fault=f"The record was created as {host}.{sibling_domain} in the zone {sibling_domain}, not in {z.domain}.",
        rule="The Resolver answers a name from the most specific private zone whose domain contains it; a record in "
             "another zone is never consulted.",
        doc=docs.PRIVATE_ZONES, vpcs=[z.vpc])


def dns_attribute(lab, rng: Seeded) -> Case:
    kind = "vpc-dns-attribute-off"
    z = _world(lab, rng, kind)
    off = rng.variant_of((("EnableDnsSupport",), ("EnableDnsHostnames",), ("EnableDnsHostnames", "EnableDnsSupport")))
    attribute = " and ".join(off)
    ec2 = lab.client("ec2")
    for name in off:
        ec2.modify_vpc_attribute(VpcId=z.vpc, **{name: {"Value": False}})

    def fix():
        for name in reversed(off):  # support first: AWS refuses DNS hostnames on a VPC without DNS support
            ec2.modify_vpc_attribute(VpcId=z.vpc, **{name: {"Value": True}})

    return Case(
        symptom=f"Since a Terraform change to {z.vpc}, {z.name} no longer resolves from inside it; the zone "
                f"{z.zone} and its record are unchanged.",
        resources={"vpc": z.vpc, "hosted_zone": z.zone, "name": z.name},
        symptom_probe=answers(lab, z.name, z.vpc, z.address), healthy=[],
        fix=fix,
        hints=_hints(z.name, z.vpc, f"describe_vpc_attribute on {z.vpc}: enableDnsSupport and "
                     "enableDnsHostnames.", f"Set {attribute} back to true (DNS support first)."),
        fault=f"{attribute} set to false on {z.vpc}.",
        rule="Private hosted zones need both enableDnsSupport and enableDnsHostnames true on the VPC.",
        doc=docs.VPC_DNS, vpcs=[z.vpc])


ENDPOINT_NAME = "vpclab-incidents-outbound"


def outbound_endpoint(lab, z: Zone, kind: str) -> str:
    """The lab's one outbound Resolver endpoint for incidents: reused, as accounts have few (a rule may use an
    endpoint in any VPC of the Region)."""
    rr, zones = lab.client("route53resolver"), w.azs(lab)
    for endpoint in rr.list_resolver_endpoints()["ResolverEndpoints"]:
        if endpoint.get("Name") == ENDPOINT_NAME and endpoint.get("Status") != "DELETING":
            return endpoint["Id"]
    octet = z.address.split(".")[1]
    subnets = [w.subnet(lab, z.vpc, f"10.{octet}.{n}.0/24", zones[i], f"resolver-{n}", kind)
               for i, n in ((0, 11), (1, 12))]
    sg = w.group(lab, z.vpc, "resolver-out", kind)
    return rr.create_resolver_endpoint(CreatorRequestId=f"{kind}-{z.vpc}", Name=ENDPOINT_NAME,
                                       SecurityGroupIds=[sg], Direction="OUTBOUND",
                                       IpAddresses=[{"SubnetId": s} for s in subnets])["ResolverEndpoint"]["Id"]


def resolver_rule(lab, rng: Seeded) -> Case:
    kind = "resolver-rule-shadows-zone"
    z = _world(lab, rng, kind)
    rr = lab.client("route53resolver")
    endpoint = outbound_endpoint(lab, z, kind)
    target = rng.choice(("192.168.10.53", "172.16.0.2", "10.255.0.2"))
    rule = rr.create_resolver_rule(CreatorRequestId=f"{kind}-rule-{z.vpc}", RuleType="FORWARD",
                                   DomainName=z.domain, TargetIps=[{"Ip": target, "Port": 53}],
                                   ResolverEndpointId=endpoint)["ResolverRule"]["Id"]
    association = rr.associate_resolver_rule(ResolverRuleId=rule, VPCId=z.vpc)["ResolverRuleAssociation"]
    return Case(
        symptom=f"After the on-premises DNS project went live, {z.name} stopped resolving in {z.vpc} (the zone "
                f"{z.zone} still has the record).",
        resources={"vpc": z.vpc, "hosted_zone": z.zone, "name": z.name, "resolver_rule": rule},
        symptom_probe=answers(lab, z.name, z.vpc, z.address), healthy=[],
        fix=lambda: rr.disassociate_resolver_rule(ResolverRuleId=rule, VPCId=z.vpc),
        hints=_hints(z.name, z.vpc, "list_resolver_rule_associations for this VPC: which domains are forwarded?",
                     f"The FORWARD rule {rule} for {z.domain} wins over the private zone: disassociate it from the "
                     "VPC (or narrow its domain)."),
        fault=f"Resolver rule {rule} forwards {z.domain} to {target} (association {association['Id']}), "
              "shadowing the private zone of the same name.",
        rule="When a Resolver forwarding rule and a private hosted zone have the same domain, the rule wins.",
        doc=docs.RESOLVER_RULES, vpcs=[z.vpc])


KINDS = [
    Kind("phz-not-associated", "05", "Private hosted zone not associated with the asking VPC", "easy",
         zone_not_associated),
    Kind("record-in-wrong-zone", "05", "Record created in the wrong private zone", "medium", record_wrong_zone),
    Kind("vpc-dns-attribute-off", "05", "VPC DNS support or DNS hostnames switched off", "easy", dns_attribute),
    Kind("resolver-rule-shadows-zone", "05", "Resolver forwarding rule shadowing a private zone", "hard",
         resolver_rule),
]
