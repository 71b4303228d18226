"""Rules for `services.*` that span several keys or need the rest of the stack's settings."""

from __future__ import annotations

import itertools
import re
import zoneinfo
from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.rules.problem import Problem, join_path
from settings.rules.tasks import secret_looking

if TYPE_CHECKING:
    from settings.platform import PlatformSettings
    from settings.service import (
        CustomMetricSettings,
        ThresholdSteps,
    )

SERVICE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,27}$")
CRON_FIELD = re.compile(r"^[0-9A-Za-z*?,/#L-]+$")
EBS_MIN_SIZE = {"gp3": 1, "gp2": 1, "st1": 125, "sc1": 125}
ALB_VALUES_PER_RULE = 5


def _path(name: str, *parts: str | int) -> str:
    return join_path(["services", name, *parts])


def schedule_problem(expression: str) -> str | None:
    """Why an Application Auto Scaling schedule expression is invalid, or None."""
    if re.fullmatch(r"rate\(\d+ (minute|minutes|hour|hours|day|days)\)", expression):
        return None
    if re.fullmatch(r"at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)", expression):
        return None
    match = re.fullmatch(r"cron\((.*)\)", expression)
    if match is None:
        return "expected cron(min hour day-of-month month day-of-week year), rate(...) or at(...)"
    fields = match.group(1).split()
    if len(fields) != 6:
        return (
            f"cron needs 6 fields (min hour day-of-month month day-of-week year), got {len(fields)}"
        )
    if any(not CRON_FIELD.match(field) for field in fields):
        return "cron fields may only hold digits, names, * ? , / - L #"
    if (fields[2] == "?") == (fields[4] == "?"):
        return "cron needs ? in exactly one of day-of-month and day-of-week"
    for value, low, high, label in ((fields[0], 0, 59, "minute"), (fields[1], 0, 23, "hour")):
        numbers = [int(n) for n in re.findall(r"\d+", value)]
        if any(not low <= n <= high for n in numbers if "/" not in value):
            return f"{label} must be {low}-{high}"
    return None


def service_names(settings: PlatformSettings) -> Iterable[Problem]:
    for name in settings.services:
        if not SERVICE_NAME.match(name):
            yield Problem(
                _path(name),
                f"{name!r} is not a service name (lowercase letter, then up to 27 letters,"
                " digits or -)",
            )


def routing(settings: PlatformSettings) -> Iterable[Problem]:
    priorities: dict[int, str] = {}
    routes: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}
    for name, service in settings.services.items():
        route = service.routing
        if route is None:
            continue
        if service.port is None:
            yield Problem(_path(name, "routing"), "a routed service needs a port")
        if not route.path_patterns and not route.host_headers:
            yield Problem(_path(name, "routing"), "give pathPatterns, hostHeaders or both")
        if len(route.path_patterns) + len(route.host_headers) > ALB_VALUES_PER_RULE:
            yield Problem(
                _path(name, "routing"),
                f"an ALB rule matches at most {ALB_VALUES_PER_RULE} values in all",
            )
        health = service.health_check
        if health.timeout_seconds >= health.interval_seconds:
            yield Problem(
                _path(name, "healthCheck", "timeoutSeconds"),
                f"{health.timeout_seconds} must be below intervalSeconds {health.interval_seconds}",
            )
        if route.priority in priorities:
            yield Problem(
                _path(name, "routing", "priority"),
                f"{route.priority} is already used by service {priorities[route.priority]}",
            )
        priorities.setdefault(route.priority, name)
        key = (tuple(sorted(route.path_patterns)), tuple(sorted(route.host_headers)))
        if key in routes:
            yield Problem(
                _path(name, "routing"), f"the same paths and hosts as service {routes[key]}"
            )
        routes.setdefault(key, name)


def containers(settings: PlatformSettings) -> Iterable[Problem]:
    for name, service in settings.services.items():
        seen = {name}
        for index, sidecar in enumerate(service.sidecars):
            if sidecar.name in seen:
                yield Problem(
                    _path(name, "sidecars", index, "name"),
                    f"{sidecar.name!r} is already a container of this task",
                )
            seen.add(sidecar.name)


def networking(settings: PlatformSettings) -> Iterable[Problem]:
    for name, service in settings.services.items():
        for index, peer in enumerate(service.allow_from):
            if peer == name or peer not in settings.services:
                yield Problem(
                    _path(name, "allowFrom", index),
                    f"{peer!r} is not another service of this stack",
                )
        if service.allow_from and service.port is None:
            yield Problem(_path(name, "allowFrom"), "only a service with a port admits others")


def twelve_factor(settings: PlatformSettings) -> Iterable[Problem]:
    for name, service in settings.services.items():
        for index, sidecar in enumerate(service.sidecars):
            yield from secret_looking(
                _path(name, "sidecars", index, "environment"), sidecar.environment
            )
        if (
            service.ebs_volume
            and service.ebs_volume.size_gib < EBS_MIN_SIZE[service.ebs_volume.volume_type]
        ):
            volume = service.ebs_volume
            yield Problem(
                _path(name, "ebsVolume", "sizeGib"),
                f"{volume.volume_type} volumes are at least {EBS_MIN_SIZE[volume.volume_type]} GiB",
            )


def scaling(settings: PlatformSettings) -> Iterable[Problem]:
    for name, service in settings.services.items():
        rule = service.scaling
        if rule is None:
            continue
        if not rule.min_count <= service.desired_count <= rule.max_count:
            yield Problem(
                _path(name, "desiredCount"),
                f"{service.desired_count} is outside scaling minCount..maxCount"
                f" ({rule.min_count}..{rule.max_count})",
            )
        if rule.requests_per_target is not None and service.routing is None:
            yield Problem(
                _path(name, "scaling", "requestsPerTarget"), "needs routing (an ALB target group)"
            )
        if rule.custom_metric is not None:
            yield from _custom_metric(name, rule.custom_metric, service.queue is not None)
        for index, schedule in enumerate(rule.schedules):
            path = ["scaling", "schedules", index]
            problem = schedule_problem(schedule.schedule)
            if problem:
                yield Problem(_path(name, *path, "schedule"), problem)
            try:
                zoneinfo.ZoneInfo(schedule.timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                yield Problem(
                    _path(name, *path, "timezone"),
                    f"{schedule.timezone!r} is not an IANA time zone",
                )
            if schedule.min_count > schedule.max_count:
                yield Problem(
                    _path(name, *path, "minCount"),
                    f"{schedule.min_count} is above maxCount {schedule.max_count}",
                )


def _custom_metric(name: str, metric: CustomMetricSettings, has_queue: bool) -> Iterable[Problem]:
    base = ["scaling", "customMetric"]
    named = metric.namespace is not None and metric.metric_name is not None
    partial = not named and bool(metric.namespace or metric.metric_name)
    if metric.queue_name is not None and named:
        yield Problem(_path(name, *base), "give queueName, or namespace and metricName (not both)")
    elif metric.queue_name is None and not named and (partial or not has_queue):
        # With `queue` declared, neither is needed: the step scaling reads that queue.
        yield Problem(_path(name, *base), "give queueName, or namespace and metricName (not both)")
    yield from _steps(name, [*base, "scaleOut"], metric.scale_out, sign=1)
    if metric.scale_in is not None:
        yield from _steps(name, [*base, "scaleIn"], metric.scale_in, sign=-1)
        if metric.scale_in.threshold >= metric.scale_out.threshold:
            yield Problem(
                _path(name, *base, "scaleIn", "threshold"),
                f"{metric.scale_in.threshold} must be below scaleOut.threshold"
                f" {metric.scale_out.threshold}",
            )


def _steps(
    name: str, path: list[str | int], rule: ThresholdSteps, *, sign: int
) -> Iterable[Problem]:
    for index, step in enumerate(rule.steps):
        if step.adjustment == 0 or (step.adjustment > 0) != (sign > 0):
            word = "positive" if sign > 0 else "negative"
            yield Problem(
                _path(name, *path, "steps", index, "adjustment"),
                f"{step.adjustment}: steps here must be {word}",
            )
        if (
            step.lower_bound is not None
            and step.upper_bound is not None
            and step.lower_bound >= step.upper_bound
        ):
            yield Problem(
                _path(name, *path, "steps", index),
                f"lowerBound {step.lower_bound} is not below upperBound {step.upper_bound}",
            )
    ordered = sorted(
        rule.steps, key=lambda s: float("-inf") if s.lower_bound is None else s.lower_bound
    )
    for below, above in itertools.pairwise(ordered):
        if below.upper_bound != above.lower_bound:
            yield Problem(
                _path(name, *path, "steps"),
                f"steps must meet without gaps or overlaps: upperBound {below.upper_bound}"
                f" then lowerBound {above.lower_bound}",
            )
    open_ended = [s for s in rule.steps if (s.upper_bound if sign > 0 else s.lower_bound) is None]
    if len(open_ended) != 1:
        edge = "upperBound" if sign > 0 else "lowerBound"
        yield Problem(
            _path(name, *path, "steps"),
            f"exactly one step must leave {edge} open (the rest of the range)",
        )


def deployment_alarms(settings: PlatformSettings) -> Iterable[Problem]:
    running_task_metric = settings.cluster.container_insights != "disabled"
    custom = [alarm.name for alarm in settings.alarms.custom]
    for name, service in settings.services.items():
        known = service.alarm_kinds(running_task_metric)
        for index, alarm in enumerate(service.deployment_alarms or []):
            if alarm not in known and alarm not in custom:
                yield Problem(
                    _path(name, "deploymentAlarms", index),
                    f"no alarm {alarm!r}: this service's alarms are {', '.join(known)}"
                    + (f"; custom alarms are {', '.join(custom)}" if custom else "")
                    + " (alarms.custom)",
                )


RULES = (
    service_names,
    routing,
    networking,
    containers,
    twelve_factor,
    scaling,
    deployment_alarms,
)
