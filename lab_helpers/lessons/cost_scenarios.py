"""The source notes' two worked cost examples, rebuilt from the model with every assumption written down.

Each scenario comes in two versions:

* ``note`` — the note's own assumptions, so the model reproduces the note's headline numbers exactly (and shows
  where the note's printed rows disagree with its own formula);
* ``complete`` — what the note left out, added back with sourced prices, so a learner sees how the conclusion moves.

Labs 03 and 04 call these; tests/costs/ pins every number.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from lab_helpers.errors import LabInputError
from lab_helpers.sim.costs.model import HOURS_PER_MONTH, Bill, Flow, Resource, monthly

# ---------------------------------------------------------------------------------------------------------------
# Curriculum §3: the ECS Fargate shop in us-east-1, two AZs, one NAT gateway, then endpoints.
# ---------------------------------------------------------------------------------------------------------------

# The note's break-even table as printed: GB per month -> (before $, after $).
NOTE_ECS_ROWS = {500: (55.35, 57.95), 1000: (82.85, 101.65), 2000: (137.85, 145.35), 5000: (270.35, 232.75)}

ECS_INTERFACE_ENDPOINTS = ("ecr.api", "ecr.dkr", "logs")


@dataclass(frozen=True)
class EcsAssumptions:
    """How the ECS shop's traffic splits. Defaults are what the note's own numbers imply.

    * ``s3_share`` — the note's "after" NAT data halves ($45.00 → $22.50) and S3 becomes $0, so half of the bytes
      were S3 and moved to the gateway endpoint.
    * ``other_az_share`` — cross-AZ $5.00 on 1 TB at $0.01/GB means 500 GB crossed: the tasks in the AZ without the
      NAT gateway (half of them) send their bytes across to it.
    * ``cross_az_both_directions`` — AWS bills cross-AZ transfer $0.01/GB *in each direction* (out of one AZ and into
      the other), so a GB that crosses costs $0.02. The note charged one side only (False).
    * ``ecr_logs_via`` — where the non-S3 half goes after the change. The note kept charging it to the NAT
      ("nat"): that is exactly what happens when the interface endpoints exist but private DNS is off, so nothing
      uses them. With private DNS on, it goes through the interface endpoints ("interface_endpoint"), which bill
      $0.01/GB processed — the charge the note left out.
    """

    s3_share: float = 0.5
    other_az_share: float = 0.5
    cross_az_both_directions: bool = False
    ecr_logs_via: str = "nat"
    azs: int = 2
    hours: float = HOURS_PER_MONTH


NOTE_ECS = EcsAssumptions()
COMPLETE_ECS = EcsAssumptions(cross_az_both_directions=True, ecr_logs_via="interface_endpoint")


def _split(name: str, gb: float, a: EcsAssumptions, via: str) -> list[Flow]:
    """``gb`` of one service's bytes, split by AZ: tasks next to the NAT, and tasks that must cross to it."""
    if via != "nat":  # endpoints have a leg in every AZ: no crossing (tasks use their own AZ's endpoint ENI)
        return [Flow(name, gb, (via,))]
    cross = "cross_az" if a.cross_az_both_directions else "cross_az_one_way"
    return [Flow(f"{name} (NAT's AZ)", gb * (1 - a.other_az_share), ("nat",)),
            Flow(f"{name} (other AZ)", gb * a.other_az_share, (cross, "nat"))]


def ecs_before(gb: float, a: EcsAssumptions = NOTE_ECS, region: str = "us-east-1") -> Bill:
    """One NAT gateway; every byte (S3, ECR, CloudWatch Logs) goes through it."""
    flows = _split("S3", gb * a.s3_share, a, "nat") + _split("ECR + Logs", gb * (1 - a.s3_share), a, "nat")
    return monthly([Resource("nat_gateway")], flows, region, a.hours, f"Before endpoints, {gb:,.0f} GB/month")


def ecs_after(gb: float, a: EcsAssumptions = NOTE_ECS, region: str = "us-east-1") -> Bill:
    """NAT kept; S3 gateway endpoint; ecr.api, ecr.dkr, logs interface endpoints in each AZ."""
    resources = [Resource("nat_gateway"), Resource("gateway_endpoint", note="S3"),
                 Resource("interface_endpoint_az", len(ECS_INTERFACE_ENDPOINTS) * a.azs,
                          note=f"{len(ECS_INTERFACE_ENDPOINTS)} endpoints ({', '.join(ECS_INTERFACE_ENDPOINTS)}) "
                               f"× {a.azs} AZs")]
    flows = _split("S3", gb * a.s3_share, a, "gateway_endpoint") + \
        _split("ECR + Logs", gb * (1 - a.s3_share), a, a.ecr_logs_via)
    return monthly(resources, flows, region, a.hours, f"After endpoints, {gb:,.0f} GB/month")


# ---------------------------------------------------------------------------------------------------------------
# Curriculum §4: the inference platform in 10 regions.
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlatformAssumptions:
    """Per region per day, from the note; ``days`` and ``hours`` as the note computes ($0.045 × 24 × 30).

    The note prices every region at us-east-1 rates; so do we (``region``), because the note does not say which
    regions, and this repository has sourced tables for only two.
    """

    regions: int = 10
    s3_download_gb: float = 1.0
    s3_upload_gb: float = 10.0
    dynamodb_gb: float = 0.0  # the note gives 1 M requests/day but no bytes, and prices none
    metrics_gb: float = 2.0
    external_gb: float = 0.5
    days: int = 30
    region: str = "us-east-1"

    @property
    def hours(self) -> float:
        return 24 * self.days

    def monthly_gb(self, per_day: float, regions: Optional[int] = None) -> float:
        return per_day * self.days * (self.regions if regions is None else regions)


NOTE_PLATFORM = PlatformAssumptions()


def platform_note(optimised: bool, a: PlatformAssumptions = NOTE_PLATFORM) -> Bill:
    """The note's arithmetic: NAT hours + NAT processing (+ TGW processing for metrics when optimised). Nothing else."""
    aws_gb = a.monthly_gb(a.s3_download_gb + a.s3_upload_gb + a.dynamodb_gb)
    flows = [Flow("External API calls", a.monthly_gb(a.external_gb), ("nat",))]
    if optimised:
        flows += [Flow("S3 + DynamoDB", aws_gb, ("gateway_endpoint",)),
                  Flow("Metrics to the central region", a.monthly_gb(a.metrics_gb), ("tgw",))]
    else:
        flows += [Flow("S3 + DynamoDB", aws_gb, ("nat",)),
                  Flow("Metrics to the central region", a.monthly_gb(a.metrics_gb), ("nat",))]
    resources = [Resource("nat_gateway", a.regions, note="one per region")]
    if optimised:
        resources.append(Resource("gateway_endpoint", 2 * a.regions, note="S3 + DynamoDB per region"))
    title = "Note's optimised platform" if optimised else "Note's unoptimised platform"
    return monthly(resources, flows, a.region, a.hours, title)


PLATFORM_DESIGNS = ("unoptimised", "endpoints only", "endpoints + peering", "endpoints + TGW (note)")


def platform_complete(design: str, a: PlatformAssumptions = NOTE_PLATFORM) -> Bill:
    """The platform with what the note left out.

    Added on top of the note: each NAT gateway's public IPv4 address ($0.005/h since 2024-02-01); internet egress for
    the external API calls; the central region's own metrics stay in-region (no NAT, no transfer) while the other
    nine regions' metrics pay inter-Region transfer whichever way they travel; with TGW, one VPC attachment per
    region and one peering attachment per spoke region to the hub, billed per attachment-hour (the peering
    attachment price is second-hand; its source says each side bills, which would double that line).

    ``design`` is one of :data:`PLATFORM_DESIGNS`.
    """
    if design not in PLATFORM_DESIGNS:
        raise LabInputError(f"Unknown design {design!r}; choose one of {PLATFORM_DESIGNS}.")
    spokes = a.regions - 1
    aws_gb = a.monthly_gb(a.s3_download_gb + a.s3_upload_gb + a.dynamodb_gb)
    metrics_gb = a.monthly_gb(a.metrics_gb, spokes)
    resources = [Resource("nat_gateway", a.regions, note="one per region"),
                 Resource("public_ipv4", a.regions, note="each NAT gateway's Elastic IP")]
    flows = [Flow("External API calls", a.monthly_gb(a.external_gb), ("nat", "internet"))]
    if design == "unoptimised":
        flows += [Flow("S3 + DynamoDB", aws_gb, ("nat",)),
                  Flow("Metrics to the central region", metrics_gb, ("nat", "inter_region"))]
    else:
        resources.append(Resource("gateway_endpoint", 2 * a.regions, note="S3 + DynamoDB per region"))
        flows.append(Flow("S3 + DynamoDB", aws_gb, ("gateway_endpoint",)))
        path = {"endpoints only": ("nat", "inter_region"), "endpoints + peering": ("peering", "inter_region"),
                "endpoints + TGW (note)": ("tgw", "inter_region")}[design]
        flows.append(Flow("Metrics to the central region", metrics_gb, path))
        if design == "endpoints + TGW (note)":
            resources += [Resource("tgw_attachment", a.regions, note="one VPC attachment per region"),
                          Resource("tgw_peering_attachment", spokes, note="spoke TGW ↔ hub TGW")]
    return monthly(resources, flows, a.region, a.hours, f"Complete: {design}")


INTERCONNECTS = ("vpc_peering", "tgw")  # both keep the metrics private: the design choice is the bill
AWS_SERVICE_PATHS = ("gateway", "interface", "nat")


def platform_design(interconnect: str, s3: str = "gateway", dynamodb: str = "gateway",
                    a: PlatformAssumptions = NOTE_PLATFORM) -> Bill:
    """The complete bill (as :func:`platform_complete`) of a design the learner chooses: how the spokes' metrics
    reach the central Region (``"vpc_peering"`` or ``"tgw"``), and how S3 and DynamoDB are reached in every Region
    (``"gateway"`` endpoint, ``"interface"`` endpoint in the workers' one AZ, or through the ``"nat"`` gateway)."""
    if interconnect not in INTERCONNECTS:
        raise LabInputError(f"interconnect must be one of {INTERCONNECTS}, not {interconnect!r}.")
    for name, path in (("s3", s3), ("dynamodb", dynamodb)):
        if path not in AWS_SERVICE_PATHS:
            raise LabInputError(f"{name} must be one of {AWS_SERVICE_PATHS}, not {path!r}.")
    spokes = a.regions - 1
    resources = [Resource("nat_gateway", a.regions, note="one per region"),
                 Resource("public_ipv4", a.regions, note="each NAT gateway's Elastic IP")]
    flows = [Flow("External API calls", a.monthly_gb(a.external_gb), ("nat", "internet"))]
    for name, path, gb in (("S3", s3, a.s3_download_gb + a.s3_upload_gb), ("DynamoDB", dynamodb, a.dynamodb_gb)):
        hop = {"gateway": "gateway_endpoint", "interface": "interface_endpoint", "nat": "nat"}[path]
        if path == "gateway":
            resources.append(Resource("gateway_endpoint", a.regions, note=f"{name} per region"))
        elif path == "interface":
            resources.append(Resource("interface_endpoint_az", a.regions, note=f"{name}, one AZ per region"))
        flows.append(Flow(name, a.monthly_gb(gb), (hop,)))
    metrics = a.monthly_gb(a.metrics_gb, spokes)
    if interconnect == "tgw":
        resources += [Resource("tgw_attachment", a.regions, note="one VPC attachment per region"),
                      Resource("tgw_peering_attachment", spokes, note="spoke TGW ↔ hub TGW")]
        flows.append(Flow("Metrics to the central region", metrics, ("tgw", "inter_region")))
    else:
        flows.append(Flow("Metrics to the central region", metrics, ("peering", "inter_region")))
    return monthly(resources, flows, a.region, a.hours, f"Your design: {interconnect}, S3 {s3}, DynamoDB {dynamodb}")


def design_problems(interconnect: str, s3: str = "gateway", dynamodb: str = "gateway") -> list[str]:
    """Which of the platform's requirements a design breaks (empty: it meets them all)."""
    problems = []
    for rid, name, path in (("R1", "S3", s3), ("R2", "DynamoDB", dynamodb)):
        if path == "nat":
            problems.append(f"{rid}: {name} traffic must not use the NAT gateway (use an endpoint)")
    if interconnect not in INTERCONNECTS:
        problems.append("R4: metrics must travel privately (VPC peering or Transit Gateway peering)")
    return problems
