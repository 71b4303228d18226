"""The ALB alarms of blue/green, canary and linear services read both target groups: ECS moves
production between `<svc>-tg` and `<svc>-tg-alt` at every deployment, so alarms on the primary
group alone would watch an idle group after one. Rolling services keep one-group alarms."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any

import pytest
from progressive_helpers import config, progressive

from components.common.alarms import AlarmSpec, Metric, _metric_args
from harness.engine import run_program
from harness.records import Synthesis
from settings.alarms import ThresholdSettings

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
GROUP = "aws:lb/targetGroup:TargetGroup"
SERVICE = "aws:ecs/service:Service"


@cache
def api_rolling() -> Synthesis:
    """The progressive fixture with api switched back to rolling."""
    changed = config()
    changed["ecs-platform:services"]["api"]["deployment"] = {"strategy": "rolling"}
    return run_program("progressive", stack_config=changed)


def alb_suffix(synthesis: Synthesis) -> str:
    return synthesis.one("aws:lb/loadBalancer:LoadBalancer").outputs["arnSuffix"]


def group_suffix(synthesis: Synthesis, name: str) -> str:
    return synthesis.one(GROUP, name).outputs["arnSuffix"]


def metrics_by_id(queries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q["metric"] for q in queries if "metric" in q}


def expressions_by_id(queries: list[dict[str, Any]]) -> dict[str, str]:
    return {q["id"]: q["expression"] for q in queries if "expression" in q}


def returned(queries: list[dict[str, Any]]) -> str:
    (query,) = [q for q in queries if q["returnData"]]
    return query["id"]


def assert_reads_groups(
    metrics: dict[str, dict[str, Any]], synthesis: Synthesis, groups: list[str]
) -> None:
    alb = alb_suffix(synthesis)
    assert [m["dimensions"] for m in metrics.values()] == [
        {"LoadBalancer": alb, "TargetGroup": group_suffix(synthesis, group)} for group in groups
    ]


@pytest.mark.parametrize("service", ["api", "web"])  # canary and blueGreen
def test_error_rate_sums_both_groups_with_the_min_requests_guard(service: str) -> None:
    synthesis = progressive()
    queries = synthesis.one(ALARM, f"{service}-alarm-5xx-rate").inputs["metricQueries"]
    metrics = metrics_by_id(queries)
    assert list(metrics) == ["errors0", "errors1", "requests0", "requests1"]
    groups = [f"{service}-tg", f"{service}-tg-alt"]
    assert_reads_groups({k: v for k, v in metrics.items() if "errors" in k}, synthesis, groups)
    assert_reads_groups({k: v for k, v in metrics.items() if "requests" in k}, synthesis, groups)
    for key, metric in metrics.items():
        assert metric["stat"] == "Sum"
        assert metric["metricName"] == (
            "HTTPCode_Target_5XX_Count" if key.startswith("errors") else "RequestCount"
        )
    thresholds = config()["ecs-platform:alarms"]["thresholds"]
    minimum = thresholds.get("errorRateMinRequests", ThresholdSettings().error_rate_min_requests)
    assert expressions_by_id(queries) == {
        "errors": "FILL(errors0, 0) + FILL(errors1, 0)",
        "requests": "FILL(requests0, 0) + FILL(requests1, 0)",
        "rate": f"IF(requests >= {minimum}, 100 * FILL(errors, 0) / requests, 0)",
    }
    assert returned(queries) == "rate"


@pytest.mark.parametrize(
    ("kind", "metric_name", "stat"),
    [("latency-p99", "TargetResponseTime", "p99"), ("unhealthy", "UnHealthyHostCount", "Maximum")],
)
def test_latency_and_health_take_the_higher_of_both_groups(
    kind: str, metric_name: str, stat: str
) -> None:
    synthesis = progressive()
    inputs = synthesis.one(ALARM, f"api-alarm-{kind}").inputs
    for single_metric_key in ("metricName", "extendedStatistic", "statistic", "dimensions"):
        assert single_metric_key not in inputs
    assert "evaluateLowSampleCountPercentiles" not in inputs  # percentile alarms only
    queries = inputs["metricQueries"]
    metrics = metrics_by_id(queries)
    assert_reads_groups(metrics, synthesis, ["api-tg", "api-tg-alt"])
    assert {(m["metricName"], m["stat"]) for m in metrics.values()} == {(metric_name, stat)}
    (expression,) = expressions_by_id(queries).values()
    assert expression == "MAX([" + ", ".join(f"FILL({key}, 0)" for key in metrics) + "])"
    assert returned(queries) not in metrics


def test_deployment_still_rolls_back_on_the_two_group_alarms_by_name() -> None:
    synthesis = progressive()
    alarms = synthesis.one(SERVICE, "api").inputs["alarms"]
    assert alarms["enable"] and alarms["rollback"]
    assert alarms["alarmNames"] == [
        synthesis.one(ALARM, f"api-alarm-{kind}").inputs["name"]
        for kind in ("5xx-rate", "unhealthy")
    ]
    for kind in ("5xx-rate", "unhealthy"):
        assert "metricQueries" in synthesis.one(ALARM, f"api-alarm-{kind}").inputs


def test_a_rolling_service_keeps_one_group_alarms() -> None:
    synthesis = api_rolling()
    assert not [g for g in synthesis.of_type(GROUP) if g.name == "api-tg-alt"]
    alb = {"LoadBalancer": alb_suffix(synthesis), "TargetGroup": group_suffix(synthesis, "api-tg")}
    latency = synthesis.one(ALARM, "api-alarm-latency-p99").inputs
    assert (latency["metricName"], latency["extendedStatistic"]) == ("TargetResponseTime", "p99")
    assert latency["dimensions"] == alb
    assert latency["evaluateLowSampleCountPercentiles"] == "ignore"
    unhealthy = synthesis.one(ALARM, "api-alarm-unhealthy").inputs
    assert (unhealthy["metricName"], unhealthy["statistic"]) == ("UnHealthyHostCount", "Maximum")
    assert unhealthy["dimensions"] == alb
    queries = synthesis.one(ALARM, "api-alarm-5xx-rate").inputs["metricQueries"]
    metrics = metrics_by_id(queries)
    assert list(metrics) == ["errors", "requests"]
    assert [m["dimensions"] for m in metrics.values()] == [alb, alb]
    assert list(expressions_by_id(queries)) == ["rate"]


def test_a_percentile_metric_queries_by_its_percentile() -> None:
    metric = Metric(
        "AWS/ApplicationELB", "TargetResponseTime", {"TargetGroup": "tg"}, 60, None, "p99"
    )
    assert metric.query("p")["metric"]["stat"] == "p99"
    assert metric.query("p")["return_data"] is False


def test_an_alarm_refuses_more_than_ten_metrics() -> None:
    metric = Metric("AWS/ApplicationELB", "RequestCount", {}, 60, statistic="Sum")
    spec = AlarmSpec(
        name="many",
        description="",
        comparison="GreaterThanThreshold",
        threshold=0,
        treat_missing_data="missing",
        queries=[metric.query(f"m{index}") for index in range(11)],
    )
    with pytest.raises(ValueError, match="11 metrics, at most 10"):
        _metric_args(spec)
    ten = replace(spec, queries=list(spec.queries or [])[:10])
    assert len(_metric_args(ten)["metric_queries"]) == 10
