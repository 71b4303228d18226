"""A parsed cron expression (settings/cron.py) in plain English, for the plan. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from settings.cron import RANGES, Cron, DaysOfMonth, DaysOfWeek

DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
ORDINALS = ("first", "second", "third", "fourth", "fifth")
MAX_LISTED_TIMES = 4


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _runs(values: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted values as (first, last) runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for value in sorted(values):
        if runs and value == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], value)
        else:
            runs.append((value, value))
    return runs


def _spans(values: Iterable[int], name: Callable[[int], str] = str) -> str:
    """{1,2,3,5} -> "1 to 3 and 5" (names through `name`)."""
    parts = []
    for first, last in _runs(values):
        if first == last:
            parts.append(name(first))
        else:
            joint = "and" if last == first + 1 else "to"
            parts.append(f"{name(first)} {joint} {name(last)}")
    return _listing(parts)


def _step(values: frozenset[int], field: str) -> tuple[int, int] | None:
    """(start, step) when the values are `start/step` over the whole field, with step > 1."""
    low, high = RANGES[field]
    ordered = sorted(values)
    if len(ordered) < 2:
        return None
    step = ordered[1] - ordered[0]
    expected = list(range(ordered[0], high + 1, step))
    if step > 1 and ordered == expected and ordered[0] - low < step:
        return ordered[0], step
    return None


def _everything(values: frozenset[int], field: str) -> bool:
    low, high = RANGES[field]
    return values == frozenset(range(low, high + 1))


def _time_words(cron: Cron) -> str:
    minutes, hours = cron.minutes, cron.hours
    times = len(minutes) * len(hours)
    if times <= MAX_LISTED_TIMES:
        clock = [f"{h:02d}:{m:02d}" for h in sorted(hours) for m in sorted(minutes)]
        return f"at {_listing(clock)}"
    minute_step = _step(minutes, "minute")
    if _everything(minutes, "minute"):
        what = "every minute"
    elif minute_step:
        start, step = minute_step
        what = f"every {step} minutes" + (f" from minute {start}" if start else "")
    else:
        what = f"at minute {_spans(minutes)}"
    if _everything(hours, "hour"):
        return what if what.startswith("every") else f"{what} of every hour"
    hour_step = _step(hours, "hour")
    if hour_step and len(minutes) == 1:
        start, step = hour_step
        return f"{what} of every {step} hours from {start:02d}:00"
    word = "hour" if len(hours) == 1 else "hours"
    return f"{what} during {word} {_spans(hours, lambda h: f'{h:02d}')}"


def _day_of_month_words(days: DaysOfMonth) -> str:
    parts = []
    if days.days and _everything(days.days, "day-of-month"):
        parts.append("every day")
    elif days.days:
        word = "day" if len(days.days) == 1 else "days"
        parts.append(f"on {word} {_spans(days.days)} of the month")
    if days.last:
        parts.append("on the last day of the month")
    if days.last_weekday:
        parts.append("on the last weekday of the month")
    for day in sorted(days.nearest_weekday):
        parts.append(f"on the weekday nearest day {day} of the month")
    return _listing(parts)


def _day_name(day: int) -> str:
    return DAY_NAMES[day - 1]


def _day_of_week_words(days: DaysOfWeek) -> str:
    if days.nth is not None:
        day, nth = days.nth
        return f"on the {ORDINALS[nth - 1]} {_day_name(day)} of the month"
    parts = []
    if days.days and _everything(days.days, "day-of-week"):
        parts.append("every day")
    elif days.days:
        parts.append(f"on {_spans(days.days, _day_name)}")
    if days.last_of is not None:
        parts.append(f"on the last {_day_name(days.last_of)} of the month")
    return _listing(parts)


def cron_words(cron: Cron) -> str:
    """Like "at 02:00 every day", "every 15 minutes on Monday to Friday in January"."""
    if cron.days_of_month is not None:
        days = _day_of_month_words(cron.days_of_month)
    else:
        assert cron.days_of_week is not None
        days = _day_of_week_words(cron.days_of_week)
    clock = _time_words(cron)
    # "every 15 minutes" needs no "every day" after it
    words = [clock] if days == "every day" and clock.startswith("every") else [clock, days]
    if not _everything(cron.months, "month"):
        words.append(f"in {_spans(cron.months, lambda m: MONTH_NAMES[m - 1])}")
    if not _everything(cron.years, "year"):
        words.append(f"in {_spans(cron.years)}")
    return " ".join(words)
