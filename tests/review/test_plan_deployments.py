"""The plan, the plan diff and the cost estimate on deployment strategies (progressive fixture)."""

from __future__ import annotations

from functools import cache

from cost import estimate, load_prices
from harness.engine import run_program
from harness.records import Synthesis
from review.diff import diff_resources
from review.plan import build_plan, render_text
from review.risks import assess
from settings.stack_files import read_stack_config

from conftest import FIXTURES


@cache
def synthesis(fixture: str) -> Synthesis:
    # both under one stack name, so only what the files declare differs
    return run_program("progressive", stack_config=read_stack_config(fixture, FIXTURES))


def test_the_plan_shows_each_services_strategy_bake_time_and_hooks():
    text = render_text(build_plan(synthesis("progressive")))
    assert "strategy: CANARY" in text
    assert "canary: 10% for 5 min" in text
    assert "bakeMinutes: 15" in text
    assert "strategy: BLUE_GREEN" in text
    assert "hooks: PAUSE at POST_TEST_TRAFFIC_SHIFT (approve within 120 min, else ROLLBACK)" in text
    assert "strategy: ROLLING" in text  # worker
    assert "duringDeployment: blue and green side by side: up to twice the tasks" in text
    assert "ignoreChanges: actions[*].forward.targetGroups" in text


def test_the_diff_flags_a_strategy_change_and_only_there():
    diff = diff_resources(synthesis("prod").resources, synthesis("progressive").resources)
    flagged = [r for r in assess(diff.changes, "production") if r.code == "deployment-strategy"]
    assert [r.message for r in flagged] == [
        "api: deployment strategy ROLLING -> CANARY; the next deployment runs the new way"
        " (docs/deployments.md)."
    ]  # web is new (created, not changed); worker stays rolling


def test_cost_notes_the_doubled_tasks_of_non_rolling_services_only():
    resources = synthesis("progressive").resources
    notes = estimate(resources, load_prices("eu-west-1")).notes
    assert notes == [
        "api (CANARY): up to 3 more tasks while a deployment runs (green beside blue, 15 min"
        " bake included), not in the monthly sum",
        "web (BLUE_GREEN): up to 2 more tasks while a deployment runs (green beside blue, 10 min"
        " bake included), not in the monthly sum",
    ]
    assert estimate(synthesis("prod").resources, load_prices("eu-west-1")).notes == []
