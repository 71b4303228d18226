"""`task run`: a one-off task with a service's task definition, network and capacity (the way a
database migration runs before a deploy), its logs streamed, and the essential container's exit
code returned.

RunTask takes the service's current task definition, `networkConfiguration` and capacity
provider strategy (or launch type) from DescribeServices, with `overrides` for the command,
variables, cpu and memory (ECS API reference, RunTask and TaskOverride). The wait polls
DescribeTasks; logs come from the container's stream `<container>/<container>/<task id>` with
FilterLogEvents from the last event seen. A task that never started (stopCode
TaskFailedToStart, or no exit code) is a failure with its stop reason, never a success
(kayac/ecspresso#534, aws/copilot-cli#1893).
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ops import logs as log_ops
from ops.status import describe_service
from ops.tasks import essential_container, task_id

STARTED_BY = "ecs-platform/task-run"
NEVER_STARTED = 125  # like `docker run`: the task itself failed, not the command
TIMED_OUT = 124  # like `timeout`: the task still runs


@dataclass(frozen=True)
class RunRequest:
    container: str
    command: str | None = None
    environment: Mapping[str, str] = field(default_factory=dict)
    cpu: int | None = None
    memory: int | None = None


def overrides(request: RunRequest) -> dict[str, Any]:
    container: dict[str, Any] = {"name": request.container}
    if request.command:
        container["command"] = shlex.split(request.command)
    if request.environment:
        container["environment"] = [
            {"name": k, "value": v} for k, v in sorted(request.environment.items())
        ]
    found: dict[str, Any] = {"containerOverrides": [container]}
    if request.cpu is not None:
        found["cpu"] = str(request.cpu)
    if request.memory is not None:
        found["memory"] = str(request.memory)
    return found


def placement(service: Mapping[str, Any]) -> dict[str, Any]:
    """The service's capacity: its provider strategy, or its launch type."""
    strategy = service.get("capacityProviderStrategy")
    if strategy:
        return {"capacityProviderStrategy": strategy}
    return {"launchType": service.get("launchType") or "FARGATE"}


def start(ecs: Any, cluster: str, service_name: str, request: RunRequest) -> dict[str, Any]:
    """RunTask like the service's own tasks; the started task, or RuntimeError with the
    failures RunTask returned."""
    service = describe_service(ecs, cluster, service_name)
    response = ecs.run_task(
        cluster=cluster,
        taskDefinition=service["taskDefinition"],
        networkConfiguration=service["networkConfiguration"],
        overrides=overrides(request),
        startedBy=STARTED_BY,
        enableECSManagedTags=True,
        **placement(service),
    )
    failures = response.get("failures") or []
    if failures or not response.get("tasks"):
        reasons = "; ".join(f"{f.get('reason')}: {f.get('detail', '')}" for f in failures)
        raise RuntimeError(f"RunTask started nothing: {reasons or 'no reason given'}")
    return dict(response["tasks"][0])


def outcome(task: Mapping[str, Any], container: str) -> tuple[int, str]:
    """(exit status, message) of a STOPPED task."""
    found = essential_container(task, container) or {}
    code = found.get("exitCode")
    stop = f"{task.get('stopCode') or '-'}: {task.get('stoppedReason') or 'no reason given'}"
    if task.get("stopCode") == "TaskFailedToStart" or code is None:
        reason = found.get("reason")
        return (
            NEVER_STARTED,
            f"the task never ran its command ({stop}{'; ' + reason if reason else ''})",
        )
    return int(code), f"container {found.get('name')} exited with {code} ({stop})"


@dataclass
class Follower:
    """Polls one task to STOPPED, printing its new log events on the way."""

    ecs: Any
    logs: Any
    cluster: str
    log_group: str
    stream: str  # the container's whole stream name
    report: Callable[[str], None]
    emit: Callable[[dict[str, Any]], None]
    sleep: Callable[[float], None] = time.sleep
    last_ms: int = 0
    seen: set[str] = field(default_factory=set)

    def drain(self) -> None:
        query = log_ops.Query(self.log_group, self.last_ms or None, None, None, None, self.stream)
        for event in log_ops.events(self.logs, query):
            key = f"{event['timestamp']}/{event['stream']}/{event['message']}"
            if key not in self.seen:
                self.seen.add(key)
                self.last_ms = max(self.last_ms, event["timestamp"])
                self.emit(event)

    def until_stopped(self, arn: str, timeout: float, interval: float) -> dict[str, Any] | None:
        """The STOPPED task, or None at the timeout (the task still runs)."""
        waited = 0.0
        while True:
            (task,) = self.ecs.describe_tasks(cluster=self.cluster, tasks=[arn])["tasks"]
            self.report(str(task.get("lastStatus")))
            self.drain()
            if task.get("lastStatus") == "STOPPED":
                return dict(task)
            if waited >= timeout:
                return None
            self.sleep(interval)
            waited += interval


def stream_name(container: str, arn: str) -> str:
    return f"{container}/{container}/{task_id(arn)}"


def parse_environment(pairs: Sequence[str]) -> dict[str, str]:
    """`K=V` pairs as a mapping (ValueError on one without `=`)."""
    found = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--env {pair!r}: give NAME=value")
        found[key] = value
    return found
