"""The environment's CloudWatch dashboard body, built from the services and pools it has.

A service gets ALB widgets only when it has a route, and a queue widget only when it scales on
a queue: the dashboard references no metric the service cannot have."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

import pulumi

WIDTH, HEIGHT = 8, 6


@dataclass(frozen=True)
class DashboardService:
    name: str
    target_group_suffix: pulumi.Input[str] | None = None
    queue_name: str | None = None
    running_tasks: bool = True  # Container Insights publishes RunningTaskCount

    def resolved(self, target_group_suffix: str | None) -> DashboardService:
        return dataclasses.replace(self, target_group_suffix=target_group_suffix)


@dataclass(frozen=True)
class PoolMetrics:
    name: str
    capacity_provider_name: str
    auto_scaling_group_name: str


def _widget(title: str, region: str, metrics: list[list[Any]], stat: str) -> dict[str, Any]:
    return {
        "type": "metric",
        "width": WIDTH,
        "height": HEIGHT,
        "properties": {
            "title": title,
            "region": region,
            "view": "timeSeries",
            "stat": stat,
            "period": 60,
            "metrics": metrics,
        },
    }


def dashboard_body(
    *,
    region: str,
    cluster_name: str,
    load_balancer_suffix: str,
    services: list[DashboardService],
    pools: list[PoolMetrics],
) -> str:
    widgets: list[dict[str, Any]] = []
    for service in services:
        ecs = ["ClusterName", cluster_name, "ServiceName", service.name]
        widgets += [
            _widget(
                f"{service.name}: CPU %", region, [["AWS/ECS", "CPUUtilization", *ecs]], "Average"
            ),
            _widget(
                f"{service.name}: memory %",
                region,
                [["AWS/ECS", "MemoryUtilization", *ecs]],
                "Average",
            ),
        ]
        if service.running_tasks:
            widgets.append(
                _widget(
                    f"{service.name}: running tasks",
                    region,
                    [["ECS/ContainerInsights", "RunningTaskCount", *ecs]],
                    "Average",
                )
            )
        if service.target_group_suffix is not None:
            alb = ["LoadBalancer", load_balancer_suffix, "TargetGroup", service.target_group_suffix]
            widgets += [
                _widget(
                    f"{service.name}: requests and 5xx",
                    region,
                    [
                        ["AWS/ApplicationELB", "RequestCount", *alb],
                        ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", *alb],
                    ],
                    "Sum",
                ),
                _widget(
                    f"{service.name}: p99 latency (s)",
                    region,
                    [["AWS/ApplicationELB", "TargetResponseTime", *alb]],
                    "p99",
                ),
            ]
        if service.queue_name is not None:
            queue = ["QueueName", service.queue_name]
            widgets.append(
                _widget(
                    f"{service.name}: queue",
                    region,
                    [
                        ["AWS/SQS", "ApproximateNumberOfMessagesVisible", *queue],
                        ["AWS/SQS", "ApproximateAgeOfOldestMessage", *queue],
                    ],
                    "Maximum",
                )
            )
    for pool in pools:
        widgets += [
            _widget(
                f"pool {pool.name}: reservation %",
                region,
                [
                    [
                        "AWS/ECS/ManagedScaling",
                        "CapacityProviderReservation",
                        "CapacityProviderName",
                        pool.capacity_provider_name,
                        "ClusterName",
                        cluster_name,
                    ]
                ],
                "Maximum",
            ),
            _widget(
                f"pool {pool.name}: instances",
                region,
                [
                    [
                        "AWS/AutoScaling",
                        "GroupInServiceInstances",
                        "AutoScalingGroupName",
                        pool.auto_scaling_group_name,
                    ]
                ],
                "Average",
            ),
        ]
    return json.dumps({"widgets": widgets}, indent=1)
