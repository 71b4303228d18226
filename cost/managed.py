"""What an ECS Managed Instances pool costs at its minimum: pure helpers for cost/compute.py.

ECS picks the instance types itself, so the estimate takes the cheapest type in the price file
that meets the pool's requirements (vCPUs, memory, CPU makers, allow-list) and counts the
instances the pool's tasks need at their desired count (none when no task runs there: a pool
without tasks scales to zero). Each instance also pays the Managed Instances management fee,
which AWS prices per instance type (price-file key `managedInstancesFeeHour`).
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# vCPUs, memory (MiB) and CPU maker of the instance types the price files list. Sources:
# instance-type tables in public repositories (github.com/Fred78290/autoscaled-masterkube-aws
# templates/machines/arm64.json: t4g.nano 2/512, t4g.small 2/2048, t4g.medium 2/4096,
# m6g.large 2/8192; gist.github.com/loretoparisi/905c454228e8ac84b97b77c527018e31 and
# public price tables for m7g.large 2/8 GiB, c7g.xlarge 4/8 GiB, t3.small 2/2 GiB,
# c6a.2xlarge 8/16 GiB). Graviton (amazon-web-services) for the g families, Intel for t3,
# AMD for c6a.
INSTANCE_SPECS: dict[str, tuple[int, int, str]] = {
    "t4g.nano": (2, 512, "amazon-web-services"),
    "t4g.small": (2, 2048, "amazon-web-services"),
    "t4g.medium": (2, 4096, "amazon-web-services"),
    "m7g.large": (2, 8192, "amazon-web-services"),
    "m6g.large": (2, 8192, "amazon-web-services"),
    "c7g.xlarge": (4, 8192, "amazon-web-services"),
    "t3.small": (2, 2048, "intel"),
    "c6a.2xlarge": (8, 16384, "amd"),
}


@dataclass(frozen=True)
class Fit:
    instance_type: str
    hourly: float
    vcpu: int
    memory_mib: int


def _within(value: int, bounds: Mapping[str, Any] | None) -> bool:
    bounds = bounds or {}
    low, high = bounds.get("min"), bounds.get("max")
    return (low is None or value >= int(low)) and (high is None or value <= int(high))


def fits(instance_type: str, requirements: Mapping[str, Any]) -> bool:
    """Whether ECS could pick `instance_type` for these `instanceRequirements`."""
    spec = INSTANCE_SPECS.get(instance_type)
    if spec is None:
        return False
    vcpu, memory, maker = spec
    allowed = requirements.get("allowedInstanceTypes") or ["*"]
    makers = requirements.get("cpuManufacturers") or [maker]
    return (
        _within(vcpu, requirements.get("vcpuCount"))
        and _within(memory, requirements.get("memoryMib"))
        and maker in makers
        and any(fnmatch.fnmatchcase(instance_type, pattern) for pattern in allowed)
        and not requirements.get("acceleratorCount")  # no GPU type is in the price files
    )


def cheapest_fit(requirements: Mapping[str, Any], hourly_prices: Mapping[str, Any]) -> Fit | None:
    """The cheapest priced instance type that meets the requirements, or None."""
    candidates = [
        Fit(name, float(price), *INSTANCE_SPECS[name][:2])
        for name, price in hourly_prices.items()
        if isinstance(price, int | float) and fits(name, requirements)
    ]
    return min(candidates, key=lambda fit: (fit.hourly, fit.instance_type), default=None)


def instances_needed(fit: Fit, tasks: Iterable[tuple[float, float, float]]) -> int:
    """Instances of `fit` for (count, vCPU, MiB) task groups: enough vCPUs and memory in all,
    at least one while any task runs (bin packing may need more; this is the minimum)."""
    groups = [(count, vcpu, mib) for count, vcpu, mib in tasks if count > 0]
    if not groups:
        return 0
    vcpus = sum(count * vcpu for count, vcpu, _ in groups)
    memory = sum(count * mib for count, _, mib in groups)
    return max(1, math.ceil(vcpus / fit.vcpu), math.ceil(memory / fit.memory_mib))
