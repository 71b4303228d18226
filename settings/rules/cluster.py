"""Rules across `cluster` keys: capacity provider strategies and EC2 pools."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from settings.rules.problem import Problem, join_path, production_retention

if TYPE_CHECKING:
    from settings.cluster import Ec2PoolSettings, StrategyItem
    from settings.managed_instances import ManagedInstancePoolSettings
    from settings.platform import PlatformSettings

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
RESERVED_PROVIDER_PREFIXES = ("aws", "ecs", "fargate")


def instance_architecture(instance_type: str) -> str | None:
    """arm64 for Graviton families (a `g` among the attributes after the generation: t4g, c7gn,
    a1), x86_64 for the others, None if the name cannot be read."""
    match = re.match(r"^([a-z]+)(\d+)([a-z-]*)\.", instance_type)
    if match is None:
        return None
    family, _, attributes = match.groups()
    if family == "a" or "g" in attributes.split("-")[0]:
        return "arm64"
    return "x86_64"


def strategy_problems(
    path: list[str | int],
    strategy: Sequence[StrategyItem],
    *,
    architecture: str,
    pools: Sequence[Ec2PoolSettings],
    managed_pools: Sequence[ManagedInstancePoolSettings] = (),
) -> Iterable[Problem]:
    """ECS's capacity provider strategy rules, for the cluster default and for services."""
    pool_names = {pool.name for pool in pools}
    managed_names = {pool.name for pool in managed_pools}
    known = set(FARGATE_PROVIDERS) | pool_names | managed_names
    for index, item in enumerate(strategy):
        if item.provider not in known:
            yield Problem(
                join_path([*path, index, "provider"]),
                f"unknown capacity provider {item.provider!r} (known: {', '.join(sorted(known))})",
            )
        if item.provider == "FARGATE_SPOT" and architecture == "arm64":
            yield Problem(
                join_path([*path, index, "provider"]),
                "FARGATE_SPOT runs only x86_64 Linux tasks, but the tasks are arm64",
            )
    providers = [item.provider for item in strategy]
    duplicates = sorted({p for p in providers if providers.count(p) > 1})
    if duplicates:
        yield Problem(join_path(path), f"provider listed twice: {', '.join(duplicates)}")
    fargate = [p for p in providers if p in FARGATE_PROVIDERS]
    ec2 = [p for p in providers if p in pool_names]
    if fargate and ec2:
        yield Problem(
            join_path(path),
            f"mixes Fargate ({', '.join(fargate)}) and EC2 pool ({', '.join(ec2)}) providers;"
            " a strategy uses one kind only",
        )
    managed = [p for p in providers if p in managed_names]
    if managed and (fargate or ec2):
        others = ", ".join(fargate + ec2)
        yield Problem(
            join_path(path),
            f"mixes managed instance pool ({', '.join(managed)}) and Fargate or EC2 pool"
            f" ({others}) providers; a strategy uses one kind only",
        )
    with_base = [item.provider for item in strategy if item.base > 0]
    if len(with_base) > 1:
        yield Problem(
            join_path(path),
            f"only one provider may have a base, found {len(with_base)}: {', '.join(with_base)}",
        )
    if strategy and all(item.weight == 0 for item in strategy):
        yield Problem(join_path(path), "every weight is 0; at least one must be above 0")


def cluster_strategy(settings: PlatformSettings) -> Iterable[Problem]:
    cluster = settings.cluster
    yield from strategy_problems(
        ["cluster", "defaultStrategy"],
        cluster.default_strategy,
        architecture=cluster.default_task_architecture,
        pools=cluster.ec2_pools,
        managed_pools=cluster.managed_instance_pools,
    )


def ec2_pools(settings: PlatformSettings) -> Iterable[Problem]:
    names = [pool.name for pool in settings.cluster.ec2_pools]
    for index, pool in enumerate(settings.cluster.ec2_pools):
        path = ["cluster", "ec2Pools", index]
        if names.count(pool.name) > 1:
            yield Problem(join_path([*path, "name"]), f"duplicate pool name {pool.name!r}")
        if pool.name.startswith(RESERVED_PROVIDER_PREFIXES):
            yield Problem(
                join_path([*path, "name"]),
                f"{pool.name!r}: capacity provider names cannot start with aws, ecs or fargate",
            )
        if pool.min_size > pool.max_size:
            yield Problem(
                join_path([*path, "minSize"]),
                f"{pool.min_size} is above maxSize {pool.max_size}",
            )
        if pool.on_demand_base_capacity > pool.max_size:
            yield Problem(
                join_path([*path, "onDemandBaseCapacity"]),
                f"{pool.on_demand_base_capacity} is above maxSize {pool.max_size}",
            )
        if pool.minimum_scaling_step_size > pool.maximum_scaling_step_size:
            yield Problem(
                join_path([*path, "minimumScalingStepSize"]),
                f"{pool.minimum_scaling_step_size} is above maximumScalingStepSize"
                f" {pool.maximum_scaling_step_size}",
            )
        for type_index, instance_type in enumerate(pool.instance_types):
            architecture = instance_architecture(instance_type)
            if architecture is not None and architecture != pool.architecture:
                yield Problem(
                    join_path([*path, "instanceTypes", type_index]),
                    f"{instance_type} is {architecture} but the pool's architecture is"
                    f" {pool.architecture}",
                )
        if pool.ami_release != "latest" and not pool.ami_release.endswith(pool.architecture):
            yield Problem(
                join_path([*path, "amiRelease"]),
                f"{pool.ami_release} is not an {pool.architecture} image (the pool's architecture)",
            )


def production_cluster(settings: PlatformSettings) -> Iterable[Problem]:
    if not settings.is_production:
        return
    cluster = settings.cluster
    if cluster.container_insights == "disabled":
        yield Problem(
            "cluster.containerInsights", "tier production keeps Container Insights on (ECS.12)"
        )
    yield from production_retention("cluster.execLogRetentionDays", cluster.exec_log_retention_days)
    for index, pool in enumerate(cluster.ec2_pools):
        path = ["cluster", "ec2Pools", index]
        if len(pool.instance_types) < 2:
            yield Problem(
                join_path([*path, "instanceTypes"]),
                "tier production needs at least 2 instance types per pool (capacity shortages)",
            )
        if pool.force_delete:
            yield Problem(
                join_path([*path, "forceDelete"]),
                "tier production never terminates instances before ECS drains them",
            )


def production_log_encryption(settings: PlatformSettings) -> Iterable[Problem]:
    if settings.is_production and not settings.log_encryption:
        yield Problem(
            "logEncryption", "tier production encrypts log groups and exec sessions with its key"
        )


RULES = (cluster_strategy, ec2_pools, production_cluster, production_log_encryption)
