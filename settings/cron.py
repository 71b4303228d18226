"""EventBridge's six-field cron expressions: parsed into sets, matched against a date. Pure.

Syntax (EventBridge User Guide, "Cron expressions", eb-create-rule-schedule.md; the same for
EventBridge Scheduler): `minutes hours day-of-month month day-of-week year`.

    field         values               wildcards
    minutes       0-59                 , - * /
    hours         0-23                 , - * /
    day-of-month  1-31                 , - * ? / L W
    month         1-12 or JAN-DEC      , - * /
    day-of-week   1-7 or SUN-SAT       , - * ? L #
    year          1970-2199            , - * /

One of day-of-month and day-of-week is `?` (never both, never neither). `L` is the last day of
the month (day-of-month) or, after a day, the last such day of the month (`6L`: the last
Friday); `3W` is the weekday nearest the 3rd (never in another month), `LW` the last weekday;
`3#2` is the second Tuesday, and with `#` the day-of-week field holds that one expression only.
`a/n` counts from `a` in steps of `n`; `20-2` in hours runs past midnight (the guide's example).
A plain `L` in day-of-week is Saturday (7), as in Quartz, whose syntax EventBridge follows.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")  # EventBridge: 1 = Sunday
FIELD_NAMES = ("minute", "hour", "day-of-month", "month", "day-of-week", "year")
RANGES = {
    "minute": (0, 59),
    "hour": (0, 23),
    "day-of-month": (1, 31),
    "month": (1, 12),
    "day-of-week": (1, 7),
    "year": (1970, 2199),
}
NAMES = {"month": MONTHS, "day-of-week": WEEKDAYS}
SYNTAX = "cron(minutes hours day-of-month month day-of-week year)"


class CronError(ValueError):
    """Why an expression is not valid EventBridge cron (one line, for the settings error)."""


@dataclass(frozen=True)
class DaysOfMonth:
    """The day-of-month field: plain days, the last day (`L`), the last weekday (`LW`) and
    weekdays nearest a day (`15W`)."""

    days: frozenset[int] = frozenset()
    last: bool = False
    last_weekday: bool = False
    nearest_weekday: frozenset[int] = frozenset()

    def matches(self, day: date) -> bool:
        length = calendar.monthrange(day.year, day.month)[1]
        if day.day in self.days or (self.last and day.day == length):
            return True
        if day.weekday() >= 5:  # Saturday, Sunday
            return False
        if self.last_weekday and day.day == _nearest_weekday(day.year, day.month, length):
            return True
        return any(
            day.day == _nearest_weekday(day.year, day.month, min(wanted, length))
            for wanted in self.nearest_weekday
            if wanted <= length
        )


@dataclass(frozen=True)
class DaysOfWeek:
    """The day-of-week field: days (1 = Sunday), the last such day of the month (`6L`), or the
    n-th such day of the month (`3#2`)."""

    days: frozenset[int] = frozenset()
    last_of: int | None = None
    nth: tuple[int, int] | None = None  # (day, n)

    def matches(self, day: date) -> bool:
        weekday = eventbridge_weekday(day)
        if weekday in self.days:
            return True
        length = calendar.monthrange(day.year, day.month)[1]
        if self.last_of == weekday and day.day + 7 > length:
            return True
        return self.nth is not None and self.nth == (weekday, (day.day - 1) // 7 + 1)


@dataclass(frozen=True)
class Cron:
    """A parsed cron expression; exactly one of `days_of_month`, `days_of_week` is set."""

    minutes: frozenset[int]
    hours: frozenset[int]
    months: frozenset[int]
    years: frozenset[int]
    days_of_month: DaysOfMonth | None = None
    days_of_week: DaysOfWeek | None = None

    def matches_day(self, day: date) -> bool:
        if day.year not in self.years or day.month not in self.months:
            return False
        if self.days_of_month is not None:
            return self.days_of_month.matches(day)
        assert self.days_of_week is not None
        return self.days_of_week.matches(day)


def eventbridge_weekday(day: date) -> int:
    """1 (Sunday) to 7 (Saturday), as EventBridge numbers them."""
    return (day.weekday() + 1) % 7 + 1


def _nearest_weekday(year: int, month: int, wanted: int) -> int:
    """The weekday nearest `wanted` in that month (Saturday -> Friday before, Sunday -> Monday
    after; never leaving the month)."""
    weekday = date(year, month, wanted).weekday()
    length = calendar.monthrange(year, month)[1]
    if weekday == 5:
        return wanted - 1 if wanted > 1 else wanted + 2
    if weekday == 6:
        return wanted + 1 if wanted < length else wanted - 2
    return wanted


def _value(text: str, field: str) -> int:
    names = NAMES.get(field, ())
    if text.upper() in names:
        return names.index(text.upper()) + 1
    if not text.isdigit():
        raise CronError(f"{field} {text!r} is not a number" + (" or a name" if names else ""))
    low, high = RANGES[field]
    number = int(text)
    if not low <= number <= high:
        raise CronError(f"{field} {number} is outside {low}-{high}")
    return number


def _values(part: str, field: str) -> set[int]:
    """One comma-separated part: `*`, `a`, `a-b` (wrapping past the end), each with `/step`."""
    low, high = RANGES[field]
    body, _, step_text = part.partition("/")
    if "/" in part and not step_text.isdigit():
        raise CronError(f"{field} {part!r}: the step after / must be a whole number")
    step = int(step_text) if step_text else 1
    if step < 1:
        raise CronError(f"{field} {part!r}: the step must be at least 1")
    if body == "*":
        start, end = low, high
    elif "-" in body:
        first, _, last = body.partition("-")
        start, end = _value(first, field), _value(last, field)
    else:
        start = _value(body, field)
        end = high if step_text else start
    span = list(range(start, end + 1)) if start <= end else [
        *range(start, high + 1), *range(low, end + 1)
    ]  # fmt: skip
    return set(span[::step])


def _plain(text: str, field: str) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        if not part:
            raise CronError(f"{field} {text!r} has an empty part")
        values |= _values(part, field)
    return frozenset(values)


def _days_of_month(text: str) -> DaysOfMonth:
    days: set[int] = set()
    last = last_weekday = False
    nearest: set[int] = set()
    for part in text.upper().split(","):
        if part == "L":
            last = True
        elif part == "LW":
            last_weekday = True
        elif part.endswith("W"):
            nearest.add(_value(part[:-1], "day-of-month"))
        else:
            days |= _plain(part, "day-of-month")
    return DaysOfMonth(frozenset(days), last, last_weekday, frozenset(nearest))


def _days_of_week(text: str) -> DaysOfWeek:
    upper = text.upper()
    if "#" in upper:
        if "," in upper:
            raise CronError("day-of-week: with # the field holds one expression only (like 3#2)")
        day, _, nth = upper.partition("#")
        if nth not in {"1", "2", "3", "4", "5"}:
            raise CronError(f"day-of-week {text!r}: after # comes 1-5 (which such day)")
        return DaysOfWeek(nth=(_value(day, "day-of-week"), int(nth)))
    days: set[int] = set()
    last_of = None
    for part in upper.split(","):
        if part == "L":
            days.add(7)
        elif part.endswith("L"):
            last_of = _value(part[:-1], "day-of-week")
        else:
            days |= _plain(part, "day-of-week")
    return DaysOfWeek(frozenset(days), last_of)


FIELD_PATTERN = re.compile(r"^[0-9A-Za-z*?,/#-]+$")
LETTERS = {"day-of-month": {"L", "W"}, "day-of-week": {"L"}}


def _field_problem(name: str, text: str) -> str | None:
    if not FIELD_PATTERN.match(text):
        return f"{name} {text!r} may hold only digits, names and , - * ? / L W #"
    if "?" in text and (name not in {"day-of-month", "day-of-week"} or text != "?"):
        return f"{name} {text!r}: ? stands alone, in day-of-month or day-of-week"
    if "#" in text and name != "day-of-week":
        return f"{name} {text!r}: # is for day-of-week (like 3#2, the second Tuesday)"
    bare = text.upper()
    for known in NAMES.get(name, ()):
        bare = bare.replace(known, "")
    letters = set(re.findall("[A-Z]", bare)) - LETTERS.get(name, set())
    if letters:
        return f"{name} {text!r}: {''.join(sorted(letters))} is not a value or wildcard here"
    return None


def parse_cron(fields_text: str) -> Cron:
    """The cron inside `cron(...)`; CronError names the field and what is wrong with it."""
    fields = fields_text.split()
    if len(fields) != 6:
        raise CronError(f"cron needs 6 fields, {SYNTAX}; got {len(fields)}")
    for name, text in zip(FIELD_NAMES, fields, strict=True):
        problem = _field_problem(name, text)
        if problem:
            raise CronError(problem)
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise CronError(
            "give ? in exactly one of day-of-month and day-of-week (EventBridge cannot use both)"
        )
    return Cron(
        minutes=_plain(minute, "minute"),
        hours=_plain(hour, "hour"),
        months=_plain(month, "month"),
        years=_plain(year, "year"),
        days_of_month=None if dom == "?" else _days_of_month(dom),
        days_of_week=None if dow == "?" else _days_of_week(dow),
    )
