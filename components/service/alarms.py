"""A service's own alarms: CPU and memory, running tasks, and for routed services the 5xx
rate, p99 latency and target health; for queue workers the age of the oldest message and any
message in the dead-letter queue."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi
import pulumi_aws as aws

from components.common.alarms import AlarmSpec, AlarmTarget, Metric, metric_alarm
from settings.alarms import ThresholdSettings

# The alarms that roll a routed service's deployment back when none are named in its settings.
ROUTED_DEPLOYMENT_ALARMS = ("5xx-rate", "unhealthy")


@dataclass(frozen=True)
class ServiceAlarmArgs:
    name: str
    cluster_name: pulumi.Input[str]
    minimum_tasks: int
    running_task_metric: bool
    load_balancer_suffix: pulumi.Input[str] | None = None
    target_group_suffix: pulumi.Input[str] | None = None
    # blueGreen/canary/linear: the alternate group; the ALB alarms then read both groups
    alternate_target_group_suffix: pulumi.Input[str] | None = None
    queue_name: str | None = None
    dead_letter_queue_name: str | None = None


@dataclass
class ServiceAlarms:
    by_kind: dict[str, aws.cloudwatch.MetricAlarm] = field(default_factory=dict)

    def deployment_alarm_names(
        self, selected: Sequence[str] | None, custom_name: Callable[[str], str]
    ) -> list[pulumi.Input[str]]:
        """The alarms that roll a deployment back: the service's own kinds by their alarm, the
        others (alarms.custom, validated by the settings rules) by their deterministic physical
        name; the service depends on those alarms too (ServiceArgs.custom_alarms).
        Default: the 5xx rate and unhealthy targets of a routed service."""
        if selected is None:
            return [self.by_kind[k].name for k in ROUTED_DEPLOYMENT_ALARMS if k in self.by_kind]
        return [
            self.by_kind[name].name if name in self.by_kind else custom_name(name)
            for name in selected
        ]


def utilisation_specs(args: ServiceAlarmArgs, thresholds: ThresholdSettings) -> list[AlarmSpec]:
    ecs = {"ClusterName": args.cluster_name, "ServiceName": args.name}
    period = thresholds.period_seconds
    specs = [
        AlarmSpec(
            name=f"{args.name}-{kind}",
            description=f"Service {args.name}: average {metric_name} above {limit}% for"
            f" {thresholds.datapoints_to_alarm} of {thresholds.evaluation_periods} periods."
            " Look at its tasks' load and whether scaling is at maxCount.",
            comparison="GreaterThanThreshold",
            threshold=limit,
            treat_missing_data="missing",
            metric=Metric("AWS/ECS", metric_name, ecs, period, statistic="Average"),
        )
        for kind, metric_name, limit in (
            ("cpu-high", "CPUUtilization", thresholds.cpu_high_percent),
            ("memory-high", "MemoryUtilization", thresholds.memory_high_percent),
        )
    ]
    # RunningTaskCount comes from Container Insights: without it the alarm could never clear.
    if args.minimum_tasks > 0 and args.running_task_metric:
        specs.append(
            AlarmSpec(
                name=f"{args.name}-tasks-below-minimum",
                description=f"Service {args.name}: fewer than {args.minimum_tasks} running"
                " tasks. Look at stopped tasks' reasons (image pull, health checks, capacity).",
                comparison="LessThanThreshold",
                threshold=args.minimum_tasks,
                treat_missing_data="breaching",  # no datapoints: no tasks report
                urgent=True,
                metric=Metric(
                    "ECS/ContainerInsights", "RunningTaskCount", ecs, period, statistic="Average"
                ),
            )
        )
    return specs


def routed_specs(args: ServiceAlarmArgs, thresholds: ThresholdSettings) -> list[AlarmSpec]:
    if args.load_balancer_suffix is None or args.target_group_suffix is None:
        return []
    name, period = args.name, thresholds.period_seconds
    # The groups production may be on: one, or for blueGreen/canary/linear the primary and the
    # alternate, between which ECS moves production at every deployment.
    groups = [args.target_group_suffix]
    if args.alternate_target_group_suffix is not None:
        groups.append(args.alternate_target_group_suffix)

    def alb(metric_name: str, **aggregation: str) -> list[Metric]:
        return [
            Metric(
                "AWS/ApplicationELB",
                metric_name,
                {"LoadBalancer": args.load_balancer_suffix, "TargetGroup": group},
                period,
                **aggregation,
            )
            for group in groups
        ]

    latency, unhealthy = (
        AlarmSpec(
            name=f"{name}-latency-p99",
            description=f"Service {name}: p99 target response time above"
            f" {thresholds.latency_p99_seconds}s. Look at slow endpoints and dependencies.",
            comparison="GreaterThanThreshold",
            threshold=thresholds.latency_p99_seconds,
            treat_missing_data="notBreaching",
            metric=alb("TargetResponseTime", percentile="p99")[0],
            low_sample_percentiles="ignore",  # a few slow requests are not p99
        ),
        AlarmSpec(
            name=f"{name}-unhealthy",
            description=f"Service {name}: a target fails its health check. Rolls a deployment"
            " back. Look at the health check path and the tasks' logs.",
            comparison="GreaterThanThreshold",
            threshold=0,
            treat_missing_data="notBreaching",
            metric=alb("UnHealthyHostCount", statistic="Maximum")[0],
        ),
    )
    if len(groups) > 1:
        # Metric math cannot merge two groups' percentiles into the p99 of all requests (a
        # percentile is not additive): the alarm watches the higher of the two groups' p99,
        # which is production's p99 whenever one group takes all the traffic, and an upper
        # bound during a canary or linear shift.
        latency = replace(
            latency,
            metric=None,
            queries=_across("latency", alb("TargetResponseTime", percentile="p99"), "p99 (s)"),
            low_sample_percentiles=None,  # applies to percentile alarms, not metric math
        )
        unhealthy = replace(
            unhealthy,
            metric=None,
            queries=_across(
                "unhealthy", alb("UnHealthyHostCount", statistic="Maximum"), "Unhealthy targets"
            ),
        )
    return [
        AlarmSpec(
            name=f"{name}-5xx-rate",
            description=f"Service {name}: more than {thresholds.error_rate_percent}% of requests"
            f" answered 5xx (periods with fewer than {thresholds.error_rate_min_requests}"
            " requests count as 0). Rolls a deployment back. Look at the service's logs.",
            comparison="GreaterThanThreshold",
            threshold=thresholds.error_rate_percent,
            treat_missing_data="notBreaching",
            urgent=True,
            queries=[
                *_summed("errors", alb("HTTPCode_Target_5XX_Count", statistic="Sum")),
                *_summed("requests", alb("RequestCount", statistic="Sum")),
                {
                    "id": "rate",
                    # no 5xx datapoint means 0 errors, not a gap
                    "expression": f"IF(requests >= {thresholds.error_rate_min_requests},"
                    " 100 * FILL(errors, 0) / requests, 0)",
                    "label": "5xx rate (%)",
                    "return_data": True,
                },
            ],
        ),
        latency,
        unhealthy,
    ]


def _summed(query_id: str, metrics: list[Metric]) -> list[dict[str, Any]]:
    """Query `query_id`: the one group's metric, or the sum over both groups (`<id>0`, `<id>1`);
    the idle group publishes no datapoints, which count as 0 (FILL)."""
    if len(metrics) == 1:
        return [metrics[0].query(query_id)]
    parts = [metric.query(f"{query_id}{index}") for index, metric in enumerate(metrics)]
    total = " + ".join(f"FILL({part['id']}, 0)" for part in parts)
    return [*parts, {"id": query_id, "expression": total, "return_data": False}]


def _across(query_id: str, metrics: list[Metric], label: str) -> list[dict[str, Any]]:
    """The alarm's queries: the highest of the groups' values at each period, the idle group's
    missing datapoints as 0. MAX of an array of time series is one time series, the maximum at
    each timestamp (CloudWatch user guide, "Metric math syntax and functions",
    https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html)."""
    parts = [metric.query(f"{query_id}{index}") for index, metric in enumerate(metrics)]
    filled = ", ".join(f"FILL({part['id']}, 0)" for part in parts)
    highest = {
        "id": query_id,
        "expression": f"MAX([{filled}])",
        "label": f"{label}, highest of both target groups",
        "return_data": True,
    }
    return [*parts, highest]


def queue_specs(args: ServiceAlarmArgs, thresholds: ThresholdSettings) -> list[AlarmSpec]:
    if args.queue_name is None:
        return []
    specs = [
        AlarmSpec(
            name=f"{args.name}-queue-age",
            description=f"Service {args.name}: the oldest message of {args.queue_name} is older"
            f" than {thresholds.queue_age_seconds}s. Look at worker errors and scaling limits.",
            comparison="GreaterThanThreshold",
            threshold=thresholds.queue_age_seconds,
            treat_missing_data="notBreaching",
            metric=Metric(
                "AWS/SQS",
                "ApproximateAgeOfOldestMessage",
                {"QueueName": args.queue_name},
                thresholds.period_seconds,
                statistic="Maximum",
            ),
        )
    ]
    if args.dead_letter_queue_name is not None:
        # Any message in the dead-letter queue is a message the worker gave up on (SQS guide,
        # "Creating alarms for dead-letter queues using Amazon CloudWatch").
        specs.append(
            AlarmSpec(
                name=f"{args.name}-dead-letter-messages",
                description=f"Service {args.name}: messages in the dead-letter queue"
                f" {args.dead_letter_queue_name} (received too often without being deleted)."
                " Look at the worker's errors; redrive the messages once fixed.",
                comparison="GreaterThanThreshold",
                threshold=0,
                treat_missing_data="notBreaching",  # an idle empty queue publishes nothing
                metric=Metric(
                    "AWS/SQS",
                    "ApproximateNumberOfMessagesVisible",
                    {"QueueName": args.dead_letter_queue_name},
                    thresholds.period_seconds,
                    statistic="Maximum",
                ),
            )
        )
    return specs


def service_alarms(
    parent: pulumi.Resource, args: ServiceAlarmArgs, target: AlarmTarget
) -> ServiceAlarms:
    thresholds = target.settings.thresholds
    alarms = ServiceAlarms()
    for builder in (utilisation_specs, routed_specs, queue_specs):
        for spec in builder(args, thresholds):
            kind = spec.name.removeprefix(f"{args.name}-")
            alarms.by_kind[kind] = metric_alarm(parent, f"{args.name}-alarm-{kind}", target, spec)
    return alarms
