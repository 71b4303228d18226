"""AWS quotas: counts the stack would create, against the account's (`quotas`) limits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.quotas import (
    CAPACITY_PROVIDERS_PER_CLUSTER,
    DEFAULT_TASK_EGRESS_RULES,
    SCHEDULED_ACTIONS_PER_TARGET,
    TASK_SECURITY_GROUPS,
)
from settings.rules.problem import Problem

if TYPE_CHECKING:
    from settings.platform import PlatformSettings


def _over(path: str, what: str, count: int, limit: int, key: str | None) -> Iterable[Problem]:
    if count > limit:
        raise_it = f" (raise it with AWS, then set quotas.{key})" if key else " (not adjustable)"
        yield Problem(path, f"{count} {what}, above the quota of {limit}{raise_it}")


def load_balancer(settings: PlatformSettings) -> Iterable[Problem]:
    quotas, config = settings.config.quotas, settings.config
    routed = [name for name, s in config.services.items() if s.routing is not None]
    yield from _over(
        "services", "listener rules", len(routed), quotas.listener_rules, "listenerRules"
    )
    yield from _over("services", "target groups", len(routed), quotas.target_groups, "targetGroups")
    if config.load_balancer.existing is not None:
        return  # the team's ALB and its security group
    ports = 2 if config.load_balancer.serves_https else 1
    inbound = len(config.load_balancer.ingress_cidrs) * ports
    yield from _over(
        "loadBalancer.ingressCidrs",
        "inbound rules on the ALB security group",
        inbound,
        quotas.security_group_rules,
        "securityGroupRules",
    )


def services(settings: PlatformSettings) -> Iterable[Problem]:
    quotas = settings.config.quotas
    for name, service in settings.config.services.items():
        inbound = len(service.allow_from) + (1 if service.routing is not None else 0)
        yield from _over(
            f"services.{name}.allowFrom",
            "inbound rules on the service's security group",
            inbound,
            quotas.security_group_rules,
            "securityGroupRules",
        )
        # AWS counts one rule per destination CIDR or prefix list (a prefix list counts as its
        # max entries, unknown here: one is the least it can be)
        outbound = (
            DEFAULT_TASK_EGRESS_RULES
            + sum(len(extra.cidrs) + len(extra.prefix_list_ids) for extra in service.egress)
            # NFS to EFS mount targets: one rule to the VPC, one to the stack's file system
            + any(v.existing_efs is not None for v in service.volumes)
            + any(v.creates_file_system for v in service.volumes)
        )
        yield from _over(
            f"services.{name}.egress",
            "outbound rules on the service's security group",
            outbound,
            quotas.security_group_rules,
            "securityGroupRules",
        )
        schedules = len(service.scaling.schedules) if service.scaling else 0
        yield from _over(
            f"services.{name}.scaling.schedules",
            "scheduled actions",
            schedules,
            SCHEDULED_ACTIONS_PER_TARGET,
            None,
        )


def task_security_groups(settings: PlatformSettings) -> Iterable[Problem]:
    """ECS takes at most 5 security groups per awsvpc task (task-networking-awsvpc.md,
    AwsVpcConfiguration): a service's or job's own and 4 more."""
    for section, name, task in settings.workloads:
        yield from _over(
            f"{section}.{name}.securityGroups",
            "security groups besides the task's own (ECS takes 5 per task)",
            len(task.security_groups),
            TASK_SECURITY_GROUPS - 1,
            None,
        )


def cluster(settings: PlatformSettings) -> Iterable[Problem]:
    providers = 2 + len(settings.config.cluster.pool_names)  # FARGATE, FARGATE_SPOT, the pools
    yield from _over(
        "cluster.ec2Pools",
        "capacity providers on the cluster (FARGATE, FARGATE_SPOT and each pool)",
        providers,
        CAPACITY_PROVIDERS_PER_CLUSTER,
        None,
    )


RULES = (load_balancer, services, task_security_groups, cluster)
