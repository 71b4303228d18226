"""101 services in prod synthesize with every physical name, quota and dashboard valid."""

from __future__ import annotations

import dataclasses

from settings_check import settings_problems

from bench.scale import all_checks, name_check, stack_with_services
from harness.records import RecordedResource, Synthesis
from settings.quotas import QuotaSettings

from conftest import FIXTURES, MANY_SERVICES, MANY_SERVICES_QUOTAS

SERVICES = MANY_SERVICES  # the many_services fixture: prod with 101 services, quotas raised
RAISED = MANY_SERVICES_QUOTAS


def test_101_services_need_the_listener_and_target_group_quotas_raised() -> None:
    def change(config: dict) -> None:
        config.clear()
        config.update(stack_with_services(SERVICES, "prod", FIXTURES))

    lines = settings_problems("prod", change)
    assert [line.split(": ")[2].split(",")[0] for line in lines] == [
        f"{SERVICES} listener rules",
        f"{SERVICES} target groups",
    ]


def test_101_services_in_prod_pass_every_check_and_split_the_dashboard(
    many_services: Synthesis,
) -> None:
    synthesis = many_services
    quotas = QuotaSettings.model_validate(RAISED)
    failed = [check for check in all_checks(synthesis, quotas) if not check.ok]
    assert failed == []
    dashboards = {
        d.name: d.inputs["dashboardName"]
        for d in synthesis.of_type("aws:cloudwatch/dashboard:Dashboard")
    }
    assert dashboards == {
        "alarms-dashboard": "ecs-platform-prod",
        "alarms-dashboard-2": "ecs-platform-prod-2",
    }
    assert len(synthesis.of_type("aws:ecs/service:Service")) == SERVICES


def test_the_name_check_finds_a_name_aws_refuses() -> None:
    too_long = "x" * 33
    resource = RecordedResource(
        urn="urn:alb",
        type="aws:lb/loadBalancer:LoadBalancer",
        name="alb",
        parent="",
        custom=True,
        remote=False,
        id=None,
        inputs={"name": too_long},
        outputs={},
    )
    synthesis = Synthesis(
        stack="prod", resources=[resource], outputs={}, invokes=[], secret_outputs=[]
    )
    check = name_check(synthesis)
    assert not check.ok and "33 characters (at most 32)" in check.problems[0]
    fixed = dataclasses.replace(resource, inputs={"name": "x" * 32})
    assert name_check(dataclasses.replace(synthesis, resources=[fixed])).ok


def test_the_bench_clones_the_platform_fixture_by_default() -> None:
    # `ecs-platform bench` calls stack_with_services without a folder: the shipped stack files
    # declare their services in services/<name>.yaml, so the default must be the fixtures.
    config = stack_with_services(3, "prod")
    services = config["ecs-platform:services"]
    assert sorted(services) == ["svc0", "svc1", "svc2"]
    assert [s["routing"]["priority"] for s in services.values()] == [1, 2, 3]
    assert config == stack_with_services(3, "prod", FIXTURES)
