"""The plan shows each job's schedule in words and its next three runs in the schedule's time
zone, and what its state machine does; the diff flags a schedule that changes or goes away."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from harness.engine import run_program
from harness.records import RecordedResource, Synthesis
from review.diff import diff_resources
from review.plan import build_plan, render_text
from review.risks import assess
from review.summaries import jobs as job_summaries
from settings.stack_files import read_stack_config

from conftest import FIXTURES

Config = dict[str, Any]
# Friday 2026-03-27 noon UTC; Paris moves to summer time on Sunday the 29th at 02:00.
NOW = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)


def synthesize(edit: Callable[[Config], Any] | None = None) -> Synthesis:
    config = read_stack_config("jobs", FIXTURES)
    if edit is not None:
        edit(config)
    return run_program("jobs", stack_config=config)


def report(config: Config) -> dict[str, Any]:
    return config["ecs-platform:jobs"]["nightly-report"]


@pytest.fixture(scope="module")
def before(synthesized: Any) -> Synthesis:
    return synthesized("jobs")


def test_the_plan_shows_the_schedule_in_words_and_its_next_runs(
    before: Synthesis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(job_summaries, "_now", lambda: NOW)
    lines = render_text(build_plan(before)).splitlines()
    at = lines.index("  + aws:scheduler/schedule:Schedule  nightly-report-schedule")
    shown = lines[at + 1 : at + 7]
    assert "      when: at 02:00 every day (Europe/Paris)" in shown
    # 02:00 on the 29th does not exist in Paris: EventBridge Scheduler skips it
    assert (
        "      nextRuns: 2026-03-28 02:00 CET, 2026-03-30 02:00 CEST, 2026-03-31 02:00 CEST"
    ) in shown
    assert "      flexibleWindow: OFF" in shown


def test_the_plan_shows_what_the_state_machine_does(before: Synthesis) -> None:
    text = render_text(build_plan(before))
    at = text.index("  + aws:sfn/stateMachine:StateMachine  nightly-report-state-machine")
    shown = text[at : at + 700]
    assert "retries: 2 (first after 60 s, then x2.0)" in shown
    assert "timeoutSeconds: 1800 per run (the task is stopped)" in shown
    assert "overlap: a run that starts while another is going ends at once" in shown
    assert "publicIp: DISABLED" in shown
    on_demand = text[text.index("StateMachine  reindex-state-machine") :][:700]
    assert "retries: none" in on_demand and "on general-ecs-platform-jobs" in on_demand


def test_a_schedule_change_is_flagged_with_both_schedules_in_words(before: Synthesis) -> None:
    after = synthesize(lambda c: report(c)["schedule"].update(expression="cron(30 4 ? * MON *)"))
    risks = assess(diff_resources(before.resources, after.resources).changes, "production")
    flagged = [risk.message for risk in risks if risk.code == "schedule-changed"]
    assert flagged == [
        "nightly-report-schedule: the job runs at 04:30 on Monday (Europe/Paris)"
        " [cron(30 4 ? * MON *)], no longer at 02:00 every day (Europe/Paris) [cron(0 2 * * ? *)]."
    ]


def edited(
    before: Synthesis, type_: str, name: str, change: Callable[[dict[str, Any]], Any] | None
) -> list[RecordedResource]:
    """The recorded resources with one resource's inputs changed (or, change None, removed):
    the diff and its risks without running the program again."""
    resources = []
    for resource in before.resources:
        if (resource.type, resource.name) == (type_, name):
            if change is None:
                continue
            inputs = copy.deepcopy(resource.inputs)
            change(inputs)
            resource = dataclasses.replace(resource, inputs=inputs)
        resources.append(resource)
    return resources


SCHEDULE = ("aws:scheduler/schedule:Schedule", "nightly-report-schedule")


def schedule_flags(before: Synthesis, after: list[RecordedResource]) -> list[str]:
    risks = assess(diff_resources(before.resources, after).changes, "production")
    return [risk.message for risk in risks if risk.code == "schedule-changed"]


def test_a_time_zone_change_is_flagged(before: Synthesis) -> None:
    after = edited(before, *SCHEDULE, lambda i: i.update(scheduleExpressionTimezone="UTC"))
    assert schedule_flags(before, after) == [
        "nightly-report-schedule: the job runs at 02:00 every day (UTC) [cron(0 2 * * ? *)], no"
        " longer at 02:00 every day (Europe/Paris) [cron(0 2 * * ? *)]."
    ]


def test_a_disabled_schedule_is_flagged(before: Synthesis) -> None:
    after = edited(before, *SCHEDULE, lambda i: i.update(state="DISABLED"))
    (message,) = schedule_flags(before, after)
    assert message.endswith("; state ENABLED -> DISABLED.")


def test_a_job_that_stops_running_on_a_schedule_is_flagged(before: Synthesis) -> None:
    assert schedule_flags(before, edited(before, *SCHEDULE, None)) == [
        "nightly-report-schedule: the job stops running on a schedule (was at 02:00 every day"
        " (Europe/Paris) [cron(0 2 * * ? *)])."
    ]


def test_a_change_elsewhere_flags_no_schedule(before: Synthesis) -> None:
    after = edited(before, *SCHEDULE, lambda i: i.update(description="another description"))
    assert diff_resources(before.resources, after).changes  # a change, but not of when it runs
    assert schedule_flags(before, after) == []
