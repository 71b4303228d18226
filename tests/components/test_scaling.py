"""Autoscaling: target tracking on predefined metrics, step scaling on a custom metric."""

from __future__ import annotations

from typing import Any

from harness.engine import run_program
from harness.records import Synthesis

from conftest import fixture_config as stack_config

TARGET = "aws:appautoscaling/target:Target"
POLICY = "aws:appautoscaling/policy:Policy"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def scaling(stack: str, service: str) -> dict[str, Any]:
    return stack_config(stack)["ecs-platform:services"][service]["scaling"]


def test_scalable_targets_follow_settings(stack: str, synthesis: Synthesis) -> None:
    for service in ("api", "worker"):
        target = synthesis.one(TARGET, f"{service}-scaling").inputs
        assert target["resourceId"] == f"service/ecs-platform-{stack}/{service}"
        assert target["scalableDimension"] == "ecs:service:DesiredCount"
        assert target["serviceNamespace"] == "ecs"
        assert (target["minCapacity"], target["maxCapacity"]) == (
            scaling(stack, service)["minCount"],
            scaling(stack, service)["maxCount"],
        )


def test_target_tracking_on_predefined_metrics(stack: str, synthesis: Synthesis) -> None:
    declared = scaling(stack, "api")
    expected = {
        "api-track-cpu": ("ECSServiceAverageCPUUtilization", declared["cpuTarget"]),
        "api-track-requests": ("ALBRequestCountPerTarget", declared["requestsPerTarget"]),
    }
    if "memoryTarget" in declared:
        expected["api-track-memory"] = (
            "ECSServiceAverageMemoryUtilization",
            declared["memoryTarget"],
        )
    tracking = {
        p.name: p.inputs for p in synthesis.of_type(POLICY) if p.name.startswith("api-track")
    }
    assert sorted(tracking) == sorted(expected)
    for name, (metric, value) in expected.items():
        configuration = tracking[name]["targetTrackingScalingPolicyConfiguration"]
        assert tracking[name]["policyType"] == "TargetTrackingScaling"
        assert configuration["predefinedMetricSpecification"]["predefinedMetricType"] == metric
        assert configuration["targetValue"] == value
        assert configuration["scaleInCooldown"] == 300
        assert configuration["scaleOutCooldown"] == 60


def test_request_count_label_is_built_from_the_real_arn_suffixes(synthesis: Synthesis) -> None:
    alb = synthesis.one("aws:lb/loadBalancer:LoadBalancer").outputs["arnSuffix"]
    group = synthesis.one("aws:lb/targetGroup:TargetGroup", "api-tg").outputs["arnSuffix"]
    policy = synthesis.one(POLICY, "api-track-requests").inputs
    label = policy["targetTrackingScalingPolicyConfiguration"]["predefinedMetricSpecification"][
        "resourceLabel"
    ]
    assert label == f"{alb}/{group}"
    assert label.startswith(f"app/ecs-platform-{synthesis.stack}/")
    assert "/targetgroup/" in label


def test_queue_step_scaling_alarms_and_steps_match_settings(stack, synthesis) -> None:
    metric = scaling(stack, "worker")["customMetric"]
    for direction, key, comparison in (
        ("out", "scaleOut", "GreaterThanOrEqualToThreshold"),
        ("in", "scaleIn", "LessThanOrEqualToThreshold"),
    ):
        policy = synthesis.one(POLICY, f"worker-step-{direction}")
        configuration = policy.inputs["stepScalingPolicyConfiguration"]
        assert policy.inputs["policyType"] == "StepScaling"
        assert configuration["adjustmentType"] == "ChangeInCapacity"
        assert configuration["metricAggregationType"] == "Maximum"
        expected_steps = [
            {
                key: str(step[name])
                for key, name in (
                    ("metricIntervalLowerBound", "lowerBound"),
                    ("metricIntervalUpperBound", "upperBound"),
                )
                if name in step
            }
            | {"scalingAdjustment": step["adjustment"]}
            for step in metric[key]["steps"]
        ]
        assert configuration["stepAdjustments"] == expected_steps
        alarm = synthesis.one(ALARM, f"worker-step-{direction}").inputs
        assert alarm["namespace"] == "AWS/SQS"
        assert alarm["metricName"] == "ApproximateNumberOfMessagesVisible"
        assert alarm["dimensions"] == {"QueueName": metric["queueName"]}
        assert alarm["statistic"] == "Maximum"
        assert alarm["threshold"] == metric[key]["threshold"]
        assert alarm["comparisonOperator"] == comparison
        # the scale-out alarm scales and tells the team; scale-in only scales
        topic = synthesis.one("aws:sns/topic:Topic", "notifications-alarms").outputs["arn"]
        told = [topic] if direction == "out" else []
        assert alarm["alarmActions"] == [policy.outputs["arn"], *told]
        assert alarm.get("okActions", []) == []
        # an idle queue publishes nothing: never a reason to add tasks, a reason to remove them
        assert alarm["treatMissingData"] == ("notBreaching" if direction == "out" else "breaching")
        assert alarm["alarmDescription"]


def test_custom_namespace_metric_drives_step_scaling() -> None:
    config = stack_config("dev")
    config["ecs-platform:services"]["worker"]["scaling"]["customMetric"] = {
        "namespace": "App",
        "metricName": "PendingJobs",
        "dimensions": {"Queue": "reports"},
        "statistic": "Sum",
        "scaleOut": {"threshold": 50, "steps": [{"lowerBound": 0, "adjustment": 1}]},
    }
    synthesis = run_program("dev", stack_config=config)
    alarm = synthesis.one(ALARM, "worker-step-out").inputs
    assert (alarm["namespace"], alarm["metricName"], alarm["dimensions"]) == (
        "App",
        "PendingJobs",
        {"Queue": "reports"},
    )
    assert (
        synthesis.one(POLICY, "worker-step-out").inputs["stepScalingPolicyConfiguration"][
            "metricAggregationType"
        ]
        == "Average"
    )
    assert [a.name for a in synthesis.of_type(ALARM) if "-step-" in a.name] == ["worker-step-out"]


def test_dev_scales_to_zero_at_night(synthesized) -> None:
    actions = {
        a.name: a.inputs
        for a in synthesized("dev").of_type("aws:appautoscaling/scheduledAction:ScheduledAction")
    }
    assert actions["api-schedule-night"]["schedule"] == "cron(0 20 ? * MON-FRI *)"
    assert actions["api-schedule-night"]["timezone"] == "Europe/London"
    assert actions["api-schedule-night"]["scalableTargetAction"] == {
        "minCapacity": 0,
        "maxCapacity": 0,
    }
    assert actions["api-schedule-morning"]["scalableTargetAction"] == {
        "minCapacity": 1,
        "maxCapacity": 4,
    }
    assert synthesized("prod").of_type("aws:appautoscaling/scheduledAction:ScheduledAction") == []
