"""`ecs-platform task run`: one-off tasks (a database migration before a deploy), waited for,
their logs streamed, with the essential container's exit code as the command's."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import click

from cli.common import command, emit_json, json_output
from cli.opsutil import aws_errors, load, progress, short, stack_options, when
from ops import aws
from ops import run as run_ops
from ops.stack import ServiceNames, StackNames
from ops.tasks import task_id
from settings.rules.tasks import fargate_size_problem

RUN_EXITS = {
    0: "the essential container exited 0 (with --no-wait: the task was started)",
    1: "(and any other) the essential container's own exit code; or the service is not found",
    2: "usage error, or the stack file is refused",
    3: "AWS refused a call, or RunTask started nothing",
    124: "the timeout passed; the task still runs (svc stop-task stops it)",
    125: "the task never ran its command (the message gives the stop code and reason)",
    130: "interrupted (Ctrl-C): the task still runs, nothing was sent",
}


def _check_size(
    names: StackNames, declared: ServiceNames, cpu: int | None, memory: int | None
) -> None:
    """Refuse a --cpu/--memory that Fargate cannot run (a usage error, before any AWS call):
    the sizes of settings/rules/tasks.py, with the task definition's value for the other."""
    placement = names.settings.placement(declared.settings)
    if placement is None or placement.compatibility != "FARGATE":
        return  # EC2 and managed instances take other sizes: AWS judges them
    size_cpu = declared.settings.cpu if cpu is None else cpu
    size_memory = declared.settings.memory if memory is None else memory
    problem = fargate_size_problem(size_cpu, size_memory)
    if problem is not None:
        given = (
            "" if memory is not None else f" (the task definition's {size_memory}: give --memory)"
        )
        raise click.BadParameter(problem + given, param_hint="--cpu/--memory")


def _emit(as_json: bool) -> Any:
    def emit(event: dict[str, Any]) -> None:
        if not as_json:
            moment = datetime.datetime.fromtimestamp(event["timestamp"] / 1000, datetime.UTC)
            click.echo(f"{when(moment)} {event['message']}")

    return emit


@command("run", RUN_EXITS)
@json_output(
    "one object: `service`, `task` (ARN), `exitCode`, `message`, `stopCode`, `stoppedReason`;"
    " with `--no-wait`: `service`, `task`, `lastStatus`."
)
@click.argument("service")
@click.option("--command", "command_line", help="Command instead of the image's (shell words).")
@click.option("--env", "env", multiple=True, metavar="NAME=VALUE", help="A variable (repeatable).")
@click.option("--cpu", type=int, help="Task CPU units instead of the task definition's.")
@click.option("--memory", type=int, help="Task memory (MiB) instead of the task definition's.")
@click.option("--no-wait", is_flag=True, help="Start the task and exit 0 (prints its id).")
@click.option("--timeout", type=float, default=3600, show_default=True, help="Seconds.")
@click.option("--interval", type=float, default=6, show_default=True, help="Seconds.")
@stack_options
@aws_errors()
def run_task(
    service: str,
    command_line: str | None,
    env: tuple[str, ...],
    cpu: int | None,
    memory: int | None,
    no_wait: bool,
    timeout: float,
    interval: float,
    stack: str,
    project_dir: Path,
    profile: str | None,
    as_json: bool,
) -> int:
    """Run a one-off task with SERVICE's task definition, network and capacity; stream its
    logs, and exit with its essential container's exit code (or 125 with the stop reason when
    it never ran)."""
    names = load(stack, project_dir, profile)
    declared = names.service(service)
    try:
        environment = run_ops.parse_environment(env)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    if cpu is not None or memory is not None:
        _check_size(names, declared, cpu, memory)
    request = run_ops.RunRequest(declared.main_container, command_line, environment, cpu, memory)
    ecs = aws.client("ecs", names.region)
    try:
        started = run_ops.start(ecs, names.cluster, declared.service, request)
    except RuntimeError as error:
        click.echo(f"task run: {error}", err=True)
        return 3
    arn = started["taskArn"]
    click.echo(f"task run: started {task_id(arn)} ({started.get('taskDefinitionArn')})", err=True)
    if no_wait:
        if as_json:
            emit_json({"service": service, "task": arn, "lastStatus": started.get("lastStatus")})
        else:
            click.echo(task_id(arn))
        return 0
    follower = run_ops.Follower(
        ecs,
        aws.client("logs", names.region),
        names.cluster,
        declared.log_group,
        run_ops.stream_name(declared.main_container, arn),
        progress(f"task {short(task_id(arn))}:"),
        _emit(as_json),
    )
    try:
        stopped = follower.until_stopped(arn, timeout, interval)
    except KeyboardInterrupt:
        click.echo(
            f"interrupted: stopped waiting; task {task_id(arn)} still runs"
            f" (ecs-platform svc stop-task {task_id(arn)} --stack {stack})",
            err=True,
        )
        return 130
    if stopped is None:
        click.echo(f"task run: still running after {int(timeout)} s: {task_id(arn)}", err=True)
        return run_ops.TIMED_OUT
    status, message = run_ops.outcome(stopped, declared.main_container)
    click.echo(f"task run: {message}", err=True)
    if as_json:
        emit_json(
            {
                "service": service,
                "task": arn,
                "exitCode": status,
                "message": message,
                "stopCode": stopped.get("stopCode"),
                "stoppedReason": stopped.get("stoppedReason"),
            }
        )
    return status


@click.group("task")
def task() -> None:
    """One-off tasks: `task run SERVICE` runs the service's task definition to completion."""


task.add_command(run_task)
COMMANDS = [task]
