"""The environment's CloudWatch dashboard body, built from the services and pools it has.

A service gets ALB widgets only when it has a route, a queue widget only when it has a queue,
and a dead-letter widget only when the platform created that queue (with its dead-letter queue):
the dashboard references no metric the service cannot have."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

WIDTH, HEIGHT = 8, 6
MAX_WIDGETS = 500  # CloudWatch service quotas: "up to 500 widgets per dashboard"
POOL_WIDGETS = 2
MANAGED_POOL_WIDGETS = 2
# Container Insights metrics of ECS Managed Instances, per capacity provider
# (docs.aws.amazon.com/AmazonECS/latest/developerguide/additional-metrics-managed-instances.html).
CONTAINER_INSIGHTS = "ECS/ContainerInsights"


@dataclass(frozen=True)
class DashboardService:
    name: str
    target_group_suffix: pulumi.Input[str] | None = None
    queue_name: str | None = None
    dead_letter_queue_name: str | None = None  # a created queue's DLQ
    running_tasks: bool = True  # Container Insights publishes RunningTaskCount

    def resolved(self, target_group_suffix: str | None) -> DashboardService:
        return dataclasses.replace(self, target_group_suffix=target_group_suffix)


@dataclass(frozen=True)
class DashboardJob:
    """A job's state machine: its runs, failures and duration (AWS/States)."""

    name: str
    state_machine_arn: pulumi.Input[str]

    def resolved(self, state_machine_arn: str) -> DashboardJob:
        return dataclasses.replace(self, state_machine_arn=state_machine_arn)


@dataclass(frozen=True)
class PoolMetrics:
    name: str
    capacity_provider_name: str
    auto_scaling_group_name: str


@dataclass(frozen=True)
class ManagedPoolMetrics:
    name: str
    capacity_provider_name: str


def _widget(
    title: str, region: str, metrics: list[list[Any]], stat: str, period: int = 60
) -> dict[str, Any]:
    return {
        "type": "metric",
        "width": WIDTH,
        "height": HEIGHT,
        "properties": {
            "title": title,
            "region": region,
            "view": "timeSeries",
            "stat": stat,
            "period": period,
            "metrics": metrics,
        },
    }


def _service_widgets(
    service: DashboardService, region: str, cluster_name: str, load_balancer_suffix: str
) -> list[dict[str, Any]]:
    ecs = ["ClusterName", cluster_name, "ServiceName", service.name]
    widgets = [
        _widget(f"{service.name}: CPU %", region, [["AWS/ECS", "CPUUtilization", *ecs]], "Average"),
        _widget(
            f"{service.name}: memory %", region, [["AWS/ECS", "MemoryUtilization", *ecs]], "Average"
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
    if service.dead_letter_queue_name is not None:
        dead_letter = ["QueueName", service.dead_letter_queue_name]
        widgets.append(
            _widget(
                f"{service.name}: dead-letter queue",
                region,
                [["AWS/SQS", "ApproximateNumberOfMessagesVisible", *dead_letter]],
                "Maximum",
            )
        )
    return widgets


JOB_WIDGETS = 3
JOB_PERIOD = 300  # runs are minutes apart at most: 5-minute points stay readable over a week


def _job_widgets(job: DashboardJob, region: str) -> list[dict[str, Any]]:
    """Runs, failures and duration of one job (AWS/States execution metrics by StateMachineArn,
    Step Functions Developer Guide, procedure-cw-metrics.md; ExecutionTime in milliseconds)."""
    machine = ["StateMachineArn", job.state_machine_arn]

    def states(metric: str, *options: dict[str, Any]) -> list[Any]:
        return ["AWS/States", metric, *machine, *options]

    return [
        _widget(
            f"job {job.name}: runs",
            region,
            [states("ExecutionsStarted"), states("ExecutionsSucceeded")],
            "Sum",
            JOB_PERIOD,
        ),
        _widget(
            f"job {job.name}: failures",
            region,
            [
                states("ExecutionsFailed"),
                states("ExecutionsTimedOut"),
                states("ExecutionsAborted"),
            ],
            "Sum",
            JOB_PERIOD,
        ),
        _widget(
            f"job {job.name}: duration (ms)",
            region,
            [states("ExecutionTime"), states("ExecutionTime", {"stat": "Maximum"})],
            "Average",
            JOB_PERIOD,
        ),
    ]


def _pool_widgets(pool: PoolMetrics, region: str, cluster_name: str) -> list[dict[str, Any]]:
    reservation = [
        "AWS/ECS/ManagedScaling",
        "CapacityProviderReservation",
        "CapacityProviderName",
        pool.capacity_provider_name,
        "ClusterName",
        cluster_name,
    ]
    instances = [
        "AWS/AutoScaling",
        "GroupInServiceInstances",
        "AutoScalingGroupName",
        pool.auto_scaling_group_name,
    ]
    return [
        _widget(f"pool {pool.name}: reservation %", region, [reservation], "Maximum"),
        _widget(f"pool {pool.name}: instances", region, [instances], "Average"),
    ]


def _managed_pool_widgets(
    pool: ManagedPoolMetrics, region: str, cluster_name: str
) -> list[dict[str, Any]]:
    dimensions = ["ClusterName", cluster_name, "CapacityProviderName", pool.capacity_provider_name]
    return [
        _widget(
            f"pool {pool.name}: {label} volume used %",
            region,
            [[CONTAINER_INSIGHTS, metric, *dimensions]],
            "Maximum",
        )
        for label, metric in (
            ("data", "InstanceDataFilesystemUtilization"),
            ("OS", "InstanceOSFilesystemUtilization"),
        )
    ]


def service_widget_count(service: DashboardService) -> int:
    """How many widgets a service gets, known before any output resolves."""
    routed = 2 if service.target_group_suffix is not None else 0
    queues = int(service.queue_name is not None) + int(service.dead_letter_queue_name is not None)
    return 2 + int(service.running_tasks) + routed + queues


def pack(sizes: list[int], limit: int) -> list[list[int]]:
    """Indexes of `sizes` in order, cut into pages whose sizes add up to at most `limit`; a group
    (one service's or pool's widgets) is never split across pages."""
    pages: list[list[int]] = [[]]
    used = 0
    for index, size in enumerate(sizes):
        if size > limit:
            raise ValueError(f"a group of {size} widgets cannot fit a dashboard of {limit}")
        if used + size > limit:
            pages.append([])
            used = 0
        pages[-1].append(index)
        used += size
    return pages


def dashboard_count(
    services: list[DashboardService],
    pool_count: int,
    limit: int = MAX_WIDGETS,
    *,
    managed_pool_count: int = 0,
    job_count: int = 0,
) -> int:
    """How many dashboards `dashboard_bodies` returns for these services, jobs and pools."""
    sizes = [service_widget_count(s) for s in services] + [JOB_WIDGETS] * job_count
    sizes += [POOL_WIDGETS] * pool_count
    sizes += [MANAGED_POOL_WIDGETS] * managed_pool_count
    return len(pack(sizes, limit))


def dashboard_bodies(
    *,
    region: str,
    cluster_name: str,
    load_balancer_suffix: str,
    services: list[DashboardService],
    pools: list[PoolMetrics],
    limit: int = MAX_WIDGETS,
    managed_pools: Sequence[ManagedPoolMetrics] = (),
    jobs: Sequence[DashboardJob] = (),
) -> list[str]:
    """One dashboard body per page of at most `limit` widgets: services first, then jobs,
    then pools."""
    groups = [_service_widgets(s, region, cluster_name, load_balancer_suffix) for s in services]
    groups += [_job_widgets(job, region) for job in jobs]
    groups += [_pool_widgets(pool, region, cluster_name) for pool in pools]
    groups += [_managed_pool_widgets(pool, region, cluster_name) for pool in managed_pools]
    pages = pack([len(group) for group in groups], limit)
    return [
        json.dumps({"widgets": [w for index in page for w in groups[index]]}, indent=1)
        for page in pages
    ]


def dashboard_body(
    *,
    region: str,
    cluster_name: str,
    load_balancer_suffix: str,
    services: list[DashboardService],
    pools: list[PoolMetrics],
) -> str:
    """The whole dashboard as one body, whatever its size (the first page when it fits)."""
    return dashboard_bodies(
        region=region,
        cluster_name=cluster_name,
        load_balancer_suffix=load_balancer_suffix,
        services=services,
        pools=pools,
        limit=sys.maxsize,
    )[0]
