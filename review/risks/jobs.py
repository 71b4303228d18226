"""Risk flags for jobs on a plan diff: a schedule that changes when a job runs, or stops running
it. Pure functions over diff.Change yielding (code, urn, message); review.risks wraps them into
its Risk (so this module does not import it back)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from harness.records import inputs_document
from review.diff import Change
from settings.schedules import describe, parse_schedule

SCHEDULE = "aws:scheduler/schedule:Schedule"
Flag = tuple[str, str | None, str]  # (code, urn, message)


def _when(inputs: dict[str, Any]) -> str:
    expression = str(inputs.get("scheduleExpression"))
    zone = str(inputs.get("scheduleExpressionTimezone") or "UTC")
    try:
        return f"{describe(parse_schedule(expression), zone)} [{expression}]"
    except ValueError:
        return f"{expression} ({zone})"


def schedule_changed(change: Change, tier: str) -> Iterator[Flag]:
    """A job's schedule moved (expression, time zone or state) or went away: runs come at other
    times, or stop (the job stays, on demand only)."""
    if change.type != SCHEDULE or change.action not in ("update", "replace", "delete"):
        return
    old, new = inputs_document(change.old), inputs_document(change.new)
    keys = ("scheduleExpression", "scheduleExpressionTimezone", "state")
    if change.action != "delete" and all(old.get(k) == new.get(k) for k in keys):
        return
    if change.action == "delete":
        message = f"{change.name}: the job stops running on a schedule (was {_when(old)})."
    else:
        message = f"{change.name}: the job runs {_when(new)}, no longer {_when(old)}"
        if new.get("state") != old.get("state"):
            message += f"; state {old.get('state')} -> {new.get('state')}"
        message += "."
    yield ("schedule-changed", change.urn, message)


JOB_CHECKS = (schedule_changed,)
