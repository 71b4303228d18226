"""When a schedule expression fires next: `cron(...)`, `at(...)` and `rate(...)` as Application
Auto Scaling takes them (API reference, PutScheduledAction `Schedule`: cron fields are minutes,
hours, day-of-month, month, day-of-week, year; day-of-week 1-7 is SUN-SAT; `?` means "any";
the time zone is the action's `Timezone`, UTC by default).

The `L`, `W` and `#` forms are not computed (`next_run` returns None: the caller shows the
expression itself).
"""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
RANGES = {0: (0, 59), 1: (0, 23), 2: (1, 31), 3: (1, 12), 4: (1, 7), 5: (1970, 2199)}
SEARCH_DAYS = 366 * 5


def _value(text: str, position: int) -> int:
    names = MONTHS if position == 3 else DAYS if position == 4 else []
    if text.upper() in names:
        return names.index(text.upper()) + 1
    return int(text)


def _field(text: str, position: int) -> set[int] | None:
    """The values a cron field allows; None for a form this module does not compute."""
    low, high = RANGES[position]
    if text in ("*", "?"):
        return set(range(low, high + 1))
    if re.search(r"[LW#]", text):
        return None
    allowed: set[int] = set()
    for part in text.split(","):
        base, _, step = part.partition("/")
        if base in ("*", "?"):
            first, last = low, high
        elif "-" in base:
            start, end = base.split("-", 1)
            first, last = _value(start, position), _value(end, position)
        else:
            first = _value(base, position)
            last = high if step else first
        allowed.update(range(first, last + 1, int(step) if step else 1))
    return allowed


def next_cron(expression: str, after: datetime.datetime, zone: str) -> datetime.datetime | None:
    fields = expression.split()
    if len(fields) != 6:
        return None
    try:
        allowed = [_field(text, index) for index, text in enumerate(fields)]
    except ValueError:
        return None
    if any(values is None for values in allowed):
        return None
    minutes, hours, days, months, weekdays, years = (sorted(v or ()) for v in allowed)
    local = after.astimezone(ZoneInfo(zone))
    for offset in range(SEARCH_DAYS):
        day = local.date() + datetime.timedelta(days=offset)
        # Python: Monday 0 .. Sunday 6; AWS cron: SUN 1 .. SAT 7
        weekday = (day.weekday() + 1) % 7 + 1
        if day.year not in years or day.month not in months:
            continue
        if day.day not in days or weekday not in weekdays:
            continue
        for hour in hours:
            for minute in minutes:
                moment = datetime.datetime(
                    day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone)
                )
                if moment > local:
                    return moment
    return None


def next_run(
    schedule: str, after: datetime.datetime, zone: str | None = None
) -> datetime.datetime | None:
    """The first time after `after` that `schedule` fires, in its time zone; None for `rate`
    (it counts from when the action was created, which the API does not return) and for forms
    not computed."""
    zone = zone or "UTC"
    found = re.fullmatch(r"(cron|at|rate)\((.*)\)", schedule.strip())
    if not found:
        return None
    kind, body = found.groups()
    if kind == "cron":
        return next_cron(body, after, zone)
    if kind == "at":
        moment = datetime.datetime.fromisoformat(body).replace(tzinfo=ZoneInfo(zone))
        return moment if moment > after else None
    return None
