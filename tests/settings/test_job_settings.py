"""Jobs as a stack file declares them: the `jobs` fixture loads; each kind of mistake is refused
with one line naming the stack file and the key, before any resource is registered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from settings_check import settings_problems

from settings.job import SERVICE_ONLY_KEYS, JobSettings
from settings.loader import parse_settings
from settings.stack_files import load_config

from conftest import fixture_config, problems

Config = dict[str, Any]
JOBS = "ecs-platform:jobs"


def job(name: str, change: Callable[[dict[str, Any]], Any]) -> Callable[[Config], Any]:
    return lambda config: change(config[JOBS][name])


def test_the_jobs_fixture_loads_with_the_nightly_report_and_an_on_demand_job() -> None:
    project, flat = load_config("jobs", stack_config=fixture_config("jobs"))
    settings = parse_settings(flat, project=project, stack="jobs")
    report, reindex = settings.jobs["nightly-report"], settings.jobs["reindex"]
    assert report.schedule is not None
    assert (report.schedule.expression, report.schedule.timezone) == (
        "cron(0 2 * * ? *)",
        "Europe/Paris",
    )
    assert (report.retries, report.timeout_seconds, report.allow_overlap) == (2, 1800, False)
    assert reindex.schedule is None  # on demand only
    assert settings.require_placement(reindex).compatibility == "EC2"  # the general pool
    assert report.log_retention_days == 365  # the production default, as for services
    assert "reports" in settings.repository_names  # a job's repository is created
    assert settings.job_state_machine_name("nightly-report") == "ecs-platform-jobs-nightly-report"


def test_job_defaults_are_safe() -> None:
    defaults = JobSettings.model_validate({"image": {"uri": "public.ecr.aws/x/y:1"}})
    assert defaults.retries == 0 and defaults.timeout_seconds == 3600
    assert defaults.allow_overlap is False and defaults.schedule is None
    assert defaults.read_only_root_filesystem and defaults.user == "1000:1000"


FILE = "Pulumi.jobs.yaml: "
REFUSED = [
    pytest.param(
        job("nightly-report", lambda j: j["schedule"].update(expression="cron(0 2 * * * *)")),
        "jobs.nightly-report.schedule.expression: give ? in exactly one of day-of-month and"
        " day-of-week (EventBridge cannot use both)",
        id="bad cron",
    ),
    pytest.param(
        job("nightly-report", lambda j: j["schedule"].update(expression="cron(0 25 * * ? *)")),
        "jobs.nightly-report.schedule.expression: hour 25 is outside 0-23",
        id="hour out of range",
    ),
    pytest.param(
        job("nightly-report", lambda j: j["schedule"].update(timezone="Europe/Atlantis")),
        "jobs.nightly-report.schedule.timezone: 'Europe/Atlantis' is not an IANA time zone"
        " (like Europe/Paris or UTC)",
        id="unknown time zone",
    ),
    pytest.param(
        job("nightly-report", lambda j: j.update(retries=11)),
        "jobs.nightly-report.retries: Input should be less than or equal to 10 (got 11)",
        id="retries out of range",
    ),
    pytest.param(
        job("nightly-report", lambda j: j.update(timeoutSeconds=30)),
        "jobs.nightly-report.timeoutSeconds: Input should be greater than or equal to 60 (got 30)",
        id="timeout too short",
    ),
    pytest.param(
        job("reindex", lambda j: j.update(capacity="gpu")),
        "jobs.reindex.capacity: unknown capacity 'gpu' (known: default, fargate, fargate-spot,"
        " general)",
        id="a pool that does not exist",
    ),
    pytest.param(
        job("reindex", lambda j: j.update(capacity="fargate-spot")),
        "jobs.reindex.capacity: fargate-spot runs only x86_64 Linux tasks, but the tasks are arm64",
        id="arm64 on Fargate Spot",
    ),
    pytest.param(
        job("nightly-report", lambda j: j.update(memory=5120)),
        "jobs.nightly-report.memory: 5120 is not valid for cpu 512 (1024, 2048, 3072, 4096)",
        id="fargate size",
    ),
    pytest.param(
        job("nightly-report", lambda j: j.update(logRetentionDays=30)),
        "jobs.nightly-report.logRetentionDays: tier production keeps logs at least 365 days"
        " (got 30)",
        id="production retention",
    ),
    pytest.param(
        job("nightly-report", lambda j: j.update(user="root")),
        "jobs.nightly-report.user: tier production never runs containers as root",
        id="root in production",
    ),
    pytest.param(
        job("nightly-report", lambda j: j["environment"].update(API_TOKEN="x")),
        "jobs.nightly-report.environment.API_TOKEN: looks like a secret: put its SSM or Secrets"
        " Manager ARN under secrets (ECS.8)",
        id="a secret in plain environment",
    ),
    pytest.param(
        lambda c: c[JOBS].update(api=c[JOBS]["reindex"]),
        "jobs.api: a service is also named 'api': a job's roles, task family and alarms are named"
        " like a service's, so the names must differ",
        id="a job named like a service",
    ),
    pytest.param(
        lambda c: c[JOBS].update(Nightly=c[JOBS]["reindex"]),
        "jobs.Nightly: 'Nightly' is not a job name (lowercase letter, then up to 27 letters,"
        " digits or -)",
        id="job name",
    ),
]


@pytest.mark.parametrize(("change", "line"), REFUSED)
def test_each_mistake_is_one_line_naming_file_and_key(change, line: str) -> None:
    assert settings_problems("jobs", change) == [FILE + line]


@pytest.mark.parametrize("key", ["routing", "port", "desiredCount", "scaling", "healthCheck"])
def test_a_job_declared_like_a_service_is_refused_naming_the_key(key: str) -> None:
    value = {"routing": {"pathPatterns": ["/r"], "priority": 5}}.get(key, 1)
    (line,) = settings_problems("jobs", job("nightly-report", lambda j: j.update({key: value})))
    assert line.startswith(f"{FILE}jobs.nightly-report.{key}: {key} is a service setting")
    assert "declare it under services" in line


def test_every_service_only_key_is_known_as_such() -> None:
    assert {"port", "routing", "scaling", "desiredCount", "deployment", "sidecars"} <= (
        SERVICE_ONLY_KEYS
    )
    assert not SERVICE_ONLY_KEYS & {"image", "cpu", "capacity", "secrets", "egress", "schedule"}


def test_a_refused_job_registers_nothing() -> None:
    change = job("nightly-report", lambda j: j["schedule"].update(expression="rate(1 hours)"))
    assert problems("jobs", change) == [
        f"{FILE}jobs.nightly-report.schedule.expression: rate(1 hours): write rate(1 hour)"
        " (singular only for 1)"
    ]


def test_a_broken_job_does_not_hide_the_other_jobs_problems() -> None:
    def two(config: Config) -> None:
        config[JOBS]["nightly-report"]["retries"] = -1
        config[JOBS]["reindex"]["capacity"] = "gpu"

    lines = settings_problems("jobs", two)
    assert (
        f"{FILE}jobs.nightly-report.retries: Input should be greater than or equal to 0 (got -1)"
        in lines
    )
    assert any(line.startswith(f"{FILE}jobs.reindex.capacity: unknown capacity") for line in lines)
