"""Settings of one job (`ecs-platform:jobs.<name>`): a task that runs to completion, on a
schedule or on demand, with retries, a timeout and an alarm (docs/jobs.md).

The task part is a service's (TaskSettings: image, size, capacity, environment, secrets, IAM,
egress, hardening); what makes it a job is below. Limits from AWS: a Step Functions Standard
execution lasts at most one year (Step Functions Developer Guide, "Quotas", "Maximum execution
time: 1 year"), and every attempt of a job runs inside one execution.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from settings.schedules import parse_schedule, time_zone
from settings.service import ServiceSettings, TaskSettings
from settings.types import Settings

# Step Functions allows Retry.MaxAttempts up to 99999999 ("MaxAttempts has a maximum value of
# 99999999", Step Functions Developer Guide, concepts-error-handling.md); past 10 is a loop.
MAX_RETRIES = 10
MAX_TIMEOUT_SECONDS = 7 * 24 * 3600  # 11 attempts of 7 days fit the one-year execution limit
MIN_TIMEOUT_SECONDS = 60  # a Fargate task alone can take a minute to start


def _expression(value: str) -> str:
    parse_schedule(value)  # ValueError with the one-line reason
    return value


def _zone(value: str) -> str:
    time_zone(value)
    return value


ScheduleExpression = Annotated[str, Field(max_length=256), AfterValidator(_expression)]
TimeZoneName = Annotated[str, Field(min_length=1, max_length=50), AfterValidator(_zone)]


class JobScheduleSettings(Settings):
    """When EventBridge Scheduler starts the job (flexible time window off: on the minute)."""

    expression: ScheduleExpression = Field(
        description='cron(minutes hours day-of-month month day-of-week year) like "cron(0 2 * *'
        ' ? *)", rate(value unit) like "rate(1 hour)", or at(yyyy-mm-ddThh:mm:ss) for once'
        " (EventBridge Scheduler syntax)."
    )
    timezone: TimeZoneName = Field(
        "UTC",
        description="IANA time zone the expression is read in, like Europe/Paris (daylight"
        " saving time: a skipped time does not run, a repeated one runs once).",
    )


class JobSettings(TaskSettings):
    """A task that runs to completion: a run fails when an essential container exits non-zero or
    the task never starts, and is stopped when it outlasts timeoutSeconds."""

    schedule: JobScheduleSettings | None = Field(
        None, description="When it runs; none: only on demand (ecs-platform job run NAME)."
    )
    retries: int = Field(
        0,
        ge=0,
        le=MAX_RETRIES,
        description="Times a failed run is tried again (0-10), after 60 s, then twice as long"
        " each time. A run that timed out is not tried again.",
    )
    timeout_seconds: int = Field(
        3600,
        ge=MIN_TIMEOUT_SECONDS,
        le=MAX_TIMEOUT_SECONDS,
        description="A run (one attempt) longer than this is stopped and fails (60 s to 7 days).",
    )
    allow_overlap: bool = Field(
        False,
        description="false: a run that starts while another is still running ends at once"
        " without starting a task (nothing in Step Functions caps concurrent executions).",
    )


SERVICE_ONLY_KEYS = frozenset(
    (field.alias or name)
    for name, field in ServiceSettings.model_fields.items()
    if name not in JobSettings.model_fields
)


def service_key_hint(key: str) -> str | None:
    """Why a service key is refused in a job (the loader's unknown-key message), or None."""
    if key not in SERVICE_ONLY_KEYS:
        return None
    return (
        f"{key} is a service setting: a job runs its task to completion and takes no traffic"
        " (no port, routing, scaling or deployments); declare it under services"
    )
