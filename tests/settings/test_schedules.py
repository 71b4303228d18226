"""EventBridge schedule expressions: what is refused and why, the words the plan shows, the next
runs in the schedule's time zone (daylight saving time as EventBridge Scheduler handles it) and
the runs a month the cost counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from settings.schedules import describe, next_runs, parse_schedule, runs_per_month, schedule_problem

# A Friday; Europe/Paris moves to summer time on Sunday 2026-03-29 at 02:00 (-> 03:00).
NOW = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)


def runs(expression: str, zone: str = "Europe/Paris", count: int = 3) -> list[str]:
    return [
        f"{run:%Y-%m-%d %H:%M %Z}"
        for run in next_runs(parse_schedule(expression), zone, NOW, count)
    ]


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("cron(0 2 * * ? *)", "at 02:00 every day (Europe/Paris)"),
        ("cron(0/15 * * * ? *)", "every 15 minutes (Europe/Paris)"),
        ("cron(0 18 ? * MON-FRI *)", "at 18:00 on Monday to Friday (Europe/Paris)"),
        ("cron(15 10 ? * 6L 2026-2028)",
         "at 10:15 on the last Friday of the month in 2026 to 2028 (Europe/Paris)"),
        ("cron(0 8 1 * ? *)", "at 08:00 on day 1 of the month (Europe/Paris)"),
        ("cron(0/5 8-17 ? * MON-FRI *)",
         "every 5 minutes during hours 08 to 17 on Monday to Friday (Europe/Paris)"),
        ("cron(0 9 ? * 3#2 *)", "at 09:00 on the second Tuesday of the month (Europe/Paris)"),
        ("cron(0 9 15W * ? *)",
         "at 09:00 on the weekday nearest day 15 of the month (Europe/Paris)"),
        ("cron(0 9 LW JAN,JUL ? *)",
         "at 09:00 on the last weekday of the month in January and July (Europe/Paris)"),
        ("cron(5,35 14 * * ? *)", "at 14:05 and 14:35 every day (Europe/Paris)"),
        ("rate(1 hour)", "every hour, counted from when the schedule is created"),
        ("rate(5 minutes)", "every 5 minutes, counted from when the schedule is created"),
        ("at(2027-01-01T00:00:00)", "once, at 2027-01-01 00:00 (Europe/Paris)"),
    ],
)  # fmt: skip
def test_words(expression: str, words: str) -> None:
    assert describe(parse_schedule(expression), "Europe/Paris") == words


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("cron(0 2 * * * *)", "give ? in exactly one of day-of-month and day-of-week"),
        ("cron(0 2 ? * ? *)", "give ? in exactly one of day-of-month and day-of-week"),
        ("cron(61 2 * * ? *)", "minute 61 is outside 0-59"),
        ("cron(0 2 * * ?)", "cron needs 6 fields"),
        ("cron(0 2 ? * 3#2,4 *)", "with # the field holds one expression only"),
        ("cron(0 2 ? * 3#6 *)", "after # comes 1-5"),
        ("cron(0 L * * ? *)", "hour 'L': L is not a value or wildcard here"),
        ("cron(0 2 * * ? 1969)", "year 1969 is outside 1970-2199"),
        ("cron(0/0 2 * * ? *)", "the step must be at least 1"),
        ("rate(1 hours)", "write rate(1 hour)"),
        ("rate(5 hour)", "write rate(5 hours)"),
        ("at(2027-02-30T00:00:00)", "is not a real date and time"),
        ("every day", "is not cron("),
    ],
)  # fmt: skip
def test_refused_expressions_say_why(expression: str, problem: str) -> None:
    found = schedule_problem(expression)
    assert found is not None and problem in found


@pytest.mark.parametrize(
    "expression",
    ["cron(0 2 ? * WED *)", "cron(0 2 1W * ? *)", "cron(0 2 * JUL ? *)", "cron(0 */6 * * ? *)"],
)
def test_names_and_wildcards_are_accepted(expression: str) -> None:
    assert schedule_problem(expression) is None


def test_a_time_skipped_by_daylight_saving_does_not_run() -> None:
    """02:00 does not exist in Paris on 2026-03-29: EventBridge Scheduler skips that run."""
    assert runs("cron(0 2 * * ? *)") == [
        "2026-03-28 02:00 CET",
        "2026-03-30 02:00 CEST",
        "2026-03-31 02:00 CEST",
    ]


def test_a_repeated_time_runs_once() -> None:
    """01:30 happens twice in New York on 2026-11-01; the schedule runs at the first."""
    after = datetime(2026, 10, 31, 12, 0, tzinfo=UTC)
    found = next_runs(parse_schedule("cron(30 1 * * ? *)"), "America/New_York", after, 3)
    assert [f"{run:%m-%d %H:%M %Z}" for run in found] == [
        "11-01 01:30 EDT",
        "11-02 01:30 EST",
        "11-03 01:30 EST",
    ]


def test_next_runs_follow_the_expression() -> None:
    assert runs("cron(0 9 ? * 3#2 *)") == [
        "2026-04-14 09:00 CEST",
        "2026-05-12 09:00 CEST",
        "2026-06-09 09:00 CEST",
    ]
    assert runs("cron(0 9 15W * ? *)", "UTC") == [
        "2026-04-15 09:00 UTC",
        "2026-05-15 09:00 UTC",
        "2026-06-15 09:00 UTC",
    ]
    assert runs("cron(0 9 L * ? *)", "UTC")[:2] == ["2026-03-31 09:00 UTC", "2026-04-30 09:00 UTC"]
    assert runs("at(2027-01-01T00:00:00)") == ["2027-01-01 00:00 CET"]
    assert runs("at(2020-01-01T00:00:00)") == []
    assert runs("rate(1 hour)") == []  # counted from the schedule's creation


def test_the_nearest_weekday_stays_in_the_month() -> None:
    """1W on a Saturday is Monday the 3rd, not Friday of the month before (EventBridge's W)."""
    found = next_runs(
        parse_schedule("cron(0 9 1W * ? *)"), "UTC", datetime(2026, 7, 15, tzinfo=UTC)
    )
    assert f"{found[0]:%Y-%m-%d %a}" == "2026-08-03 Mon"


@pytest.mark.parametrize(
    ("expression", "monthly"),
    [
        ("cron(0 2 * * ? *)", 365 / 12),
        ("cron(0 18 ? * MON-FRI *)", 261 / 12),
        ("cron(0 8 1 * ? *)", 1.0),
        ("rate(1 hour)", 730.0),
        ("rate(5 minutes)", 730 * 12),
        ("at(2027-01-01T00:00:00)", 1.0),
        ("at(2020-01-01T00:00:00)", 0.0),
    ],
)
def test_runs_per_month(expression: str, monthly: float) -> None:
    assert runs_per_month(parse_schedule(expression), "Europe/Paris", NOW) == pytest.approx(monthly)
