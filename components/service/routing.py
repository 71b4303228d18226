"""A routed service's way in: ingress from the ALB, its target group and its listener rule."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    dependencies: list[pulumi.Resource] = field(default_factory=list)
    # blueGreen/canary/linear: the group green starts in; ECS alternates production between the two.
    alternate_target_group: aws.lb.TargetGroup | None = None


def attach_route(
    parent: pulumi.Resource,
    name: str,
    service: ServiceSettings,
    route: RouteTarget,
    args: RouteArgs,
) -> RoutedService:
    """A rolling service's way in: one target group, one rule forwarding to it."""
    allow_from_load_balancer(parent, name, service, route, args)
    group = target_group(parent, f"{name}-tg", [name], service, args)
    rule = aws.lb.ListenerRule(
        f"{name}-route",
        listener_arn=route.listener_arn,
        priority=route_priority(service),
        conditions=route_conditions(service),
        actions=[{"type": "forward", "target_group_arn": group.arn}],
        tags=args.naming.tags(name),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return RoutedService(group, rule, [load_balancer_entry(name, service, group)])


def route_target(name: str, service: ServiceSettings) -> tuple[str, int]:
    """(container, port) the ALB sends to: `routing.targetContainer` (a sidecar with a port,
    like an nginx in front) or the service's own container on its port."""
    assert service.routing is not None and service.port is not None  # routed services only
    target = service.routing.target_container
    sidecar = next((s for s in service.sidecars if s.name == target), None)
    if sidecar is not None and sidecar.port is not None:
        return sidecar.name, sidecar.port
    return name, service.port


def allow_from_load_balancer(
    parent: pulumi.Resource,
    name: str,
    service: ServiceSettings,
    route: RouteTarget,
    args: RouteArgs,
) -> aws.vpc.SecurityGroupIngressRule:
    _, port = route_target(name, service)
    return aws.vpc.SecurityGroupIngressRule(
        f"{name}-from-alb",
        security_group_id=args.security_group_id,
        referenced_security_group_id=route.security_group_id,
        ip_protocol="tcp",
        from_port=port,
        to_port=port,
        description="container port from the load balancer",
        tags=args.naming.tags(name, "from-alb"),
        opts=pulumi.ResourceOptions(parent=parent),
    )


def target_group(
    parent: pulumi.Resource,
    logical_name: str,
    name_parts: list[str],
    service: ServiceSettings,
    args: RouteArgs,
) -> aws.lb.TargetGroup:
    """An ip target group (awsvpc tasks) on the target container's port with the service's
    health check."""
    _, port = route_target(name_parts[0], service)
    health = service.health_check
    return aws.lb.TargetGroup(
        logical_name,
        name=args.naming.physical("target-group", *name_parts, str(port)),
        target_type="ip",
        protocol="HTTP",
        port=port,
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
        tags=args.naming.tags(*name_parts),
        opts=pulumi.ResourceOptions(parent=parent),
    )


def route_priority(service: ServiceSettings) -> int:
    assert service.routing is not None  # routed services only
    return service.routing.priority


def route_conditions(service: ServiceSettings) -> list[dict[str, Any]]:
    assert service.routing is not None  # routed services only
    conditions: list[dict[str, Any]] = []
    if service.routing.path_patterns:
        conditions.append({"path_pattern": {"values": service.routing.path_patterns}})
    if service.routing.host_headers:
        conditions.append({"host_header": {"values": service.routing.host_headers}})
    return conditions


def load_balancer_entry(
    name: str, service: ServiceSettings, group: aws.lb.TargetGroup
) -> dict[str, Any]:
    container, port = route_target(name, service)
    return {"target_group_arn": group.arn, "container_name": container, "container_port": port}
