"""What a cost estimate holds (items, service lines, totals) and the pricer that adds items."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from cost.price_table import PriceTable
from harness.records import RecordedResource

EXCLUDED = (
    "data transfer between AZs and beyond the first internet tier",
    "Container Insights and custom metrics",
    "tasks and instances above their desired or minimum count (autoscaling)",
    "S3 storage and requests, SNS, KMS and Secrets Manager requests",
    "free tiers (not deducted)",
)
# `ecs-platform prices` adds EC2 instance types a price file lacks.
ADD_INSTANCE_TYPE = "ecs-platform prices {region} --instance-type {instance_type}"


@dataclass
class CostItem:
    component: str
    what: str
    quantity: float
    price_key: str
    unit_price: float | None
    monthly: float | None
    usage: bool = False  # usage-based (from the usage inputs), not fixed
    left_out: bool = False  # the price file records its price as not found (NOT FOUND)
    resource: str = ""  # URN of the resource it prices


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
    # Capacity provider -> the fraction of that EC2 or Managed Instances pool's fixed cost
    # this service bears (by reserved CPU and memory; cost/shares.py), included in `monthly`.
    pool_shares: dict[str, float] = field(default_factory=dict)


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
        """Items the price file has no figure for (a key or instance type it lacks)."""
        return [item for item in self.items if item.monthly is None and not item.left_out]

    @property
    def left_out(self) -> list[CostItem]:
        """Items whose price the file records as looked for and not found (not guessed)."""
        return [item for item in self.items if item.monthly is None and item.left_out]

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


class Pricer:
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
        left_out = unit is None and self.table.status(key, variant) == "not found"
        item = CostItem(
            self.component(resource), what, quantity, label, unit, monthly, usage, left_out,
            resource.urn,
        )  # fmt: skip
        self.items.append(item)
        return item


def iter_left_out(estimate_: Estimate) -> Iterator[str]:
    """One line per item left out because its price was looked for and not found."""
    table = estimate_.table
    for item in estimate_.left_out:
        yield (f"{item.what} ({item.price_key}): no {table.region} price found, see {table.path}")


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
