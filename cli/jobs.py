"""`ecs-platform job run|status`: start a job now, and its last runs."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from cli.common import command, emit_json, json_output
from cli.opsutil import aws_errors, load, print_rows, progress, stack_options, when
from ops import aws
from ops import jobs as job_ops
from ops.stack import StackNames

JOB_RUN_EXITS = {
    0: "the run succeeded (with --no-wait: it was started)",
    1: "(and any other) the container's exit code; or the run failed another way, or the job"
    " is not found",
    2: "usage error, or the stack file is refused",
    3: "AWS refused a call",
    124: "the run timed out (its task was stopped), or --timeout passed (it goes on)",
    125: "the task never started (the message gives the reason)",
    130: "interrupted (Ctrl-C): the run goes on, nothing was sent",
}


def _job(names: StackNames, job: str) -> None:
    if job not in names.settings.jobs:
        known = ", ".join(sorted(names.settings.jobs)) or "none"
        raise LookupError(f"{names.settings.stack_file}: no job {job!r} (declared: {known})")


def _arn(names: StackNames, job: str) -> str:
    account = aws.client("sts", names.region).get_caller_identity()["Account"]
    return job_ops.machine_arn(names.region, account, names.settings.job_state_machine_name(job))


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


@command("run", JOB_RUN_EXITS)
@json_output(
    "one object: `job`, `execution` (ARN), `input`, `status`, `exitCode`, `message`; with"
    " `--no-wait`: `job`, `execution`, `input`."
)
@click.argument("job")
@click.option("--no-wait", is_flag=True, help="Start the run and exit 0 (prints its ARN).")
@click.option("--timeout", type=float, default=7200, show_default=True, help="Seconds.")
@click.option("--interval", type=float, default=10, show_default=True, help="Seconds.")
@stack_options
@aws_errors()
def job_run(
    job: str,
    no_wait: bool,
    timeout: float,
    interval: float,
    stack: str,
    project_dir: Path,
    profile: str | None,
    as_json: bool,
) -> int:
    """Start JOB now the way its schedule does (StartExecution of its state machine with the
    schedule's input: the same retries, timeout and alarm), wait, and exit with its result."""
    names = load(stack, project_dir, profile)
    _job(names, job)
    payload = job_ops.schedule_input(
        aws.client("scheduler", names.region), names.settings.job_schedule_name(job)
    )
    sfn = aws.client("stepfunctions", names.region)
    moment = _now().strftime("%Y%m%dT%H%M%SZ")
    started = sfn.start_execution(
        stateMachineArn=_arn(names, job), name=f"manual-{moment}", input=payload
    )
    arn = started["executionArn"]
    click.echo(f"job run: started {arn}", err=True)
    if no_wait:
        if as_json:
            emit_json({"job": job, "execution": arn, "input": payload})
        else:
            click.echo(arn)
        return 0
    try:
        finished = job_ops.wait(
            sfn,
            arn,
            timeout_seconds=timeout,
            interval_seconds=interval,
            report=progress(f"job {job}:"),
        )
    except KeyboardInterrupt:
        click.echo(f"interrupted: stopped waiting; the run goes on ({arn})", err=True)
        return 130
    if finished is None:
        click.echo(f"job run: still running after {int(timeout)} s: {arn}", err=True)
        return job_ops.TIMED_OUT
    code, message = job_ops.exit_code(finished)
    click.echo(f"job run: {message}", err=True)
    if as_json:
        emit_json(
            {
                "job": job,
                "execution": arn,
                "input": payload,
                "status": finished.get("status"),
                "exitCode": code,
                "message": message,
            }
        )
    return code


@command(
    "status", {0: "listed", 1: "the job is not found", 2: "usage error", 3: "AWS refused a call"}
)
@json_output(
    "one object: `job`, `stateMachine`, `runs[]` (`name`, `status`, `startedAt`,"
    " `durationSeconds`, `exitCode`, `error`), newest first."
)
@click.argument("job")
@click.option("--last", type=click.IntRange(1, 100), default=10, show_default=True)
@stack_options
@aws_errors()
def job_status(
    job: str, last: int, stack: str, project_dir: Path, profile: str | None, as_json: bool
) -> int:
    """JOB's last runs: start, duration, result and exit code (ListExecutions,
    DescribeExecution)."""
    names = load(stack, project_dir, profile)
    _job(names, job)
    arn = _arn(names, job)
    found = job_ops.runs(aws.client("stepfunctions", names.region), arn, last)
    if as_json:
        emit_json({"job": job, "stateMachine": arn, "runs": found})
        return 0
    rows = [
        [
            r["name"],
            when(r["startedAt"]),
            "-" if r["durationSeconds"] is None else f"{r['durationSeconds']:.0f} s",
            r["status"],
            r["exitCode"],
            r["error"],
        ]
        for r in found
    ]
    print_rows(f"Runs of {job}", ["Run", "Started", "Duration", "Result", "Exit", "Error"], rows)
    return 0


@click.group("job")
def job() -> None:
    """Scheduled jobs: run one now (waiting for its result), or list its last runs."""


job.add_command(job_run)
job.add_command(job_status)
