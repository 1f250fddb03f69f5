"""Incidents of the Instance Metadata Service (lab 07), proven with ``lab.imds`` (the served IMDS on 127.0.0.1)."""
from __future__ import annotations

from lab_helpers.lessons.incidents import docs
from lab_helpers.lessons.incidents import world as w
from lab_helpers.lessons.incidents.engine import Case, Kind, Probe, Seeded
from lab_helpers.sim.imds.client import TOKEN_HEADER, curl, get_token


def _instance(lab, rng: Seeded, kind: str) -> tuple[str, str]:
    octet = rng.randint(20, 250)
    vpc = w.vpc(lab, f"10.{octet}.0.0/16", f"{kind}-vpc", kind)
    subnet = w.subnet(lab, vpc, f"10.{octet}.1.0/24", w.first_az(lab), f"{kind}-a", kind)
    instance = w.launch(lab, subnet, f"{rng.choice(w.NAMES)}-worker-{rng.randint(1, 9)}")
    lab.client("ec2").modify_instance_metadata_options(InstanceId=instance, HttpTokens="required",
                                                       HttpPutResponseHopLimit=1, HttpEndpoint="enabled")
    return vpc, instance


def read(lab, instance: str, path: str, hops: int = 1) -> bool:
    """True when a program ``hops`` away from the instance gets a token and then ``path`` with it (IMDSv2)."""
    with lab.imds(instance) as base:
        token = get_token(base, hops=hops)
        if not token.ok:
            return False
        return curl(base + path, headers={TOKEN_HEADER: token.body}).ok


def hop_limit(lab, rng: Seeded) -> Case:
    kind = "imds-hop-limit"
    vpc, instance = _instance(lab, rng, kind)
    hops = rng.variant_of((2, 3, 4))
    ec2 = lab.client("ec2")
    where = {2: "a container on the Docker bridge", 3: "a container in a pod behind a node-local proxy",
             4: "a container inside a nested container runtime"}[hops]
    return Case(
        symptom=f"The SDK in {where} on {instance} cannot get credentials ('token request timed out'); the same "
                "SDK on the host works.",
        resources={"instance": instance, "vpc": vpc, "container_hops": hops},
        symptom_probe=Probe(f"a program {hops} hops away gets a token and reads instance-id",
                            lambda: read(lab, instance, "/latest/meta-data/instance-id", hops)),
        healthy=[Probe("the host itself reads instance-id with IMDSv2",
                       lambda: read(lab, instance, "/latest/meta-data/instance-id"))],
        fix=lambda: ec2.modify_instance_metadata_options(InstanceId=instance, HttpPutResponseHopLimit=hops),
        hints=("Try get_token(base, hops=1) and hops=" + str(hops) + " inside `with lab.imds(...)`.",
               f"describe_instances {instance}: read MetadataOptions.", f"Raise HttpPutResponseHopLimit to {hops}; "
               "keep HttpTokens=required."),
        fault=f"HttpPutResponseHopLimit is 1, so the token response never reaches a program {hops} hops away.",
        rule="The IMDSv2 token response is sent with an IP TTL equal to the hop limit; containers need 2 or more.",
        doc=docs.IMDS_OPTIONS, vpcs=[vpc])


def endpoint_disabled(lab, rng: Seeded) -> Case:
    kind = "imds-endpoint-disabled"
    vpc, instance = _instance(lab, rng, kind)
    path = rng.variant_of(("/latest/meta-data/instance-id", "/latest/meta-data/placement/availability-zone",
                       "/latest/meta-data/local-ipv4"))
    ec2 = lab.client("ec2")
    ec2.modify_instance_metadata_options(InstanceId=instance, HttpEndpoint="disabled")
    return Case(
        symptom=f"The agent on {instance} logs 403 Forbidden for {path} after a hardening script ran.",
        resources={"instance": instance, "vpc": vpc, "path": path},
        symptom_probe=Probe(f"{instance} reads {path} with IMDSv2", lambda: read(lab, instance, path)),
        healthy=[], fix=lambda: ec2.modify_instance_metadata_options(InstanceId=instance, HttpEndpoint="enabled"),
        hints=(f"with lab.imds('{instance}') as base: get_token(base) — what status comes back?",
               "Read MetadataOptions.HttpEndpoint.", "Set HttpEndpoint=enabled and keep HttpTokens=required."),
        fault=f"HttpEndpoint was set to disabled on {instance}: every metadata request is refused.",
        rule="With the instance metadata endpoint disabled, IMDS answers nothing (v1 or v2) until it is enabled.",
        doc=docs.IMDS_OPTIONS, vpcs=[vpc])


def tags_disabled(lab, rng: Seeded) -> Case:
    kind = "imds-tags-disabled"
    vpc, instance = _instance(lab, rng, kind)
    key = rng.variant_of(("Name", "Team", "Environment"))
    ec2 = lab.client("ec2")
    ec2.create_tags(Resources=[instance], Tags=[{"Key": key, "Value": rng.choice(("blue", "green", "prod"))}])
    path = f"/latest/meta-data/tags/instance/{key}"
    return Case(
        symptom=f"The bootstrap script on {instance} reads its {key} tag from instance metadata and gets 404.",
        resources={"instance": instance, "vpc": vpc, "path": path},
        symptom_probe=Probe(f"{instance} reads {path}", lambda: read(lab, instance, path)),
        healthy=[Probe("the host reads instance-id", lambda: read(lab, instance, "/latest/meta-data/instance-id"))],
        fix=lambda: ec2.modify_instance_metadata_options(InstanceId=instance, InstanceMetadataTags="enabled"),
        hints=("List /latest/meta-data/ inside `with lab.imds(...)`: is there a tags/ entry?",
               "Read MetadataOptions.InstanceMetadataTags.", "Set InstanceMetadataTags=enabled."),
        fault=f"InstanceMetadataTags is disabled on {instance}, so tags/instance/ does not exist in its metadata.",
        rule="Instance tags appear in instance metadata only when access to tags in metadata is turned on.",
        doc=docs.IMDS_TAGS, vpcs=[vpc])


KINDS = [
    Kind("imds-hop-limit", "07", "IMDSv2 hop limit 1 for a container", "medium", hop_limit),
    Kind("imds-endpoint-disabled", "07", "Instance metadata endpoint disabled", "easy", endpoint_disabled),
    Kind("imds-tags-disabled", "07", "Instance tags not exposed in metadata", "easy", tags_disabled),
]
