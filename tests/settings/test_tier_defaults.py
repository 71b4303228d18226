"""Defaults follow the tier: what a production stack leaves out satisfies the production rules."""

from __future__ import annotations

from typing import Any

from settings_check import settings_problems

from settings.loader import parse_settings
from settings.stack_files import load_config
from settings.tier_defaults import EACH, PRODUCTION_DEFAULTS

from conftest import fixture_config, problems, synthesize_fixture

CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/abc"
SHORTEST_PRODUCTION_STACK: dict[str, Any] = {
    "aws:region": "eu-west-1",
    "ecs-platform:tier": "production",
    "ecs-platform:network": {
        "cidr": "10.0.0.0/16",
        "availabilityZones": ["eu-west-1a", "eu-west-1b"],
    },
    "ecs-platform:loadBalancer": {"certificateArn": CERTIFICATE},
    "ecs-platform:alarms": {"notify": {"emails": ["team@example.com"]}},
    "ecs-platform:services": {
        "web": {
            "image": {"repository": "web", "tag": "1.0.0"},
            "port": 8080,
            "routing": {"pathPatterns": ["/*"], "priority": 10},
        }
    },
}


def settings_of(config: dict[str, Any], stack: str = "prod") -> Any:
    project, flat = load_config(stack, stack_config=config)
    return parse_settings(flat, project=project, stack=stack)


def test_a_production_stack_that_leaves_every_default_out_is_accepted() -> None:
    settings = settings_of(SHORTEST_PRODUCTION_STACK)
    assert settings.services["web"].log_retention_days == 365
    assert settings.network.flow_logs.retention_days == 365
    assert settings.network.nat_gateways == "one-per-az"
    assert settings.cluster.exec_log_retention_days == 365
    balancer = settings.load_balancer
    assert balancer.deletion_protection and balancer.access_logs.enabled
    assert balancer.waf.log_retention_days == 365


def test_development_keeps_the_model_defaults() -> None:
    config = {**SHORTEST_PRODUCTION_STACK, "ecs-platform:tier": "development"}
    settings = settings_of(config, "dev")
    assert settings.services["web"].log_retention_days == 30
    assert settings.network.nat_gateways == "single"
    assert not settings.load_balancer.deletion_protection


def test_a_service_written_for_dev_is_accepted_in_prod() -> None:
    def add_dev_service(config: dict[str, Any]) -> None:
        service = dict(fixture_config("dev")["ecs-platform:services"]["worker"])
        del service["logRetentionDays"]
        service["image"] = {"repository": "worker", "tag": "2.0.0"}
        config["ecs-platform:services"]["reports"] = service

    assert settings_problems("prod", add_dev_service) == []
    config = fixture_config("prod")
    add_dev_service(config)
    synthesis = synthesize_fixture("prod", config)
    group = synthesis.one("aws:cloudwatch/logGroup:LogGroup", "reports-logs")
    assert group.inputs["retentionInDays"] == 365


def test_what_a_production_file_says_is_kept_and_checked() -> None:
    def short(config: dict[str, Any]) -> None:
        config["ecs-platform:services"]["api"]["logRetentionDays"] = 30

    assert problems("prod", short) == [
        "Pulumi.prod.yaml: services.api.logRetentionDays: tier production keeps logs at least"
        " 365 days (got 30)"
    ]


def test_every_production_default_is_one_the_rules_accept() -> None:
    for path, _value, _rule in PRODUCTION_DEFAULTS:
        stack = "jobs" if path[0] == "jobs" else "prod"  # prod declares no job
        config = fixture_config(stack)
        section = config[f"ecs-platform:{path[0]}"]
        targets = section.values() if path[1] == EACH else [section]
        for target in targets:
            for key in path[2 if path[1] == EACH else 1 : -1]:
                target = target.setdefault(key, {})
            target.pop(path[-1], None)
        assert settings_problems(stack, lambda c, config=config: c.update(config)) == [], path
