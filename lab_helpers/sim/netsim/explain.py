"""Explanation codes: AWS Reachability Analyzer's where they exist, and the few this engine adds.

AWS codes used (meaning as in the Reachability Analyzer guide, "explanation codes"):

=================================== ===========================================================================
BAD_STATE                           the component is not in a functional state (stopped instance, deleted NAT)
BAD_STATE_ATTACHMENT                the attachment between two components is not functional (TGW attachment)
BAD_STATE_ROUTE                     the route is not functional (blackhole: its target is gone)
CANNOT_ROUTE                        the route cannot carry the packet (its target cannot take it onward)
ENI_SG_RULES_MISMATCH               no rule of the ENI's security groups allows the packet
SUBNET_ACL_RESTRICTION              the subnet's network ACL denies the packet
NO_ROUTE_TO_DESTINATION             no route in the route table matches the destination
IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS  traffic from an internet gateway is addressed to a private IP
=================================== ===========================================================================

Codes this engine invents (prefixed ``VPCLAB_`` so a learner never mistakes them for AWS output):
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lab_helpers.data.aws_docs import cite

AWS_CODES = {
    "BAD_STATE": "This component is not in a functional state.",
    "BAD_STATE_ATTACHMENT": "The attachment between these components is not in a functional state.",
    "BAD_STATE_ROUTE": "This route is not in a functional state.",
    "CANNOT_ROUTE": "This route can't transmit traffic to the next hop.",
    "ENI_SG_RULES_MISMATCH": "The security groups of this network interface do not allow the traffic.",
    "SUBNET_ACL_RESTRICTION": "The network ACL of this subnet does not allow the traffic.",
    "NO_ROUTE_TO_DESTINATION": "The route table has no route to the destination.",
    "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS": "Traffic from the internet gateway is addressed to a private IP.",
}

INVENTED_CODES = {
    "VPCLAB_NO_PUBLIC_IP": f"{cite('internet-gateway')}: a packet leaving through an internet gateway needs a public "
                           "IPv4/EIP on the sending interface (or a public NAT gateway in between).",
    "VPCLAB_NAT_NO_INBOUND": f"{cite('nat-gateway')}: a NAT gateway drops connections opened from the internet.",
    "VPCLAB_PRIVATE_NAT_TO_IGW": f"{cite('nat-gateway')}: traffic from a private NAT gateway to an internet gateway is "
                                 "dropped.",
    "VPCLAB_SOURCE_DEST_CHECK": f"{cite('nat-instance')}: an interface with source/destination check on drops traffic "
                                "not addressed to it (a NAT instance needs SourceDestCheck=false).",
    "VPCLAB_PEERING_NOT_TRANSITIVE": f"{cite('peering-limitations')}; {cite('s3-gateway-endpoint')}: a peering "
                                     "connection delivers only to addresses inside the peer VPC; no transit, no use of "
                                     "the peer's IGW, NAT or gateway endpoint.",
    "VPCLAB_GATEWAY_ENDPOINT_NOT_TRANSITIVE": f"{cite('s3-gateway-endpoint')}: a gateway endpoint serves only traffic "
                                              "that starts in its own VPC (not traffic from a peering or a transit "
                                              "gateway).",
    "VPCLAB_TGW_NO_ATTACHMENT": f"{cite('tgw-vpc-attachments')}: the VPC has no transit gateway attachment to this "
                                "transit gateway.",
    "VPCLAB_TGW_NO_ATTACHMENT_IN_AZ": f"{cite('tgw-vpc-attachments')}: the attachment has no subnet in the sender's "
                                      "Availability Zone, so traffic from that AZ cannot reach the transit gateway.",
    "VPCLAB_TGW_NO_ASSOCIATION": f"{cite('tgw-how-it-works')}: the attachment is not associated with any TGW route "
                                 "table.",
    "VPCLAB_TGW_NEXT_HOP_UNKNOWN": "The TGW static route's attachment could not be read (moto loses it; see tgw.py).",
    "VPCLAB_ENDPOINT_CANNOT_INITIATE": f"{cite('interface-endpoints')}: an AWS service behind an interface endpoint "
                                       "cannot open connections into the VPC.",
    "VPCLAB_PRIVATE_ADDRESS_ON_INTERNET": "A private address (RFC 1918, 100.64.0.0/10, link-local) sent out "
    "through an internet gateway: the internet does not route private ranges.",
    "VPCLAB_NO_DESTINATION": "Nothing in the snapshot owns the destination address.",
    "VPCLAB_NOT_MODELLED": "The path uses a component this engine does not model (VPN, Direct Connect, ...).",
    "VPCLAB_ROUTING_LOOP": "The packet visited the same place twice; the routes form a loop.",
}

__doc__ += "\n".join(f"* ``{k}`` — {v}" for k, v in INVENTED_CODES.items())


@dataclass
class Blocked:
    """Why a path stops: an explanation code, a one-sentence reason with a hint, and AWS-shaped fields."""

    code: str
    sentence: str
    component_id: str
    component_type: str
    direction: str = "forward"  # which leg of the flow was blocked: forward | return
    aws: dict = field(default_factory=dict)  # extra Explanation fields: Acl, AclRule, SecurityGroups, RouteTable...

    def meaning(self) -> str:
        return AWS_CODES.get(self.code) or INVENTED_CODES.get(self.code, "")


def describe_code(code: str) -> str:
    return AWS_CODES.get(code) or INVENTED_CODES.get(code) or "unknown code"
