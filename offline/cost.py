"""Monthly cost of a stack from its recorded resources and a per-region price file.

Pure: `estimate(resources, prices, usage)`. Prices come from `offline/prices/<region>.yaml` (each
figure with its unit and source); a figure that is `null` there is reported as unpriced, never
guessed. Fixed costs follow from the resources; usage-based costs (traffic, LCUs, log volume)
from the usage inputs (offline/usage.py, priced in offline/cost_usage.py), kept apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from offline.deployments import doubled_task_notes
from offline.diff import as_document, component_namer
from offline.managed_cost import cheapest_fit, instances_needed
from offline.mocks import RecordedResource
from offline.price_table import PRICES_DIR as PRICES_DIR
from offline.price_table import NoPricesError as NoPricesError
from offline.price_table import PriceTable as PriceTable
from offline.price_table import load_prices as load_prices
from offline.price_table import price_file as price_file

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
EXCLUDED = (
    "data transfer between AZs and beyond the first internet tier",
    "Container Insights and custom metrics",
    "tasks and instances above their desired or minimum count (autoscaling)",
    "S3 storage and requests, SNS, KMS and Secrets Manager requests",
    "free tiers (not deducted)",
)
# `python -m offline.prices` adds EC2 instance types a price file lacks.
ADD_INSTANCE_TYPE = "python -m offline.prices {region} --instance-type {instance_type}"


@dataclass
class CostItem:
    component: str
    what: str
    quantity: float
    price_key: str
    unit_price: float | None
    monthly: float | None
    usage: bool = False  # usage-based (from the usage inputs), not fixed


@dataclass(frozen=True)
class ServiceLine:
    """One ECS service's monthly compute: tasks x size x capacity mix."""

    component: str
    tasks: float
    vcpu: float
    gib: float
    architecture: str
    placed: dict[str, float]
    monthly: float | None


@dataclass
class Estimate:
    table: PriceTable
    items: list[CostItem] = field(default_factory=list)
    services: dict[str, ServiceLine] = field(default_factory=dict)
    usage_source: str | None = None
    notes: list[str] = field(default_factory=list)  # e.g. tasks doubled during deployments

    @property
    def monthly(self) -> float:
        return sum(item.monthly or 0.0 for item in self.items)

    @property
    def fixed(self) -> float:
        return sum(item.monthly or 0.0 for item in self.items if not item.usage)

    @property
    def usage(self) -> float:
        return sum(item.monthly or 0.0 for item in self.items if item.usage)

    def by_component(self, usage: bool | None = None) -> dict[str, float]:
        """Monthly total per component: all items, or only usage (True) or fixed (False) ones."""
        totals: dict[str, float] = {}
        for item in self.items:
            if usage is None or item.usage == usage:
                totals[item.component] = totals.get(item.component, 0.0) + (item.monthly or 0.0)
        return dict(sorted(totals.items()))

    @property
    def unpriced(self) -> list[CostItem]:
        return [item for item in self.items if item.monthly is None]

    def assumptions(self) -> list[str]:
        """Short statements of what the estimate assumes (the reasons are in the price file)."""
        fargate = self.table.discount("fargateSpotDiscount") * 100
        ec2 = self.table.discount("ec2SpotDiscount") * 100
        return [
            f"{self.table.hours:g} hours a month",
            f"Fargate Spot {fargate:g}% below on-demand",
            f"EC2 Spot {ec2:g}% below on-demand",
            "tasks at their desired count, EC2 pools at their minimum size",
            *self.notes,
        ]

    def assumption_notes(self) -> dict[str, str]:
        return {key: self.table.assumption(key)[1] for key in self.table.assumptions}


class _Pricer:
    """Adds priced items; an hourly price (key ending in `Hour`) runs all month."""

    def __init__(self, table: PriceTable, component: Callable[[RecordedResource], str]) -> None:
        self.table = table
        self.component = component
        self.items: list[CostItem] = []
        self.services: dict[str, ServiceLine] = {}

    def add(
        self,
        resource: RecordedResource,
        what: str,
        quantity: float,
        key: str,
        variant: str | None = None,
        factor: float = 1.0,
        usage: bool = False,
    ) -> CostItem | None:
        if quantity <= 0:
            return None
        unit = self.table.price(key, variant)
        hours = self.table.hours if key.endswith("Hour") else 1.0
        monthly = None if unit is None else quantity * unit * hours * factor
        label = f"{key}[{variant}]" if variant else key
        item = CostItem(self.component(resource), what, quantity, label, unit, monthly, usage)
        self.items.append(item)
        return item


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
    pricer.add(resource, f"ALB {resource.name}", 1, "albHour")  # LCUs: usage (cost_usage.py)
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
    added: list[CostItem | None] = []
    for provider, factor in (("FARGATE", 1.0), ("FARGATE_SPOT", spot)):
        tasks = placed.get(provider, 0.0)
        label = f"{resource.name}: {tasks:g} {provider} task(s) {arch}"
        added.append(
            pricer.add(
                resource, f"{label}, {vcpu:g} vCPU", tasks * vcpu, "fargateVcpuHour", arch, factor
            )
        )
        added.append(
            pricer.add(resource, f"{label}, {gib:g} GB", tasks * gib, "fargateGbHour", arch, factor)
        )
    items = [item for item in added if item is not None]
    monthly = None if any(i.monthly is None for i in items) else sum(i.monthly or 0 for i in items)
    pricer.services[resource.name] = ServiceLine(
        pricer.component(resource), count, vcpu, gib, arch, placed, monthly
    )
    if (inputs.get("networkConfiguration") or {}).get("assignPublicIp"):
        fargate = sum(placed.get(p, 0.0) for p in FARGATE_PROVIDERS)
        pricer.add(resource, f"{resource.name}: task public IPv4", fargate, "publicIpv4Hour")


def _pool(pricer: _Pricer, resource: RecordedResource, context: dict[str, Any]) -> None:
    inputs = resource.inputs
    policy = inputs.get("mixedInstancesPolicy") or {}
    overrides = (policy.get("launchTemplate") or {}).get("overrides") or []
    # A group without a mixed-instances policy (the NAT instance) takes its type from its template.
    specification = (policy.get("launchTemplate") or {}).get("launchTemplateSpecification") or {}
    template_id = (inputs.get("launchTemplate") or {}).get("id") or specification.get(
        "launchTemplateId"
    )
    template = context["launchTemplates"].get(template_id, {})
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
    volume_gb = sum(
        float((mapping.get("ebs") or {}).get("volumeSize") or 0)
        for mapping in template.get("blockDeviceMappings") or []
        if (mapping.get("ebs") or {}).get("volumeType", "gp3") == "gp3"
    )
    pricer.add(resource, f"{resource.name}: gp3 root volumes", size * volume_gb, "ebsGp3GbMonth")


def _instance(pricer: _Pricer, resource: RecordedResource, _: dict[str, Any]) -> None:
    instance_type = resource.inputs.get("instanceType")
    pricer.add(resource, f"{resource.name}: {instance_type}", 1, "ec2InstanceHour", instance_type)
    if resource.inputs.get("associatePublicIpAddress"):
        pricer.add(resource, f"{resource.name}: public IPv4", 1, "publicIpv4Hour")


def _managed_pool(pricer: _Pricer, resource: RecordedResource, context: dict[str, Any]) -> None:
    """An ECS Managed Instances pool: the cheapest fitting type for its tasks, plus the fee."""
    provider = resource.inputs.get("managedInstancesProvider")
    if not provider:
        return  # an ASG provider: its group is priced
    name = resource.inputs.get("name")
    template = provider.get("instanceLaunchTemplate") or {}
    tasks = []
    for service in context["services"]:
        task = context["taskDefinitions"].get(service.inputs.get("taskDefinition"))
        count = float(service.inputs.get("desiredCount") or 0)
        placed = split_by_strategy(count, _service_strategy(service.inputs, context)).get(name, 0)
        if task is not None:
            tasks.append(
                (
                    placed,
                    float(task.inputs.get("cpu") or 0) / 1024,
                    float(task.inputs.get("memory") or 0),
                )
            )
    fit = cheapest_fit(
        template.get("instanceRequirements") or {}, pricer.table.prices.get("ec2InstanceHour") or {}
    )
    count = float(instances_needed(fit, tasks)) if fit else float(sum(t[0] for t in tasks) > 0)
    instance_type = fit.instance_type if fit else "no priced type fits"
    spot = template.get("capacityOptionType") == "SPOT"
    factor = 1 - pricer.table.discount("ec2SpotDiscount") if spot else 1.0
    label = f"{resource.name}: {count:g} managed {instance_type}" + (" (Spot)" if spot else "")
    pricer.add(resource, label, count, "ec2InstanceHour", instance_type, factor)
    pricer.add(
        resource, f"{label}, management fee", count, "managedInstancesFeeHour", instance_type
    )


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
    "aws:ecs/capacityProvider:CapacityProvider": _managed_pool,
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
    services = [r for r in resources if r.type == "aws:ecs/service:Service"]
    return {
        "taskDefinitions": tasks,
        "defaultStrategy": default,
        "launchTemplates": templates,
        "services": services,
    }


def _plain(resources: Sequence[RecordedResource]) -> list[RecordedResource]:
    """Records with JSON documents parsed and secrets masked (prices only read plain inputs)."""
    return [RecordedResource(**{**r.__dict__, "inputs": as_document(r.inputs)}) for r in resources]


def estimate(
    resources: Sequence[RecordedResource],
    table: PriceTable,
    usage: Callable[[_Pricer, Sequence[RecordedResource]], None] | None = None,
    usage_source: str | None = None,
) -> Estimate:
    """Fixed costs of `resources`; then `usage` (cost_usage.usage_pricer) adds usage items."""
    resources = _plain(resources)
    pricer = _Pricer(table, component_namer(resources))
    context = _context(resources)
    for resource in resources:
        price = PRICERS.get(resource.type)
        if price is not None and (resource.custom or resource.remote):
            price(pricer, resource, context)
    if usage is not None:
        usage(pricer, resources)
    return Estimate(
        table, pricer.items, pricer.services, usage_source, doubled_task_notes(resources)
    )


def iter_unpriced(estimate_: Estimate) -> Iterator[str]:
    for item in estimate_.unpriced:
        line = f"{item.what} ({item.price_key})"
        if item.price_key.startswith("ec2InstanceHour["):
            instance_type = item.price_key[len("ec2InstanceHour[") : -1]
            command = ADD_INSTANCE_TYPE.format(
                region=estimate_.table.region, instance_type=instance_type
            )
            line += f": {instance_type} is not in the price file; add it with `{command}`"
        yield line
