"""Faults of a platform's first days, on the prod and dev fixtures: unique bucket names, schedules
that own min/max, services that depend on their deployment alarms."""

from __future__ import annotations

import copy

import pytest

from harness.engine import run_program
from harness.records import Synthesis
from review.diff import diff_resources
from settings.stack_files import read_stack_config

from conftest import FIXTURES

BUCKET = "aws:s3/bucket:Bucket"
TARGET = "aws:appautoscaling/target:Target"
SERVICE = "aws:ecs/service:Service"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


@pytest.fixture(scope="module")
def prod() -> Synthesis:
    return run_program("prod", stack_config=read_stack_config("prod", FIXTURES))


@pytest.fixture(scope="module")
def dev() -> Synthesis:
    return run_program("dev", stack_config=read_stack_config("dev", FIXTURES))


def test_bucket_names_carry_account_and_region_and_existing_buckets_are_kept(prod) -> None:
    buckets = prod.of_type(BUCKET)
    assert buckets, "prod has the access-log bucket"
    for bucket in buckets:
        name = bucket.inputs["bucket"]
        assert name == "ecs-platform-prod-alb-logs-123456789012-eu-west-1"
        assert len(name) <= 63
        assert bucket.name == "alb-access-logs"  # the URN is unchanged
        assert "bucket" in bucket.ignore_changes  # a deployed bucket keeps its old name
    old = copy.deepcopy(buckets[0])
    old.inputs["bucket"] = "ecs-platform-prod-alb-logs"  # as deployed before this change
    assert diff_resources([old], [buckets[0]]).changes == []


def test_a_long_prefix_still_fits_in_63_characters() -> None:
    from components.common.naming import Naming

    name = Naming("a-very-long-project-name", "staging-eu-central").bucket(
        "alb-logs", "123456789012", "eu-central-1"
    )
    assert len(name) <= 63 and name.endswith("-alb-logs-123456789012-eu-central-1")


def test_schedule_owned_min_max_are_not_redeclared(dev, prod) -> None:
    scheduled = dev.one(TARGET, "api-scaling")
    assert read_stack_config("dev", FIXTURES)["ecs-platform:services"]["api"]["scaling"][
        "schedules"
    ]
    assert scheduled.ignore_changes == ["minCapacity", "maxCapacity"]
    unscheduled = prod.one(TARGET, "api-scaling")
    assert unscheduled.ignore_changes == []  # without schedules, the stack file owns them


def test_services_depend_on_their_deployment_alarms(prod) -> None:
    worker = next(r for r in prod.of_type(SERVICE) if r.name == "worker")
    custom = prod.one(ALARM, "alarms-custom-orders-processing-errors")
    assert custom.urn in worker.dependencies
    assert worker.inputs["alarms"]["alarmNames"] == [custom.inputs["name"]]
    api = next(r for r in prod.of_type(SERVICE) if r.name == "api")
    for kind in ("5xx-rate", "unhealthy"):
        alarm = prod.one(ALARM, f"api-alarm-{kind}")
        assert alarm.urn in api.dependencies
