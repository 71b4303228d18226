"""The one alarm builder: every alarm gets its actions, window, missing-data treatment and
description the same way, from a small typed spec."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.common.naming import Naming
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


@dataclass(frozen=True)
class Metric:
    """One CloudWatch metric and how it is aggregated (a statistic or a percentile)."""

    namespace: str
    name: str
    dimensions: Mapping[str, pulumi.Input[str]]
    period: int
    statistic: str | None = None
    percentile: str | None = None  # extended statistic, like p99

    def query(self, query_id: str) -> dict[str, Any]:
        """This metric as one `metric_queries` entry of a metric math alarm, by `query_id`.
        A MetricStat's stat takes any statistic or extended statistic, percentiles included
        (CloudWatch MetricStat.Stat: "It can include any CloudWatch statistic or extended
        statistic", docs.aws.amazon.com/sdk-for-kotlin/api/latest/cloudwatch/
        aws.sdk.kotlin.services.cloudwatch.model/-metric-stat/stat.html)."""
        return {
            "id": query_id,
            "metric": {
                "namespace": self.namespace,
                "metric_name": self.name,
                "dimensions": dict(self.dimensions),
                "stat": self.statistic or self.percentile,
                "period": self.period,
            },
            "return_data": False,
        }


@dataclass(frozen=True)
class AlarmSpec:
    """What an alarm watches and when it fires. `name` is appended to the stack prefix.

    Either `metric` or `queries` (metric math) is set. Windows default to the stack's
    thresholds; `scaling_actions` act even when the stack's alarms are muted."""

    name: str
    description: str
    comparison: str
    threshold: float
    treat_missing_data: str
    metric: Metric | None = None
    queries: Sequence[Mapping[str, Any]] | None = None
    urgent: bool = False
    evaluation_periods: int | None = None
    datapoints_to_alarm: int | None = None
    scaling_actions: Sequence[pulumi.Input[str]] = ()
    notify_alarm: bool = True
    notify_ok: bool = True
    low_sample_percentiles: str | None = None


# A PutMetricAlarm call takes at most 10 MetricStat queries and 10 expressions (CloudWatch API
# reference, "MetricDataQuery",
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDataQuery.html).
MAX_ALARM_METRICS = 10


def _metric_args(spec: AlarmSpec) -> dict[str, Any]:
    if spec.metric is None:
        queries = list(spec.queries or [])
        metrics = sum(1 for query in queries if "metric" in query)
        if metrics > MAX_ALARM_METRICS:
            raise ValueError(f"alarm {spec.name}: {metrics} metrics, at most {MAX_ALARM_METRICS}")
        return {"metric_queries": queries}
    metric = spec.metric
    return {
        "namespace": metric.namespace,
        "metric_name": metric.name,
        "dimensions": dict(metric.dimensions),
        "statistic": metric.statistic,
        "extended_statistic": metric.percentile,
        "period": metric.period,
        "evaluate_low_sample_count_percentiles": spec.low_sample_percentiles,
    }


def metric_alarm(
    parent: pulumi.Resource, logical: str, target: AlarmTarget, spec: AlarmSpec
) -> aws.cloudwatch.MetricAlarm:
    """An alarm that tells the topic on ALARM and on OK (and acts on `scaling_actions`).

    Muting a stack (`actionsEnabled: false`) silences notifications, never scaling."""
    thresholds = target.settings.thresholds
    notify = target.settings.actions_enabled
    topics = target.actions(urgent=spec.urgent) if notify else []
    return aws.cloudwatch.MetricAlarm(
        logical,
        name=target.naming.physical("alarm", spec.name),
        alarm_description=spec.description,
        comparison_operator=spec.comparison,
        threshold=spec.threshold,
        evaluation_periods=spec.evaluation_periods or thresholds.evaluation_periods,
        datapoints_to_alarm=spec.datapoints_to_alarm or thresholds.datapoints_to_alarm,
        treat_missing_data=spec.treat_missing_data,
        alarm_actions=[*spec.scaling_actions, *(topics if spec.notify_alarm else [])],
        ok_actions=topics if spec.notify_ok else [],
        actions_enabled=notify or bool(spec.scaling_actions),
        tags=target.naming.tags(spec.name),
        opts=pulumi.ResourceOptions(parent=parent),
        **_metric_args(spec),
    )
