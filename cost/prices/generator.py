"""Builds cost/prices/<region>.yaml from the AWS Price List Query API.

    ecs-platform prices REGION... [--instance-type TYPE ...] [--out DIR]

One `pricing:GetProducts` query per key (ServiceCode, TERM_MATCH filters, `regionCode`), all pages
read (`NextToken`); each PriceList entry is a JSON string holding `product` (sku, attributes with
`usagetype`) and `terms.OnDemand.<offer>.priceDimensions.<rate>.pricePerUnit.USD` with the
term's `effectiveDate` (response shape: https://docs.aws.amazon.com/aws-cost-management/latest/
APIReference/API_pricing_GetProducts.html). The Price List Query API is served from us-east-1
(https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-price-list-query-api.html).
Needs AWS credentials with `pricing:GetProducts`; a key no product matches is written as
`price: null` with a NOT FOUND source, never guessed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Usage types carry a region prefix ("EU-", "USW2-", none or "USE1-" in us-east-1), so products
# are matched by regionCode and the usage type's suffix after that prefix.
EC2_INSTANCE_FILTERS = {
    "productFamily": "Compute Instance",
    "operatingSystem": "Linux",
    "tenancy": "Shared",
    "preInstalledSw": "NA",
    "capacitystatus": "Used",
    "licenseModel": "No License required",
}


@dataclass(frozen=True)
class PriceSpec:
    """How one price key is found: service, filters, the usage type's suffix, unit scaling."""

    key: str
    service: str
    suffix: str
    unit: str
    filters: dict[str, str] = field(default_factory=dict)
    variant: str | None = None
    scale: float = 1.0  # per request -> per million requests


SPECS: tuple[PriceSpec, ...] = (
    PriceSpec("natGatewayHour", "AmazonEC2", "NatGateway-Hours", "USD/hour",
              {"productFamily": "NAT Gateway"}),
    PriceSpec("natGatewayGb", "AmazonEC2", "NatGateway-Bytes", "USD/GB",
              {"productFamily": "NAT Gateway"}),
    PriceSpec("publicIpv4Hour", "AmazonVPC", "PublicIPv4:InUseAddress", "USD/hour"),
    PriceSpec("albHour", "AWSELB", "LoadBalancerUsage", "USD/hour",
              {"productFamily": "Load Balancer-Application"}),
    PriceSpec("albLcuHour", "AWSELB", "LCUUsage", "USD/LCU-hour",
              {"productFamily": "Load Balancer-Application"}),
    PriceSpec("interfaceEndpointAzHour", "AmazonVPC", "VpcEndpoint-Hours",
              "USD/hour per endpoint per AZ", {"productFamily": "VpcEndpoint"}),
    PriceSpec("interfaceEndpointGb", "AmazonVPC", "VpcEndpoint-Bytes", "USD/GB",
              {"productFamily": "VpcEndpoint"}),
    PriceSpec("fargateVcpuHour", "AmazonECS", "Fargate-vCPU-Hours:perCPU", "USD/vCPU-hour",
              variant="x86_64"),
    PriceSpec("fargateVcpuHour", "AmazonECS", "Fargate-ARM-vCPU-Hours:perCPU", "USD/vCPU-hour",
              variant="arm64"),
    PriceSpec("fargateGbHour", "AmazonECS", "Fargate-GB-Hours", "USD/GB-hour", variant="x86_64"),
    PriceSpec("fargateGbHour", "AmazonECS", "Fargate-ARM-GB-Hours", "USD/GB-hour",
              variant="arm64"),
    PriceSpec("ebsGp3GbMonth", "AmazonEC2", "EBS:VolumeUsage.gp3", "USD/GB-month",
              {"productFamily": "Storage", "volumeApiName": "gp3"}),
    PriceSpec("alarmStandardMonth", "AmazonCloudWatch", "CW:AlarmMonitorUsage",
              "USD/alarm-month"),
    PriceSpec("alarmHighResolutionMonth", "AmazonCloudWatch", "CW:HighResAlarmMonitorUsage",
              "USD/alarm-month"),
    PriceSpec("dashboardMonth", "AmazonCloudWatch", "DashboardsUsageHour", "USD/dashboard-month",
              {"productFamily": "Dashboard"}),
    PriceSpec("customMetricMonth", "AmazonCloudWatch", "CW:MetricMonitorUsage",
              "USD/metric-month"),
    PriceSpec("logsIngestionGb", "AmazonCloudWatch", "DataProcessing-Bytes", "USD/GB"),
    PriceSpec("logsStorageGbMonth", "AmazonCloudWatch", "TimedStorage-ByteHrs", "USD/GB-month"),
    PriceSpec("ecrStorageGbMonth", "AmazonECR", "TimedStorage-ByteHrs", "USD/GB-month"),
    PriceSpec("efsStandardGbMonth", "AmazonEFS", "TimedStorage-ByteHrs", "USD/GB-month",
              {"storageClass": "General Purpose"}),
    PriceSpec("s3StorageGbMonth", "AmazonS3", "TimedStorage-ByteHrs", "USD/GB-month",
              {"volumeType": "Standard"}),
    PriceSpec("snsRequestsMillion", "AmazonSNS", "Requests-Tier1", "USD/million requests",
              scale=1e6),
    PriceSpec("sqsRequestsMillion", "AWSQueueService", "Requests-Tier1", "USD/million requests",
              scale=1e6),
    PriceSpec("kmsKeyMonth", "awskms", "KMS-Keys", "USD/key-month"),
    PriceSpec("wafWebAclMonth", "awswaf", "WebACL", "USD/web-ACL-month"),
    PriceSpec("wafRuleMonth", "awswaf", "Rule", "USD/rule-month"),
    PriceSpec("wafRequestsMillion", "awswaf", "Request", "USD/million requests", scale=1e6),
    PriceSpec("cloudMapResourceMonth", "AWSCloudMap", "RegisteredResource",
              "USD/registered resource-month"),
    PriceSpec("dataTransferOutGb", "AWSDataTransfer", "DataTransfer-Out-Bytes", "USD/GB"),
)  # fmt: skip


MANAGED_FEE_KEY = "managedInstancesFeeHour"


def _filters(region: str, extra: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"Type": "TERM_MATCH", "Field": name, "Value": value}
        for name, value in {"regionCode": region, **extra}.items()
    ]


def products(client: Any, service: str, filters: list[dict[str, str]]) -> Iterator[dict[str, Any]]:
    """Every product of a GetProducts query, all pages, each PriceList JSON string parsed."""
    token: str | None = None
    while True:
        arguments: dict[str, Any] = {"ServiceCode": service, "Filters": filters}
        if token:
            arguments["NextToken"] = token
        page = client.get_products(**arguments)
        for entry in page.get("PriceList", []):
            yield json.loads(entry) if isinstance(entry, str) else entry
        token = page.get("NextToken")
        if not token:
            return


def _matches(usage_type: str, suffix: str) -> bool:
    return usage_type == suffix or usage_type.endswith("-" + suffix)


@dataclass(frozen=True)
class Found:
    price: float
    sku: str
    effective: str
    usage_type: str


def on_demand_price(product: dict[str, Any]) -> tuple[float, str] | None:
    """(first non-zero on-demand price, effective date); tiers are read from the lowest range."""
    for term in (product.get("terms", {}).get("OnDemand") or {}).values():
        dimensions = sorted(
            term.get("priceDimensions", {}).values(),
            key=lambda d: float(d.get("beginRange") or 0),
        )
        for dimension in dimensions:
            price = float(dimension.get("pricePerUnit", {}).get("USD") or 0)
            if price > 0:
                return price, str(term.get("effectiveDate", ""))[:10]
    return None


def find(
    client: Any, region: str, spec: PriceSpec, extra: dict[str, str] | None = None
) -> Found | None:
    """The spec's price in `region`, or None when no product matches."""
    filters = _filters(region, {**spec.filters, **(extra or {})})
    for product in products(client, spec.service, filters):
        attributes = product.get("product", {}).get("attributes", {})
        usage_type = str(attributes.get("usagetype", ""))
        if not _matches(usage_type, spec.suffix):
            continue
        priced = on_demand_price(product)
        if priced is not None:
            sku = str(product.get("product", {}).get("sku", ""))
            return Found(priced[0] * spec.scale, sku, priced[1], usage_type)
    return None


def find_instance(client: Any, region: str, instance_type: str) -> Found | None:
    spec = PriceSpec("ec2InstanceHour", "AmazonEC2", f"BoxUsage:{instance_type}", "USD/hour")
    return find(client, region, spec, {**EC2_INSTANCE_FILTERS, "instanceType": instance_type})


def _source(spec: PriceSpec, region: str, found: Found | None) -> str:
    query = f"AWS Price List Query API GetProducts ServiceCode={spec.service} regionCode={region}"
    if found is None:
        return f"NOT FOUND - placeholder ({query}, usage type *{spec.suffix}: no product)"
    return f"{query} usagetype={found.usage_type} SKU {found.sku} effective {found.effective}"


def build_prices(client: Any, region: str, instance_types: list[str]) -> dict[str, Any]:
    """The `prices:` mapping of a region file."""
    prices: dict[str, Any] = {}
    for spec in SPECS:
        found = find(client, region, spec)
        value = None if found is None else round(found.price, 10)
        entry = prices.setdefault(spec.key, {})
        if spec.variant is None:
            entry.update(price=value, unit=spec.unit, source=_source(spec, region, found))
            entry.update(sku=found.sku if found else None, effectiveDate=found and found.effective)
            continue
        entry[spec.variant] = value
        entry["unit"] = spec.unit
        entry.setdefault("sources", {})[spec.variant] = _source(spec, region, found)
    ec2: dict[str, Any] = {"unit": "USD/hour", "sources": {}}
    for instance_type in sorted(set(instance_types)):
        found = find_instance(client, region, instance_type)
        ec2[instance_type] = None if found is None else found.price
        spec = PriceSpec("ec2InstanceHour", "AmazonEC2", f"BoxUsage:{instance_type}", "USD/hour")
        ec2["sources"][instance_type] = _source(spec, region, found)
    prices["ec2InstanceHour"] = ec2
    return prices


def region_document(
    client: Any, region: str, instance_types: list[str], previous: dict[str, Any] | None
) -> dict[str, Any]:
    """A whole region file; assumptions and free-tier notes are kept from the previous file."""
    previous = previous or {}
    return {
        "region": region,
        "currency": "USD",
        "pricesAsOf": date.today().isoformat(),
        "hoursPerMonth": 730,
        "assumptions": previous.get("assumptions") or {},
        "freeTier": previous.get("freeTier") or {},
        "prices": {
            **build_prices(client, region, instance_types),
            # The ECS Managed Instances fee is per instance type; its Price List usage type is not
            # confirmed here, so its (sourced) figures are kept from the previous file.
            MANAGED_FEE_KEY: (previous.get("prices") or {}).get(MANAGED_FEE_KEY)
            or {"unit": "USD/hour per instance", "sources": {}},
        },
    }
