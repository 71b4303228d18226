"""A service's tasks as the commands show them: listed, described in batches, summarized.

ListTasks filters by `serviceName` on AWS; every task a service starts also carries
`group: service:<name>` (ECS API reference, Task.group), which is checked again here so a
task of another service is never shown. DescribeTasks takes at most 100 tasks per call; ECS
lists a stopped task for about an hour after it stopped (ECS developer guide, "Amazon ECS task
lifecycle").
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

DESCRIBE_BATCH = 100
# Task.stopCode values that mean the task failed, not that ECS or a person stopped it
# (ECS API reference, Task.stopCode).
FAILURE_STOP_CODES = frozenset({"TaskFailedToStart", "EssentialContainerExited"})


def task_id(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def revision_of(task_definition_arn: str | None) -> str:
    return (task_definition_arn or "?").rsplit(":", 1)[-1]


def list_arns(ecs: Any, cluster: str, service: str, desired: str) -> list[str]:
    """Every task ARN of `service` with desired status RUNNING or STOPPED (all pages)."""
    arns: list[str] = []
    pages = ecs.get_paginator("list_tasks").paginate(
        cluster=cluster, serviceName=service, desiredStatus=desired
    )
    for page in pages:
        arns += page.get("taskArns") or []
    return arns


def describe(ecs: Any, cluster: str, arns: Sequence[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for start in range(0, len(arns), DESCRIBE_BATCH):
        response = ecs.describe_tasks(cluster=cluster, tasks=list(arns[start : start + 100]))
        found += response.get("tasks") or []
    return found


def service_tasks(ecs: Any, cluster: str, service: str, *, stopped: bool) -> list[dict[str, Any]]:
    """The service's running (or stopped) tasks, newest first."""
    desired = "STOPPED" if stopped else "RUNNING"
    tasks = describe(ecs, cluster, list_arns(ecs, cluster, service, desired))
    mine = [t for t in tasks if t.get("group") in (None, f"service:{service}")]
    if stopped:
        mine = [t for t in mine if t.get("lastStatus") == "STOPPED"]
    return sorted(mine, key=_started, reverse=True)


def _started(task: Mapping[str, Any]) -> datetime.datetime:
    moment = task.get("startedAt") or task.get("createdAt") or task.get("stoppedAt")
    return (
        moment
        if isinstance(moment, datetime.datetime)
        else datetime.datetime.min.replace(tzinfo=datetime.UTC)
    )


def private_ip(task: Mapping[str, Any]) -> str | None:
    """The task's ENI address (awsvpc): the `privateIPv4Address` detail of its attachment."""
    for attachment in task.get("attachments") or []:
        for detail in attachment.get("details") or []:
            if detail.get("name") == "privateIPv4Address":
                return str(detail.get("value"))
    return None


def essential_container(task: Mapping[str, Any], name: str | None) -> dict[str, Any] | None:
    containers = task.get("containers") or []
    named = [c for c in containers if c.get("name") == name]
    return (named or containers or [None])[0]


def task_row(task: Mapping[str, Any], main: str | None = None) -> dict[str, Any]:
    """One task as `svc tasks` and `svc status` show it (JSON keys are camelCase)."""
    return {
        "id": task_id(str(task.get("taskArn"))),
        "lastStatus": task.get("lastStatus"),
        "desiredStatus": task.get("desiredStatus"),
        "health": task.get("healthStatus", "UNKNOWN"),
        "revision": revision_of(task.get("taskDefinitionArn")),
        "startedAt": task.get("startedAt"),
        "capacityProvider": task.get("capacityProviderName") or task.get("launchType"),
        "availabilityZone": task.get("availabilityZone"),
        "privateIp": private_ip(task),
    }


def stopped_row(task: Mapping[str, Any], main: str | None) -> dict[str, Any]:
    container = essential_container(task, main) or {}
    return {
        "id": task_id(str(task.get("taskArn"))),
        "stoppedReason": task.get("stoppedReason") or "",
        "stopCode": task.get("stopCode"),
        "exitCode": container.get("exitCode"),
        "container": container.get("name"),
        "containerReason": container.get("reason"),
        "revision": revision_of(task.get("taskDefinitionArn")),
        "stoppedAt": task.get("stoppedAt"),
    }


def failed(row: Mapping[str, Any]) -> bool:
    """A stopped task that failed: it never started, or its essential container exited non-zero
    on its own (a deployment or a scale-in stops tasks with ServiceSchedulerInitiated)."""
    if row.get("stopCode") == "TaskFailedToStart":
        return True
    return row.get("stopCode") == "EssentialContainerExited" and row.get("exitCode") != 0


def group_stopped(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Stopped tasks grouped by reason: count, exit codes, sample ids (most frequent first)."""
    groups: dict[str, dict[str, Any]] = {}
    for row in rows:
        reason = row.get("stoppedReason") or row.get("stopCode") or "no reason given"
        group = groups.setdefault(
            reason, {"reason": reason, "count": 0, "exitCodes": [], "taskIds": []}
        )
        group["count"] += 1
        code = row.get("exitCode")
        if code is not None and code not in group["exitCodes"]:
            group["exitCodes"].append(code)
        group["taskIds"].append(row["id"])
    return sorted(groups.values(), key=lambda g: -g["count"])


def resolve_task(ecs: Any, cluster: str, wanted: str) -> str:
    """The ARN of the cluster's task whose id is `wanted` or starts with it (running or
    stopped), or LookupError when none or several match."""
    if wanted.startswith("arn:"):
        return wanted
    arns: list[str] = []
    for desired in ("RUNNING", "STOPPED"):
        pages = ecs.get_paginator("list_tasks").paginate(cluster=cluster, desiredStatus=desired)
        for page in pages:
            arns += page.get("taskArns") or []
    matches = sorted({arn for arn in arns if task_id(arn).startswith(wanted)})
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise LookupError(f"no task {wanted!r} in cluster {cluster}")
    shown = ", ".join(task_id(arn) for arn in matches[:5])
    raise LookupError(f"task id prefix {wanted!r} matches {len(matches)} tasks: {shown}")
