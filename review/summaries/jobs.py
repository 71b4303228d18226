"""What the offline plan shows of a job's run machinery: the state machine (what it runs,
retries, timeout, overlap) and the schedule (in words, and its next three runs in its own time
zone)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from settings.schedules import describe, next_runs, parse_schedule

Summary = dict[str, Any]
RUN_TASK = "arn:aws:states:::ecs:runTask.sync"


def _now() -> datetime:
    return datetime.now(UTC)


def _document(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def run_state(definition: dict[str, Any]) -> dict[str, Any]:
    """The state that runs the task (`ecs:runTask.sync`), or {}."""
    states = definition.get("States") or {}
    return next((s for s in states.values() if s.get("Resource") == RUN_TASK), {})


def _capacity(parameters: dict[str, Any]) -> str:
    strategy = parameters.get("CapacityProviderStrategy") or []
    if not strategy:
        return parameters.get("LaunchType") or "the cluster's default strategy"
    return ", ".join(str(item.get("CapacityProvider")) for item in strategy)


def _state_machine(inputs: dict[str, Any]) -> Summary:
    definition = _document(inputs.get("definition"))
    run = run_state(definition)
    parameters = run.get("Parameters") or {}
    retry = next(iter(run.get("Retry") or []), {})
    network = (parameters.get("NetworkConfiguration") or {}).get("AwsvpcConfiguration") or {}
    overlap = "CheckOverlap" in (definition.get("States") or {})
    attempts = retry.get("MaxAttempts", 0)
    return {
        "name": inputs.get("name"),
        "runs": f"{parameters.get('TaskDefinition')} on {_capacity(parameters)}",
        "retries": f"{attempts} (first after {retry.get('IntervalSeconds')} s,"
        f" then x{retry.get('BackoffRate')})"
        if attempts
        else "none",
        "timeoutSeconds": f"{run.get('TimeoutSeconds')} per run (the task is stopped)",
        "overlap": "a run that starts while another is going ends at once"
        if overlap
        else "allowed",
        "publicIp": network.get("AssignPublicIp"),
    }


def _schedule(inputs: dict[str, Any]) -> Summary:
    expression = str(inputs.get("scheduleExpression"))
    zone = str(inputs.get("scheduleExpressionTimezone") or "UTC")
    try:
        schedule = parse_schedule(expression)
        words = describe(schedule, zone)
        runs = [f"{run:%Y-%m-%d %H:%M %Z}" for run in next_runs(schedule, zone, _now())]
    except ValueError as error:  # the settings refuse such expressions; an old revision may not
        return {"name": inputs.get("name"), "expression": expression, "problem": str(error)}
    if schedule.kind == "rate":
        shown: Any = "follow the schedule's creation (a rate has no clock times)"
    else:
        shown = runs or "none left"
    return {
        "name": inputs.get("name"),
        "when": words,
        "expression": f"{expression} in {zone}",
        "nextRuns": shown,
        "flexibleWindow": (inputs.get("flexibleTimeWindow") or {}).get("mode"),
        "state": inputs.get("state"),
    }


JOB_SUMMARIES: dict[str, Callable[[dict[str, Any]], Summary]] = {
    "aws:sfn/stateMachine:StateMachine": _state_machine,
    "aws:scheduler/schedule:Schedule": _schedule,
}
