"""Refused deployment settings: one line each, naming the stack file and the key."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from settings_check import settings_problems

from settings.stack_files import read_stack_config

from conftest import FIXTURES

FILE = "Pulumi.progressive.yaml"
HOOK = "arn:aws:lambda:eu-west-1:123456789012:function:check"
Change = Callable[[dict[str, Any]], Any]


@cache
def base() -> dict[str, Any]:
    return read_stack_config("progressive", FIXTURES)


def deployment(service: str, **changes: Any) -> Change:
    def change(config: dict[str, Any]) -> None:
        config["ecs-platform:services"][service].setdefault("deployment", {}).update(changes)

    return change


def service(name: str, **changes: Any) -> Change:
    return lambda config: config["ecs-platform:services"][name].update(changes)


def both(*changes: Change) -> Change:
    def change(config: dict[str, Any]) -> None:
        for one in changes:
            one(config)

    return change


def problems(change: Change) -> list[str]:
    return settings_problems("progressive", change, stack_name="progressive", base=base())


def test_the_progressive_fixture_is_valid():
    assert problems(lambda config: None) == []


REFUSED: list[tuple[str, Change, str]] = [
    (
        "strategy without routing",
        deployment("worker", strategy="blueGreen"),
        "services.worker.deployment.strategy: blueGreen shifts traffic on an ALB listener rule:"
        " give the service a port and routing, or keep strategy rolling (Service Connect"
        " traffic shifting is not supported here)",
    ),
    (
        "unknown strategy",
        deployment("api", strategy="redBlack"),
        "services.api.deployment.strategy: Input should be 'rolling', 'blueGreen', 'canary' or"
        " 'linear' (got 'redBlack')",
    ),
    (
        "canary percent too small",
        deployment("api", canary={"percent": 0.05, "bakeTimeMinutes": 5}),
        "services.api.deployment.canary.percent: Input should be greater than or equal to 0.1"
        " (got 0.05)",
    ),
    (
        "canary percent too big",
        deployment("api", canary={"percent": 101, "bakeTimeMinutes": 5}),
        "services.api.deployment.canary.percent: Input should be less than or equal to 100"
        " (got 101)",
    ),
    (
        "canary bake too long",
        deployment("api", canary={"percent": 10, "bakeTimeMinutes": 1441}),
        "services.api.deployment.canary.bakeTimeMinutes: Input should be less than or equal to"
        " 1440 (got 1441)",
    ),
    (
        "bake time too long",
        deployment("api", bakeTimeMinutes=1441),
        "services.api.deployment.bakeTimeMinutes: Input should be less than or equal to 1440"
        " (got 1441)",
    ),
    (
        "linear step too small",
        deployment("api", strategy="linear", canary=None,
                   linear={"stepPercent": 2, "stepBakeTimeMinutes": 1}),
        "services.api.deployment.linear.stepPercent: Input should be greater than or equal to 3"
        " (got 2)",
    ),
    (
        "linear step bake negative",
        deployment("api", strategy="linear", canary=None,
                   linear={"stepPercent": 10, "stepBakeTimeMinutes": -1}),
        "services.api.deployment.linear.stepBakeTimeMinutes: Input should be greater than or"
        " equal to 0 (got -1)",
    ),
    (
        "canary without its block",
        deployment("api", canary=None),
        "services.api.deployment.canary: strategy canary needs canary: {percent,"
        " bakeTimeMinutes}",
    ),
    (
        "linear block on canary",
        deployment("api", linear={"stepPercent": 10, "stepBakeTimeMinutes": 1}),
        "services.api.deployment.linear: applies only to strategy linear, not canary",
    ),
    (
        "bake time on rolling",
        both(deployment("api", strategy="rolling", canary=None)),
        "services.api.deployment.bakeTimeMinutes: applies to blueGreen, canary and linear"
        " deployments; strategy is rolling",
    ),
    (
        "pause at the test traffic shift",
        deployment("web", approval={"stage": "TEST_TRAFFIC_SHIFT"}),
        "services.web.deployment.approval.stage: a PAUSE hook cannot wait at TEST_TRAFFIC_SHIFT"
        " (ECS does not stop while traffic shifts); use POST_TEST_TRAFFIC_SHIFT or"
        " POST_PRODUCTION_TRAFFIC_SHIFT",
    ),
    (
        "pause at the production traffic shift",
        deployment("web", approval={"stage": "PRODUCTION_TRAFFIC_SHIFT"}),
        "services.web.deployment.approval.stage: a PAUSE hook cannot wait at"
        " PRODUCTION_TRAFFIC_SHIFT (ECS does not stop while traffic shifts); use"
        " POST_TEST_TRAFFIC_SHIFT or POST_PRODUCTION_TRAFFIC_SHIFT",
    ),
    (
        "approval timeout too long",
        deployment("web", approval={"timeoutMinutes": 20161}),
        "services.web.deployment.approval.timeoutMinutes: Input should be less than or equal to"
        " 20160 (got 20161)",
    ),
    (
        "more than ten Lambda hooks",
        deployment("web", hooks=[
            {"stage": "POST_SCALE_UP", "lambdaArn": f"{HOOK}{i}"} for i in range(11)
        ]),
        "services.web.deployment.hooks: 11 Lambda hooks; at most 10 per service",
    ),
    (
        "not a Lambda ARN",
        deployment("web", hooks=[{"stage": "POST_SCALE_UP", "lambdaArn": "arn:aws:sns:x"}]),
        "services.web.deployment.hooks[0].lambdaArn: 'arn:aws:sns:x' is not a"
        " Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>[:<version or"
        " alias>])",
    ),
    (
        "test rule after the production rule",
        deployment("web", testTraffic={"headerValue": "x", "priority": 150}),
        "services.web.deployment.testTraffic.priority: 150 must be below routing.priority 100"
        " (the listener evaluates lower numbers first)",
    ),
    (
        "test rule priority taken",
        deployment("web", testTraffic={"headerValue": "x", "priority": 10}),
        "services.web.deployment.testTraffic.priority: 10 is already used by service api",
    ),
    (
        "test rule over the ALB condition limit",
        both(
            service("web", routing={"pathPatterns": ["/a", "/b", "/c"],
                                    "hostHeaders": ["a.example.com", "b.example.com"],
                                    "priority": 100}),
        ),
        "services.web.deployment.testTraffic: the test rule adds a header to the routing"
        " conditions: an ALB rule matches at most 5 values in all",
    ),
    (
        "production non-rolling without alarms",
        service("api", deploymentAlarms=[]),
        "services.api.deploymentAlarms: tier production: a canary deployment rolls back on its"
        " deployment alarms; name at least one",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "expected"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED]
)
def test_refused_with_the_file_and_key(change: Change, expected: str) -> None:
    assert problems(change) == [f"{FILE}: {expected}"]
