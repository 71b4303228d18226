"""Every environment tells its operators when something is wrong, and bad deploys roll back."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from harness.engine import run_program
from harness.records import Synthesis

from conftest import fixture_config as stack_config
from conftest import problems

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"


def alarm_config(stack: str) -> dict[str, Any]:
    return stack_config(stack)["ecs-platform:alarms"]


def alarms(synthesis: Synthesis) -> dict[str, dict[str, Any]]:
    """Alarms by their physical name minus the stack prefix."""
    prefix = f"ecs-platform-{synthesis.stack}-"
    return {a.inputs["name"].removeprefix(prefix): a.inputs for a in synthesis.of_type(ALARM)}


def topic_arn(synthesis: Synthesis, kind: str = "alarms") -> str:
    return synthesis.one(TOPIC, f"notifications-{kind}").outputs["arn"]


EXPECTED = {
    "dev": {
        "api-cpu-high", "api-memory-high", "api-5xx-rate", "api-latency-p99", "api-unhealthy",
        "worker-cpu-high", "worker-memory-high", "worker-queue-age",
        "worker-scale-out", "worker-scale-in",
        "alb-5xx", "alb-rejected-connections", "general-reservation-stuck",
        "orders-processing-errors",
    },
    "prod": {
        "api-cpu-high", "api-memory-high", "api-tasks-below-minimum", "api-5xx-rate",
        "api-latency-p99", "api-unhealthy",
        "worker-cpu-high", "worker-memory-high", "worker-tasks-below-minimum",
        "worker-queue-age", "worker-scale-out", "worker-scale-in",
        "alb-5xx", "alb-rejected-connections", "general-reservation-stuck",
        "general-instances-below-minimum", "orders-db-connections", "orders-processing-errors",
    },
}  # fmt: skip


def test_each_stack_has_exactly_its_alarm_set(stack: str, synthesis: Synthesis) -> None:
    assert set(alarms(synthesis)) == EXPECTED[stack]


def test_dev_scales_api_to_zero_so_it_has_no_tasks_below_minimum_alarm(synthesized) -> None:
    # dev's night schedule takes the api to 0 tasks: such an alarm would fire every night
    assert "api-tasks-below-minimum" not in alarms(synthesized("dev"))
    prod = alarms(synthesized("prod"))["api-tasks-below-minimum"]
    assert prod["threshold"] == 3
    assert prod["namespace"] == "ECS/ContainerInsights"
    assert prod["treatMissingData"] == "breaching"


def test_service_alarms_use_the_stack_thresholds(stack: str, synthesis: Synthesis) -> None:
    thresholds = {
        "cpuHighPercent": 85, "memoryHighPercent": 85, "errorRatePercent": 5,
        "latencyP99Seconds": 1.5, "queueAgeSeconds": 600, "errorRateMinRequests": 20,
    } | alarm_config(stack).get("thresholds", {})  # fmt: skip
    found = alarms(synthesis)
    assert found["api-cpu-high"]["threshold"] == thresholds["cpuHighPercent"]
    assert found["api-memory-high"]["threshold"] == thresholds["memoryHighPercent"]
    assert found["api-5xx-rate"]["threshold"] == thresholds["errorRatePercent"]
    assert found["api-latency-p99"]["threshold"] == thresholds["latencyP99Seconds"]
    assert found["api-latency-p99"]["extendedStatistic"] == "p99"
    assert found["worker-queue-age"]["threshold"] == thresholds["queueAgeSeconds"]
    assert found["worker-queue-age"]["dimensions"] == {"QueueName": f"ecs-platform-{stack}-orders"}
    expression = next(q for q in found["api-5xx-rate"]["metricQueries"] if "expression" in q)
    assert expression["expression"] == (
        f"IF(requests >= {thresholds['errorRateMinRequests']}, 100 * FILL(errors, 0) / requests, 0)"
    )
    assert found["api-cpu-high"]["dimensions"] == {
        "ClusterName": f"ecs-platform-{stack}",
        "ServiceName": "api",
    }


def test_5xx_rate_divides_target_errors_by_requests_of_the_service(synthesis) -> None:
    alb = synthesis.one("aws:lb/loadBalancer:LoadBalancer").outputs["arnSuffix"]
    group = synthesis.one("aws:lb/targetGroup:TargetGroup", "api-tg").outputs["arnSuffix"]
    queries = {q["id"]: q for q in alarms(synthesis)["api-5xx-rate"]["metricQueries"]}
    for query_id, metric_name in (
        ("errors", "HTTPCode_Target_5XX_Count"),
        ("requests", "RequestCount"),
    ):
        metric = queries[query_id]["metric"]
        assert metric["metricName"] == metric_name
        assert metric["stat"] == "Sum"
        assert metric["dimensions"] == {"LoadBalancer": alb, "TargetGroup": group}
        assert queries[query_id]["returnData"] is False
    assert queries["rate"]["returnData"] is True


def test_every_alarm_notifies_on_alarm_and_ok_and_is_explicit(synthesis: Synthesis) -> None:
    topic = topic_arn(synthesis)
    for name, alarm in alarms(synthesis).items():
        if name.endswith(("-scale-out", "-scale-in")):
            # scaling is routine: scale-out tells the team once, scale-in and OK stay quiet
            assert alarm.get("okActions", []) == []
            assert (topic in alarm["alarmActions"]) is name.endswith("-scale-out")
            continue
        assert topic in alarm["alarmActions"], name
        assert topic in alarm["okActions"], name
        assert alarm["actionsEnabled"] is True
        assert alarm["treatMissingData"] in {"missing", "ignore", "breaching", "notBreaching"}
        assert 1 <= alarm["datapointsToAlarm"] <= alarm["evaluationPeriods"]
        assert len(alarm["alarmDescription"]) > 30, name


def test_urgent_alarms_also_page_in_prod(synthesized) -> None:
    prod = synthesized("prod")
    page = topic_arn(prod, "page")
    paged = {n for n, a in alarms(prod).items() if page in a["alarmActions"]}
    assert paged == {
        "api-5xx-rate", "api-tasks-below-minimum", "worker-tasks-below-minimum",
        "alb-5xx", "general-reservation-stuck", "orders-db-connections",
    }  # fmt: skip
    assert synthesized("dev").of_type(TOPIC)[0].inputs["name"] == "ecs-platform-dev-alarms"
    assert len(synthesized("dev").of_type(TOPIC)) == 1


def test_topics_are_kms_encrypted_and_only_cloudwatch_may_publish(synthesis) -> None:
    key = synthesis.one("aws:kms/key:Key", "notifications-key")
    assert key.inputs["enableKeyRotation"] is True
    key_policy = {s["Sid"]: s for s in json.loads(key.inputs["policy"])["Statement"]}
    assert key_policy["CloudWatchEncryptsAlarms"]["Principal"] == {
        "Service": "cloudwatch.amazonaws.com"
    }
    assert key_policy["CloudWatchEncryptsAlarms"]["Action"] == [
        "kms:Decrypt",
        "kms:GenerateDataKey*",
    ]
    for topic in synthesis.of_type(TOPIC):
        assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]
        (policy,) = [
            p for p in synthesis.of_type("aws:sns/topicPolicy:TopicPolicy")
            if p.inputs["arn"] == topic.outputs["arn"]
        ]  # fmt: skip
        statements = json.loads(policy.inputs["policy"])["Statement"]
        assert statements == [
            {
                "Sid": "CloudWatchPublishes",
                "Effect": "Allow",
                "Action": ["sns:Publish"],
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Resource": [topic.outputs["arn"]],
                "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
            }
        ]


def test_subscriptions_come_from_settings(stack: str, synthesis: Synthesis) -> None:
    config = alarm_config(stack)
    subscriptions = {
        (s.inputs["topic"], s.inputs["protocol"], s.inputs["endpoint"])
        for s in synthesis.of_type("aws:sns/topicSubscription:TopicSubscription")
    }
    expected = {(topic_arn(synthesis), "email", e) for e in config["notify"]["emails"]}
    expected |= {
        (topic_arn(synthesis), "https", url) for url in config["notify"].get("httpsEndpoints", [])
    }
    if "page" in config:
        expected |= {(topic_arn(synthesis, "page"), "email", e) for e in config["page"]["emails"]}
    assert subscriptions == expected


def test_deployment_alarms_roll_a_bad_deploy_back(stack: str, synthesis: Synthesis) -> None:
    api = synthesis.one("aws:ecs/service:Service", "api").inputs
    assert api["alarms"] == {
        "alarmNames": [f"ecs-platform-{stack}-api-5xx-rate", f"ecs-platform-{stack}-api-unhealthy"],
        "enable": True,
        "rollback": True,
    }
    assert api["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    # the worker has no load balancer: the deployment alarms it names in its settings
    worker = synthesis.one("aws:ecs/service:Service", "worker").inputs
    named = stack_config(stack)["ecs-platform:services"]["worker"]["deploymentAlarms"]
    assert worker["alarms"] == {
        "alarmNames": [f"ecs-platform-{stack}-{name}" for name in named],
        "enable": True,
        "rollback": True,
    }


def test_a_service_without_route_gets_no_alb_alarms(synthesis: Synthesis) -> None:
    worker = {n for n in alarms(synthesis) if n.startswith("worker-")}
    assert not any(kind in n for n in worker for kind in ("5xx", "latency", "unhealthy"))


def test_custom_alarm_matches_its_settings(synthesized) -> None:
    custom = next(a for a in alarm_config("prod")["custom"] if a["name"] == "orders-db-connections")
    alarm = alarms(synthesized("prod"))["orders-db-connections"]
    assert (alarm["namespace"], alarm["metricName"], alarm["dimensions"]) == (
        custom["namespace"],
        custom["metricName"],
        custom["dimensions"],
    )
    assert alarm["threshold"] == custom["threshold"]
    assert alarm["comparisonOperator"] == custom["comparison"]
    assert alarm["treatMissingData"] == custom["treatMissingData"]
    assert alarm["alarmDescription"] == custom["description"]


def test_environment_alarms(stack: str, synthesis: Synthesis) -> None:
    found = alarms(synthesis)
    alb = synthesis.one("aws:lb/loadBalancer:LoadBalancer").outputs["arnSuffix"]
    assert found["alb-5xx"]["metricName"] == "HTTPCode_ELB_5XX_Count"
    assert found["alb-5xx"]["dimensions"] == {"LoadBalancer": alb}
    assert found["alb-rejected-connections"]["metricName"] == "RejectedConnectionCount"
    reservation = found["general-reservation-stuck"]
    assert reservation["namespace"] == "AWS/ECS/ManagedScaling"
    assert reservation["dimensions"] == {
        "CapacityProviderName": f"general-ecs-platform-{stack}",
        "ClusterName": f"ecs-platform-{stack}",
    }
    assert (reservation["comparisonOperator"], reservation["threshold"]) == (
        "GreaterThanThreshold",
        100,
    )
    assert reservation["datapointsToAlarm"] == reservation["evaluationPeriods"]


def test_pool_below_minimum_only_where_the_pool_has_one(synthesized) -> None:
    assert "general-instances-below-minimum" not in alarms(synthesized("dev"))
    alarm = alarms(synthesized("prod"))["general-instances-below-minimum"]
    assert alarm["dimensions"] == {"AutoScalingGroupName": "ecs-platform-prod-general"}
    assert alarm["threshold"] == 2


def test_dashboard_lists_every_service_and_only_their_metrics(stack, synthesis) -> None:
    dashboard = synthesis.one("aws:cloudwatch/dashboard:Dashboard").inputs
    body = json.loads(dashboard["dashboardBody"])
    titles = [w["properties"]["title"] for w in body["widgets"]]
    for service in stack_config(stack)["ecs-platform:services"]:
        assert f"{service}: CPU %" in titles
        assert f"{service}: running tasks" in titles
    assert "api: requests and 5xx" in titles
    assert "api: p99 latency (s)" in titles
    assert not any(t.startswith("worker: requests") or t.startswith("worker: p99") for t in titles)
    assert "worker: queue" in titles
    assert "pool general: reservation %" in titles
    group = synthesis.one("aws:lb/targetGroup:TargetGroup", "api-tg").outputs["arnSuffix"]
    metrics = [m for w in body["widgets"] for m in w["properties"]["metrics"]]
    alb_metrics = [m for m in metrics if m[0] == "AWS/ApplicationELB"]
    assert alb_metrics and all(group in m for m in alb_metrics)


def test_muting_silences_notifications_but_not_scaling() -> None:
    config = stack_config("dev")
    config["ecs-platform:alarms"]["actionsEnabled"] = False
    synthesis = run_program("dev", stack_config=config)
    found = alarms(synthesis)
    assert found["api-cpu-high"]["actionsEnabled"] is False
    assert found["api-cpu-high"].get("alarmActions", []) == []
    scale_out = found["worker-scale-out"]
    policy = synthesis.one("aws:appautoscaling/policy:Policy", "worker-step-out")
    assert scale_out["actionsEnabled"] is True
    assert scale_out["alarmActions"] == [policy.outputs["arn"]]


Config = dict[str, Any]


def alarm(change: Callable[[dict], Any]) -> Callable[[Config], Any]:
    return lambda config: change(config["ecs-platform:alarms"])


CUSTOM = {
    "name": "jobs", "namespace": "App", "metricName": "Jobs", "threshold": 5,
    "comparison": "GreaterThanThreshold", "description": "Too many jobs.",
}  # fmt: skip

BAD_ALARMS: list[tuple[str, str, Callable[[Config], Any], list[str]]] = [
    ("unknown comparison", "dev",
     alarm(lambda a: a.update(custom=[CUSTOM | {"comparison": "Above"}])),
     ["alarms.custom[0].comparison: Input should be 'GreaterThanThreshold',"
      " 'GreaterThanOrEqualToThreshold', 'LessThanThreshold' or 'LessThanOrEqualToThreshold'"
      " (got 'Above')"]),
    ("threshold not a number", "dev",
     alarm(lambda a: a.update(custom=[CUSTOM | {"threshold": "high"}])),
     ["alarms.custom[0].threshold: expected a number (got 'high')"]),
    ("non-positive periods", "dev", alarm(lambda a: a["thresholds"].update(evaluationPeriods=0)),
     ["alarms.thresholds.evaluationPeriods: Input should be greater than or equal to 1 (got 0)"]),
    ("period not allowed", "dev", alarm(lambda a: a["thresholds"].update(periodSeconds=45)),
     ["alarms.thresholds.periodSeconds: Input should be 60, 120, 300, 600, 900 or 3600"
      " (got 45)"]),
    ("datapoints above periods", "dev",
     alarm(lambda a: a["thresholds"].update(datapointsToAlarm=9)),
     ["alarms.thresholds.datapointsToAlarm: 9 is more than evaluationPeriods 5"]),
    ("not an email", "dev", alarm(lambda a: a["notify"].update(emails=["ops at example"])),
     ["alarms.notify.emails[0]: 'ops at example' is not an email address"]),
    ("not https", "dev", alarm(lambda a: a["notify"].update(httpsEndpoints=["http://x.example"])),
     ["alarms.notify.httpsEndpoints[0]: 'http://x.example' is not an https:// URL"]),
    ("missing description", "dev",
     alarm(lambda a: a.update(custom=[{k: v for k, v in CUSTOM.items() if k != "description"}])),
     ["alarms.custom[0].description: required key is missing"]),
    ("duplicate custom alarm", "dev", alarm(lambda a: a["custom"].extend([CUSTOM, CUSTOM])),
     ["alarms.custom[1].name: duplicate 'jobs'", "alarms.custom[2].name: duplicate 'jobs'"]),
    ("window too long", "dev",
     alarm(lambda a: a["custom"].append(CUSTOM | {"periodSeconds": 900, "evaluationPeriods": 100})),
     ["alarms.custom[1].evaluationPeriods: 100 periods of 900s exceed CloudWatch's 86400s alarm"
      " window"]),
    ("sub-minute built-in period", "dev", alarm(lambda a: a["thresholds"].update(periodSeconds=10)),
     ["alarms.thresholds.periodSeconds: Input should be 60, 120, 300, 600, 900 or 3600 (got 10)"]),
    ("custom name of a built-in alarm", "dev",
     alarm(lambda a: a["custom"].append(CUSTOM | {"name": "api-cpu-high"})),
     ["alarms.custom[1].name: 'api-cpu-high' could clash with a built-in alarm (names starting"
      " alb-, a service name or a pool name are taken)"]),
    ("production muted and unsubscribed", "prod",
     alarm(lambda a: a.update(actionsEnabled=False, notify={})),
     ["alarms.actionsEnabled: tier production never mutes alarms",
      "alarms.notify: tier production needs at least one subscriber"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("stack", "change", "expected"),
    [pytest.param(st, ch, ex, id=case) for case, st, ch, ex in BAD_ALARMS],
)
def test_bad_alarm_settings_are_refused(stack, change, expected) -> None:
    assert problems(stack, change) == [f"Pulumi.{stack}.yaml: {line}" for line in expected]


def test_without_container_insights_no_running_task_alarm_or_widget() -> None:
    config = stack_config("prod")
    config["ecs-platform:tier"] = "development"  # production refuses Insights off
    config["ecs-platform:cluster"]["containerInsights"] = "disabled"
    synthesis = run_program("prod", stack_config=config)
    assert not [n for n in alarms(synthesis) if n.endswith("tasks-below-minimum")]
    body = json.loads(synthesis.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    assert not [w for w in body["widgets"] if "running tasks" in w["properties"]["title"]]
