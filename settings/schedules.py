"""EventBridge Scheduler schedule expressions: checked, put in words, and their next run times.

Three forms (EventBridge Scheduler User Guide, "Schedule types"): `cron(...)` (settings/cron.py),
`rate(value unit)` and `at(yyyy-mm-ddThh:mm:ss)`, each read in the schedule's IANA time zone.
A rate has no clock times of its own: it "starts after the start date you specify", and without
one right away, so its runs follow the moment the schedule is created (no next times can be
named before it exists). Rate units follow EventBridge's rule: `minute`, `hour`, `day` for 1 and
the plural above 1 (EventBridge User Guide, "Rate expressions": "rate(1 hours) and rate(5 hour)
aren't valid"). Daylight saving time: a cron time that does not exist on the day clocks go
forward is skipped, and one that happens twice when they go back runs once ("EventBridge
Scheduler automatically adjusts your schedule for Daylight Saving Time. When the time shifts
forward in Spring, your schedule invocation gets skipped if the cron expression falls on a
non-existent date and time. When the time shifts back in the Fall, your schedule runs only once",
AWS re:Post knowledge-center/eventbridge-scheduler-adjust-dst). Pure: no AWS, no Pulumi.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from settings.cron import Cron, CronError, parse_cron
from settings.schedule_words import cron_words

RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
CRON = re.compile(r"^cron\((.*)\)$")
SYNTAX = "cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(...)"
UNIT_MINUTES = {"minute": 1, "hour": 60, "day": 1440}
MINUTES_PER_MONTH = 730 * 60  # the estimate's month (cost/prices/*.yaml hoursPerMonth)
SEARCH_DAYS = 366 * 4  # far enough for any cron that runs at all (Feb 29 every four years)


@dataclass(frozen=True)
class Schedule:
    """One parsed expression: exactly one of `cron`, `every_minutes`, `once` is set."""

    expression: str
    cron: Cron | None = None
    every_minutes: int | None = None
    once: datetime | None = None  # naive, in the schedule's time zone

    @property
    def kind(self) -> str:
        return "cron" if self.cron else "rate" if self.every_minutes else "at"


def parse_schedule(expression: str) -> Schedule:
    """The expression parsed; ValueError (a CronError for cron) says what is wrong, one line."""
    rate = RATE.match(expression)
    if rate:
        value, unit = int(rate.group(1)), rate.group(2)
        if value < 1:
            raise ValueError(f"{expression}: the rate must be at least 1")
        singular = unit.rstrip("s")
        if (value == 1) != (unit == singular):
            right = f"rate({value} {singular if value == 1 else singular + 's'})"
            raise ValueError(f"{expression}: write {right} (singular only for 1)")
        return Schedule(expression, every_minutes=value * UNIT_MINUTES[singular])
    once = AT.match(expression)
    if once:
        try:
            moment = datetime.fromisoformat(once.group(1))
        except ValueError:
            raise ValueError(f"{expression}: {once.group(1)} is not a real date and time") from None
        return Schedule(expression, once=moment)
    cron = CRON.match(expression)
    if cron is None:
        raise ValueError(f"{expression!r} is not {SYNTAX}")
    return Schedule(expression, cron=parse_cron(cron.group(1)))


def schedule_problem(expression: str) -> str | None:
    """Why the expression is not valid for EventBridge Scheduler, or None."""
    try:
        parse_schedule(expression)
    except (ValueError, CronError) as error:
        return str(error)
    return None


def time_zone(name: str) -> zoneinfo.ZoneInfo:
    """The IANA zone; ValueError when the name is not one."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not an IANA time zone (like Europe/Paris or UTC)") from None


def _exists(local: datetime, zone: zoneinfo.ZoneInfo) -> bool:
    """False for a wall-clock time skipped when clocks go forward."""
    aware = local.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local


def _cron_times(cron: Cron, start: date) -> Iterator[datetime]:
    times = [time(h, m) for h in sorted(cron.hours) for m in sorted(cron.minutes)]
    for offset in range(SEARCH_DAYS):
        day = start + timedelta(days=offset)
        if cron.matches_day(day):
            for at in times:
                yield datetime.combine(day, at)


def next_runs(
    schedule: Schedule, zone_name: str, after: datetime, count: int = 3
) -> list[datetime]:
    """The next `count` run times after `after` (aware), in the schedule's zone. Empty for a
    rate (its times follow its creation) and for a cron or at() with no run left."""
    zone = time_zone(zone_name)
    local_after = after.astimezone(zone)
    if schedule.once is not None:
        moment = schedule.once.replace(tzinfo=zone)
        return [moment] if _exists(schedule.once, zone) and moment > local_after else []
    if schedule.cron is None:
        return []
    found: list[datetime] = []
    for local in _cron_times(schedule.cron, local_after.date()):
        if not _exists(local, zone):
            continue  # the hour clocks skip: no run that day at that time
        moment = local.replace(tzinfo=zone, fold=0)  # a repeated hour runs once, the first time
        if moment > local_after:
            found.append(moment)
            if len(found) == count:
                break
    return found


def runs_per_month(schedule: Schedule, zone_name: str, after: datetime) -> float:
    """Average runs in a month (730 hours): a cron's runs in the 365 days after `after` over 12
    (days that match, times a day; the odd hour daylight saving time skips or repeats is not
    counted apart), the month's minutes over the interval for a rate, 1 for an at() to come."""
    if schedule.every_minutes is not None:
        return MINUTES_PER_MONTH / schedule.every_minutes
    if schedule.once is not None:
        return float(len(next_runs(schedule, zone_name, after, 1)))
    assert schedule.cron is not None
    cron = schedule.cron
    start = after.astimezone(time_zone(zone_name)).date()
    days = sum(1 for offset in range(365) if cron.matches_day(start + timedelta(days=offset)))
    return days * len(cron.hours) * len(cron.minutes) / 12


def describe(schedule: Schedule, zone_name: str) -> str:
    """The schedule in words, like "at 02:00 every day (Europe/Paris)"."""
    if schedule.every_minutes is not None:
        return f"{_every(schedule.every_minutes)}, counted from when the schedule is created"
    if schedule.once is not None:
        return f"once, at {schedule.once:%Y-%m-%d %H:%M} ({zone_name})"
    assert schedule.cron is not None
    return f"{cron_words(schedule.cron)} ({zone_name})"


def _every(minutes: int) -> str:
    for unit, size in (("day", 1440), ("hour", 60), ("minute", 1)):
        if minutes % size == 0:
            count = minutes // size
            return f"every {unit}" if count == 1 else f"every {count} {unit}s"
    raise AssertionError(minutes)
