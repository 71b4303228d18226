"""`ecs-platform svc ...`: look at and operate one service of a deployed stack (status, tasks,
logs, scale, wait, stop a task). Names come from the stack file (ops/stack.py); configuration
changes still go through the stack file and `pulumi up`, and each command that changes AWS
says what the next `up` does with it."""

from __future__ import annotations

import datetime
import json
import time
from pathlib import Path
from typing import Any

import click

from cli.common import command, emit_json, json_output
from cli.opsutil import (
    COMMON_EXITS,
    aws_command,
    load,
    print_rows,
    progress,
    short,
    stack_options,
    when,
)
from cli.status_view import render_status
from ops import aws
from ops import logs as log_ops
from ops import wait as wait_ops
from ops.scale import ScaleRefusedError, scale_count, scale_range
from ops.status import EXIT_CODES as VERDICT_EXITS
from ops.status import gather
from ops.tasks import resolve_task, service_tasks, stopped_row, task_row

STATUS_EXITS = {
    0: "healthy",
    1: "degraded, or the service is not found",
    **COMMON_EXITS,
    4: "a deployment waits for its approval",
}


@command("status", STATUS_EXITS)
@json_output(
    "one object: `stack`, `cluster`, `service`, `strategy`, `status`, `taskDefinition`, "
    "`desiredCount`, `runningCount`, `pendingCount`; `deployments[]` (`id`, `status`, "
    "`taskDefinition`, counts, `rolloutState`, `rolloutStateReason`); `serviceDeployment` "
    "(blue/green, canary, linear: `arn`, `status`, `lifecycleStage`, `pausedForApproval[]` "
    "with `hookId`, `expiresAt`, `timeoutAction`; else null); `productionWeights` (target "
    "group name: weight) and `servingTargetGroups[]`; `tasks[]` (`id`, `lastStatus`, "
    "`desiredStatus`, `health`, `revision`, `startedAt`, `capacityProvider`, "
    "`availabilityZone`, `privateIp`, `targetHealth`); `stoppedTasks[]` (`id`, "
    "`stoppedReason`, `stopCode`, `exitCode`, `container`, `containerReason`, `revision`, "
    "`stoppedAt`); `stoppedByReason[]` (`reason`, `count`, `exitCodes`, `taskIds`); "
    "`targetHealth[]` (`targetGroup`, `target`, `ip`, `state`, `reason`, `description`); "
    "`alarmsInAlarm[]` (`name`, `reason`, `since`); `scaling` (`minCapacity`, `maxCapacity`, "
    "`suspended`, `nextScheduledAction` with `name`, `schedule`, `timezone`, `next`, "
    "`minCapacity`, `maxCapacity`; or null); `queue` (`name`, `visible`, `inFlight`, "
    "`oldestMessageAgeSeconds`, `deadLetter`; or null); `events[]` (`at`, `message`); "
    "`verdict` (healthy, degraded, waiting) and `problems[]`."
)
@click.argument("service")
@stack_options
@aws_command
def status(service: str, stack: str, project_dir: Path, profile: str | None, as_json: bool) -> int:
    """Desired, running and pending tasks; the rollout (deployments, or the service deployment
    with its stage and a paused approval); tasks; stopped tasks by reason with exit codes; target
    health and the serving target group; alarms in ALARM; scaling; queue depth; last events."""
    names = load(stack, project_dir, profile)
    found = gather(names, service)
    if as_json:
        emit_json(found)
    else:
        render_status(found)
    return VERDICT_EXITS[found["verdict"]]


@command("tasks", {0: "listed", 1: "the service is not found", **COMMON_EXITS})
@json_output(
    "one object: `service`, `stopped`, `tasks[]` (running: the `svc status` task keys; with "
    "`--stopped`: its stopped-task keys)."
)
@click.argument("service")
@click.option("--stopped", is_flag=True, help="Stopped tasks (ECS keeps them about an hour).")
@stack_options
@aws_command
def tasks(
    service: str, stopped: bool, stack: str, project_dir: Path, profile: str | None, as_json: bool
) -> int:
    """The service's running tasks (or stopped ones, with stop reason and exit code)."""
    names = load(stack, project_dir, profile)
    main = names.service(service).main_container
    ecs = aws.client("ecs", names.region)
    found = service_tasks(ecs, names.cluster, names.service(service).service, stopped=stopped)
    rows = [stopped_row(t, main) if stopped else task_row(t, main) for t in found]
    if as_json:
        emit_json({"service": service, "stopped": stopped, "tasks": rows})
        return 0
    if stopped:
        columns = ["ID", "Stopped", "Code", "Exit", "Reason"]
        table = [
            [short(r["id"]), when(r["stoppedAt"]), r["stopCode"], r["exitCode"], r["stoppedReason"]]
            for r in rows
        ]
    else:
        columns = ["ID", "Status", "Rev", "Started", "Health", "Capacity", "AZ"]
        keys = ["id", "lastStatus", "revision", "startedAt", "health", "capacityProvider"]
        table = [[short(r["id"]), *(r[k] for k in keys[1:]), r["availabilityZone"]] for r in rows]
    print_rows(f"{'Stopped tasks' if stopped else 'Tasks'} of {service}", columns, table)
    if rows:
        click.echo("(ids shortened: a unique prefix works with --task and stop-task)")
    return 0


@command(
    "stop-task",
    {0: "the task is stopping", 1: "no such task (or the id prefix is ambiguous)", **COMMON_EXITS},
)
@json_output("one object: `task` (ARN), `lastStatus`, `reason`.")
@click.argument("task")
@click.option("--reason", default="stopped with ecs-platform svc stop-task", show_default=True)
@stack_options
@aws_command
def stop_task(
    task: str, reason: str, stack: str, project_dir: Path, profile: str | None, as_json: bool
) -> int:
    """Stop one task (its id, or a unique prefix of it) of the stack's cluster (StopTask). A
    service starts a replacement; nothing in the stack file changes."""
    names = load(stack, project_dir, profile)
    ecs = aws.client("ecs", names.region)
    arn = resolve_task(ecs, names.cluster, task)
    stopped = ecs.stop_task(cluster=names.cluster, task=arn, reason=reason)["task"]
    if as_json:
        emit_json({"task": arn, "lastStatus": stopped.get("lastStatus"), "reason": reason})
    else:
        click.echo(f"stopping {arn} ({reason}); its service starts a replacement")
    return 0


@command(
    "logs",
    {0: "done (or interrupted while following)", 1: "no such log group or task", **COMMON_EXITS},
)
@json_output(
    "(without `--follow`) one object: `service`, `logGroup`, `events[]` (`timestamp` in ms, "
    "`time` ISO 8601, `stream`, `message`); with `--follow`, one such event object per line."
)
@click.argument("service")
@click.option("--since", default="1h", show_default=True, help="How far back: 30m, 1h, 2d.")
@click.option("--start", help="From this time (ISO 8601, UTC unless a zone is given).")
@click.option("--end", help="Until this time (ISO 8601).")
@click.option("--follow", is_flag=True, help="Keep printing new events (Live Tail, else polling).")
@click.option("--filter", "pattern", help="A CloudWatch Logs filter pattern (passed through).")
@click.option("--task", "task", help="Only this task's streams (id or unique prefix).")
@click.option("--container", help="Only this container's streams (default: all of the main one).")
@click.option("--limit", type=int, help="At most this many events (not with --follow).")
@stack_options
@aws_command
def logs(
    service: str,
    since: str,
    start: str | None,
    end: str | None,
    follow: bool,
    pattern: str | None,
    task: str | None,
    container: str | None,
    limit: int | None,
    stack: str,
    project_dir: Path,
    profile: str | None,
    as_json: bool,
) -> int:
    """The service's log events in time order, one FilterLogEvents call per page; --follow
    streams new ones through Live Tail (falling back to polling) until Ctrl-C."""
    names = load(stack, project_dir, profile)
    declared = names.service(service)
    if container is not None and container not in declared.containers:
        raise click.BadParameter(f"{service} has containers {', '.join(declared.containers)}")
    client = aws.client("logs", names.region)
    task_id = None
    if task:
        task_id = _log_task_id(names.region, names.cluster, task)
    prefix = declared.stream_prefix(container) if container and not task_id else None
    stream = declared.stream_prefix(container, task_id) if task_id else None
    try:
        start_ms = log_ops.time_ms(start) if start else log_ops.since_ms(since, _now())
        end_ms = log_ops.time_ms(end) if end else None
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    query = log_ops.Query(declared.log_group, start_ms, end_ms, pattern, prefix, stream)

    def emit(event: dict[str, Any]) -> None:
        if as_json:
            click.echo(log_ops.json_line(event))
        else:
            moment = datetime.datetime.fromtimestamp(event["timestamp"] / 1000, datetime.UTC)
            click.echo(f"{when(moment)} {short_stream(event['stream'])} {event['message']}")

    if follow:
        try:
            log_ops.follow(client, query, emit, lambda line: click.echo(line, err=True), _sleep)
        except KeyboardInterrupt:
            click.echo("interrupted: stopped following (nothing was changed)", err=True)
        return 0
    found = log_ops.events(client, query, limit)
    if as_json:  # one JSON document; --follow prints one JSON object per line instead
        emit_json(
            {
                "service": service,
                "logGroup": declared.log_group,
                "events": [json.loads(log_ops.json_line(event)) for event in found],
            }
        )
        return 0
    for event in found:
        emit(event)
    return 0


def _log_task_id(region: str, cluster: str, wanted: str) -> str:
    """A task id for a log stream: resolved against the cluster's tasks, or taken as given when
    it is a whole id (ECS forgets a stopped task after about an hour; its logs stay)."""
    try:
        return resolve_task(aws.client("ecs", region), cluster, wanted).rsplit("/", 1)[-1]
    except LookupError:
        if len(wanted) >= 32:
            return wanted
        raise


def short_stream(stream: str | None) -> str:
    """`api/api/<32 hex>` as `api/<first 8 of the task id>`."""
    parts = (stream or "-").split("/")
    return f"{parts[1]}/{short(parts[-1])}" if len(parts) == 3 else (stream or "-")


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _sleep(seconds: float) -> None:
    time.sleep(seconds)


@command(
    "scale",
    {
        0: "changed (the message says what the next `pulumi up` does)",
        1: "the service is not found",
        **COMMON_EXITS,
    },
)
@json_output(
    "one object: `service`, `desiredCount` or `minCapacity` and `maxCapacity`, `nextUp` (what"
    " the next `pulumi up` does)."
)
@click.argument("service")
@click.option("--count", type=click.IntRange(0, 5000), help="Desired tasks (UpdateService).")
@click.option("--min", "minimum", type=click.IntRange(0), help="Autoscaling minimum.")
@click.option("--max", "maximum", type=click.IntRange(0), help="Autoscaling maximum.")
@stack_options
@aws_command
def scale(
    service: str,
    count: int | None,
    minimum: int | None,
    maximum: int | None,
    stack: str,
    project_dir: Path,
    profile: str | None,
    as_json: bool,
) -> int:
    """Set the service's task count, or its autoscaling range (RegisterScalableTarget). The
    stack file stays the source of truth: the message says what the next `pulumi up` does."""
    if (count is None) == (minimum is None and maximum is None):
        raise click.UsageError("give --count, or --min and/or --max")
    if minimum is not None and maximum is not None and minimum > maximum:
        raise click.BadParameter(f"--min {minimum} is above --max {maximum}", param_hint="--min")
    names = load(stack, project_dir, profile)
    try:
        if count is not None:
            result = scale_count(names, service, count)
        else:
            result = scale_range(names, service, minimum, maximum)
    except ScaleRefusedError as error:
        raise click.UsageError(str(error)) from None
    if as_json:
        emit_json({"service": result.service, **result.changed, "nextUp": result.next_up})
    else:
        changed = ", ".join(f"{k} {v}" for k, v in result.changed.items())
        click.echo(f"{result.service}: {changed}\n{result.next_up}")
    return 0


WAIT_EXITS = {
    0: "reached",
    1: "the deployment failed or was rolled back, or the timeout passed",
    **COMMON_EXITS,
    4: "a deployment still waits for its approval at the timeout",
    130: "interrupted (Ctrl-C): AWS was left as it was",
}


@command("wait", WAIT_EXITS)
@json_output(
    "one object: `service`, `until`, `outcome` (reached, failed, timeout, waiting), `lines[]`."
)
@click.argument("service")
@click.option(
    "--until",
    type=click.Choice(["deployed", "stable", "paused"]),
    default="deployed",
    show_default=True,
    help="deployed: the rollout completed; stable: and old tasks gone; paused: at the approval.",
)
@click.option("--timeout", type=float, default=1800, show_default=True, help="Seconds.")
@click.option("--interval", type=float, default=10, show_default=True, help="Seconds.")
@stack_options
@aws_command
def wait_command(
    service: str,
    until: wait_ops.Until,
    timeout: float,
    interval: float,
    stack: str,
    project_dir: Path,
    profile: str | None,
    as_json: bool,
) -> int:
    """Wait for the service's deployment (not just a steady state), with progress on stderr,
    saying loudly when an approval blocks it."""
    names = load(stack, project_dir, profile)
    declared = names.service(service)
    return follow_deployment(
        names.region,
        names.cluster,
        declared.service,
        declared.progressive,
        until,
        timeout,
        interval,
        as_json,
        stack,
    )


def follow_deployment(
    region: str,
    cluster: str,
    service: str,
    progressive: bool,
    until: wait_ops.Until,
    timeout: float,
    interval: float,
    as_json: bool,
    stack: str,
) -> int:
    """Run a wait with progress on stderr; the outcome on stdout; Ctrl-C leaves AWS as it was."""
    where = f"{service} --stack {stack}"
    try:
        result = wait_ops.wait(
            aws.client("ecs", region),
            cluster,
            service,
            progressive=progressive,
            until=until,
            timeout_seconds=timeout,
            interval_seconds=interval,
            report=progress(f"{service}:"),
            sleep=_sleep,
            answer=f"ecs-platform svc approve {where} or ecs-platform svc rollback {where}",
        )
    except KeyboardInterrupt:
        click.echo(
            f"interrupted: stopped waiting; {service}'s deployment goes on, nothing was sent",
            err=True,
        )
        return 130
    if as_json:
        emit_json(
            {"service": service, "until": until, "outcome": result.outcome, "lines": result.lines}
        )
    else:
        click.echo(f"{service}: {result.outcome}: {'; '.join(result.lines)}")
    return wait_ops.EXIT_CODES[result.outcome]


SUBCOMMANDS = [status, tasks, stop_task, logs, scale, wait_command]
