"""Blue/green, canary and linear services on the progressive fixture (api canary 10% for 5
minutes with 15 minutes' bake, web blue/green with a PAUSE approval, worker rolling)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from progressive_helpers import config, progressive

from components.service.progressive import (
    LOAD_BALANCERS_POLICY,
    SHIFTED_BY_ECS,
    deployment_configuration,
    hook_invoke_statements,
)
from harness.engine import run_program
from harness.records import Synthesis
from settings.deployment import DeploymentSettings
from settings.stack_files import read_stack_config

from conftest import FIXTURES

SERVICE = "aws:ecs/service:Service"
RULE = "aws:lb/listenerRule:ListenerRule"
GROUP = "aws:lb/targetGroup:TargetGroup"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
HOOK = "arn:aws:lambda:eu-west-1:123456789012:function:smoke-test"


@cache
def prod() -> Synthesis:
    """The prod fixture (all rolling) under the same stack name, so physical names compare."""
    return run_program("progressive", stack_config=read_stack_config("prod", FIXTURES))


def with_api(**deployment: Any) -> Synthesis:
    changed = config()
    changed["ecs-platform:services"]["api"]["deployment"] = deployment
    return run_program("progressive", stack_config=changed)


def _arn(synthesis: Synthesis, kind: str, name: str) -> str:
    return synthesis.one(kind, name).outputs["arn"]


def assert_shifts_between_two_groups(synthesis: Synthesis, name: str) -> dict[str, Any]:
    """The production rule forwards to both groups by weight, the service names both, and the
    role ECS changes them with has the AWS managed policy; returns the advancedConfiguration."""
    primary, alternate = (
        _arn(synthesis, GROUP, f"{name}-tg"),
        _arn(synthesis, GROUP, f"{name}-tg-alt"),
    )
    for group in (f"{name}-tg", f"{name}-tg-alt"):
        inputs = synthesis.one(GROUP, group).inputs
        assert inputs["targetType"] == "ip"
        assert inputs["healthCheck"] == synthesis.one(GROUP, f"{name}-tg").inputs["healthCheck"]
    rule = synthesis.one(RULE, f"{name}-route")
    assert rule.inputs["actions"] == [
        {
            "type": "forward",
            "forward": {
                "targetGroups": [{"arn": primary, "weight": 100}, {"arn": alternate, "weight": 0}]
            },
        }
    ]
    assert rule.ignore_changes == SHIFTED_BY_ECS
    (entry,) = synthesis.one(SERVICE, name).inputs["loadBalancers"]
    advanced = entry["advancedConfiguration"]
    assert entry["targetGroupArn"] == primary
    assert advanced["alternateTargetGroupArn"] == alternate
    assert advanced["productionListenerRule"] == rule.outputs["arn"]
    role = synthesis.one(ROLE, f"{name}-lb-infra")
    assert advanced["roleArn"] == role.outputs["arn"]
    trust = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert [s["Principal"] for s in trust] == [{"Service": "ecs.amazonaws.com"}]
    attached = synthesis.one(ATTACHMENT, f"{name}-lb-infra").inputs
    assert attached == {"role": role.outputs["name"], "policyArn": LOAD_BALANCERS_POLICY}
    return advanced


def assert_rolls_back_on_alarms(synthesis: Synthesis, name: str) -> None:
    service = synthesis.one(SERVICE, name).inputs
    assert service["deploymentCircuitBreaker"] == {"enable": False, "rollback": False}
    alarms = service["alarms"]
    assert alarms["enable"] and alarms["rollback"]
    alarm_names = {
        a.inputs["name"] for a in synthesis.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    }
    assert alarms["alarmNames"] and set(alarms["alarmNames"]) <= alarm_names


def test_api_deploys_canary_ten_percent_for_five_minutes_then_bakes_fifteen():
    synthesis = progressive()
    configuration = synthesis.one(SERVICE, "api").inputs["deploymentConfiguration"]
    assert configuration == {
        "strategy": "CANARY",
        "bakeTimeInMinutes": "15",
        "canaryConfiguration": {"canaryPercent": 10, "canaryBakeTimeInMinutes": "5"},
    }
    advanced = assert_shifts_between_two_groups(synthesis, "api")
    assert "testListenerRule" not in advanced
    assert_rolls_back_on_alarms(synthesis, "api")


def test_web_deploys_blue_green_with_a_test_rule_and_a_pause_for_approval():
    synthesis = progressive()
    configuration = synthesis.one(SERVICE, "web").inputs["deploymentConfiguration"]
    assert configuration["strategy"] == "BLUE_GREEN"
    assert configuration["bakeTimeInMinutes"] == "10"
    assert configuration["lifecycleHooks"] == [
        {
            "lifecycleStages": ["POST_TEST_TRAFFIC_SHIFT"],
            "targetType": "PAUSE",
            "timeoutConfiguration": {"timeoutInMinutes": "120", "action": "ROLLBACK"},
        }
    ]
    advanced = assert_shifts_between_two_groups(synthesis, "web")
    test_rule = synthesis.one(RULE, "web-test-route")
    assert advanced["testListenerRule"] == test_rule.outputs["arn"]
    assert test_rule.inputs["priority"] == 90
    assert test_rule.ignore_changes == SHIFTED_BY_ECS
    assert test_rule.inputs["conditions"][-1] == {
        "httpHeader": {"httpHeaderName": "X-Test-Traffic", "values": ["web-green-check"]}
    }
    assert test_rule.inputs["actions"] == synthesis.one(RULE, "web-route").inputs["actions"]
    assert_rolls_back_on_alarms(synthesis, "web")


def test_linear_and_lambda_hooks_with_an_invoke_role_for_exactly_those_functions():
    synthesis = with_api(
        strategy="linear",
        linear={"stepPercent": 25, "stepBakeTimeMinutes": 3},
        hooks=[{"stage": "POST_SCALE_UP", "lambdaArn": HOOK}],
    )
    configuration = synthesis.one(SERVICE, "api").inputs["deploymentConfiguration"]
    role = synthesis.one(ROLE, "api-hooks")
    assert configuration == {
        "strategy": "LINEAR",
        "bakeTimeInMinutes": "0",
        "linearConfiguration": {"stepPercent": 25, "stepBakeTimeInMinutes": "3"},
        "lifecycleHooks": [
            {
                "lifecycleStages": ["POST_SCALE_UP"],
                "targetType": "AWS_LAMBDA",
                "hookTargetArn": HOOK,
                "roleArn": role.outputs["arn"],
            }
        ],
    }
    (statement,) = json.loads(
        synthesis.one("aws:iam/rolePolicy:RolePolicy", "api-hooks").inputs["policy"]
    )["Statement"]
    assert statement["Action"] == ["lambda:InvokeFunction"] and statement["Resource"] == [HOOK]
    assert_shifts_between_two_groups(synthesis, "api")
    assert_rolls_back_on_alarms(synthesis, "api")


def test_rolling_services_keep_their_inputs_and_urns():
    """worker is rolling in both fixtures: byte-for-byte the same resources under it."""

    def under(synthesis: Synthesis, name: str) -> dict[str, Any]:
        return {
            r.urn.split("::", 1)[1]: r.inputs
            for r in synthesis.resources
            if r.name == name or r.name.startswith(f"{name}-")
        }

    before, after = under(prod(), "worker"), under(progressive(), "worker")
    # the same, but for the VPC's own range (each fixture stack has its own)
    configs = (read_stack_config("prod", FIXTURES), config())
    cidrs = [c["ecs-platform:network"]["cidr"] for c in configs]
    assert json.dumps(before) == json.dumps(after).replace(cidrs[1], cidrs[0])
    worker = progressive().one(SERVICE, "worker").inputs
    assert "deploymentConfiguration" not in worker
    assert worker["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}


def test_switching_to_canary_keeps_the_target_group_and_rule_urns():
    urns = {r.urn.split("::", 1)[1] for r in prod().resources if r.name.startswith("api")}
    after = {r.urn.split("::", 1)[1] for r in progressive().resources if r.name.startswith("api")}
    assert urns <= after
    added = {urn.rsplit("::", 1)[1] for urn in after - urns}
    assert added == {"api-tg-alt", "api-lb-infra"}  # the role and its attachment share a name


def test_rolling_has_no_deployment_configuration():
    assert deployment_configuration(DeploymentSettings(strategy="rolling")) is None
    assert hook_invoke_statements(DeploymentSettings()) == []


def test_request_scaling_follows_production_to_either_target_group() -> None:
    """ECS moves production between api-tg and api-tg-alt at every deployment: requestsPerTarget
    tracks both groups' RequestCountPerTarget summed (an idle group counts 0), not the predefined
    metric of api-tg alone, which would scale api in after a deployment to the alternate."""
    synthesis = progressive()
    alb = synthesis.one("aws:lb/loadBalancer:LoadBalancer").outputs["arnSuffix"]
    groups = [synthesis.one(GROUP, g).outputs["arnSuffix"] for g in ("api-tg", "api-tg-alt")]
    policy = synthesis.one("aws:appautoscaling/policy:Policy", "api-track-requests").inputs
    configuration = policy["targetTrackingScalingPolicyConfiguration"]
    assert "predefinedMetricSpecification" not in configuration
    assert (
        configuration["targetValue"]
        == config()["ecs-platform:services"]["api"]["scaling"]["requestsPerTarget"]
    )
    *queries, total = configuration["customizedMetricSpecification"]["metrics"]
    assert [q["metricStat"]["metric"]["dimensions"] for q in queries] == [
        [{"name": "LoadBalancer", "value": alb}, {"name": "TargetGroup", "value": group}]
        for group in groups
    ]
    for query in queries:
        assert query["metricStat"]["metric"]["metricName"] == "RequestCountPerTarget"
        assert query["metricStat"]["stat"] == "Sum"
        assert query["returnData"] is False
    assert total["expression"] == " + ".join(f"FILL({q['id']}, 0)" for q in queries)
    assert total["returnData"] is True
    # A rolling service keeps the predefined metric on its one group.
    rolling = prod().one("aws:appautoscaling/policy:Policy", "api-track-requests").inputs
    predefined = rolling["targetTrackingScalingPolicyConfiguration"]
    assert predefined["predefinedMetricSpecification"]["predefinedMetricType"] == (
        "ALBRequestCountPerTarget"
    )
