"""CloudWatch alarms: one builder that gives every alarm its actions, window, missing-data
treatment and description; the per-service set; and the environment's own alarms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.dashboard import DashboardService, PoolMetrics, dashboard_body
from components.naming import Naming
from settings.alarms import AlarmSettings


@dataclass(frozen=True)
class AlarmTarget:
    """Where alarms notify, and the stack's alarm settings."""

    settings: AlarmSettings
    naming: Naming
    topic_arn: pulumi.Input[str]
    page_topic_arn: pulumi.Input[str] | None = None

    def actions(self, *, urgent: bool) -> list[pulumi.Input[str]]:
        topics = [self.topic_arn]
        if urgent and self.page_topic_arn is not None:
            topics.append(self.page_topic_arn)
        return topics


def metric_alarm(
    parent: pulumi.Resource,
    logical: str,
    target: AlarmTarget,
    *,
    name: str,
    description: str,
    comparison: str,
    threshold: float,
    treat_missing_data: str,
    urgent: bool = False,
    scaling_actions: Sequence[pulumi.Input[str]] = (),
    notify_alarm: bool = True,
    notify_ok: bool = True,
    evaluation_periods: int | None = None,
    datapoints_to_alarm: int | None = None,
    **metric: Any,
) -> aws.cloudwatch.MetricAlarm:
    """An alarm that tells the topic on ALARM and on OK (and acts on `scaling_actions`).

    Muting a stack (`actionsEnabled: false`) silences notifications, never scaling."""
    thresholds = target.settings.thresholds
    notify = target.settings.actions_enabled
    topics = target.actions(urgent=urgent) if notify else []
    actions = topics if notify_alarm else []
    ok_actions = topics if notify_ok else []
    return aws.cloudwatch.MetricAlarm(
        logical,
        name=target.naming.name(name),
        alarm_description=description,
        comparison_operator=comparison,
        threshold=threshold,
        evaluation_periods=evaluation_periods or thresholds.evaluation_periods,
        datapoints_to_alarm=datapoints_to_alarm or thresholds.datapoints_to_alarm,
        treat_missing_data=treat_missing_data,
        alarm_actions=[*scaling_actions, *actions],
        ok_actions=ok_actions,
        actions_enabled=notify or bool(scaling_actions),
        tags=target.naming.tags(name),
        opts=pulumi.ResourceOptions(parent=parent),
        **metric,
    )


@dataclass(frozen=True)
class ServiceAlarmArgs:
    name: str
    cluster_name: pulumi.Input[str]
    minimum_tasks: int
    running_task_metric: bool
    load_balancer_suffix: pulumi.Input[str] | None = None
    target_group_suffix: pulumi.Input[str] | None = None
    queue_name: str | None = None


@dataclass
class ServiceAlarms:
    by_kind: dict[str, aws.cloudwatch.MetricAlarm] = field(default_factory=dict)

    @property
    def deployment_alarm_names(self) -> list[pulumi.Output[str]]:
        """The alarms that roll a deployment back: the 5xx rate and unhealthy targets."""
        return [self.by_kind[k].name for k in ("5xx-rate", "unhealthy") if k in self.by_kind]


def service_alarms(
    parent: pulumi.Resource, args: ServiceAlarmArgs, target: AlarmTarget
) -> ServiceAlarms:
    thresholds = target.settings.thresholds
    name = args.name
    period = thresholds.period_seconds
    ecs = {"ClusterName": args.cluster_name, "ServiceName": name}
    alarms = ServiceAlarms()

    def add(kind: str, **alarm: Any) -> None:
        alarms.by_kind[kind] = metric_alarm(
            parent, f"{name}-alarm-{kind}", target, name=f"{name}-{kind}", **alarm
        )

    for kind, metric_name, limit in (
        ("cpu-high", "CPUUtilization", thresholds.cpu_high_percent),
        ("memory-high", "MemoryUtilization", thresholds.memory_high_percent),
    ):
        add(
            kind,
            description=f"Service {name}: average {metric_name} above {limit}% for"
            f" {thresholds.datapoints_to_alarm} of {thresholds.evaluation_periods} periods."
            " Look at its tasks' load and whether scaling is at maxCount.",
            comparison="GreaterThanThreshold",
            threshold=limit,
            treat_missing_data="missing",
            namespace="AWS/ECS",
            metric_name=metric_name,
            dimensions=ecs,
            statistic="Average",
            period=period,
        )
    # RunningTaskCount comes from Container Insights: without it the alarm could never clear.
    if args.minimum_tasks > 0 and args.running_task_metric:
        add(
            "tasks-below-minimum",
            description=f"Service {name}: fewer than {args.minimum_tasks} running tasks."
            " Look at stopped tasks' reasons (image pull, health checks, capacity).",
            comparison="LessThanThreshold",
            threshold=args.minimum_tasks,
            treat_missing_data="breaching",  # no datapoints: no tasks report
            urgent=True,
            namespace="ECS/ContainerInsights",
            metric_name="RunningTaskCount",
            dimensions=ecs,
            statistic="Average",
            period=period,
        )
    if args.load_balancer_suffix is not None and args.target_group_suffix is not None:
        alb = {"LoadBalancer": args.load_balancer_suffix, "TargetGroup": args.target_group_suffix}
        add(
            "5xx-rate",
            description=f"Service {name}: more than {thresholds.error_rate_percent}% of requests"
            f" answered 5xx (periods with fewer than {thresholds.error_rate_min_requests}"
            " requests count as 0). Rolls a deployment back. Look at the service's logs.",
            comparison="GreaterThanThreshold",
            threshold=thresholds.error_rate_percent,
            treat_missing_data="notBreaching",
            urgent=True,
            metric_queries=[
                _query("errors", "HTTPCode_Target_5XX_Count", alb, period),
                _query("requests", "RequestCount", alb, period),
                {
                    "id": "rate",
                    # no 5xx datapoint means 0 errors, not a gap
                    "expression": f"IF(requests >= {thresholds.error_rate_min_requests},"
                    " 100 * FILL(errors, 0) / requests, 0)",
                    "label": "5xx rate (%)",
                    "return_data": True,
                },
            ],
        )
        add(
            "latency-p99",
            description=f"Service {name}: p99 target response time above"
            f" {thresholds.latency_p99_seconds}s. Look at slow endpoints and dependencies.",
            comparison="GreaterThanThreshold",
            threshold=thresholds.latency_p99_seconds,
            treat_missing_data="notBreaching",
            namespace="AWS/ApplicationELB",
            metric_name="TargetResponseTime",
            dimensions=alb,
            extended_statistic="p99",
            evaluate_low_sample_count_percentiles="ignore",  # a few slow requests are not p99
            period=period,
        )
        add(
            "unhealthy",
            description=f"Service {name}: a target fails its health check. Rolls a deployment"
            " back. Look at the health check path and the tasks' logs.",
            comparison="GreaterThanThreshold",
            threshold=0,
            treat_missing_data="notBreaching",
            namespace="AWS/ApplicationELB",
            metric_name="UnHealthyHostCount",
            dimensions=alb,
            statistic="Maximum",
            period=period,
        )
    if args.queue_name is not None:
        add(
            "queue-age",
            description=f"Service {name}: the oldest message of {args.queue_name} is older than"
            f" {thresholds.queue_age_seconds}s. Look at worker errors and scaling limits.",
            comparison="GreaterThanThreshold",
            threshold=thresholds.queue_age_seconds,
            treat_missing_data="notBreaching",
            namespace="AWS/SQS",
            metric_name="ApproximateAgeOfOldestMessage",
            dimensions={"QueueName": args.queue_name},
            statistic="Maximum",
            period=period,
        )
    return alarms


def _query(query_id: str, metric_name: str, dimensions: dict[str, Any], period: int) -> dict:
    return {
        "id": query_id,
        "metric": {
            "namespace": "AWS/ApplicationELB",
            "metric_name": metric_name,
            "dimensions": dimensions,
            "stat": "Sum",
            "period": period,
        },
        "return_data": False,
    }


@dataclass(frozen=True)
class PoolAlarmArgs:
    name: str
    capacity_provider_name: str
    auto_scaling_group_name: pulumi.Input[str]
    min_size: int


@dataclass(frozen=True)
class EnvironmentAlarmsArgs:
    target: AlarmTarget
    region: str
    cluster_name: pulumi.Input[str]
    load_balancer_suffix: pulumi.Input[str]
    pools: list[PoolAlarmArgs]
    dashboard_services: list[DashboardService]


class EnvironmentAlarms(pulumi.ComponentResource):
    """The load balancer's and the pools' alarms, the custom alarms and the dashboard."""

    def __init__(
        self, name: str, args: EnvironmentAlarmsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("ecs-platform:alarms:EnvironmentAlarms", name, None, opts)
        target = args.target
        thresholds = target.settings.thresholds
        period = thresholds.period_seconds
        lb = {"LoadBalancer": args.load_balancer_suffix}
        metric_alarm(
            self, f"{name}-alb-5xx", target, name="alb-5xx",
            description=f"The load balancer itself answered 5xx more than"
            f" {thresholds.load_balancer_5xx_count} times a period (no healthy target, or"
            " targets closing connections). Look at target health.",
            comparison="GreaterThanThreshold", threshold=thresholds.load_balancer_5xx_count,
            treat_missing_data="notBreaching", urgent=True,
            namespace="AWS/ApplicationELB", metric_name="HTTPCode_ELB_5XX_Count",
            dimensions=lb, statistic="Sum", period=period,
        )  # fmt: skip
        metric_alarm(
            self, f"{name}-alb-rejected", target, name="alb-rejected-connections",
            description="The load balancer rejected connections (it hit its connection limit)."
            " Look at client traffic and the ALB's capacity units.",
            comparison="GreaterThanThreshold", threshold=0, treat_missing_data="notBreaching",
            namespace="AWS/ApplicationELB", metric_name="RejectedConnectionCount",
            dimensions=lb, statistic="Sum", period=period,
        )  # fmt: skip
        for pool in args.pools:
            metric_alarm(
                self, f"{name}-{pool.name}-reservation", target,
                name=f"{pool.name}-reservation-stuck",
                description=f"Pool {pool.name}: capacity provider reservation above 100% for"
                f" {thresholds.evaluation_periods} periods: tasks wait for instances that do"
                " not come (maxSize reached, no Spot capacity, launch failures). Look at the"
                " Auto Scaling group's activity.",
                comparison="GreaterThanThreshold", threshold=100,
                treat_missing_data="missing", urgent=True,
                datapoints_to_alarm=thresholds.evaluation_periods,
                namespace="AWS/ECS/ManagedScaling", metric_name="CapacityProviderReservation",
                dimensions={
                    "CapacityProviderName": pool.capacity_provider_name,
                    "ClusterName": args.cluster_name,
                },
                statistic="Maximum", period=period,
            )  # fmt: skip
            if pool.min_size > 0:
                metric_alarm(
                    self, f"{name}-{pool.name}-in-service", target,
                    name=f"{pool.name}-instances-below-minimum",
                    description=f"Pool {pool.name}: fewer than {pool.min_size} instances in"
                    " service. Look at the Auto Scaling group's activity and EC2 limits.",
                    comparison="LessThanThreshold", threshold=pool.min_size,
                    treat_missing_data="breaching",
                    namespace="AWS/AutoScaling", metric_name="GroupInServiceInstances",
                    dimensions={"AutoScalingGroupName": pool.auto_scaling_group_name},
                    statistic="Minimum", period=period,
                )  # fmt: skip
        for custom in target.settings.custom:
            metric_alarm(
                self, f"{name}-custom-{custom.name}", target, name=custom.name,
                description=custom.description, comparison=custom.comparison,
                threshold=custom.threshold, treat_missing_data=custom.treat_missing_data,
                urgent=custom.page, evaluation_periods=custom.evaluation_periods,
                datapoints_to_alarm=custom.datapoints_to_alarm,
                namespace=custom.namespace, metric_name=custom.metric_name,
                dimensions=custom.dimensions, statistic=custom.statistic,
                period=custom.period_seconds,
            )  # fmt: skip
        self.dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=target.naming.name(),
            dashboard_body=pulumi.Output.all(
                args.cluster_name,
                args.load_balancer_suffix,
                [s.target_group_suffix for s in args.dashboard_services],
                [p.auto_scaling_group_name for p in args.pools],
            ).apply(
                lambda values: dashboard_body(
                    region=args.region,
                    cluster_name=values[0],
                    load_balancer_suffix=values[1],
                    services=[
                        service.resolved(target_group_suffix)
                        for service, target_group_suffix in zip(
                            args.dashboard_services, values[2], strict=True
                        )
                    ],
                    pools=[
                        PoolMetrics(pool.name, pool.capacity_provider_name, group)
                        for pool, group in zip(args.pools, values[3], strict=True)
                    ],
                )
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"dashboardName": self.dashboard.dashboard_name})
