"""Any service can name the alarms that roll its deployment back; unknown names are refused."""

from __future__ import annotations

import copy

import pytest

from harness.engine import run_program
from harness.records import Synthesis
from settings.loader import parse_settings

from conftest import fixture_config as stack_config
from conftest import problems

SERVICE = "aws:ecs/service:Service"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def services(stack: str) -> dict:
    return stack_config(stack)["ecs-platform:services"]


def alarm_names(synthesis: Synthesis) -> set[str]:
    return {alarm.inputs["name"] for alarm in synthesis.of_type(ALARM)}


def test_every_named_deployment_alarm_exists(stack: str, synthesis: Synthesis) -> None:
    created = alarm_names(synthesis)
    for service in synthesis.of_type(SERVICE):
        for name in (service.inputs.get("alarms") or {}).get("alarmNames", []):
            assert name in created, (service.name, name)


def test_the_worker_rolls_back_on_its_custom_alarm(stack: str, synthesis: Synthesis) -> None:
    worker = services(stack)["worker"]
    assert "routing" not in worker  # no load balancer, so no default deployment alarms
    custom = {a["name"] for a in stack_config(stack)["ecs-platform:alarms"]["custom"]}
    assert set(worker["deploymentAlarms"]) <= custom
    alarms = synthesis.one(SERVICE, "worker").inputs["alarms"]
    assert alarms["rollback"] is True and alarms["enable"] is True
    assert alarms["alarmNames"] == [f"ecs-platform-{stack}-{n}" for n in worker["deploymentAlarms"]]


def test_a_built_in_kind_names_the_services_own_alarm() -> None:
    config = copy.deepcopy(stack_config("dev"))
    config["ecs-platform:services"]["worker"]["deploymentAlarms"] = ["queue-age", "cpu-high"]
    synthesis = run_program("dev", stack_config=config)
    alarms = synthesis.one(SERVICE, "worker").inputs["alarms"]
    assert alarms["alarmNames"] == [
        "ecs-platform-dev-worker-queue-age",
        "ecs-platform-dev-worker-cpu-high",
    ]
    assert set(alarms["alarmNames"]) <= alarm_names(synthesis)


def test_an_empty_list_turns_a_routed_services_defaults_off() -> None:
    config = copy.deepcopy(stack_config("dev"))
    config["ecs-platform:services"]["api"]["deploymentAlarms"] = []
    assert "alarms" not in run_program("dev", stack_config=config).one(SERVICE, "api").inputs


def test_alarm_kinds_match_the_alarms_each_service_gets(stack: str, synthesis: Synthesis) -> None:
    """The settings' list of a service's kinds (used by the rule) matches what is built."""
    settings = parse_settings(stack_config(stack), project="ecs-platform", stack=stack)
    running = settings.cluster.container_insights != "disabled"
    created = alarm_names(synthesis)
    for name, service in settings.services.items():
        prefix = f"ecs-platform-{stack}-{name}-"
        built = {n.removeprefix(prefix) for n in created if n.startswith(prefix)}
        built -= {"scale-out", "scale-in"}  # scaling alarms act, they do not roll back
        assert set(service.alarm_kinds(running)) == built, name


@pytest.mark.parametrize(
    ("service", "alarm", "known"),
    [
        ("worker", "5xx-rate", "cpu-high, memory-high, queue-age"),
        ("api", "queue-age", "cpu-high, memory-high, 5xx-rate, latency-p99, unhealthy"),
        ("api", "no-such-alarm", "cpu-high, memory-high, 5xx-rate, latency-p99, unhealthy"),
    ],
)
def test_unknown_deployment_alarms_are_refused(service: str, alarm: str, known: str) -> None:
    def name_alarm(config: dict) -> None:
        config["ecs-platform:services"][service]["deploymentAlarms"] = [alarm]

    assert problems("dev", name_alarm) == [
        f"Pulumi.dev.yaml: services.{service}.deploymentAlarms[0]: no alarm {alarm!r}: this"
        f" service's alarms are {known}; custom alarms are orders-processing-errors"
        " (alarms.custom)"
    ]
