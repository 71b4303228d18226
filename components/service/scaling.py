"""Application Auto Scaling for one ECS service: target tracking on the predefined metrics, step
scaling on a custom CloudWatch metric through alarms, and schedules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.common.alarms import AlarmSpec, AlarmTarget, Metric, metric_alarm
from components.common.naming import Naming
from components.service.backlog import BacklogArgs, track_backlog
from settings.service import CustomMetricSettings, ScalingSettings, ThresholdSteps

SQS_NAMESPACE = "AWS/SQS"
SQS_VISIBLE = "ApproximateNumberOfMessagesVisible"
# Step scaling aggregates datapoints with one of these; the other statistics map to Average.
AGGREGATION = {"Minimum": "Minimum", "Maximum": "Maximum"}


@dataclass(frozen=True)
class ScalingArgs:
    settings: ScalingSettings
    naming: Naming
    cluster_name: pulumi.Input[str]
    service_name: pulumi.Input[str]
    # (load balancer, target group) ARN suffixes the service's requests arrive through: one
    # group, or the primary and the alternate of a blueGreen/canary/linear service.
    request_groups: list[tuple[pulumi.Input[str], pulumi.Input[str]]]
    alarm_target: AlarmTarget
    queue_name: str | None = None  # the service's queue (declared, or customMetric.queueName)


def metric_identity(
    metric: CustomMetricSettings, queue_name: str | None = None
) -> tuple[str, str, dict[str, str]]:
    """(namespace, metric name, dimensions), the SQS shortcut expanded: queueName, or the
    declared queue when the metric names nothing (the rules make the two agree)."""
    if metric.namespace is not None and metric.metric_name is not None:
        return metric.namespace, metric.metric_name, dict(metric.dimensions)
    queue = metric.queue_name or queue_name
    assert queue is not None  # validated
    return SQS_NAMESPACE, SQS_VISIBLE, {"QueueName": queue}


def _bound(value: float | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def request_count_metric(
    groups: list[tuple[pulumi.Input[str], pulumi.Input[str]]],
) -> dict[str, Any]:
    """The metric of `requestsPerTarget`: ALBRequestCountPerTarget of the one target group, or,
    when ECS alternates production between two groups (blueGreen, canary, linear), the sum of
    both groups' RequestCountPerTarget. The predefined metric names one group (its
    resource_label): after a deployment moves production to the other group it would track an
    idle group and scale the service in to minCount ("The ALBRequestCountPerTarget metric for
    target tracking scaling policies is not supported for the blue/green deployment type", ECS
    developer guide, "Use a target metric to scale Amazon ECS services";
    aws/containers-roadmap#1681). The idle group publishes no datapoints, hence FILL(.., 0);
    the statistic is Sum, the only one ALB defines for RequestCountPerTarget (ELB user guide,
    "CloudWatch metrics for your Application Load Balancer"). Target tracking accepts metric
    math (Application Auto Scaling user guide, "Create a target tracking scaling policy using
    metric math")."""
    if len(groups) == 1:
        load_balancer, group = groups[0]
        return {
            "predefined_metric_specification": {
                "predefined_metric_type": "ALBRequestCountPerTarget",
                "resource_label": pulumi.Output.concat(load_balancer, "/", group),
            }
        }
    metrics: list[dict[str, Any]] = [
        {
            "id": f"group{index}",
            "metric_stat": {
                "metric": {
                    "namespace": "AWS/ApplicationELB",
                    "metric_name": "RequestCountPerTarget",
                    "dimensions": [
                        {"name": "LoadBalancer", "value": load_balancer},
                        {"name": "TargetGroup", "value": group},
                    ],
                },
                "stat": "Sum",
            },
            "return_data": False,
        }
        for index, (load_balancer, group) in enumerate(groups)
    ]
    expression = " + ".join(f"FILL({metric['id']}, 0)" for metric in metrics)
    metrics.append(
        {
            "id": "requests",
            "expression": expression,
            "label": "Requests per target, both target groups",
            "return_data": True,
        }
    )
    return {"customized_metric_specification": {"metrics": metrics}}


def attach_scaling(parent: pulumi.Resource, name: str, args: ScalingArgs) -> None:
    """Create the scaling resources as children of `parent` (the service component)."""
    settings = args.settings
    child = pulumi.ResourceOptions(parent=parent)
    target = aws.appautoscaling.Target(
        f"{name}-scaling",
        service_namespace="ecs",
        scalable_dimension="ecs:service:DesiredCount",
        resource_id=pulumi.Output.concat("service/", args.cluster_name, "/", args.service_name),
        min_capacity=settings.min_count,
        max_capacity=settings.max_count,
        tags=args.naming.tags(name, "scaling"),
        opts=pulumi.ResourceOptions(
            parent=parent,
            # Schedules set the target's min/max. The provider reads them back on refresh and
            # sends both with every update (RegisterScalableTarget in resourceTargetUpdate,
            # terraform-provider-aws internal/service/appautoscaling/target.go), so re-declaring
            # ours would show drift every day and undo the schedule at a night-time `up`. With
            # schedules, minCount/maxCount apply at creation; the schedules own them after.
            ignore_changes=["minCapacity", "maxCapacity"] if settings.schedules else None,
        ),
    )
    scope = {
        "service_namespace": target.service_namespace,
        "scalable_dimension": target.scalable_dimension,
        "resource_id": target.resource_id,
    }

    tracked: list[tuple[str, float | int | None, dict[str, Any]]] = [
        (
            "cpu",
            settings.cpu_target,
            {
                "predefined_metric_specification": {
                    "predefined_metric_type": "ECSServiceAverageCPUUtilization"
                }
            },
        ),
        (
            "memory",
            settings.memory_target,
            {
                "predefined_metric_specification": {
                    "predefined_metric_type": "ECSServiceAverageMemoryUtilization"
                }
            },
        ),
    ]
    if args.request_groups:
        tracked.append(
            ("requests", settings.requests_per_target, request_count_metric(args.request_groups))
        )
    for key, value, metric in tracked:
        if value is None:
            continue
        aws.appautoscaling.Policy(
            f"{name}-track-{key}",
            name=args.naming.physical("scaling-policy", name, "track", key),
            policy_type="TargetTrackingScaling",
            target_tracking_scaling_policy_configuration={
                "target_value": value,
                **metric,
                "scale_in_cooldown": settings.scale_in_cooldown_seconds,
                "scale_out_cooldown": settings.scale_out_cooldown_seconds,
            },
            **scope,
            opts=child,
        )

    if settings.custom_metric is not None:
        _step_scaling(parent, name, args, settings.custom_metric, scope, child)
    if settings.backlog_per_task is not None and args.queue_name is not None:
        backlog = BacklogArgs(
            settings,
            args.naming,
            args.queue_name,
            args.cluster_name,
            args.service_name,
            args.alarm_target,
        )
        track_backlog(parent, name, backlog, scope)

    for schedule in settings.schedules:
        aws.appautoscaling.ScheduledAction(
            f"{name}-schedule-{schedule.name}",
            name=args.naming.physical("scheduled-action", name, schedule.name),
            schedule=schedule.schedule,
            timezone=schedule.timezone,
            scalable_target_action={
                "min_capacity": schedule.min_count,
                "max_capacity": schedule.max_count,
            },
            **scope,
            opts=child,
        )


def _step_scaling(
    parent: pulumi.Resource,
    name: str,
    args: ScalingArgs,
    metric: CustomMetricSettings,
    scope: dict[str, Any],
    child: pulumi.ResourceOptions,
) -> None:
    namespace, metric_name, dimensions = metric_identity(metric, args.queue_name)
    directions: list[tuple[str, ThresholdSteps, str]] = [
        ("out", metric.scale_out, "GreaterThanOrEqualToThreshold")
    ]
    if metric.scale_in is not None:
        directions.append(("in", metric.scale_in, "LessThanOrEqualToThreshold"))
    for direction, rule, comparison in directions:
        policy = aws.appautoscaling.Policy(
            f"{name}-step-{direction}",
            name=args.naming.physical("scaling-policy", name, "step", direction),
            policy_type="StepScaling",
            step_scaling_policy_configuration={
                "adjustment_type": "ChangeInCapacity",
                "cooldown": metric.cooldown_seconds,
                "metric_aggregation_type": AGGREGATION.get(metric.statistic, "Average"),
                "step_adjustments": [
                    {
                        "metric_interval_lower_bound": _bound(step.lower_bound),
                        "metric_interval_upper_bound": _bound(step.upper_bound),
                        "scaling_adjustment": step.adjustment,
                    }
                    for step in rule.steps
                ],
            },
            **scope,
            opts=child,
        )
        verb = "add" if direction == "out" else "remove"
        metric_alarm(
            parent,
            f"{name}-step-{direction}",
            args.alarm_target,
            AlarmSpec(
                name=f"{name}-scale-{direction}",
                description=(
                    f"{metric.statistic} of {namespace} {metric_name} {dimensions} crossed"
                    f" {rule.threshold}: {verb} tasks of service {name} (step scaling)."
                ),
                comparison=comparison,
                threshold=rule.threshold,
                # No datapoints (an idle queue or metric publishes none) means no load: do not
                # scale out on it, do scale in.
                treat_missing_data="notBreaching" if direction == "out" else "breaching",
                scaling_actions=[policy.arn],
                # Scaling out is news; scaling in and every return to OK is routine.
                notify_alarm=direction == "out",
                notify_ok=False,
                evaluation_periods=metric.evaluation_periods,
                datapoints_to_alarm=metric.evaluation_periods,
                metric=Metric(
                    namespace, metric_name, dimensions, metric.period_seconds, metric.statistic
                ),
            ),
        )
