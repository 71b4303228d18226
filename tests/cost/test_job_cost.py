"""What jobs cost: runs a month (from the schedule, or the usage file for an on-demand job) x
minutes a run (usage file, else the tier default) x the task's Fargate size, the state
transitions a run takes, and the schedule's invocations."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cost import load_prices
from cost.jobs import happy_path_transitions, price_jobs
from cost.model import Pricer
from cost.usage_file import TIER_DEFAULTS, Usage, UsageFileError, parse_usage
from harness.records import as_document, component_namer

NOW = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
NIGHTS = 365 / 12  # cron(0 2 * * ? *): every night of the coming year, over 12


def items(synthesis: Any, **usage: Any) -> dict[str, Any]:
    resources = [
        type(r)(**{**r.__dict__, "inputs": as_document(r.inputs)}) for r in synthesis.resources
    ]
    pricer = Pricer(load_prices("eu-west-1"), component_namer(resources))
    values = Usage.model_validate({**TIER_DEFAULTS["production"], **usage})
    price_jobs(pricer, resources, values, NOW)
    return {item.what: item for item in pricer.items}


@pytest.fixture(scope="module")
def jobs(synthesized: Any) -> Any:
    return synthesized("jobs")


def test_a_scheduled_job_costs_its_runs_on_fargate(jobs: Any) -> None:
    table = load_prices("eu-west-1")
    found = items(jobs)
    hours = NIGHTS * 15 / 60  # the production default: 15 minutes a run
    vcpu = found[f"job nightly-report: {hours:g} FARGATE task-hours x86_64, 0.5 vCPU"]
    assert vcpu.usage and vcpu.monthly == pytest.approx(
        hours * 0.5 * table.price("fargateVcpuHour", "x86_64")
    )
    memory = found[f"job nightly-report: {hours:g} FARGATE task-hours x86_64, 1 GB"]
    assert memory.monthly == pytest.approx(hours * 1 * table.price("fargateGbHour", "x86_64"))
    # CheckOverlap, AnotherRunIsGoing, Run: three transitions a run
    transitions = found[f"job nightly-report: {NIGHTS * 3:g} state transitions ({NIGHTS:g} runs)"]
    assert transitions.monthly == pytest.approx(
        NIGHTS * 3 / 1000 * table.price("stepFunctionsTransitionsThousand")
    )
    invocations = found[f"job nightly-report: {NIGHTS:g} scheduled invocations"]
    assert invocations.quantity == pytest.approx(NIGHTS / 1e6)
    assert invocations.price_key == "schedulerInvocationsMillion"


def test_the_usage_file_sets_a_jobs_minutes_and_an_on_demand_jobs_runs(jobs: Any) -> None:
    found = items(
        jobs, jobs={"nightly-report": {"minutesPerRun": 40}, "reindex": {"runsPerMonth": 4}}
    )
    hours = NIGHTS * 40 / 60
    assert f"job nightly-report: {hours:g} FARGATE task-hours x86_64, 0.5 vCPU" in found
    # reindex runs on the general pool: its instances are priced with the pool, not per run
    reindex = [what for what in found if what.startswith("job reindex")]
    assert reindex == ["job reindex: 12 state transitions (4 runs)"]


def test_an_on_demand_job_without_runs_costs_nothing(jobs: Any) -> None:
    assert not [what for what in items(jobs) if what.startswith("job reindex")]


def test_the_happy_path_counts_each_state_entered() -> None:
    definition = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Task", "Next": "B"},
            "B": {"Type": "Choice", "Default": "C"},
            "C": {"Type": "Task", "End": True},
            "D": {"Type": "Fail"},
        },
    }
    assert happy_path_transitions(definition) == 3


def test_a_bad_job_usage_key_names_the_file_and_key() -> None:
    with pytest.raises(UsageFileError) as error:
        parse_usage(
            {"jobs": {"nightly-report": {"minutesPerRunn": 3}}},
            Path("usage.jobs.yaml"),
            "production",
        )
    assert str(error.value) == "usage.jobs.yaml: jobs.nightly-report.minutesPerRunn: unknown key"
