"""Every in-process edit of moto's backends the emulator tests make, in one place, for what moto
cannot be told over HTTP (docs: shared reference day2-operations.md, section 5.2): container
exit codes, stop codes and stop reasons, task start times and health, service events and
deployments, unhealthy targets. These are moto internals: the version is pinned here and in
requirements-dev.txt, and an upgrade re-reads moto/ecs/models.py and moto/elbv2/models.py.

Works only with `ThreadedMotoServer` in the test process (the server shares these backends).
"""

from __future__ import annotations

import contextlib
import copy
import datetime
from collections.abc import Iterator, Sequence
from typing import Any

import moto
from moto.ecs.models import EC2ContainerServiceBackend, ecs_backends
from moto.elbv2.models import FakeHealthStatus, FakeTargetGroup
from moto.logs.models import logs_backends

MOTO_VERSION = "5.2.6"
assert moto.__version__ == MOTO_VERSION, f"moto {moto.__version__}: re-check {__name__}"
ACCOUNT = "123456789012"  # moto's default account


def _ecs(region: str) -> Any:
    return ecs_backends[ACCOUNT][region]


def task(region: str, cluster: str, arn: str) -> Any:
    return _ecs(region).tasks[cluster][arn]


def set_task(
    region: str,
    cluster: str,
    arn: str,
    *,
    started_at: datetime.datetime | None = None,
    health: str | None = None,
    availability_zone: str | None = None,
    capacity_provider: str | None = None,
) -> None:
    """What DescribeTasks returns for a task that moto leaves out (moto answers only the
    attributes a task object has; any attribute named like the API's field is returned)."""
    found = task(region, cluster, arn)
    if started_at is not None:
        found.started_at = started_at
    if health is not None:
        found.health_status = health
    if availability_zone is not None:
        found.availability_zone = availability_zone
    if capacity_provider is not None:
        found.capacity_provider_name = capacity_provider


def hold_running(region: str, cluster: str, arn: str) -> None:
    """Keep a seeded service task RUNNING however often it is described (moto advances every
    task one state per DescribeTasks by default)."""
    found = task(region, cluster, arn)
    found.advance = lambda: None


def add_sidecar(region: str, cluster: str, arn: str, name: str) -> None:
    """moto lists only the first container of a task; add another one by name."""
    found = task(region, cluster, arn)
    sidecar = copy.copy(found.containers[0])
    sidecar.name = name
    found.containers.append(sidecar)


def stop(
    found: Any,
    *,
    exit_code: int | None,
    stop_code: str,
    reason: str,
    container_reason: str | None = None,
    stopped_at: datetime.datetime | None = None,
) -> None:
    """A task stopped as ECS stops one (moto's own stop keeps exit code 0 and no stop code)."""
    found.last_status = "STOPPED"
    found.desired_status = "STOPPED"
    found.advance = lambda: None
    found.stop_code = stop_code
    found.stopped_reason = reason
    found.stopped_at = stopped_at or datetime.datetime.now(datetime.UTC)
    main = found.containers[0]
    main.last_status = "STOPPED"
    main.exitCode = exit_code
    if container_reason is not None:
        main.reason = container_reason


def set_stopped(region: str, cluster: str, arn: str, **details: Any) -> None:
    stop(task(region, cluster, arn), **details)


@contextlib.contextmanager
def exits_with(
    region: str,
    exit_code: int | None,
    *,
    stop_code: str = "EssentialContainerExited",
    reason: str = "Essential container in task exited",
    log_lines: Sequence[str] = (),
    log_group: str | None = None,
    stream_prefix: str | None = None,
    at: datetime.datetime | None = None,
) -> Iterator[list[str]]:
    """While active, a task that moto moves to STOPPED stops with `exit_code` (and, when a log
    group is given, its container wrote `log_lines` to `<stream_prefix><task id>` as it ran).
    Yields the ARNs of the tasks it stopped."""
    original = EC2ContainerServiceBackend.describe_tasks
    stopped: list[str] = []

    def describe_tasks(self: Any, cluster_str: str, tasks: list[str]) -> list[Any]:
        found = original(self, cluster_str, tasks)
        for item in found:
            if item.last_status == "STOPPED" and item.task_arn not in stopped:
                stopped.append(item.task_arn)
                stop(item, exit_code=exit_code, stop_code=stop_code, reason=reason)
                if log_group and log_lines:
                    stream = f"{stream_prefix or ''}{item.id}"
                    put_events(region, log_group, stream, log_lines, at)
        return found

    EC2ContainerServiceBackend.describe_tasks = describe_tasks  # type: ignore[method-assign]
    try:
        yield stopped
    finally:
        EC2ContainerServiceBackend.describe_tasks = original  # type: ignore[method-assign]


def put_events(
    region: str,
    group: str,
    stream: str,
    lines: Sequence[str],
    at: datetime.datetime | None = None,
) -> None:
    """Log lines written `at` (default now), one millisecond apart (creates the stream)."""
    backend = logs_backends[ACCOUNT][region]
    if stream not in backend.groups[group].streams:
        backend.create_log_stream(group, stream)
    start = int((at or datetime.datetime.now(datetime.UTC)).timestamp() * 1000)
    events = [{"timestamp": start + i, "message": line} for i, line in enumerate(lines)]
    backend.put_log_events(group, stream, events)


def set_service(
    region: str,
    cluster: str,
    service: str,
    *,
    events: Sequence[tuple[datetime.datetime, str]] = (),
    running: int | None = None,
    rollout: str | None = None,
    rollout_reason: str | None = None,
) -> None:
    """Service events (moto keeps none), counts and the PRIMARY deployment's rollout state."""
    found = _ecs(region).services[f"{cluster}:{service}"]
    if events:
        found.events = [
            {"id": f"event-{i}", "createdAt": at, "message": message}
            for i, (at, message) in enumerate(events)
        ]
    if running is not None:
        found.running_count = running
        found.pending_count = max(found.desired_count - running, 0)
    primary = found.deployments[0]
    if running is not None:
        primary["runningCount"] = running
        primary["pendingCount"] = max(found.desired_count - running, 0)
    if rollout is not None:
        primary["rolloutState"] = rollout
        primary["rolloutStateReason"] = rollout_reason or f"ECS deployment {rollout.lower()}."


UNHEALTHY: dict[tuple[str, str], tuple[str, str, str]] = {}
_original_health_for = FakeTargetGroup.health_for


def _health_for(self: FakeTargetGroup, target: dict[str, Any], ec2_backend: Any) -> Any:
    found = _original_health_for(self, target, ec2_backend)
    override = UNHEALTHY.get((self.arn, str(target["Id"])))
    if override is None:
        return found
    state, reason, description = override
    return FakeHealthStatus(
        found.instance_id, found.port, found.health_check_port, state, reason, description
    )


FakeTargetGroup.health_for = _health_for  # type: ignore[method-assign]


def set_target_health(
    group_arn: str, ip: str, state: str = "unhealthy", reason: str = "Target.ResponseCodeMismatch"
) -> None:
    """moto reports every registered target healthy; make one report `state` instead."""
    UNHEALTHY[(group_arn, ip)] = (state, reason, "Health checks failed with these codes: [502]")


def reset() -> None:
    UNHEALTHY.clear()


def set_alarm_time(region: str, name: str, when: datetime.datetime) -> None:
    """When an alarm's state last changed (moto stamps the real time)."""
    from moto.cloudwatch.models import cloudwatch_backends

    cloudwatch_backends[ACCOUNT][region].alarms[name].state_updated_timestamp = when


@contextlib.contextmanager
def finish_executions(
    region: str,
    status: str,
    error: str | None,
    cause: str | None,
    started_at: datetime.datetime | None = None,
) -> Iterator[None]:
    """While active, a Step Functions execution ends `status` when described (moto's stay
    RUNNING: it never runs a state machine unless told to, and then not ECS .sync tasks)."""
    from moto.stepfunctions.models import StepFunctionBackend

    original = StepFunctionBackend.describe_execution

    def describe_execution(self: Any, execution_arn: str) -> Any:
        found = original(self, execution_arn)
        if found.status == "RUNNING":
            found.status = status
            found.start_date = started_at or found.start_date
            found.stop_date = found.start_date + datetime.timedelta(seconds=95)
            found.error, found.cause = error, cause
        return found

    StepFunctionBackend.describe_execution = describe_execution  # type: ignore[method-assign]
    try:
        yield
    finally:
        StepFunctionBackend.describe_execution = original  # type: ignore[method-assign]
