"""Rules that span several settings (the per-field checks live on the models).

Each rule returns `Problem`s with the camelCase key path they are about, so the error can name
the exact key in the stack file. Production rules depend on the declared `tier`, never on the
stack's name.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from components.settings import Ec2PoolSettings, PlatformSettings, StrategyItem

FARGATE_PROVIDERS = ("FARGATE", "FARGATE_SPOT")
RESERVED_PROVIDER_PREFIXES = ("aws", "ecs", "fargate")
NO_NAT_ENDPOINTS = ("s3", "ecr.api", "ecr.dkr", "logs")
EC2_POOL_ENDPOINTS = ("ecs", "ecs-agent", "ecs-telemetry")
ALARM_WINDOW_LIMIT_SECONDS = 86400  # periods under an hour: one day
ALARM_WINDOW_LIMIT_LONG_SECONDS = 604800  # hourly periods: one week
PRODUCTION_MIN_AZS = 2
PRODUCTION_MIN_LOG_RETENTION_DAYS = 365


@dataclass(frozen=True)
class Problem:
    path: str
    message: str


def join_path(parts: Sequence[Any]) -> str:
    """("network", "availabilityZones", 1) -> "network.availabilityZones[1]"."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def check(settings: PlatformSettings) -> list[Problem]:
    from components import service_rules  # they build on this module's helpers

    problems: list[Problem] = []
    for rule in (*RULES, *service_rules.RULES):
        problems.extend(rule(settings))
    return problems


def availability_zones_in_region(settings: PlatformSettings) -> Iterable[Problem]:
    for index, zone in enumerate(settings.network.availability_zones):
        if zone[:-1] != settings.region:
            yield Problem(
                join_path(["network", "availabilityZones", index]),
                f"{zone} is not in the stack's region {settings.region} (aws:region)",
            )


def subnets_fit_in_vpc(settings: PlatformSettings) -> Iterable[Problem]:
    """awsx's "Auto" strategy gives each AZ an equal power-of-two block of the VPC and places
    the subnets in it in order, each aligned to its own size."""
    network = settings.network
    vpc = ipaddress.IPv4Network(network.cidr)
    zones = len(network.availability_zones)
    zone_prefix = vpc.prefixlen + math.ceil(math.log2(zones)) if zones > 1 else vpc.prefixlen
    zone_size = 2 ** (32 - zone_prefix)
    offset = 0
    for key, mask in (
        ("publicSubnetMask", network.public_subnet_mask),
        ("privateSubnetMask", network.private_subnet_mask),
    ):
        size = 2 ** (32 - mask)
        offset = math.ceil(offset / size) * size + size
        if offset > zone_size:
            yield Problem(
                join_path(["network", key]),
                f"a /{network.public_subnet_mask} public and a /{network.private_subnet_mask} "
                f"private subnet per AZ do not fit in the /{zone_prefix} that each of {zones} "
                f"AZs gets from {network.cidr}; use larger masks or a larger VPC",
            )
            return


def image_pulls_need_s3(settings: PlatformSettings) -> Iterable[Problem]:
    endpoints = settings.network.endpoints
    if "ecr.dkr" in endpoints and "s3" not in endpoints:
        yield Problem(
            "network.endpoints",
            "ecr.dkr needs the s3 gateway endpoint too (ECR serves image layers from S3)",
        )


def private_subnets_reach_aws_without_nat(settings: PlatformSettings) -> Iterable[Problem]:
    """With no NAT gateway, tasks and instances reach AWS only through endpoints."""
    if settings.network.nat_gateways != "none":
        return
    needed = list(NO_NAT_ENDPOINTS)
    if settings.cluster.ec2_pools:
        needed += EC2_POOL_ENDPOINTS
    missing = [service for service in needed if service not in settings.network.endpoints]
    if missing:
        yield Problem(
            "network.endpoints",
            f"natGateways is none, so private subnets need endpoints for {', '.join(missing)}"
            " (image pulls, logs" + (", ECS agent" if settings.cluster.ec2_pools else "") + ")",
        )


def production_network(settings: PlatformSettings) -> Iterable[Problem]:
    if not settings.is_production:
        return
    network = settings.network
    if len(network.availability_zones) < PRODUCTION_MIN_AZS:
        yield Problem(
            "network.availabilityZones",
            f"tier production needs at least {PRODUCTION_MIN_AZS} availability zones",
        )
    if network.nat_gateways == "single":
        yield Problem(
            "network.natGateways",
            "tier production cannot use a single NAT gateway (one AZ failure cuts all egress); "
            "use one-per-az, or none with VPC endpoints",
        )
    if network.flow_logs.retention_days < PRODUCTION_MIN_LOG_RETENTION_DAYS:
        yield Problem(
            "network.flowLogs.retentionDays",
            f"tier production keeps logs at least {PRODUCTION_MIN_LOG_RETENTION_DAYS} days "
            f"(got {network.flow_logs.retention_days})",
        )


def production_registry(settings: PlatformSettings) -> Iterable[Problem]:
    if not settings.is_production:
        return
    if settings.registry.image_tag_mutability != "IMMUTABLE":
        yield Problem(
            "registry.imageTagMutability",
            "tier production needs IMMUTABLE tags (a deployed tag must not change under you)",
        )
    if settings.registry.force_delete:
        yield Problem("registry.forceDelete", "tier production never force-deletes repositories")


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
) -> Iterable[Problem]:
    """ECS's capacity provider strategy rules, for the cluster default and for services."""
    pool_names = {pool.name for pool in pools}
    known = set(FARGATE_PROVIDERS) | pool_names
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


def production_cluster(settings: PlatformSettings) -> Iterable[Problem]:
    if not settings.is_production:
        return
    cluster = settings.cluster
    if cluster.container_insights == "disabled":
        yield Problem(
            "cluster.containerInsights", "tier production keeps Container Insights on (ECS.12)"
        )
    if cluster.exec_log_retention_days < PRODUCTION_MIN_LOG_RETENTION_DAYS:
        yield Problem(
            "cluster.execLogRetentionDays",
            f"tier production keeps logs at least {PRODUCTION_MIN_LOG_RETENTION_DAYS} days"
            f" (got {cluster.exec_log_retention_days})",
        )
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


def load_balancer_listeners(settings: PlatformSettings) -> Iterable[Problem]:
    balancer = settings.load_balancer
    if balancer.certificate_arn is None and not balancer.allow_plain_http:
        yield Problem(
            "loadBalancer.certificateArn",
            "required: HTTPS needs a certificate (or set allowPlainHttp: true in development)",
        )
    if balancer.certificate_arn and balancer.certificate_arn.split(":")[3] != settings.region:
        yield Problem(
            "loadBalancer.certificateArn",
            f"the certificate must be in the stack's region {settings.region} (aws:region)",
        )
    if not settings.is_production:
        return
    if balancer.allow_plain_http:
        yield Problem("loadBalancer.allowPlainHttp", "tier production serves HTTPS only")
    if not balancer.deletion_protection:
        yield Problem(
            "loadBalancer.deletionProtection", "tier production turns deletion protection on"
        )
    if not balancer.access_logs.enabled:
        yield Problem("loadBalancer.accessLogs.enabled", "tier production keeps access logs")


def alarm_windows(settings: PlatformSettings) -> Iterable[Problem]:
    alarms = settings.alarms
    windows: list[tuple[list[str | int], int, int]] = [
        (
            ["alarms", "thresholds"],
            alarms.thresholds.evaluation_periods,
            alarms.thresholds.datapoints_to_alarm,
        ),
        *[
            (["alarms", "custom", index], custom.evaluation_periods, custom.datapoints_to_alarm)
            for index, custom in enumerate(alarms.custom)
        ],
    ]
    periods_of = [alarms.thresholds.period_seconds, *(c.period_seconds for c in alarms.custom)]
    for (path, periods, datapoints), period in zip(windows, periods_of, strict=True):
        if datapoints > periods:
            yield Problem(
                join_path([*path, "datapointsToAlarm"]),
                f"{datapoints} is more than evaluationPeriods {periods}",
            )
        limit = ALARM_WINDOW_LIMIT_SECONDS if period < 3600 else ALARM_WINDOW_LIMIT_LONG_SECONDS
        if period * periods > limit:
            yield Problem(
                join_path([*path, "evaluationPeriods"]),
                f"{periods} periods of {period}s exceed CloudWatch's {limit}s alarm window",
            )
    names = [custom.name for custom in alarms.custom]
    reserved = (
        "alb-",
        *(f"{s}-" for s in settings.services),
        *(f"{p.name}-" for p in settings.cluster.ec2_pools),
    )
    for index, name in enumerate(names):
        if names.count(name) > 1:
            yield Problem(join_path(["alarms", "custom", index, "name"]), f"duplicate {name!r}")
        if name.startswith(reserved):
            yield Problem(
                join_path(["alarms", "custom", index, "name"]),
                f"{name!r} could clash with a built-in alarm (names starting alb-, a service"
                " name or a pool name are taken)",
            )
    if settings.is_production:
        if not alarms.actions_enabled:
            yield Problem("alarms.actionsEnabled", "tier production never mutes alarms")
        if not alarms.notify.emails and not alarms.notify.https_endpoints:
            yield Problem("alarms.notify", "tier production needs at least one subscriber")


RULES: tuple[Callable[[PlatformSettings], Iterable[Problem]], ...] = (
    availability_zones_in_region,
    subnets_fit_in_vpc,
    image_pulls_need_s3,
    private_subnets_reach_aws_without_nat,
    production_network,
    production_registry,
    cluster_strategy,
    ec2_pools,
    production_cluster,
    load_balancer_listeners,
    alarm_windows,
)
