"""Compute at its desired size: Fargate tasks, EC2 pools and instances, Managed Instances pools."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cost.managed import cheapest_fit, instances_needed
from cost.model import CostItem, Pricer, ServiceLine
from harness.records import RecordedResource

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")


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


def service_strategy(inputs: dict[str, Any], context: dict[str, Any]) -> list[dict[str, Any]]:
    if inputs.get("capacityProviderStrategies"):
        return list(inputs["capacityProviderStrategies"])
    if inputs.get("launchType"):
        return [{"capacityProvider": inputs["launchType"], "weight": 1}]
    return list(context.get("defaultStrategy") or [])


def price_service(pricer: Pricer, resource: RecordedResource, context: dict[str, Any]) -> None:
    inputs = resource.inputs
    task = context["taskDefinitions"].get(inputs.get("taskDefinition"))
    if task is None:
        return
    count = float(inputs.get("desiredCount") or 0)
    placed = split_by_strategy(count, service_strategy(inputs, context))
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


def price_pool(pricer: Pricer, resource: RecordedResource, context: dict[str, Any]) -> None:
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


def price_instance(pricer: Pricer, resource: RecordedResource, _: dict[str, Any]) -> None:
    instance_type = resource.inputs.get("instanceType")
    pricer.add(resource, f"{resource.name}: {instance_type}", 1, "ec2InstanceHour", instance_type)
    if resource.inputs.get("associatePublicIpAddress"):
        pricer.add(resource, f"{resource.name}: public IPv4", 1, "publicIpv4Hour")


def price_managed_pool(pricer: Pricer, resource: RecordedResource, context: dict[str, Any]) -> None:
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
        placed = split_by_strategy(count, service_strategy(service.inputs, context)).get(name, 0)
        if task is not None:
            tasks.append(
                (
                    placed,
                    float(task.inputs.get("cpu") or 0) / 1024,
                    float(task.inputs.get("memory") or 0),
                )
            )
    fit = cheapest_fit(
        template.get("instanceRequirements") or {}, pricer.table.priced_variants("ec2InstanceHour")
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
