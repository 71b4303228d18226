"""Fixed monthly cost of a stack from its recorded resources and a per-region price file.

Pure: `estimate(resources, prices)`. Prices come from `offline/prices/<region>.yaml` (each figure
with its unit and source); a figure that is `null` there is reported as unpriced, never guessed.
Usage-based charges are left out and listed in `EXCLUDED`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from offline.diff import as_document, component_namer
from offline.mocks import RecordedResource

PRICES_DIR = Path(__file__).resolve().parent / "prices"
FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
EXCLUDED = (
    "data processed by NAT gateways, the load balancer and interface endpoints",
    "data transfer out of AWS and between AZs",
    "load balancer capacity units (LCUs) beyond the assumed number",
    "log ingestion and storage, Container Insights and custom metrics",
    "tasks and instances above their desired or minimum count (autoscaling)",
    "EBS volumes, ECR and S3 storage, KMS and Secrets Manager requests",
    "free tiers (not deducted)",
)


class NoPricesError(Exception):
    """No price file for the stack's region: no estimate is given."""


@dataclass
class PriceTable:
    region: str
    currency: str
    as_of: str
    hours: float
    prices: dict[str, Any]
    assumptions: dict[str, Any]
    free_tier: Any = None

    def price(self, key: str, variant: str | None = None) -> float | None:
        entry = self.prices.get(key)
        if variant is not None:
            entry = entry.get(variant) if isinstance(entry, dict) else None
        if isinstance(entry, dict):
            entry = entry.get("price")
        return float(entry) if isinstance(entry, int | float) else None

    def assumption(self, key: str) -> tuple[float, str]:
        entry = self.assumptions.get(key) or {}
        return float(entry.get("value") or 0), str(entry.get("note") or "")

    def discount(self, key: str) -> float:
        value = self.assumption(key)[0]
        return value / 100 if value > 1 else value  # a file may say 70 or 0.7


def price_file(region: str, directory: Path = PRICES_DIR) -> Path:
    return directory / f"{region}.yaml"


def load_prices(region: str, directory: Path = PRICES_DIR) -> PriceTable:
    path = price_file(region, directory)
    if not path.is_file():
        raise NoPricesError(
            f"no price file for region {region} ({path.name} in {directory}): no cost estimate"
        )
    data = yaml.safe_load(path.read_text()) or {}
    return PriceTable(
        region=str(data.get("region", region)),
        currency=str(data.get("currency", "USD")),
        as_of=str(data.get("pricesAsOf", "unknown")),
        hours=float(data.get("hoursPerMonth", 730)),
        prices=data.get("prices") or {},
        assumptions=data.get("assumptions") or {},
        free_tier=data.get("freeTier"),
    )


@dataclass
class CostItem:
    component: str
    what: str
    quantity: float
    price_key: str
    unit_price: float | None
    monthly: float | None


@dataclass
class Estimate:
    table: PriceTable
    items: list[CostItem] = field(default_factory=list)

    @property
    def monthly(self) -> float:
        return sum(item.monthly or 0.0 for item in self.items)

    def by_component(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for item in self.items:
            totals[item.component] = totals.get(item.component, 0.0) + (item.monthly or 0.0)
        return dict(sorted(totals.items()))

    @property
    def unpriced(self) -> list[CostItem]:
        return [item for item in self.items if item.monthly is None]

    def assumptions(self) -> list[str]:
        """Short statements of what the estimate assumes (the reasons are in the price file)."""
        lcus = self.table.assumption("albLcus")[0]
        fargate = self.table.discount("fargateSpotDiscount") * 100
        ec2 = self.table.discount("ec2SpotDiscount") * 100
        return [
            f"{self.table.hours:g} hours a month",
            f"{lcus:g} ALB LCU",
            f"Fargate Spot {fargate:g}% below on-demand",
            f"EC2 Spot {ec2:g}% below on-demand",
            "tasks at their desired count, EC2 pools at their minimum size",
        ]

    def assumption_notes(self) -> dict[str, str]:
        return {key: self.table.assumption(key)[1] for key in self.table.assumptions}


class _Pricer:
    """Adds priced items; an hourly price (key ending in `Hour`) runs all month."""

    def __init__(self, table: PriceTable, component: Callable[[RecordedResource], str]) -> None:
        self.table = table
        self.component = component
        self.items: list[CostItem] = []

    def add(
        self,
        resource: RecordedResource,
        what: str,
        quantity: float,
        key: str,
        variant: str | None = None,
        factor: float = 1.0,
    ) -> None:
        if quantity <= 0:
            return
        unit = self.table.price(key, variant)
        hours = self.table.hours if key.endswith("Hour") else 1.0
        monthly = None if unit is None else quantity * unit * hours * factor
        label = f"{key}[{variant}]" if variant else key
        self.items.append(CostItem(self.component(resource), what, quantity, label, unit, monthly))


def split_by_strategy(count: float, strategy: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Tasks per capacity provider: each `base` first, the rest in proportion to weights."""
    placed: dict[str, float] = {}
    remaining = float(count)
    for item in strategy:
        base = min(float(item.get("base") or 0), remaining)
        placed[item["capacityProvider"]] = base
        remaining -= base
    total_weight = sum(float(item.get("weight") or 0) for item in strategy)
    for item in strategy:
        share = float(item.get("weight") or 0) / total_weight if total_weight else 0.0
        placed[item["capacityProvider"]] += remaining * share
    return placed


def _nat_gateways(inputs: dict[str, Any]) -> int:
    strategy = (inputs.get("natGateways") or {}).get("strategy", "OnePerAz")
    zones = len(inputs.get("availabilityZoneNames") or [])
    return {"None": 0, "Single": 1}.get(strategy, zones)


def _vpc(pricer: _Pricer, resource: RecordedResource, _: dict[str, Any]) -> None:
    nat = _nat_gateways(resource.inputs)
    pricer.add(resource, "NAT gateways", nat, "natGatewayHour")
    pricer.add(resource, "NAT gateway public IPv4 addresses", nat, "publicIpv4Hour")


def _load_balancer(pricer: _Pricer, resource: RecordedResource, _: dict[str, Any]) -> None:
    inputs = resource.inputs
    if (inputs.get("loadBalancerType") or "application") != "application":
        return
    pricer.add(resource, f"ALB {resource.name}", 1, "albHour")
    lcus = pricer.table.assumption("albLcus")[0]
    pricer.add(resource, f"ALB {resource.name}: {lcus:g} LCU (assumed)", lcus, "albLcuHour")
    if not inputs.get("internal"):
        zones = len(inputs.get("subnets") or inputs.get("subnetMappings") or [])
        pricer.add(resource, f"ALB {resource.name}: public IPv4 per AZ", zones, "publicIpv4Hour")


def _endpoint(pricer: _Pricer, resource: RecordedResource, _: dict[str, Any]) -> None:
    if resource.inputs.get("vpcEndpointType") == "Interface":
        zones = len(resource.inputs.get("subnetIds") or [])
        service_name = str(resource.inputs.get("serviceName") or resource.name)
        service = service_name.split(".", 3)[-1]  # com.amazonaws.<region>.<service>
        pricer.add(
            resource, f"interface endpoint {service} (per AZ)", zones, "interfaceEndpointAzHour"
        )


def _service_strategy(inputs: dict[str, Any], context: dict[str, Any]) -> list[dict[str, Any]]:
    if inputs.get("capacityProviderStrategies"):
        return list(inputs["capacityProviderStrategies"])
    if inputs.get("launchType"):
        return [{"capacityProvider": inputs["launchType"], "weight": 1}]
    return list(context.get("defaultStrategy") or [])


def _service(pricer: _Pricer, resource: RecordedResource, context: dict[str, Any]) -> None:
    inputs = resource.inputs
    task = context["taskDefinitions"].get(inputs.get("taskDefinition"))
    if task is None:
        return
    count = float(inputs.get("desiredCount") or 0)
    placed = split_by_strategy(count, _service_strategy(inputs, context))
    arch = str((task.inputs.get("runtimePlatform") or {}).get("cpuArchitecture") or "X86_64")
    arch = "arm64" if arch.upper() == "ARM64" else "x86_64"
    vcpu, gib = (
        float(task.inputs.get("cpu") or 0) / 1024,
        float(task.inputs.get("memory") or 0) / 1024,
    )
    spot = 1 - pricer.table.discount("fargateSpotDiscount")
    for provider, factor in (("FARGATE", 1.0), ("FARGATE_SPOT", spot)):
        tasks = placed.get(provider, 0.0)
        label = f"{resource.name}: {tasks:g} {provider} task(s) {arch}"
        pricer.add(
            resource, f"{label}, {vcpu:g} vCPU", tasks * vcpu, "fargateVcpuHour", arch, factor
        )
        pricer.add(resource, f"{label}, {gib:g} GB", tasks * gib, "fargateGbHour", arch, factor)
    if (inputs.get("networkConfiguration") or {}).get("assignPublicIp"):
        fargate = sum(placed.get(p, 0.0) for p in FARGATE_PROVIDERS)
        pricer.add(resource, f"{resource.name}: task public IPv4", fargate, "publicIpv4Hour")


def _pool(pricer: _Pricer, resource: RecordedResource, context: dict[str, Any]) -> None:
    inputs = resource.inputs
    policy = inputs.get("mixedInstancesPolicy") or {}
    overrides = (policy.get("launchTemplate") or {}).get("overrides") or []
    # A group without a mixed-instances policy (the NAT instance) takes its type from its template.
    template = context["launchTemplates"].get((inputs.get("launchTemplate") or {}).get("id"), {})
    instance_type = (
        overrides[0].get("instanceType")
        if overrides
        else inputs.get("instanceType") or template.get("instanceType")
    )
    size = float(inputs.get("minSize") or 0)
    if any(
        n.get("associatePublicIpAddress") in (True, "true")
        for n in template.get("networkInterfaces") or []
    ):
        pricer.add(resource, f"{resource.name}: instance public IPv4", size, "publicIpv4Hour")
    distribution = policy.get("instancesDistribution") or {}
    base = min(float(distribution.get("onDemandBaseCapacity") or 0), size)
    on_demand_share = float(distribution.get("onDemandPercentageAboveBaseCapacity", 100)) / 100
    on_demand = base + (size - base) * on_demand_share
    spot = 1 - pricer.table.discount("ec2SpotDiscount")
    label = f"{resource.name}: {instance_type} at minSize"
    pricer.add(resource, f"{label}, on demand", on_demand, "ec2InstanceHour", instance_type)
    pricer.add(resource, f"{label}, Spot", size - on_demand, "ec2InstanceHour", instance_type, spot)


def _instance(pricer: _Pricer, resource: RecordedResource, _: dict[str, Any]) -> None:
    instance_type = resource.inputs.get("instanceType")
    pricer.add(resource, f"{resource.name}: {instance_type}", 1, "ec2InstanceHour", instance_type)
    if resource.inputs.get("associatePublicIpAddress"):
        pricer.add(resource, f"{resource.name}: public IPv4", 1, "publicIpv4Hour")


def alarm_metrics(inputs: dict[str, Any]) -> tuple[int, bool]:
    """(metrics billed, high resolution) of one alarm: metric math bills each metric it reads."""
    queries = inputs.get("metricQueries") or []
    metrics = [q.get("metric") or {} for q in queries if q.get("metric")]
    periods = [m.get("period") or 60 for m in metrics] or [inputs.get("period") or 60]
    return max(len(metrics), 1), min(periods) < 60


def _alarm(pricer: _Pricer, resource: RecordedResource, _: dict[str, Any]) -> None:
    metrics, high = alarm_metrics(resource.inputs)
    key = "alarmHighResolutionMonth" if high else "alarmStandardMonth"
    pricer.add(resource, "alarm metrics" + (" (high resolution)" if high else ""), metrics, key)


def _waf(pricer: _Pricer, resource: RecordedResource, _: dict[str, Any]) -> None:
    pricer.add(resource, f"WAF web ACL {resource.name}", 1, "wafWebAclMonth")
    pricer.add(resource, "WAF rules", len(resource.inputs.get("rules") or []), "wafRuleMonth")


PRICERS: dict[str, Callable[[_Pricer, RecordedResource, dict[str, Any]], None]] = {
    "awsx:ec2:Vpc": _vpc,
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:ec2/vpcEndpoint:VpcEndpoint": _endpoint,
    "aws:ecs/service:Service": _service,
    "aws:autoscaling/group:Group": _pool,
    "aws:ec2/instance:Instance": _instance,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:cloudwatch/dashboard:Dashboard": lambda p, r, _: p.add(
        r, "dashboards", 1, "dashboardMonth"
    ),
    "aws:kms/key:Key": lambda p, r, _: p.add(r, "KMS keys", 1, "kmsKeyMonth"),
    "aws:ec2/eip:Eip": lambda p, r, _: p.add(r, f"Elastic IP {r.name}", 1, "publicIpv4Hour"),
    "aws:wafv2/webAcl:WebAcl": _waf,
}


def _context(resources: Sequence[RecordedResource]) -> dict[str, Any]:
    tasks = {
        r.outputs.get("arn"): r
        for r in resources
        if r.type == "aws:ecs/taskDefinition:TaskDefinition"
    }
    default = next(
        (
            r.inputs.get("defaultCapacityProviderStrategies")
            for r in resources
            if r.type == "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
        ),
        None,
    )
    templates = {
        r.id: r.inputs for r in resources if r.type == "aws:ec2/launchTemplate:LaunchTemplate"
    }
    return {"taskDefinitions": tasks, "defaultStrategy": default, "launchTemplates": templates}


def _plain(resources: Sequence[RecordedResource]) -> list[RecordedResource]:
    """Records with JSON documents parsed and secrets masked (prices only read plain inputs)."""
    return [RecordedResource(**{**r.__dict__, "inputs": as_document(r.inputs)}) for r in resources]


def _queue_requests(
    pricer: _Pricer, resources: Sequence[RecordedResource], usage: Mapping[str, Any]
) -> None:
    """SQS requests from the usage file (`sqsRequestsPerMonth`, all queues together), priced
    per million at `sqsRequestsMillion`; left out when the stack has no queue or no figure."""
    queues = [r for r in resources if r.type == "aws:sqs/queue:Queue"]
    requests = float(usage.get("sqsRequestsPerMonth") or 0)
    if queues and requests > 0:
        what = f"SQS requests ({requests:g}/month, usage file; free tier not deducted)"
        pricer.add(queues[0], what, requests / 1_000_000, "sqsRequestsMillion")


def estimate(
    resources: Sequence[RecordedResource],
    table: PriceTable,
    usage: Mapping[str, Any] | None = None,
) -> Estimate:
    resources = _plain(resources)
    pricer = _Pricer(table, component_namer(resources))
    context = _context(resources)
    for resource in resources:
        price = PRICERS.get(resource.type)
        if price is not None and (resource.custom or resource.remote):
            price(pricer, resource, context)
    if usage:
        _queue_requests(pricer, resources, usage)
    return Estimate(table, pricer.items)


def iter_unpriced(estimate_: Estimate) -> Iterator[str]:
    for item in estimate_.unpriced:
        yield f"{item.what} ({item.price_key})"
