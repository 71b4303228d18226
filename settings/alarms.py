"""`ecs-platform:alarms`: who is told, when, and which extra metrics to watch."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from settings.types import (
    EMAIL_PATTERN,
    HTTPS_URL_PATTERN,
    Comparison,
    Dimensions,
    KmsKeyArn,
    MetricName,
    MissingData,
    Period,
    Settings,
    StandardPeriod,
    Statistic,
    unique,
)


class SubscriberSettings(Settings):
    emails: Annotated[
        list[Annotated[str, Field(pattern=EMAIL_PATTERN)]], AfterValidator(unique)
    ] = Field(default_factory=list, description="Email subscribers (each must confirm).")
    https_endpoints: Annotated[
        list[Annotated[str, Field(pattern=HTTPS_URL_PATTERN)]], AfterValidator(unique)
    ] = Field(default_factory=list, description="HTTPS endpoints (chat or incident tools).")


class ThresholdSettings(Settings):
    cpu_high_percent: float = Field(85, gt=0, le=100, description="Service CPU above this.")
    memory_high_percent: float = Field(85, gt=0, le=100, description="Service memory above.")
    error_rate_percent: float = Field(5, gt=0, le=100, description="Target 5xx share above.")
    error_rate_min_requests: int = Field(
        20, ge=0, description="Requests per period below which the 5xx rate counts as 0."
    )
    latency_p99_seconds: float = Field(1.5, gt=0, le=300, description="p99 response time above.")
    # SQS keeps a message at most 14 days: an older age can never be reached.
    queue_age_seconds: int = Field(
        600,
        ge=1,
        le=1_209_600,
        description="Oldest queue message older than (at most 14 days, SQS's longest).",
    )
    load_balancer_5xx_count: int = Field(10, ge=1, description="ALB's own 5xx per period.")
    period_seconds: StandardPeriod = Field(60, description="Period of the built-in alarms.")
    evaluation_periods: int = Field(5, ge=1, le=100, description="Periods in the alarm window.")
    datapoints_to_alarm: int = Field(3, ge=1, le=100, description="Breaching periods to alarm.")


class CustomAlarmSettings(Settings):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")] = Field(description="Name.")
    namespace: MetricName = Field(description="Metric namespace.")
    metric_name: MetricName = Field(description="Metric name.")
    dimensions: Dimensions = Field(default_factory=dict, description="Metric dimensions.")
    statistic: Statistic = Field("Average", description="Statistic.")
    threshold: float = Field(description="Threshold.")
    comparison: Comparison = Field(description="How the metric is compared to the threshold.")
    period_seconds: Period = Field(60, description="Period.")
    evaluation_periods: int = Field(5, ge=1, le=100, description="Periods in the window.")
    datapoints_to_alarm: int = Field(3, ge=1, le=100, description="Breaching periods to alarm.")
    treat_missing_data: MissingData = Field("missing", description="Missing data handling.")
    description: str = Field(min_length=1, description="What to look at when it fires.")
    page: bool = Field(False, description="Also notify the paging topic.")


class AlarmSettings(Settings):
    actions_enabled: bool = Field(True, description="false mutes every alarm's actions.")
    kms_key_arn: KmsKeyArn | None = Field(
        None,
        description="Customer key for the topics; default: a key this stack creates. Its key"
        " policy must allow cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*,"
        " or CloudWatch cannot publish alarms to the topics and notifications fail silently."
        " The AWS-managed aws/sns key cannot allow that (its policy is fixed): not accepted.",
    )

    @field_validator("kms_key_arn", mode="before")
    @classmethod
    def _not_aws_managed(cls, value: object) -> object:
        """CloudWatch publishes to an encrypted topic only with kms:Decrypt and
        kms:GenerateDataKey* on its key (https://docs.aws.amazon.com/sns/latest/dg/
        sns-key-management.html#compatibility-with-aws-services); an AWS-managed key's policy
        cannot be changed to grant that."""
        if isinstance(value, str) and re.search(r"(^|:)alias/aws/", value):
            raise ValueError(
                f"{value} is the AWS-managed key: its key policy cannot let CloudWatch publish"
                " alarms to the topics (notifications would fail silently); give a customer key"
                " whose policy allows cloudwatch.amazonaws.com kms:Decrypt and"
                " kms:GenerateDataKey*, or leave kmsKeyArn out for a key this stack creates"
            )
        return value

    notify: SubscriberSettings = Field(
        default_factory=SubscriberSettings, description="Subscribers of the alarm topic."
    )
    page: SubscriberSettings | None = Field(
        None, description="A second topic for urgent alarms (5xx rate, tasks below minimum)."
    )
    thresholds: ThresholdSettings = Field(
        default_factory=ThresholdSettings, description="Thresholds of the built-in alarms."
    )
    custom: list[CustomAlarmSettings] = Field(
        default_factory=list, description="Extra alarms on any CloudWatch metric."
    )
