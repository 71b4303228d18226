"""Which offer-file row each price key is: offer code, usage type, product filters.

A usage type carries a region prefix: `EU-NatGateway-Hours` in eu-west-1, `USW2-...` in
us-west-2, `EUC1-...` in eu-central-1, `USE1-...` or none in us-east-1, and KMS uses the region
code itself (`us-west-2-KMS-Keys`). Rows are matched by `regionCode` and by the usage type
compared for equality after that prefix is removed, never by "ends with": that would also take
`EU-SpotUsage-Fargate-vCPU-Hours:perCPU` for `Fargate-vCPU-Hours:perCPU`, or
`EU-Outposts-LCUUsage` for `LCUUsage`. Evidence for each usage type and filter (AWS rows quoted
in public files, AWS's own CloudWatch usage-type table) is in docs/cost.md and the excerpts under
tests/cost/offers/.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from cost.prices.offers import Dimension, Product, attribute_name

# Region prefixes of the shipped regions, as AWS rows show them (us-east-1 rows come with
# `USE1-` and without a prefix). Other regions: any leading `<2-4 capitals><digit?>-` token
# (APN1-, EUS1-, CAN1-), which is how every other region's rows seen are prefixed.
REGION_PREFIXES: dict[str, tuple[str, ...]] = {
    "us-east-1": ("USE1-", ""),
    "us-west-2": ("USW2-",),
    "eu-west-1": ("EU-",),
    "eu-central-1": ("EUC1-",),
}
GENERIC_PREFIX = re.compile(r"^[A-Z]{2,4}[0-9]?-")

# Linux, shared tenancy, no pre-installed software, used capacity, no licence: the on-demand
# Linux row of an instance type (others: Windows, Dedicated, unused capacity reservations).
EC2_INSTANCE_FILTERS = {
    "productFamily": "Compute Instance",
    "operatingSystem": "Linux",
    "tenancy": "Shared",
    "preInstalledSw": "NA",
    "capacitystatus": "Used",
    "licenseModel": "No License required",
}
ALB = {"productFamily": "Load Balancer-Application"}  # Classic LB rows share LoadBalancerUsage
PRIVATE_LINK = {"productFamily": "VpcEndpoint", "endpointType": "PrivateLink"}


@dataclass(frozen=True)
class PriceSpec:
    """How one price key (or one variant of it) is found in the offer files."""

    key: str
    offer: str
    usage_types: tuple[str, ...]  # after the region prefix; the first one found wins
    unit: str
    filters: Mapping[str, str] = field(default_factory=dict)
    variant: str | None = None
    scale: float = 1.0  # per request -> per million requests, and so on
    global_row: bool = False  # also a row with no regionCode (priced once for all regions)

    @property
    def label(self) -> str:
        return f"{self.key}[{self.variant}]" if self.variant else self.key


def _spec(key: str, offer: str, usage: str | tuple[str, ...], unit: str, **kw: object) -> PriceSpec:
    usage_types = (usage,) if isinstance(usage, str) else usage
    return PriceSpec(key, offer, usage_types, unit, **kw)  # type: ignore[arg-type]


SPECS: tuple[PriceSpec, ...] = (
    _spec("natGatewayHour", "AmazonEC2", "NatGateway-Hours", "USD/hour",
          filters={"productFamily": "NAT Gateway"}),
    _spec("natGatewayGb", "AmazonEC2", "NatGateway-Bytes", "USD/GB",
          filters={"productFamily": "NAT Gateway"}),
    # AmazonVPC's public IPv4 rows have no productFamily: no family filter here.
    _spec("publicIpv4Hour", "AmazonVPC", "PublicIPv4:InUseAddress", "USD/hour"),
    _spec("albHour", "AWSELB", "LoadBalancerUsage", "USD/hour", filters=ALB),
    _spec("albLcuHour", "AWSELB", "LCUUsage", "USD/LCU-hour", filters=ALB),
    _spec("interfaceEndpointAzHour", "AmazonVPC", "VpcEndpoint-Hours",
          "USD/hour per endpoint per AZ", filters=PRIVATE_LINK),
    _spec("interfaceEndpointGb", "AmazonVPC", "VpcEndpoint-Bytes", "USD/GB", filters=PRIVATE_LINK),
    _spec("fargateVcpuHour", "AmazonECS", "Fargate-vCPU-Hours:perCPU", "USD/vCPU-hour",
          variant="x86_64"),
    _spec("fargateVcpuHour", "AmazonECS", "Fargate-ARM-vCPU-Hours:perCPU", "USD/vCPU-hour",
          variant="arm64"),
    _spec("fargateGbHour", "AmazonECS", "Fargate-GB-Hours", "USD/GB-hour", variant="x86_64"),
    _spec("fargateGbHour", "AmazonECS", "Fargate-ARM-GB-Hours", "USD/GB-hour", variant="arm64"),
    _spec("ebsGp3GbMonth", "AmazonEC2", "EBS:VolumeUsage.gp3", "USD/GB-month",
          filters={"volumeApiName": "gp3"}),
    _spec("alarmStandardMonth", "AmazonCloudWatch", "CW:AlarmMonitorUsage", "USD/alarm-month"),
    _spec("alarmHighResolutionMonth", "AmazonCloudWatch", "CW:HighResAlarmMonitorUsage",
          "USD/alarm-month"),
    # Dashboards are account-wide: more than 50 metrics is DashboardsUsageHour, up to 50
    # DashboardsUsageHour-Basic (CloudWatch user guide, "Analyzing ... CloudWatch costs").
    _spec("dashboardMonth", "AmazonCloudWatch",
          ("DashboardsUsageHour", "DashboardsUsageHour-Basic"), "USD/dashboard-month",
          global_row=True),
    _spec("customMetricMonth", "AmazonCloudWatch", "CW:MetricMonitorUsage", "USD/metric-month"),
    _spec("logsIngestionGb", "AmazonCloudWatch", "DataProcessing-Bytes", "USD/GB",
          filters={"operation": "PutLogEvents"}),
    _spec("logsStorageGbMonth", "AmazonCloudWatch", "TimedStorage-ByteHrs", "USD/GB-month"),
    _spec("ecrStorageGbMonth", "AmazonECR", "TimedStorage-ByteHrs", "USD/GB-month"),
    _spec("s3StorageGbMonth", "AmazonS3", "TimedStorage-ByteHrs", "USD/GB-month",
          filters={"volumeType": "Standard"}),
    _spec("snsRequestsMillion", "AmazonSNS", "Requests-Tier1", "USD/million requests", scale=1e6),
    _spec("sqsRequestsMillion", "AWSQueueService", "Requests-Tier1", "USD/million requests",
          scale=1e6),
    _spec("kmsKeyMonth", "awskms", "KMS-Keys", "USD/key-month"),
    # WAFv2 usage types end in V2; WebACL/Rule/Request are WAF Classic.
    _spec("wafWebAclMonth", "awswaf", "WebACLV2", "USD/web-ACL-month"),
    _spec("wafRuleMonth", "awswaf", "RuleV2", "USD/rule-month"),
    _spec("wafRequestsMillion", "awswaf", "RequestV2", "USD/million requests", scale=1e6),
    _spec("cloudMapResourceMonth", "AWSCloudMap", "Cloud-Map-Resources",
          "USD/registered resource-month"),
    _spec("dataTransferOutGb", "AWSDataTransfer", "DataTransfer-Out-Bytes", "USD/GB"),
    _spec("stepFunctionsTransitionsThousand", "AmazonStates", "StateTransition",
          "USD/1,000 state transitions", scale=1e3),
    _spec("schedulerInvocationsMillion", "AWSEvents", "ScheduledInvocation",
          "USD/million invocations", scale=1e6),
    _spec("efsStandardGbMonth", "AmazonEFS", "TimedStorage-ByteHrs", "USD/GB-month",
          filters={"storageClass": "General Purpose"}),
)  # fmt: skip

EC2_KEY = "ec2InstanceHour"
MANAGED_FEE_KEY = "managedInstancesFeeHour"


def instance_spec(instance_type: str) -> PriceSpec:
    """The on-demand Linux hour of one instance type (AmazonEC2, `<prefix>-BoxUsage:<type>`)."""
    filters = {**EC2_INSTANCE_FILTERS, "instanceType": instance_type}
    usage = f"BoxUsage:{instance_type}"
    return PriceSpec(EC2_KEY, "AmazonEC2", (usage,), "USD/hour", filters, instance_type)


def managed_fee_spec(instance_type: str) -> PriceSpec:
    """The ECS Managed Instances management fee of one instance type (AmazonECS,
    `<prefix>-ECS-Managed-Instances:<type>-management-hours`, operation
    ECSManagedInstancesUsage, as AmazonECS rows quoted in public tests show)."""
    usage = f"ECS-Managed-Instances:{instance_type}-management-hours"
    filters = {"operation": "ECSManagedInstancesUsage"}
    unit = "USD/hour per instance"
    return PriceSpec(MANAGED_FEE_KEY, "AmazonECS", (usage,), unit, filters, instance_type)


def usage_suffix(usage_type: str, region: str) -> str | None:
    """The usage type without `region`'s prefix, or None when it has none of them."""
    if usage_type.startswith(f"{region}-"):
        return usage_type[len(region) + 1 :]  # KMS: us-west-2-KMS-Keys
    prefixes = REGION_PREFIXES.get(region)
    if prefixes is None:
        match = GENERIC_PREFIX.match(usage_type)
        return usage_type[match.end() :] if match else None
    for prefix in prefixes:
        if prefix and usage_type.startswith(prefix):
            return usage_type[len(prefix) :]
    return usage_type if "" in prefixes else None


def row_region_ok(product: Product, region: str, spec: PriceSpec) -> bool:
    code = product.get("regionCode")
    return code == region or (spec.global_row and code == "")


def matches(product: Product, region: str, spec: PriceSpec, usage_type: str) -> bool:
    """Whether `product` is `spec`'s row for `usage_type` in `region`."""
    if not row_region_ok(product, region, spec):
        return False
    usage = product.get("usagetype")
    suffix = usage if product.get("regionCode") == "" else usage_suffix(usage, region)
    if suffix != usage_type:
        return False
    return all(product.get(name) == value for name, value in spec.filters.items())


def keeps(specs: Sequence[PriceSpec], region: str) -> Callable[[Mapping[str, str]], bool]:
    """A cheap row filter for Offers.region_offer: the region and a wanted usage type."""
    usage_types = {usage for spec in specs for usage in spec.usage_types}
    global_ok = any(spec.global_row for spec in specs)

    def keep(attributes: Mapping[str, str]) -> bool:
        code = attributes.get("regioncode", "")
        usage = attributes.get(attribute_name("usagetype"), "")
        if code == region:
            return usage_suffix(usage, region) in usage_types
        return global_ok and code == "" and usage in usage_types

    return keep


def list_price(dimensions: list[Dimension]) -> Dimension | None:
    """The first non-zero tier, lowest range first: a free tier (SNS's first million requests,
    Scheduler's first 14 million invocations) is skipped, larger volume tiers are not reached."""
    for dimension in sorted(dimensions, key=lambda d: d.begin):
        if dimension.usd > 0:
            return dimension
    return None
