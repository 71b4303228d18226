"""Rules for `services.*` that span several keys or need the rest of the stack's settings."""

from __future__ import annotations

import itertools
import re
import zoneinfo
from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.rules.problem import Problem, join_path, production_retention

if TYPE_CHECKING:
    from settings.platform import PlatformSettings
    from settings.service import (
        CustomMetricSettings,
        ServiceSettings,
        ThresholdSteps,
    )

SERVICE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,27}$")
# Fargate task sizes: cpu units -> allowed memory (MiB).
FARGATE_MEMORY: dict[int, range] = {
    256: range(512, 2049, 512),
    512: range(1024, 4097, 1024),
    1024: range(2048, 8193, 1024),
    2048: range(4096, 16385, 1024),
    4096: range(8192, 30721, 1024),
    8192: range(16384, 61441, 4096),
    16384: range(32768, 122881, 8192),
}
SECRET_LOOKING = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|CREDENTIAL)")
CRON_FIELD = re.compile(r"^[0-9A-Za-z*?,/#L-]+$")
EBS_MIN_SIZE = {"gp3": 1, "gp2": 1, "st1": 125, "sc1": 125}
ALB_VALUES_PER_RULE = 5


def _path(name: str, *parts: str | int) -> str:
    return join_path(["services", name, *parts])


def _fargate_memory(cpu: int) -> str:
    sizes = FARGATE_MEMORY[cpu]
    if len(sizes) <= 4:
        return ", ".join(str(m) for m in sizes)
    return f"{sizes.start} to {sizes[-1]} in steps of {sizes.step}"


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


def image_reference(settings: PlatformSettings) -> Iterable[Problem]:
    for name, service in settings.services.items():
        image = service.image
        if image.uri is not None:
            if image.repository or image.tag or image.digest:
                yield Problem(
                    _path(name, "image"), "give either uri, or repository with tag or digest"
                )
        elif image.repository is None:
            yield Problem(_path(name, "image"), "give either uri, or repository with tag or digest")
        elif (image.tag is None) == (image.digest is None):
            yield Problem(
                _path(name, "image"),
                f"repository {image.repository} needs exactly one of tag or digest",
            )


def placement(settings: PlatformSettings) -> Iterable[Problem]:
    pools = settings.cluster.pool_names
    for name, service in settings.services.items():
        found = settings.placement(service)
        if found is None:
            known = ", ".join(["default", "fargate", "fargate-spot", *pools])
            yield Problem(
                _path(name, "capacity"),
                f"unknown capacity {service.capacity!r} (known: {known})",
            )
            continue
        architecture = settings.architecture(service)
        if "FARGATE_SPOT" in found.providers and architecture == "arm64":
            if service.capacity == "default":
                yield Problem(
                    _path(name, "architecture"),
                    "arm64 tasks cannot use the cluster default strategy: it has FARGATE_SPOT"
                    " (x86_64 only); set capacity: fargate",
                )
            else:
                yield Problem(
                    _path(name, "capacity"),
                    "fargate-spot runs only x86_64 Linux tasks, but the tasks are arm64",
                )
        for pool in found.pools:
            if pool.architecture != architecture:
                yield Problem(
                    _path(name, "architecture"),
                    f"{architecture} tasks cannot run on pool {pool.name} ({pool.architecture})",
                )
        yield from _task_size(name, service, found.compatibility)
        if service.operating_system == "windows":
            yield from _windows(name, service, found.compatibility, found.providers)


def _task_size(name: str, service: ServiceSettings, compatibility: str) -> Iterable[Problem]:
    if compatibility != "FARGATE":
        return
    if service.cpu not in FARGATE_MEMORY:
        allowed = ", ".join(str(c) for c in FARGATE_MEMORY)
        yield Problem(_path(name, "cpu"), f"{service.cpu} is not a Fargate cpu size ({allowed})")
    elif service.memory not in FARGATE_MEMORY[service.cpu]:
        yield Problem(
            _path(name, "memory"),
            f"{service.memory} is not valid for cpu {service.cpu} ({_fargate_memory(service.cpu)})",
        )


def _windows(
    name: str, service: ServiceSettings, compatibility: str, providers: tuple[str, ...]
) -> Iterable[Problem]:
    if compatibility != "FARGATE" or "FARGATE_SPOT" in providers:
        yield Problem(
            _path(name, "capacity"),
            "Windows tasks run on Fargate only, not Fargate Spot, EC2 or managed instance pools",
        )
    if service.cpu < 1024:
        yield Problem(_path(name, "cpu"), "Windows tasks on Fargate need at least 1024 (1 vCPU)")
    if service.architecture == "arm64":
        yield Problem(_path(name, "architecture"), "Windows tasks run on x86_64 only")


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
        environments: list[tuple[list[str | int], dict[str, str]]] = [
            (["environment"], service.environment),
            *[
                (["sidecars", index, "environment"], sidecar.environment)
                for index, sidecar in enumerate(service.sidecars)
            ],
        ]
        for path, environment in environments:
            for variable in environment:
                if SECRET_LOOKING.search(variable.upper()):
                    yield Problem(
                        _path(name, *path, variable),
                        "looks like a secret: put its SSM or Secrets Manager ARN under secrets"
                        " (ECS.8)",
                    )
        for variable in set(service.environment) & set(service.secrets):
            yield Problem(
                _path(name, "secrets", variable), "is also set under environment; keep one"
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


def production_services(settings: PlatformSettings) -> Iterable[Problem]:
    if not settings.is_production:
        return
    for name, service in settings.services.items():
        yield from production_retention(_path(name, "logRetentionDays"), service.log_retention_days)
        if not service.read_only_root_filesystem and service.operating_system == "linux":
            yield Problem(
                _path(name, "readOnlyRootFilesystem"),
                "tier production runs read-only root file systems (ECS.5); use writablePaths",
            )
        if service.user.split(":")[0] in {"0", "root"}:
            yield Problem(_path(name, "user"), "tier production never runs containers as root")
        if service.image.tag is not None and service.image.tag == "latest":
            yield Problem(
                _path(name, "image", "tag"), "tier production deploys a fixed tag or a digest"
            )


RULES = (
    service_names,
    image_reference,
    placement,
    routing,
    networking,
    containers,
    twelve_factor,
    scaling,
    deployment_alarms,
    production_services,
)
