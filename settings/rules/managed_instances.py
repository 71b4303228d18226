"""Rules for `cluster.managedInstancePools` and the services placed on them.

What AWS refuses (docs.aws.amazon.com/AmazonECS/latest/developerguide/ManagedInstances.html:
Linux containers only; API_ManagedInstancesNetworkConfiguration: network modes awsvpc, host and
none; the platform always uses awsvpc and never sets `launchType`, whose keys do not exist in a
stack file and are refused as unknown). Strategy mixes are refused by the cluster rules
(settings/rules/cluster.py `strategy_problems`).

The production rule about instance lifetime: ECS drains every managed instance 14 days after
launch and terminates it by day 21 at the latest, earlier for patches or hardware faults
(docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-patching.html). A
service's tasks are then replaced within its deployment limits: with one task and
`minHealthyPercent` below 100, ECS stops the task before its replacement runs, so a production
service there keeps `minHealthyPercent: 100` or runs at least two tasks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.managed_instances import MANUFACTURER_ARCHITECTURE
from settings.rules.cluster import RESERVED_PROVIDER_PREFIXES, instance_architecture
from settings.rules.problem import Problem, join_path

if TYPE_CHECKING:
    from settings.managed_instances import CountRange, ManagedInstancePoolSettings
    from settings.platform import PlatformSettings
    from settings.service import ServiceSettings

PRODUCTION_MIN_TASKS_WITHOUT_FULL_HEALTH = 2


def _range(path: list[str | int], value: CountRange | None) -> Iterable[Problem]:
    if value is not None and value.max is not None and value.min > value.max:
        yield Problem(join_path([*path, "min"]), f"{value.min} is above max {value.max}")


def _architecture(path: list[str | int], pool: ManagedInstancePoolSettings) -> Iterable[Problem]:
    for index, maker in enumerate(pool.cpu_manufacturers):
        if MANUFACTURER_ARCHITECTURE[maker] != pool.architecture:
            yield Problem(
                join_path([*path, "cpuManufacturers", index]),
                f"{maker} builds {MANUFACTURER_ARCHITECTURE[maker]} CPUs but the pool's"
                f" architecture is {pool.architecture}",
            )
    for index, instance_type in enumerate(pool.instance_types):
        architecture = instance_architecture(instance_type)  # None for patterns like m6*.*
        if architecture is not None and architecture != pool.architecture:
            yield Problem(
                join_path([*path, "instanceTypes", index]),
                f"{instance_type} is {architecture} but the pool's architecture is"
                f" {pool.architecture}",
            )


def managed_pools(settings: PlatformSettings) -> Iterable[Problem]:
    names = settings.cluster.pool_names
    for index, pool in enumerate(settings.cluster.managed_instance_pools):
        path: list[str | int] = ["cluster", "managedInstancePools", index]
        if names.count(pool.name) > 1:
            yield Problem(
                join_path([*path, "name"]),
                f"duplicate pool name {pool.name!r} (names are unique across ec2Pools and"
                " managedInstancePools: each is a capacity provider)",
            )
        if pool.name.startswith(RESERVED_PROVIDER_PREFIXES):
            yield Problem(
                join_path([*path, "name"]),
                f"{pool.name!r}: capacity provider names cannot start with aws, ecs or fargate",
            )
        yield from _range([*path, "vcpu"], pool.vcpu)
        yield from _range([*path, "memoryMib"], pool.memory_mib)
        yield from _range([*path, "gpus"], pool.gpus)
        yield from _architecture(path, pool)


def _fits(
    name: str, service: ServiceSettings, pool: ManagedInstancePoolSettings
) -> Iterable[Problem]:
    """A task larger than the pool's largest instance is never placed."""
    if pool.vcpu.max is not None and service.cpu > pool.vcpu.max * 1024:
        yield Problem(
            join_path(["services", name, "cpu"]),
            f"{service.cpu} CPU units do not fit pool {pool.name} (at most {pool.vcpu.max} vCPUs"
            f" = {pool.vcpu.max * 1024} units per instance)",
        )
    if pool.memory_mib.max is not None and service.memory > pool.memory_mib.max:
        yield Problem(
            join_path(["services", name, "memory"]),
            f"{service.memory} MiB does not fit pool {pool.name} (at most"
            f" {pool.memory_mib.max} MiB per instance)",
        )


def managed_placement(settings: PlatformSettings) -> Iterable[Problem]:
    """Services on managed instance pools: architecture and size must fit the pools (Windows is
    refused by the service rules: Windows tasks run on Fargate only)."""
    for name, service in settings.services.items():
        found = settings.placement(service)
        if found is None:
            continue  # the service rules report the unknown capacity
        architecture = settings.architecture(service)
        for pool in found.managed_pools:
            if pool.architecture != architecture:
                yield Problem(
                    join_path(["services", name, "architecture"]),
                    f"{architecture} tasks cannot run on managed instance pool {pool.name}"
                    f" ({pool.architecture})",
                )
            yield from _fits(name, service, pool)


def production_instance_lifetime(settings: PlatformSettings) -> Iterable[Problem]:
    if not settings.is_production:
        return
    for name, service in settings.services.items():
        found = settings.placement(service)
        if found is None or not found.managed_pools:
            continue
        if (
            service.min_healthy_percent < 100
            and service.minimum_tasks < PRODUCTION_MIN_TASKS_WITHOUT_FULL_HEALTH
        ):
            yield Problem(
                join_path(["services", name, "minHealthyPercent"]),
                f"{service.min_healthy_percent}: managed instances are drained 14 days after"
                " launch (by day 21 at the latest, earlier for patches), and with fewer than 2"
                " tasks ECS would stop this one before its replacement runs; tier production"
                " keeps minHealthyPercent: 100 here, or runs at least 2 tasks",
            )


RULES = (managed_pools, managed_placement, production_instance_lifetime)
