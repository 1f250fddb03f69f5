"""The AWS documentation pages the course's claims rest on, by the concept each page states.

Every AWS fact a lab, a refusal or a trace explanation states cites one of these pages, so a learner can open it
and check. ``cite("nacl-rules")`` gives a markdown link (``[title](url)``) for text a notebook renders;
``DOCS["nacl-rules"].url`` gives the bare address where markdown would not render (a shim's ``rule`` text).
A key that is not here is a bug, and :func:`cite` says so at once instead of printing a dead reference.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

_VPC = "https://docs.aws.amazon.com/vpc/latest/userguide/"
_PL = "https://docs.aws.amazon.com/vpc/latest/privatelink/"
_PEER = "https://docs.aws.amazon.com/vpc/latest/peering/"
_TGW = "https://docs.aws.amazon.com/vpc/latest/tgw/"
_R53 = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/"
_EC2 = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/"
_API = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"


@dataclass(frozen=True)
class AwsDoc:
    """One AWS documentation page: its title as AWS writes it, and its address."""

    title: str
    url: str

    def __str__(self) -> str:
        return f"[{self.title}]({self.url})"


DOCS: dict[str, AwsDoc] = {
    # route tables
    "route-priority": AwsDoc("Route priority", _VPC + "route-tables-priority.html"),
    "route-tables": AwsDoc("Configure route tables", _VPC + "VPC_Route_Tables.html"),
    "vpc-cidr-blocks": AwsDoc("VPC CIDR blocks", _VPC + "vpc-cidr-blocks.html"),
    "delete-vpc": AwsDoc("DeleteVpc", _API + "API_DeleteVpc.html"),
    "subnet-sizing": AwsDoc("Subnet CIDR blocks", _VPC + "subnet-sizing.html"),
    "vpc-quotas": AwsDoc("Amazon VPC quotas", _VPC + "amazon-vpc-limits.html"),
    "default-vpc": AwsDoc("Default VPCs", _VPC + "default-vpc.html"),
    "ipv6-addressing": AwsDoc("IP addressing for your VPCs and subnets", _VPC + "vpc-ip-addressing.html"),
    "ipv6-migrate": AwsDoc("Add IPv6 support for your VPC", _VPC + "vpc-migrate-ipv6.html"),
    "elastic-ip": AwsDoc("Elastic IP addresses", _VPC + "vpc-eips.html"),
    # gateways and NAT
    "internet-gateway": AwsDoc("Enable internet access for a VPC using an internet gateway",
                               _VPC + "VPC_Internet_Gateway.html"),
    "egress-only-igw": AwsDoc("Enable outbound IPv6 traffic using an egress-only internet gateway",
                              _VPC + "egress-only-internet-gateway.html"),
    "nat-gateway": AwsDoc("NAT gateways", _VPC + "vpc-nat-gateway.html"),
    "nat-gateway-basics": AwsDoc("NAT gateway basics", _VPC + "nat-gateway-basics.html"),
    "nat-gateway-regional": AwsDoc("Regional NAT gateways for automatic multi-AZ expansion",
                                   _VPC + "nat-gateways-regional.html"),
    "nat-gateway-troubleshooting": AwsDoc("Troubleshoot NAT gateways", _VPC + "nat-gateway-troubleshooting.html"),
    "nat-instance": AwsDoc("NAT instances", _VPC + "VPC_NAT_Instance.html"),
    # security groups and network ACLs
    "security-groups": AwsDoc("Control traffic to your AWS resources using security groups",
                              _VPC + "vpc-security-groups.html"),
    "security-group-rules": AwsDoc("Security group rules", _VPC + "security-group-rules.html"),
    "default-security-group": AwsDoc("Default security groups for your VPCs", _VPC + "default-security-group.html"),
    "infrastructure-security": AwsDoc("Infrastructure security in Amazon VPC (security groups and network ACLs "
                                      "compared)", _VPC + "infrastructure-security.html"),
    "network-acls": AwsDoc("Control subnet traffic with network access control lists", _VPC + "vpc-network-acls.html"),
    "nacl-rules": AwsDoc("Network ACL rules", _VPC + "nacl-rules.html"),
    "nacl-ephemeral-ports": AwsDoc("Ephemeral ports", _VPC + "nacl-ephemeral-ports.html"),
    # endpoints and PrivateLink
    "gateway-endpoints": AwsDoc("Gateway endpoints", _PL + "gateway-endpoints.html"),
    "s3-gateway-endpoint": AwsDoc("Gateway endpoints for Amazon S3", _PL + "vpc-endpoints-s3.html"),
    "endpoint-policies": AwsDoc("Control access to VPC endpoints using endpoint policies",
                                _PL + "vpc-endpoints-access.html"),
    "interface-endpoints": AwsDoc("Access an AWS service using an interface VPC endpoint",
                                  _PL + "create-interface-endpoint.html"),
    "privatelink-concepts": AwsDoc("AWS PrivateLink concepts", _PL + "concepts.html"),
    "privatelink-cross-region": AwsDoc("Cross-region enabled AWS services",
                                       _PL + "aws-services-cross-region-privatelink-support.html"),
    "s3-interface-endpoint": AwsDoc("AWS PrivateLink for Amazon S3",
                                    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
                                    "privatelink-interface-endpoints.html"),
    "privatelink-quotas": AwsDoc("AWS PrivateLink quotas", _PL + "vpc-limits-endpoints.html"),
    "endpoint-service": AwsDoc("Share your services through AWS PrivateLink",
                               _PL + "privatelink-share-your-services.html"),
    "vpc-dns": AwsDoc("DNS attributes for your VPC", _VPC + "AmazonDNS-concepts.html"),
    # peering
    "peering-basics": AwsDoc("How VPC peering connections work", _PEER + "vpc-peering-basics.html"),
    "peering-lifecycle": AwsDoc("VPC peering connection lifecycle", _PEER + "vpc-peering-basics.html"
                                "#vpc-peering-lifecycle"),
    "peering-limitations": AwsDoc("VPC peering limitations", _PEER + "vpc-peering-basics.html"
                                  "#vpc-peering-limitations"),
    "peering-dns": AwsDoc("Enable DNS resolution for a VPC peering connection", _PEER + "vpc-peering-dns.html"),
    "peering-security-groups": AwsDoc("Update your security groups to reference peer security groups",
                                      _PEER + "vpc-peering-security-groups.html"),
    "peering-quotas": AwsDoc("VPC peering quotas", _PEER + "vpc-peering-connection-quotas.html"),
    # transit gateway
    "tgw-how-it-works": AwsDoc("How transit gateways work", _TGW + "how-transit-gateways-work.html"),
    "tgw-route-tables": AwsDoc("Transit gateway route tables", _TGW + "tgw-route-tables.html"),
    "tgw-vpc-attachments": AwsDoc("Amazon VPC attachments in AWS Transit Gateway", _TGW + "tgw-vpc-attachments.html"),
    "tgw-sg-referencing": AwsDoc("Security group referencing (Transit Gateway)", _TGW + "tgw-sg-updates.html"),
    "tgw-peering": AwsDoc("Transit gateway peering attachments", _TGW + "tgw-peering.html"),
    "tgw-quotas": AwsDoc("Quotas for your transit gateways", _TGW + "transit-gateway-quotas.html"),
    # Route 53
    "phz-considerations": AwsDoc("Considerations when working with a private hosted zone",
                                 _R53 + "hosted-zone-private-considerations.html"),
    "phz-cross-account": AwsDoc("Associating an Amazon VPC and a private hosted zone that you created with "
                                "different AWS accounts",
                                _R53 + "hosted-zone-private-associate-vpcs-different-accounts.html"),
    "resolver": AwsDoc("Amazon DNS server", _VPC + "AmazonDNS-concepts.html#AmazonDNS"),
    "resolver-rules": AwsDoc("Resolving DNS queries between VPCs and your network",
                             _R53 + "resolver-overview-DSN-queries-to-vpc.html"),
    "resolver-inbound": AwsDoc("Forwarding inbound DNS queries to your VPCs",
                               _R53 + "resolver-forwarding-inbound-queries.html"),
    # placement groups
    "placement-groups": AwsDoc("Placement groups for your Amazon EC2 instances", _EC2 + "placement-groups.html"),
    "placement-strategies": AwsDoc("Placement strategies for your placement groups",
                                   _EC2 + "placement-strategies.html"),
    "placement-rules": AwsDoc("Placement group rules and limitations", _EC2 + "limitations-placement-groups.html"),
    # instance metadata
    "imds-retrieval": AwsDoc("Access instance metadata for an EC2 instance", _EC2 + "instancedata-data-retrieval.html"),
    "imdsv2": AwsDoc("How Instance Metadata Service Version 2 works",
                     _EC2 + "instance-metadata-v2-how-it-works.html"),
    "imds-options": AwsDoc("Configure the Instance Metadata Service options",
                           _EC2 + "configuring-instance-metadata-options.html"),
    "imds-precedence": AwsDoc("Order of precedence for instance metadata options",
                              _EC2 + "configuring-instance-metadata-options.html"
                              "#instance-metadata-options-order-of-precedence"),
    "imds-ami": AwsDoc("Configure the AMI (ImdsSupport)", _EC2 + "configuring-IMDS-new-instances.html"
                       "#configure-IMDS-new-instances-ami-configuration"),
    "imds-containers": AwsDoc("Instance metadata access considerations (containers and the hop limit)",
                              _EC2 + "instancedata-data-retrieval.html#imds-considerations"),
    "al2023-imdsv2": AwsDoc("Comparing AL2 and AL2023: IMDSv2 by default",
                            "https://docs.aws.amazon.com/linux/al2023/ug/compare-with-al2.html#imdsv2"),
    "imds-categories": AwsDoc("Instance metadata categories", _EC2 + "instancedata-data-categories.html"),
    "imds-options-request": AwsDoc("InstanceMetadataOptionsRequest (EC2 API Reference)",
                                   _API + "API_InstanceMetadataOptionsRequest.html"),
    "modify-imds-options": AwsDoc("ModifyInstanceMetadataOptions (EC2 API Reference)",
                                  _API + "API_ModifyInstanceMetadataOptions.html"),
    "eks-imds": AwsDoc("Amazon EKS best practices: restrict access to the instance profile",
                       "https://docs.aws.amazon.com/eks/latest/best-practices/identity-and-access-management.html"),
    "eks-pod-identity": AwsDoc("Learn how EKS Pod Identity grants pods access to AWS services",
                               "https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html"),
}


def cite(key: str) -> str:
    """A markdown link to the AWS page for ``key``, e.g. ``cite("nacl-rules")`` -> ``[Network ACL rules](https://…)``."""
    try:
        return str(DOCS[key])
    except KeyError:
        raise KeyError(f"no AWS documentation page is registered as {key!r}; add it to lab_helpers.data.aws_docs") \
            from None


def sourced(text: str, *keys: str) -> str:
    """``text`` followed by the address of each page that states it: a shim's ``rule``, read in plain text."""
    for key in keys:
        cite(key)  # an unknown key fails here, when the module is imported, not when the rule is shown
    return f"{text} ({'; '.join(DOCS[key].url for key in keys)})"


_MARKDOWN_LINK = re.compile(r"\[([^\]]+)\]\((https://[^)\s]+)\)")


def html_with_links(text: str) -> str:
    """``text`` escaped for HTML, its markdown links to AWS pages turned into clickable anchors (a result's
    ``_repr_html_`` shows explanations that :func:`cite` wrote)."""
    out, last = [], 0
    for match in _MARKDOWN_LINK.finditer(text):
        out.append(html.escape(text[last:match.start()]))
        out.append(f'<a href="{html.escape(match.group(2))}" target="_blank">{html.escape(match.group(1))}</a>')
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)
