"""A Scheduled Job's own fields (aws/copilot-cli internal/pkg/manifest/job.go): `on.schedule`,
`retries` and `timeout`, as a job of this project (settings/job.py)."""

from __future__ import annotations

from typing import Any

from migrate.copilot.context import Context, Handler, to_key
from migrate.copilot.values import whole_seconds

# copilot-cli internal/pkg/deploy/cloudformation/stack/scheduled_job.go: the presets as AWS
# crons, `@every <duration>` as a rate in minutes, 5-field crons with ? and the day of week
# counted from 1; rate(...) and cron(...) pass through.
PRESETS = {
    "@hourly": "cron(0 * * * ? *)",
    "@daily": "cron(0 0 * * ? *)",
    "@midnight": "cron(0 0 * * ? *)",
    "@weekly": "cron(0 0 ? * 1 *)",
    "@monthly": "cron(0 0 1 * ? *)",
    "@yearly": "cron(0 0 1 1 ? *)",
    "@annually": "cron(0 0 1 1 ? *)",
}


def schedule_expression(schedule: str) -> str | None:
    """Copilot's `on.schedule` as EventBridge's expression, "none" kept, or None when it is
    not one Copilot accepts."""
    text = schedule.strip()
    if text == "none" or text.startswith(("rate(", "cron(")):
        return text
    if text in PRESETS:
        return PRESETS[text]
    if text.startswith("@every "):
        found = whole_seconds(text.removeprefix("@every ").strip())
        if not found or found % 60:
            return None
        minutes = found // 60
        return f"rate({minutes} minute{'' if minutes == 1 else 's'})"
    fields = text.split()
    if len(fields) != 5:
        return None
    minute, hour, dom, month, dow = fields
    if any(c not in "*?" for c in dom) and any(c not in "*?" for c in dow):
        return None  # Copilot refuses both day fields too
    if all(c in "*?" for c in dow):
        dow, dom = "?", (dom if any(c not in "*?" for c in dom) else "*")
    else:
        dom = "?"
        dow = "".join(chr(ord(c) + 1) if c.isdigit() else c for c in dow)
    return f"cron({minute} {hour} {dom} {month} {dow} *)"


def _on(context: Context, value: Any, path: str) -> None:
    context.each(value, path, {"schedule": _schedule})


def _schedule(context: Context, value: Any, path: str) -> None:
    expression = schedule_expression(str(value))
    if expression is None:
        context.not_mapped(path, f"unreadable schedule {value!r}: no schedule is written")
    elif expression == "none":
        context.mapped(path, "no schedule: the job runs on demand (ecs-platform job run NAME)")
    else:
        context.put("schedule", {"expression": expression, "timezone": "UTC"})
        note = "schedule.expression, in UTC as Copilot's"
        if expression != value:
            note += f" (Copilot's {value!r} written as EventBridge's {expression})"
        context.mapped(path, note)


JOB_FIELDS: dict[str, Handler] = {
    "on": _on,
    "retries": to_key("retries"),
    "timeout": to_key("timeoutSeconds", whole_seconds, "in seconds"),
}
