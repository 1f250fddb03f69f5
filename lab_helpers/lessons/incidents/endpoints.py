"""Incidents of VPC endpoints (lab 03): gateway endpoint routes, interface endpoint security groups and DNS."""
from __future__ import annotations

from lab_helpers.lessons.incidents import docs
from lab_helpers.lessons.incidents import world as w
from lab_helpers.lessons.incidents.engine import Case, Kind, Probe, Seeded

INTERFACE_SERVICES = ("logs", "sts", "ssm")


def via_endpoint(lab, source: str, service: str) -> bool:
    """True when ``source`` reaches ``service`` and the path goes through a VPC endpoint, not the NAT."""
    result = lab.trace(source, service, port=443)
    return result.reachable and any(h.component_id.startswith("vpce-") for h in result.hops)


def gateway_endpoint_route(lab, rng: Seeded) -> Case:
    world = w.two_tier(lab, rng, "gateway-endpoint-route", nat=True)
    ec2, service = lab.client("ec2"), rng.choice(("s3", "dynamodb"))
    where = rng.variant_of(("batch", "public", "none"))
    other = {"batch": [w.table(lab, world.vpc, f"{world.service}-batch-rt", "gateway-endpoint-route")],
             "public": [world.public_rt], "none": []}[where]
    endpoint = ec2.create_vpc_endpoint(VpcId=world.vpc, ServiceName=f"com.amazonaws.{lab.region}.{service}",
                                       VpcEndpointType="Gateway", RouteTableIds=other)["VpcEndpoint"]
    endpoint_id = endpoint["VpcEndpointId"]
    return Case(
        symptom=f"The NAT bill doubled: {world.app}'s {service} traffic still goes through {world.nat}, although a "
                f"{service} gateway endpoint ({endpoint_id}) was created last week.",
        resources={"vpc": world.vpc, "app": world.app, "endpoint": endpoint_id, "nat": world.nat,
                   "private_route_table": world.private_rt},
        symptom_probe=Probe(f"{world.app} reaches {service} through the endpoint",
                            lambda: via_endpoint(lab, world.app, service)),
        healthy=[Probe(f"{world.app} reaches 8.8.8.8 through the NAT", lambda: w.reaches(lab, world.app, "8.8.8.8")),
                 Probe(f"the internet reaches {world.web} on 443",
                       lambda: w.reaches(lab, "internet", world.web, 443))],
        fix=lambda: ec2.modify_vpc_endpoint(VpcEndpointId=endpoint_id, AddRouteTableIds=[world.private_rt]),
        hints=(f"Trace {world.app} to '{service}': which gateway does it use?",
               f"Which route tables does {endpoint_id} list (describe_vpc_endpoints)?",
               f"Add {world.private_rt} to the endpoint's route tables (modify_vpc_endpoint AddRouteTableIds)."),
        fault=f"{endpoint_id} was attached to {other or 'no route table'} ({where}), not to the private subnet's "
              f"table {world.private_rt}: the prefix-list route never appeared where app looks.",
        rule="A gateway endpoint works only for the route tables you associate with it: it adds a prefix-list route "
             "to each.",
        doc=docs.GATEWAY_ENDPOINTS, vpcs=[world.vpc])


def _interface(lab, world: w.TwoTier, service: str, kind: str, sg_ingress, private_dns: bool = True):
    ec2 = lab.client("ec2")
    sg = w.group(lab, world.vpc, f"{world.service}-endpoint", kind, sg_ingress)
    endpoint = ec2.create_vpc_endpoint(VpcId=world.vpc, ServiceName=f"com.amazonaws.{lab.region}.{service}",
                                       VpcEndpointType="Interface", SubnetIds=[world.private_subnet],
                                       SecurityGroupIds=[sg], PrivateDnsEnabled=private_dns)["VpcEndpoint"]
    return sg, endpoint["VpcEndpointId"]


def interface_endpoint_sg(lab, rng: Seeded) -> Case:
    kind = "interface-endpoint-sg"
    world = w.two_tier(lab, rng, kind)
    service, wrong = rng.choice(INTERFACE_SERVICES), rng.variant_of(((80,), (8443,), ()))
    sg, endpoint = _interface(lab, world, service, kind, [(port, world.cidr) for port in wrong])
    ec2 = lab.client("ec2")
    return Case(
        symptom=f"The {service} calls of {world.app} time out through the new interface endpoint {endpoint}; DNS "
                "already returns the endpoint's private address.",
        resources={"vpc": world.vpc, "app": world.app, "endpoint": endpoint, "endpoint_security_group": sg},
        symptom_probe=Probe(f"{world.app} reaches {endpoint} on 443", lambda: w.reaches(lab, world.app, endpoint)),
        healthy=[Probe(f"{world.web} reaches {world.app} on {world.app_port}",
                       lambda: w.reaches(lab, world.web, world.app, world.app_port))],
        fix=lambda: w.allow(ec2, sg, 443, world.cidr),
        hints=(f"Trace {world.app} to {endpoint} on 443.", f"Read the inbound rules of {sg}, the endpoint's group.",
               f"Allow tcp 443 from the VPC's CIDR ({world.cidr}) or from the app's security group."),
        fault=f"The endpoint's security group {sg} does not allow tcp 443 from the clients (it allows "
              + (f"only tcp {wrong[0]}" if wrong else "nothing at all") + ").",
        rule="An interface endpoint's security group must allow inbound HTTPS (443) from the clients that use it.",
        doc=docs.INTERFACE_ENDPOINTS, vpcs=[world.vpc])


def interface_endpoint_dns(lab, rng: Seeded) -> Case:
    kind = "interface-endpoint-dns"
    world = w.two_tier(lab, rng, kind)
    # (A third natural variant, PrivateDnsEnabled=false on the endpoint, is left out: moto ignores
    # modify_vpc_endpoint(PrivateDnsEnabled=...), so its fix could not be proven in the sandbox.)
    service, variant = rng.choice(INTERFACE_SERVICES), rng.variant_of(("Hostnames", "Support", "both"))
    sg, endpoint = _interface(lab, world, service, kind, [(443, world.cidr)])
    ec2, name = lab.client("ec2"), f"{service}.{lab.region}.amazonaws.com"
    off = ("Hostnames", "Support") if variant == "both" else (variant,)
    for attribute in off:
        ec2.modify_vpc_attribute(VpcId=world.vpc, **{f"EnableDns{attribute}": {"Value": False}})

    def answers_endpoint() -> bool:
        got = lab.resolve(name, world.vpc)
        return got.ok and endpoint in got.source

    def fix():
        for attribute in reversed(off):  # support before hostnames: AWS refuses hostnames without support
            ec2.modify_vpc_attribute(VpcId=world.vpc, **{f"EnableDns{attribute}": {"Value": True}})

    return Case(
        symptom=f"{world.app} resolves {name} to nothing private: its calls never reach the interface endpoint "
                f"{endpoint}, which is 'available' with a correct security group.",
        resources={"vpc": world.vpc, "app": world.app, "endpoint": endpoint, "name": name},
        symptom_probe=Probe(f"{name} resolves to {endpoint}'s addresses in {world.vpc}", answers_endpoint),
        healthy=[Probe(f"{world.app} reaches {endpoint} on 443", lambda: w.reaches(lab, world.app, endpoint))],
        fix=fix,
        hints=(f"lab.resolve('{name}', '{world.vpc}') and read the steps.",
               "Check the endpoint's PrivateDnsEnabled and the VPC's two DNS attributes.",
               "Private DNS needs PrivateDnsEnabled on the endpoint and enableDnsSupport + enableDnsHostnames on "
               "the VPC."),
        fault="Private DNS could not work: " + " and ".join(f"enableDns{a} is off" for a in off) + " on the VPC.",
        rule="An interface endpoint's private DNS name answers only when the endpoint has private DNS enabled and the "
             "VPC has both enableDnsSupport and enableDnsHostnames set to true.",
        doc=docs.VPC_DNS, vpcs=[world.vpc])


KINDS = [
    Kind("gateway-endpoint-route", "03", "Gateway endpoint not on the private route table", "easy",
         gateway_endpoint_route),
    Kind("interface-endpoint-sg", "03", "Interface endpoint security group without 443", "easy",
         interface_endpoint_sg),
    Kind("interface-endpoint-dns", "03", "Interface endpoint private DNS not answering", "medium",
         interface_endpoint_dns),
]
