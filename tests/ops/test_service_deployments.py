"""Following service deployments and acting on a paused one, on botocore's Stubber with the
response shapes of the ECS API reference (ListServiceDeployments, DescribeServiceDeployments,
ContinueServiceDeployment, StopServiceDeployment)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from cli.app import main
from ops import aws
from ops.service_deployments import approve, follow, rollback

CLUSTER = "ecs-platform-prod"
ACCOUNT = "123456789012"
SERVICE_ARN = f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service/{CLUSTER}/api"
DEPLOYMENT = (
    f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service-deployment/{CLUSTER}/api/Ez5RNVLH6PPzHXINuP28"
)
OLDER = f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service-deployment/{CLUSTER}/api/0ld0ld0ld0ld0ld0ld0"
REVISION = f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service-revision/{CLUSTER}/api/4980306466373577095"
HOOK_ID = "ecs-pause-e7tK9G_WRJqNF_EOMjztDXfKenlJuEUVjsNStf4WLKw"
STARTED = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=datetime.UTC)


def client() -> Any:
    return boto3.client(
        "ecs", region_name="eu-west-1", aws_access_key_id="test", aws_secret_access_key="test"
    )


def listed(stubber: Stubber, service: str = "api") -> None:
    stubber.add_response(
        "list_service_deployments",
        {
            "serviceDeployments": [
                {
                    "serviceDeploymentArn": DEPLOYMENT,
                    "serviceArn": SERVICE_ARN,
                    "clusterArn": f"arn:aws:ecs:eu-west-1:{ACCOUNT}:cluster/{CLUSTER}",
                    "createdAt": STARTED,
                    "startedAt": STARTED,
                    "targetServiceRevisionArn": REVISION,
                    "status": "IN_PROGRESS",
                },
                {
                    "serviceDeploymentArn": OLDER,
                    "serviceArn": SERVICE_ARN,
                    "createdAt": STARTED - datetime.timedelta(days=1),
                    "finishedAt": STARTED - datetime.timedelta(hours=23),
                    "status": "SUCCESSFUL",
                },
            ]
        },
        {"cluster": CLUSTER, "service": service, "maxResults": 20},
    )


def described(stubber: Stubber, status: str, stage: str, **more: Any) -> None:
    stubber.add_response(
        "describe_service_deployments",
        {
            "serviceDeployments": [
                {
                    "serviceDeploymentArn": DEPLOYMENT,
                    "serviceArn": SERVICE_ARN,
                    "createdAt": STARTED,
                    "startedAt": STARTED,
                    "targetServiceRevision": {
                        "arn": REVISION,
                        "requestedTaskCount": 3,
                        "runningTaskCount": 3,
                        "pendingTaskCount": 0,
                        "requestedProductionTrafficWeight": 10.0,
                    },
                    "status": status,
                    "lifecycleStage": stage,
                    **more,
                }
            ],
            "failures": [],
        },
        {"serviceDeploymentArns": [DEPLOYMENT]},
    )


PAUSED = {
    "lifecycleHookDetails": [
        {
            "hookId": HOOK_ID,
            "targetType": "PAUSE",
            "status": "AWAITING_ACTION",
            "expiresAt": STARTED + datetime.timedelta(hours=2),
            "timeoutAction": "ROLLBACK",
        }
    ]
}


def run(stubber: Stubber, ecs: Any, timeout: float = 60) -> tuple[Any, list[str], list[float]]:
    lines: list[str] = []
    sleeps: list[float] = []
    with stubber:
        verdict = follow(
            ecs,
            CLUSTER,
            {"api": "api"},
            timeout_seconds=timeout,
            interval_seconds=15,
            sleep=sleeps.append,
            report=lines.append,
        )
        stubber.assert_no_pending_responses()
    return verdict, lines, sleeps


def test_a_canary_followed_through_its_bake_time_succeeds():
    ecs = client()
    stubber = Stubber(ecs)
    listed(stubber)
    described(stubber, "IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT")
    described(stubber, "IN_PROGRESS", "BAKE_TIME")
    described(stubber, "SUCCESSFUL", "CLEAN_UP", finishedAt=STARTED)
    verdict, lines, sleeps = run(stubber, ecs)
    assert verdict.state == "done"
    assert lines == [
        "api: IN_PROGRESS at stage PRODUCTION_TRAFFIC_SHIFT",
        "api: IN_PROGRESS at stage BAKE_TIME",
        "api: SUCCESSFUL",
    ]
    assert sleeps == [15, 15]


def test_a_rollback_during_bake_fails_with_the_stage_and_the_alarm():
    ecs = client()
    stubber = Stubber(ecs)
    listed(stubber)
    described(stubber, "IN_PROGRESS", "BAKE_TIME")
    described(
        stubber,
        "ROLLBACK_SUCCESSFUL",
        "BAKE_TIME",
        rollback={
            "reason": "CloudWatch alarm ecs-platform-prod-api-5xx-rate is in ALARM",
            "startedAt": STARTED,
            "serviceRevisionArn": REVISION,
        },
        alarms={
            "status": "TRIGGERED",
            "alarmNames": ["ecs-platform-prod-api-5xx-rate", "ecs-platform-prod-api-unhealthy"],
            "triggeredAlarmNames": ["ecs-platform-prod-api-5xx-rate"],
        },
    )
    verdict, _, _ = run(stubber, ecs)
    assert verdict.state == "failed"
    assert verdict.lines == [
        "api: ROLLBACK_SUCCESSFUL at stage BAKE_TIME: CloudWatch alarm"
        " ecs-platform-prod-api-5xx-rate is in ALARM",
        "api: alarms that fired: ecs-platform-prod-api-5xx-rate",
    ]


def test_a_deployment_pending_approval_waits_and_says_how_to_answer():
    ecs = client()
    stubber = Stubber(ecs)
    listed(stubber)
    described(stubber, "IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT", **PAUSED)
    described(stubber, "IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT", **PAUSED)
    verdict, lines, _ = run(stubber, ecs, timeout=15)
    assert verdict.state == "waiting"
    assert lines == [
        "api: paused at POST_TEST_TRAFFIC_SHIFT for approval until 2026-11-30 14:00:00+00:00"
        " (then ROLLBACK): ecs-platform approve api --stack <stack> or ecs-platform rollback api"
        " --stack <stack>"
    ]


def paused_rollout_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *more: str) -> int:
    """`rollout-check --follow-deployments` once, on api's deployment paused for approval."""
    names = tmp_path / "names.json"
    names.write_text(json.dumps({"api": "api"}))
    ecs = client()
    stubber = Stubber(ecs)
    listed(stubber)
    described(stubber, "IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT", **PAUSED)
    monkeypatch.setattr(aws, "client", lambda service, region=None: ecs)
    argv = ["--cluster", CLUSTER, "--services-file", str(names), "--follow-deployments"]
    with stubber:
        return main(["rollout-check", *argv, "--timeout", "0", "--region", "eu-west-1", *more])


@pytest.mark.parametrize(
    ("stack", "where"),
    [(["--stack", "prod"], "--stack prod"), ([], f"--cluster {CLUSTER} --region eu-west-1")],
    ids=["stack", "cluster"],
)
def test_the_rollout_checks_approval_hint_is_a_command_that_runs(
    stack: list[str], where: str, tmp_path: Path, capsys, monkeypatch
):
    """The hint names the stack (or the cluster and region): `approve api` alone is refused."""
    assert paused_rollout_check(tmp_path, monkeypatch, *stack) == 4
    out = capsys.readouterr().out
    assert f": ecs-platform approve api {where} or ecs-platform rollback api {where}\n" in out


def test_still_shifting_at_the_timeout_fails():
    ecs = client()
    stubber = Stubber(ecs)
    listed(stubber)
    described(stubber, "IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT")
    verdict, _, _ = run(stubber, ecs, timeout=0)
    assert verdict.state == "failed"


@pytest.mark.parametrize(
    ("answer", "action"),
    [(approve, "CONTINUE"), (rollback, "ROLLBACK")],
    ids=["approve", "rollback"],
)
def test_a_paused_hook_is_answered_with_continue_or_rollback(answer, action):
    ecs = client()
    stubber = Stubber(ecs)
    listed(stubber)
    described(stubber, "IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT", **PAUSED)
    stubber.add_response(
        "continue_service_deployment",
        {"serviceDeploymentArn": DEPLOYMENT},
        {"serviceDeploymentArn": DEPLOYMENT, "hookId": HOOK_ID, "action": action},
    )
    with stubber:
        assert answer(ecs, CLUSTER, "api") == DEPLOYMENT
        stubber.assert_no_pending_responses()


def test_rollback_of_a_baking_deployment_stops_it_with_rollback():
    ecs = client()
    stubber = Stubber(ecs)
    listed(stubber)
    described(stubber, "IN_PROGRESS", "BAKE_TIME")
    listed(stubber)
    stubber.add_response(
        "stop_service_deployment",
        {"serviceDeploymentArn": DEPLOYMENT},
        {"serviceDeploymentArn": DEPLOYMENT, "stopType": "ROLLBACK"},
    )
    with stubber:
        assert rollback(ecs, CLUSTER, "api") == DEPLOYMENT
        stubber.assert_no_pending_responses()


def test_approve_without_a_paused_hook_says_so(capsys, monkeypatch):
    ecs = client()
    monkeypatch.setattr(aws, "client", lambda service, region=None: ecs)
    stubber = Stubber(ecs)
    listed(stubber)
    described(stubber, "IN_PROGRESS", "BAKE_TIME")
    with stubber:
        code = main(["approve", "api", "--cluster", CLUSTER, "--region", "eu-west-1"])
    assert code == 1
    assert "IN_PROGRESS at BAKE_TIME, not paused for approval" in capsys.readouterr().err


def test_the_rollout_check_follows_deployments_and_exits_4_while_awaiting_approval(
    tmp_path: Path, capsys, monkeypatch
):
    assert paused_rollout_check(tmp_path, monkeypatch) == 4
    assert capsys.readouterr().out.splitlines()[-1] == "rollout check: waiting"


@pytest.mark.parametrize("status", ["ROLLBACK_FAILED", "STOPPED"])
def test_other_endings_than_success_fail(status):
    ecs = client()
    stubber = Stubber(ecs)
    listed(stubber)
    described(stubber, status, "PRODUCTION_TRAFFIC_SHIFT", statusReason="stopped by a user")
    verdict, _, _ = run(stubber, ecs)
    assert verdict.state == "failed"
    assert verdict.lines == [f"api: {status} at stage PRODUCTION_TRAFFIC_SHIFT: stopped by a user"]
