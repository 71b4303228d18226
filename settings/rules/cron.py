"""Application Auto Scaling schedule expressions: `cron(...)`, `rate(...)` and `at(...)`.

A scheduled action's cron is EventBridge's six fields, parsed by settings/cron.py (the jobs'
schedules use the same parser), per the "Cron expressions reference"
(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html): each
field's values and wildcards are checked, month and day-of-week names included (`MON-FRY`,
`FOO`, `JANUARY` are refused), and a refused field's line says what the field takes.
"""

from __future__ import annotations

import re

from settings.cron import FIELD_NAMES, NAMES, RANGES, SYNTAX, CronError, parse_cron

# The wildcards of each field (the same reference's table).
WILDCARDS = {
    "minute": ", - * /",
    "hour": ", - * /",
    "day-of-month": ", - * ? / L W",
    "month": ", - * /",
    "day-of-week": ", - * ? L #",
    "year": ", - * /",
}


def takes(field: str) -> str:
    """What a cron field takes: "1-7 or SUN-SAT; wildcards , - * ? L #"."""
    low, high = RANGES[field]
    names = NAMES.get(field)
    named = f" or {names[0]}-{names[-1]}" if names else ""
    return f"{low}-{high}{named}; wildcards {WILDCARDS[field]}"


def schedule_problem(expression: str) -> str | None:
    """Why an Application Auto Scaling schedule expression is invalid, or None."""
    if re.fullmatch(r"rate\(\d+ (minute|minutes|hour|hours|day|days)\)", expression):
        return None
    if re.fullmatch(r"at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)", expression):
        return None
    match = re.fullmatch(r"cron\((.*)\)", expression)
    if match is None:
        return f"expected {SYNTAX}, rate(...) or at(...)"
    try:
        parse_cron(match.group(1))
    except CronError as error:
        field = next((f for f in FIELD_NAMES if str(error).startswith(f)), None)
        return f"{error} ({field} takes {takes(field)})" if field else str(error)
    return None
