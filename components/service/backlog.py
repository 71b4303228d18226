"""Target tracking on a queue worker's backlog per task, and the wake-up from zero tasks.

Backlog per task is the AWS-recommended metric for queue workers: visible messages divided by
running tasks, as metric math inside the policy (Application Auto Scaling user guide, "Create a
target tracking scaling policy using metric math", example "Amazon SQS queue backlog per task":
https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.common.alarms import AlarmSpec, AlarmTarget, Metric, metric_alarm
from components.common.naming import Naming
from settings.service import ScalingSettings

SQS = "AWS/SQS"
VISIBLE = "ApproximateNumberOfMessagesVisible"
RUNNING_TASKS = ("ECS/ContainerInsights", "RunningTaskCount")
WAKE_EXPRESSION = "IF(visible > 0 AND FILL(tasks, 0) == 0, 1, 0)"


def backlog_metrics(
    queue_name: str, cluster_name: pulumi.Input[str], service_name: pulumi.Input[str]
) -> list[dict[str, Any]]:
    """The policy's metric queries: m1 visible messages (Sum, as in AWS's example), m2 running
    tasks (Average, Container Insights), and the expression m1 / m2 it tracks."""
    return [
        {
            "id": "visible",
            "metric_stat": {
                "metric": {
                    "namespace": SQS,
                    "metric_name": VISIBLE,
                    "dimensions": [{"name": "QueueName", "value": queue_name}],
                },
                "stat": "Sum",
            },
            "return_data": False,
        },
        {
            "id": "tasks",
            "metric_stat": {
                "metric": {
                    "namespace": RUNNING_TASKS[0],
                    "metric_name": RUNNING_TASKS[1],
                    "dimensions": [
                        {"name": "ClusterName", "value": cluster_name},
                        {"name": "ServiceName", "value": service_name},
                    ],
                },
                "stat": "Average",
            },
            "return_data": False,
        },
        {
            "id": "backlog",
            "expression": "visible / tasks",
            "label": "Visible messages per running task",
            "return_data": True,
        },
    ]


@dataclass(frozen=True)
class BacklogArgs:
    settings: ScalingSettings
    naming: Naming
    queue_name: str
    cluster_name: pulumi.Input[str]
    service_name: pulumi.Input[str]
    alarm_target: AlarmTarget


def track_backlog(
    parent: pulumi.Resource, name: str, args: BacklogArgs, scope: dict[str, Any]
) -> None:
    settings = args.settings
    assert settings.backlog_per_task is not None
    child = pulumi.ResourceOptions(parent=parent)
    aws.appautoscaling.Policy(
        f"{name}-track-backlog",
        name=args.naming.physical("scaling-policy", name, "track", "backlog"),
        policy_type="TargetTrackingScaling",
        target_tracking_scaling_policy_configuration={
            "target_value": settings.backlog_per_task,
            "customized_metric_specification": {
                "metrics": backlog_metrics(args.queue_name, args.cluster_name, args.service_name)
            },
            "scale_in_cooldown": settings.scale_in_cooldown_seconds,
            "scale_out_cooldown": settings.scale_out_cooldown_seconds,
        },
        **scope,
        opts=child,
    )
    if settings.min_count == 0:
        _wake_from_zero(parent, name, args, scope)


def _wake_from_zero(
    parent: pulumi.Resource, name: str, args: BacklogArgs, scope: dict[str, Any]
) -> None:
    """With no task running, visible / tasks has no data, and target tracking "does not perform
    scaling when the specified metric has insufficient data" (ECS developer guide, "Use a target
    metric to scale Amazon ECS services"). A step policy starts the first task when messages
    wait and none runs; from there target tracking takes over (and scales back to 0)."""
    policy = aws.appautoscaling.Policy(
        f"{name}-step-wake",
        name=args.naming.physical("scaling-policy", name, "step", "wake"),
        policy_type="StepScaling",
        step_scaling_policy_configuration={
            "adjustment_type": "ChangeInCapacity",
            "cooldown": args.settings.scale_out_cooldown_seconds,
            "metric_aggregation_type": "Maximum",
            "step_adjustments": [{"metric_interval_lower_bound": "0", "scaling_adjustment": 1}],
        },
        **scope,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    ecs = {"ClusterName": args.cluster_name, "ServiceName": args.service_name}
    metric_alarm(
        parent,
        f"{name}-step-wake",
        args.alarm_target,
        AlarmSpec(
            name=f"{name}-scale-wake",
            description=f"Messages wait in {args.queue_name} and service {name} runs no task:"
            " start one (scale from zero).",
            comparison="GreaterThanOrEqualToThreshold",
            threshold=1,
            treat_missing_data="notBreaching",
            scaling_actions=[policy.arn],
            notify_alarm=False,
            notify_ok=False,
            evaluation_periods=1,
            datapoints_to_alarm=1,
            queries=[
                _query("visible", Metric(SQS, VISIBLE, {"QueueName": args.queue_name}, 60, "Sum")),
                _query("tasks", Metric(*RUNNING_TASKS, ecs, 60, "Average")),
                {
                    "id": "wake",
                    "expression": WAKE_EXPRESSION,
                    "label": "Messages waiting with no task running",
                    "return_data": True,
                },
            ],
        ),
    )


def _query(query_id: str, metric: Metric) -> dict[str, Any]:
    return {
        "id": query_id,
        "metric": {
            "namespace": metric.namespace,
            "metric_name": metric.name,
            "dimensions": dict(metric.dimensions),
            "stat": metric.statistic,
            "period": metric.period,
        },
        "return_data": False,
    }
