"""Each service's share of the EC2 and Managed Instances pools its tasks run on.

A pool's instances are priced once, on the pool (cost/compute.py). A service placed on a pool
then shows the part of that fixed cost its tasks reserve: half by reserved vCPU, half by
reserved memory, among all the tasks the services place on the pool at their desired count. The
shares of one pool add up to 1, so the service lines of a pool add up to the pool's cost; the
estimate's totals are unchanged (they come from the items).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from cost.model import CostItem, ServiceLine
from harness.records import RecordedResource

CAPACITY_PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
GROUP = "aws:autoscaling/group:Group"


def pool_resources(resources: Sequence[RecordedResource]) -> dict[str, str]:
    """Capacity provider name -> URN of the resource its instances are priced on: the Auto
    Scaling group of an ASG provider, the provider itself for Managed Instances."""
    groups = {r.outputs.get("arn"): r.urn for r in resources if r.type == GROUP}
    pools: dict[str, str] = {}
    for provider in (r for r in resources if r.type == CAPACITY_PROVIDER):
        name = str(provider.inputs.get("name") or provider.name)
        if provider.inputs.get("managedInstancesProvider"):
            pools[name] = provider.urn
            continue
        arn = (provider.inputs.get("autoScalingGroupProvider") or {}).get("autoScalingGroupArn")
        if arn in groups:
            pools[name] = groups[arn]
    return pools


def pool_cost(items: Sequence[CostItem], urn: str) -> float | None:
    """The fixed monthly cost priced on `urn`; None when an item of it is unpriced (an item
    left out, such as an unpublished management fee, counts as nothing)."""
    own = [i for i in items if i.resource == urn and not i.usage and not i.left_out]
    if any(i.monthly is None for i in own):
        return None
    return sum(i.monthly or 0.0 for i in own)


def shares(lines: dict[str, ServiceLine], provider: str) -> dict[str, float]:
    """Service -> its fraction of `provider`'s pool, by reserved vCPU and memory."""
    cpu = {n: line.placed.get(provider, 0.0) * line.vcpu for n, line in lines.items()}
    memory = {n: line.placed.get(provider, 0.0) * line.gib for n, line in lines.items()}
    parts = [(part, sum(part.values())) for part in (cpu, memory) if sum(part.values()) > 0]
    if not parts:
        return {}
    return {
        name: sum(part[name] / total for part, total in parts) / len(parts)
        for name in lines
        if lines[name].placed.get(provider, 0.0) > 0
    }


def with_pool_shares(
    lines: dict[str, ServiceLine],
    items: Sequence[CostItem],
    resources: Sequence[RecordedResource],
) -> dict[str, ServiceLine]:
    """The service lines with each one's pool shares added to its monthly cost."""
    result = dict(lines)
    for provider, urn in pool_resources(resources).items():
        cost = pool_cost(items, urn)
        for name, fraction in shares(lines, provider).items():
            line = result[name]
            monthly = (
                None if line.monthly is None or cost is None else line.monthly + fraction * cost
            )
            result[name] = dataclasses.replace(
                line, monthly=monthly, pool_shares={**line.pool_shares, provider: fraction}
            )
    return result
