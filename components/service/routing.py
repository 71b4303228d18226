"""A routed service's way in: ingress from the ALB, its target group and its listener rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.common.naming import Naming
from components.load_balancer import RouteTarget
from settings.service import ServiceSettings


@dataclass(frozen=True)
class RouteArgs:
    naming: Naming
    vpc_id: pulumi.Input[str]
    security_group_id: pulumi.Input[str]


@dataclass(frozen=True)
class RoutedService:
    target_group: aws.lb.TargetGroup
    rule: aws.lb.ListenerRule
    load_balancers: list[dict[str, Any]]


def attach_route(
    parent: pulumi.Resource,
    name: str,
    service: ServiceSettings,
    route: RouteTarget,
    args: RouteArgs,
) -> RoutedService:
    naming = args.naming
    child = pulumi.ResourceOptions(parent=parent)
    assert service.routing is not None and service.port is not None  # routed services only
    aws.vpc.SecurityGroupIngressRule(
        f"{name}-from-alb",
        security_group_id=args.security_group_id,
        referenced_security_group_id=route.security_group_id,
        ip_protocol="tcp",
        from_port=service.port,
        to_port=service.port,
        description="container port from the load balancer",
        tags=naming.tags(name, "from-alb"),
        opts=child,
    )
    health = service.health_check
    target_group = aws.lb.TargetGroup(
        f"{name}-tg",
        name=naming.physical("target-group", name, str(service.port)),
        target_type="ip",
        protocol="HTTP",
        port=service.port,
        vpc_id=args.vpc_id,
        deregistration_delay=service.deregistration_delay_seconds,
        health_check={
            "enabled": True,
            "path": health.path,
            "matcher": health.matcher,
            "interval": health.interval_seconds,
            "timeout": health.timeout_seconds,
            "healthy_threshold": health.healthy_threshold,
            "unhealthy_threshold": health.unhealthy_threshold,
        },
        tags=naming.tags(name),
        opts=child,
    )
    conditions: list[dict[str, Any]] = []
    if service.routing.path_patterns:
        conditions.append({"path_pattern": {"values": service.routing.path_patterns}})
    if service.routing.host_headers:
        conditions.append({"host_header": {"values": service.routing.host_headers}})
    rule = aws.lb.ListenerRule(
        f"{name}-route",
        listener_arn=route.listener_arn,
        priority=service.routing.priority,
        conditions=conditions,
        actions=[{"type": "forward", "target_group_arn": target_group.arn}],
        tags=naming.tags(name),
        opts=child,
    )
    load_balancers = [
        {
            "target_group_arn": target_group.arn,
            "container_name": name,
            "container_port": service.port,
        }
    ]
    return RoutedService(target_group, rule, load_balancers)
