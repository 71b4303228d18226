"""A Scheduled Job's own fields (aws/copilot-cli internal/pkg/manifest/job.go): `on.schedule`,
`retries` and `timeout`, as a job of this project (settings/job.py)."""

from __future__ import annotations

from typing import Any

from migrate.copilot.context import Context, Handler
from migrate.copilot.values import not_a_duration, whole_seconds
from settings.job import MAX_RETRIES, MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS

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


# Copilot's state machine (internal/pkg/template/templates/workloads/partials/cf/
# state-machine-definition.json.yml): `timeout` is the execution's TimeoutSeconds, so it bounds
# every attempt and the waits between them together; a failed attempt is retried after 10 s,
# then 1.5 times longer each time. Here (components/job/definition.py) timeoutSeconds bounds one
# attempt, and a retry waits 60 s, then twice as long.
PER_ATTEMPT = (
    "timeoutSeconds bounds one attempt here, where Copilot's timeout bounded the whole run,"
    " retries included"
)


def _retries(context: Context, value: Any, path: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_RETRIES:
        context.not_mapped(path, f"{value!r} is not 0 to {MAX_RETRIES} retries: not written")
        return
    context.put("retries", value)
    context.changed(path, "retries: a failed run is tried again after 60 s, then twice as long"
                    " each time (Copilot: 10 s, then 1.5 times); a run that timed out is not"
                    " tried again")  # fmt: skip


def _timeout(context: Context, value: Any, path: str) -> None:
    found = whole_seconds(value)
    if found is None:
        context.not_mapped(path, not_a_duration(value, "timeoutSeconds"))
        return
    if found > MAX_TIMEOUT_SECONDS:
        context.not_mapped(path, f"{value!r} is more than 7 days: not written")
        return
    written = max(found, MIN_TIMEOUT_SECONDS)
    context.put("timeoutSeconds", written)
    raised = (
        f"; raised from {found} s to {MIN_TIMEOUT_SECONDS} s, the least here (a Fargate task can"
        " take a minute to start)"
        if written != found
        else ""
    )
    context.changed(path, f"timeoutSeconds {written}: {PER_ATTEMPT}{raised}")


JOB_FIELDS: dict[str, Handler] = {
    "on": _on,
    "retries": _retries,
    "timeout": _timeout,
}
