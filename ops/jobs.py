"""`job run` and `job status`: a job's runs through its Step Functions state machine.

`job run` starts an execution of the job's state machine (StartExecution) with the input its
EventBridge Scheduler schedule sends (GetSchedule `Target.Input`; none: `{}`), so an on-demand
run gets exactly what a scheduled one gets: the retries, the timeout that stops the task, the
overlap check and the failure alarm (components/job/definition.py), and it shows in the
execution history `job status` reads. Running the task definition directly (RunTask) would skip
all of them, so it is not offered here (`task run` is for services).

A run's result (Step Functions API reference, DescribeExecution): SUCCEEDED (every essential
container exited 0: a non-zero exit fails `ecs:runTask.sync`); FAILED with `error` and `cause`,
where a failed `.sync` task's cause is the ECS task as JSON (its `Containers[].ExitCode`,
`StopCode`); TIMED_OUT; ABORTED.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import Any

TERMINAL = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})
NEVER_STARTED = 125
TIMED_OUT = 124


def machine_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:states:{region}:{account}:stateMachine:{name}"


def schedule_input(scheduler: Any, name: str) -> str:
    """The input the job's schedule sends its state machine, or `{}` (no schedule, or none)."""
    try:
        schedule = scheduler.get_schedule(Name=name)
    except scheduler.exceptions.ResourceNotFoundException:
        return "{}"
    return str((schedule.get("Target") or {}).get("Input") or "{}")


def exit_code(execution: Mapping[str, Any]) -> tuple[int, str]:
    """(exit status, message) of a finished execution."""
    status = execution.get("status")
    if status == "SUCCEEDED":
        return 0, "SUCCEEDED: every essential container exited 0"
    if status == "TIMED_OUT" or execution.get("error") == "Job.TimedOut":
        return TIMED_OUT, f"{status}: the run outlasted its timeout and was stopped"
    error, cause = execution.get("error") or "-", execution.get("cause") or ""
    try:
        task = json.loads(cause)
    except json.JSONDecodeError:
        task = {}
    containers = task.get("Containers") if isinstance(task, dict) else None
    codes = [c.get("ExitCode") for c in containers or [] if c.get("ExitCode") is not None]
    if task.get("StopCode") == "TaskFailedToStart" if isinstance(task, dict) else False:
        return (
            NEVER_STARTED,
            f"{status} ({error}): the task never started: {task.get('StoppedReason')}",
        )
    nonzero = [code for code in codes if code != 0]
    if nonzero:
        return int(nonzero[0]), f"{status} ({error}): the container exited with {nonzero[0]}"
    return 1, f"{status} ({error}): {cause[:200] or 'no cause given'}"


def row(execution: Mapping[str, Any]) -> dict[str, Any]:
    started, stopped = execution.get("startDate"), execution.get("stopDate")
    duration = (stopped - started).total_seconds() if started and stopped else None
    code = exit_code(execution)[0] if execution.get("status") in TERMINAL else None
    return {
        "name": execution.get("name"),
        "status": execution.get("status"),
        "startedAt": started,
        "durationSeconds": duration,
        "exitCode": code,
        "error": execution.get("error"),
    }


def runs(sfn: Any, arn: str, count: int) -> list[dict[str, Any]]:
    """The last `count` executions, newest first, each described (error, cause)."""
    listed = sfn.list_executions(stateMachineArn=arn, maxResults=count).get("executions") or []
    newest = sorted(listed, key=lambda e: e["startDate"], reverse=True)[:count]
    return [row(sfn.describe_execution(executionArn=e["executionArn"])) for e in newest]


def wait(
    sfn: Any,
    execution_arn: str,
    *,
    timeout_seconds: float,
    interval_seconds: float,
    report: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any] | None:
    """The finished execution, or None at the timeout (the run goes on)."""
    waited = 0.0
    while True:
        execution = sfn.describe_execution(executionArn=execution_arn)
        report(str(execution.get("status")))
        if execution.get("status") in TERMINAL:
            return dict(execution)
        if waited >= timeout_seconds:
            return None
        sleep(interval_seconds)
        waited += interval_seconds
