"""The deployment policies on the progressive fixture: compliant as built, and the real
advancedConfiguration dependencies lead the forward-only check to the shifted rules."""

from __future__ import annotations

import dataclasses
from functools import cache

from ecs_platform_policies.catalog import RULES_BY_NAME, evaluate
from ecs_platform_policies.model import Resource
from policy_offline import policy_config, policy_resources

from harness.engine import run_program
from settings.stack_files import read_stack_config

from conftest import FIXTURES

DEPLOYMENT_POLICIES = (
    "ecs-progressive-deployment-alarms",
    "ecs-progressive-rule-forward-only",
    "ecs-circuit-breaker-rollback",
)


@cache
def resources() -> list[Resource]:
    config = read_stack_config("progressive", FIXTURES)
    return policy_resources(run_program("progressive", stack_config=config))


def findings(resources_: list[Resource]) -> list[tuple[str, str]]:
    return [
        (f.policy, f.resource.name)
        for f in evaluate(resources_, policy_config("prod"))
        if f.policy in DEPLOYMENT_POLICIES
    ]


def test_the_progressive_fixture_passes_the_deployment_policies():
    assert all(name in RULES_BY_NAME for name in DEPLOYMENT_POLICIES)
    assert findings(resources()) == []


def test_a_redirect_on_a_shifted_test_rule_is_reported():
    changed = [
        dataclasses.replace(r, props={**r.props, "actions": [{"type": "redirect"}]})
        if r.name == "web-test-route"
        else r
        for r in resources()
    ]
    assert findings(changed) == [("ecs-progressive-rule-forward-only", "web-test-route")]


def test_a_canary_without_alarms_is_reported():
    changed = [
        dataclasses.replace(r, props={**r.props, "alarms": {"enable": False, "rollback": False}})
        if (r.type, r.name) == ("aws:ecs/service:Service", "api")
        else r
        for r in resources()
    ]
    assert findings(changed) == [("ecs-progressive-deployment-alarms", "api")]
