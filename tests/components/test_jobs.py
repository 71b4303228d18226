"""Jobs as the `jobs` fixture declares them: a hardened task like a service's, a state machine
that runs it with retries and a timeout (and stops it on timeout), a schedule in its time zone,
least-privilege roles, an alarm and the dashboard."""

from __future__ import annotations

import json
from typing import Any

import pytest

from components.job.definition import RunTarget, execution_timeout, state_machine_definition
from harness.records import RecordedResource, Synthesis
from settings.loader import parse_settings
from settings.stack_files import load_config

from conftest import fixture_config

MACHINE = "aws:sfn/stateMachine:StateMachine"
SCHEDULE = "aws:scheduler/schedule:Schedule"
ROLE, POLICY = "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy"
TASK = "aws:ecs/taskDefinition:TaskDefinition"
GROUP = "aws:ec2/securityGroup:SecurityGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


@pytest.fixture(scope="module")
def jobs(synthesized: Any) -> Synthesis:
    return synthesized("jobs")


def definition(synthesis: Synthesis, job: str) -> dict[str, Any]:
    return json.loads(synthesis.one(MACHINE, f"{job}-state-machine").inputs["definition"])


def statements(synthesis: Synthesis, name: str) -> list[dict[str, Any]]:
    return json.loads(synthesis.one(POLICY, name).inputs["policy"])["Statement"]


def by_sid(synthesis: Synthesis, name: str) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in statements(synthesis, name)}


def trust(role: RecordedResource) -> dict[str, Any]:
    return json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]


def test_the_task_is_hardened_like_a_services(jobs: Synthesis) -> None:
    task = jobs.one(TASK, "nightly-report-task")
    (container,) = json.loads(task.inputs["containerDefinitions"])
    assert container["command"] == ["python", "-m", "reports.nightly"]
    assert container["readonlyRootFilesystem"] is True and container["user"] == "1000:1000"
    assert container["mountPoints"] == [
        {"sourceVolume": "scratch-0", "containerPath": "/tmp", "readOnly": False}
    ]
    assert container["logConfiguration"]["options"]["awslogs-group"] == (
        "/ecs-platform/jobs/jobs/nightly-report"
    )
    assert "portMappings" not in container and "healthCheck" not in container
    assert task.inputs["executionRoleArn"] != task.inputs["taskRoleArn"]
    reindex = jobs.one(TASK, "reindex-task").inputs
    assert reindex["requiresCompatibilities"] == ["EC2"]
    assert reindex["runtimePlatform"]["cpuArchitecture"] == "ARM64"


def test_the_log_group_is_encrypted_kept_a_year_and_protected(jobs: Synthesis) -> None:
    group = jobs.one("aws:cloudwatch/logGroup:LogGroup", "nightly-report-logs")
    assert group.inputs["retentionInDays"] == 365 and group.inputs["kmsKeyId"]
    assert group.protect


def test_the_security_group_admits_nothing_and_egress_is_a_services(jobs: Synthesis) -> None:
    group = jobs.one(GROUP, "nightly-report-sg").inputs
    assert "ingress" not in group
    assert [rule["description"] for rule in group["egress"]] == [
        "HTTPS anywhere",
        "anything inside the VPC",
    ]
    ingress = jobs.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    own = jobs.one(GROUP, "nightly-report-sg").outputs["id"]
    assert [r for r in ingress if r.inputs["securityGroupId"] == own] == []


def test_the_state_machine_runs_the_task_with_retries_and_a_timeout(jobs: Synthesis) -> None:
    found = definition(jobs, "nightly-report")
    run = found["States"]["Run"]
    assert run["Resource"] == "arn:aws:states:::ecs:runTask.sync"
    assert run["TimeoutSeconds"] == 1800
    assert run["Retry"] == [
        {
            "ErrorEquals": ["States.TaskFailed"],
            "IntervalSeconds": 60,
            "MaxAttempts": 2,
            "BackoffRate": 2.0,
        }
    ]
    assert run["Catch"][0]["ErrorEquals"] == ["States.Timeout"]
    parameters = run["Parameters"]
    assert parameters["TaskDefinition"] == jobs.one(TASK, "nightly-report-task").outputs["arn"]
    network = parameters["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "DISABLED"
    assert network["SecurityGroups"] == [jobs.one(GROUP, "nightly-report-sg").outputs["id"]]
    assert network["Subnets"] == jobs.outputs["privateSubnetIds"]
    assert parameters["CapacityProviderStrategy"] == [
        {"CapacityProvider": "FARGATE", "Weight": 1, "Base": 0}
    ]
    # every attempt at its limit, the waits before the two retries (60 s, 120 s), the stop path
    assert found["TimeoutSeconds"] == 3 * 1800 + 180 + 600


def test_a_timed_out_run_stops_its_own_task_then_fails(jobs: Synthesis) -> None:
    states = definition(jobs, "nightly-report")["States"]
    path, name = [], "FindTask"
    while name:  # the way a run whose task is still going takes (each Choice's first branch)
        path.append(name)
        state = states[name]
        name = state["Choices"][0]["Next"] if state["Type"] == "Choice" else state.get("Next")
    assert path == ["FindTask", "AnyTaskRunning", "DescribeTasks", "StopThisRunsTask", "TimedOut"]
    assert states["FindTask"]["Parameters"]["Family"] == "ecs-platform-jobs-nightly-report"
    assert states["AnyTaskRunning"]["Default"] == "TimedOut"  # the task stopped on its own
    stop = states["StopThisRunsTask"]["ItemProcessor"]["States"]
    assert stop["OfThisRun"]["Choices"][0] == {
        "Variable": "$.Group",
        "StringEqualsPath": "$.Execution",
        "Next": "StopTask",
    }
    assert stop["StopTask"]["Resource"] == "arn:aws:states:::aws-sdk:ecs:stopTask"
    assert states["Run"]["Parameters"]["Group.$"] == "$$.Execution.Name"
    assert states["TimedOut"]["Type"] == "Fail"


def test_a_run_while_another_goes_ends_at_once(jobs: Synthesis) -> None:
    found = definition(jobs, "nightly-report")
    assert found["StartAt"] == "CheckOverlap"
    check = found["States"]["CheckOverlap"]
    assert check["Resource"] == "arn:aws:states:::aws-sdk:sfn:listExecutions"
    assert check["Parameters"]["StatusFilter"] == "RUNNING"
    choice = found["States"]["AnotherRunIsGoing"]
    assert choice["Choices"][0]["Next"] == "Skipped" and choice["Default"] == "Run"


def test_allow_overlap_starts_with_the_run() -> None:
    target = RunTarget("cluster", "task:1", "family", ["subnet-1"], "sg-1")
    found = state_machine_definition("x", target, retries=0, timeout_seconds=60, allow_overlap=True)
    assert found["StartAt"] == "Run" and "CheckOverlap" not in found["States"]
    assert found["States"]["Run"]["Retry"][0]["MaxAttempts"] == 0
    assert "CapacityProviderStrategy" not in found["States"]["Run"]["Parameters"]  # default
    assert execution_timeout(0, 60) == 60 + 600


def test_the_on_demand_job_runs_on_its_pool_without_a_schedule(jobs: Synthesis) -> None:
    parameters = definition(jobs, "reindex")["States"]["Run"]["Parameters"]
    assert parameters["CapacityProviderStrategy"] == [
        {"CapacityProvider": "general-ecs-platform-jobs", "Weight": 1, "Base": 0}
    ]
    assert "PlatformVersion" not in parameters  # EC2: no Fargate platform version
    assert [s.name for s in jobs.of_type(SCHEDULE)] == ["nightly-report-schedule"]
    assert [r.name for r in jobs.of_type(ROLE) if r.name.startswith("reindex-scheduler")] == []


def test_the_state_machine_role_may_run_watch_and_stop_only_its_task(jobs: Synthesis) -> None:
    granted = by_sid(jobs, "nightly-report-states")
    machine = jobs.one(MACHINE, "nightly-report-state-machine")
    cluster = jobs.outputs["clusterArn"]
    region_account = "eu-west-1:123456789012"
    assert granted["RunOwnTask"]["Resource"] == [
        f"arn:aws:ecs:{region_account}:task-definition/ecs-platform-jobs-nightly-report:*"
    ]
    assert granted["RunOwnTask"]["Condition"] == {"ArnEquals": {"ecs:cluster": cluster}}
    assert granted["WatchAndStopTask"]["Resource"] == [
        f"arn:aws:ecs:{region_account}:task/ecs-platform-jobs/*"
    ]
    task = jobs.one(TASK, "nightly-report-task").inputs
    assert sorted(granted["PassTaskRoles"]["Resource"]) == sorted(
        [task["executionRoleArn"], task["taskRoleArn"]]
    )
    assert granted["LearnWhenTaskStops"]["Resource"] == [
        f"arn:aws:events:{region_account}:rule/StepFunctionsGetEventsForECSTaskRule"
    ]
    assert granted["SeeOwnRuns"]["Resource"] == [machine.outputs["arn"]]
    role = jobs.one(ROLE, "nightly-report-states")
    assert trust(role)["Principal"] == {"Service": "states.amazonaws.com"}
    assert trust(role)["Condition"]["ArnLike"] == {"aws:SourceArn": machine.outputs["arn"]}
    assert machine.inputs["roleArn"] == role.outputs["arn"]
    assert machine.inputs["type"] == "STANDARD"


def test_the_schedule_starts_its_machine_on_time_in_its_zone(jobs: Synthesis) -> None:
    schedule = jobs.one(SCHEDULE, "nightly-report-schedule").inputs
    machine = jobs.one(MACHINE, "nightly-report-state-machine").outputs["arn"]
    assert schedule["scheduleExpression"] == "cron(0 2 * * ? *)"
    assert schedule["scheduleExpressionTimezone"] == "Europe/Paris"
    assert schedule["flexibleTimeWindow"] == {"mode": "OFF"}
    assert schedule["target"]["arn"] == machine
    role = jobs.one(ROLE, "nightly-report-scheduler")
    assert schedule["target"]["roleArn"] == role.outputs["arn"]
    assert trust(role)["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert statements(jobs, "nightly-report-scheduler") == [
        {
            "Effect": "Allow",
            "Action": ["states:StartExecution"],
            "Sid": "StartOwnJob",
            "Resource": [machine],
        }
    ]


def test_physical_names_come_from_the_settings_rule_the_day2_commands_use(jobs: Synthesis) -> None:
    project, flat = load_config("jobs", stack_config=fixture_config("jobs"))
    settings = parse_settings(flat, project=project, stack="jobs")
    for job in ("nightly-report", "reindex"):
        machine = jobs.one(MACHINE, f"{job}-state-machine")
        assert machine.inputs["name"] == settings.job_state_machine_name(job)
        assert jobs.outputs["jobStateMachineArns"][job] == machine.outputs["arn"]
    assert jobs.outputs["jobScheduleNames"] == {
        "nightly-report": settings.job_schedule_name("nightly-report")
    }


def test_a_failed_or_timed_out_run_alarms_to_the_stack_topic(jobs: Synthesis) -> None:
    alarm = jobs.one(ALARM, "nightly-report-failed").inputs
    machine = jobs.one(MACHINE, "nightly-report-state-machine").outputs["arn"]
    metrics = {q["id"]: q["metric"] for q in alarm["metricQueries"] if q.get("metric")}
    assert {m["metricName"] for m in metrics.values()} == {"ExecutionsFailed", "ExecutionsTimedOut"}
    assert all(m["dimensions"] == {"StateMachineArn": machine} for m in metrics.values())
    assert (alarm["threshold"], alarm["evaluationPeriods"], alarm["datapointsToAlarm"]) == (1, 1, 1)
    assert alarm["treatMissingData"] == "notBreaching"
    topic = jobs.one("aws:sns/topic:Topic", "notifications-alarms").outputs["arn"]
    assert alarm["alarmActions"] == [topic]


def test_the_dashboard_shows_runs_failures_and_duration(jobs: Synthesis) -> None:
    body = json.loads(jobs.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    machine = jobs.one(MACHINE, "nightly-report-state-machine").outputs["arn"]
    widgets = {
        w["properties"]["title"]: w["properties"]["metrics"]
        for w in body["widgets"]
        if w["properties"]["title"].startswith("job nightly-report")
    }
    assert sorted(widgets) == [
        "job nightly-report: duration (ms)",
        "job nightly-report: failures",
        "job nightly-report: runs",
    ]
    names = {metric[1] for metrics in widgets.values() for metric in metrics}
    assert names == {
        "ExecutionsStarted",
        "ExecutionsSucceeded",
        "ExecutionsFailed",
        "ExecutionsTimedOut",
        "ExecutionsAborted",
        "ExecutionTime",
    }
    assert all(
        metric[2:4] == ["StateMachineArn", machine] for m in widgets.values() for metric in m
    )


def test_every_job_resource_is_tagged_and_named_after_its_job(jobs: Synthesis) -> None:
    for resource in jobs.resources:
        top = jobs.top_component(resource)
        if top is None or top.type != "ecs-platform:job:Job" or not resource.custom:
            continue
        assert resource.name.startswith(f"{top.name}-")
        if resource.type not in {POLICY, SCHEDULE}:  # Scheduler schedules take no tags
            assert resource.inputs["tags"]["Environment"] == "jobs", resource.name
