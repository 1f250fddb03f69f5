"""The seminar's setup steps as plain functions: the lab's own code behind each exercise.

A notebook uses them when an exercise is not solved yet, so a learner's first run still reaches the end (the
check above it shows ❌); tests use them to build the seminar's world in a few lines.
"""
from __future__ import annotations

from collections.abc import Iterable

from lab_helpers import data
from lab_helpers.errors import UnknownManifestError
from lab_helpers.sim.k8s.dataplane import lattice_prefix_list

MANIFESTS = data.path("manifests", "seminar")
FOLDERS = ("seminar", "multicluster")  # the notes' own manifests; lab 08's multi-cluster section


def manifest(name: str, folder: str = "seminar") -> str:
    """The text of one of lab 08's manifests, e.g. ``manifest("05-httproute.yaml")`` (the seminar's, unchanged
    from the notes) or ``manifest("export.yaml", folder="multicluster")``."""
    if folder not in FOLDERS:
        raise UnknownManifestError(f"No manifest folder {folder!r}; use one of {', '.join(FOLDERS)}.")
    where = data.path("manifests", folder)
    path = where / name
    if not path.is_file():
        names = sorted(p.name for p in where.iterdir() if p.name.endswith(".yaml"))
        raise UnknownManifestError(f"No {folder} manifest {name}; there are: {', '.join(names)}")
    return path.read_text()


def ensure_service_network(lab, name: str, vpc_ids: Iterable[str]) -> str:
    """Service network ``name`` (auth NONE) associated with each VPC; returns its id. Idempotent."""
    lattice = lab.client("vpc-lattice")
    net = next((n for n in lattice.list_service_networks()["items"] if n["name"] == name), None)
    if net is None:
        net = lattice.create_service_network(name=name, authType="NONE")
    for vpc in vpc_ids:
        if not lattice.list_service_network_vpc_associations(vpcIdentifier=vpc)["items"]:
            lattice.create_service_network_vpc_association(serviceNetworkIdentifier=net["id"], vpcIdentifier=vpc)
    return net["id"]


def allows_lattice(lab, group_id: str, port: int, ipv6: bool = False) -> bool:
    """Does ``group_id`` already have an inbound rule from a Lattice prefix list (the IPv4 one, or with ``ipv6`` the
    IPv6 one) covering ``port``?"""
    pl = lattice_prefix_list(lab, ipv6=ipv6)["PrefixListId"]
    group = lab.client("ec2").describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    return any(any(p.get("PrefixListId") == pl for p in perm.get("PrefixListIds", []))
               and (perm.get("IpProtocol") == "-1" or perm.get("FromPort", 0) <= port <= perm.get("ToPort", 0))
               for perm in group.get("IpPermissions", []))


def allow_lattice(lab, group_id: str, port: int) -> None:
    """Let Lattice reach ``port`` through ``group_id`` from both its managed prefix lists (IPv4 and IPv6, found by
    name), as the seminar does."""
    for ipv6 in (False, True):
        if allows_lattice(lab, group_id, port, ipv6=ipv6):
            continue
        pl = lattice_prefix_list(lab, ipv6=ipv6)["PrefixListId"]
        lab.client("ec2").authorize_security_group_ingress(GroupId=group_id, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": port, "ToPort": port,
            "PrefixListIds": [{"PrefixListId": pl, "Description": "VPC Lattice (data plane and health checks)"}]}])


def ensure_private_zone(lab, zone: str, vpc_ids: list[str], record: str, target: str) -> str:
    """Private hosted zone ``zone`` for ``vpc_ids`` with ``record`` CNAME ``target`` (UPSERT); returns the zone id."""
    r53 = lab.client("route53")
    found = [z for z in r53.list_hosted_zones_by_name(DNSName=zone)["HostedZones"]
             if z["Name"].rstrip(".") == zone.rstrip(".") and z.get("Config", {}).get("PrivateZone")]
    if found:
        zone_id = found[0]["Id"].split("/")[-1]
        have = {v["VPCId"] for v in r53.get_hosted_zone(Id=zone_id).get("VPCs", [])}
        for vpc in vpc_ids:
            if vpc not in have:
                r53.associate_vpc_with_hosted_zone(HostedZoneId=zone_id, VPC={"VPCRegion": lab.region, "VPCId": vpc})
    else:
        zone_id = r53.create_hosted_zone(Name=zone, CallerReference=f"{lab.run_id}-{zone}",
                                         HostedZoneConfig={"PrivateZone": True, "Comment": "lab 08"},
                                         VPC={"VPCRegion": lab.region, "VPCId": vpc_ids[0]})["HostedZone"]["Id"]
        zone_id = zone_id.split("/")[-1]
        for vpc in vpc_ids[1:]:
            r53.associate_vpc_with_hosted_zone(HostedZoneId=zone_id, VPC={"VPCRegion": lab.region, "VPCId": vpc})
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {"Name": record, "Type": "CNAME", "TTL": 300,
                                                  "ResourceRecords": [{"Value": target}]}}]})
    return zone_id
