"""Blue/green status, wait, approve and rollback: the service-deployment calls moto does not
implement (List/DescribeServiceDeployments, ContinueServiceDeployment, StopServiceDeployment,
DescribeServiceRevisions) come from botocore's Stubber with the ECS API reference's shapes;
ELBv2, CloudWatch and Application Auto Scaling are the emulator's."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from emulator import seed

from cli.app import main

from conftest import project_copy

ACCOUNT = "123456789012"
CLUSTER = "ecs-platform-progressive"
SERVICE_ARN = f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service/{CLUSTER}/web"
DEPLOYMENT = f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service-deployment/{CLUSTER}/web/Ez5RNVLH6PPzHXIN"
SOURCE = f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service-revision/{CLUSTER}/web/4980306466373577095"
TARGET = f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service-revision/{CLUSTER}/web/5980306466373577096"
TASK_DEFINITIONS = f"arn:aws:ecs:eu-west-1:{ACCOUNT}:task-definition"
HOOK = "ecs-pause-e7tK9G_WRJqNF_EOMjztDXfKenlJuEUVjsNStf4WLKw"
STARTED = datetime.datetime(2026, 12, 1, 12, 0, tzinfo=datetime.UTC)
GOOD = "sha256:" + "a" * 64
PAUSED = [
    {
        "hookId": HOOK,
        "targetType": "PAUSE",
        "status": "AWAITING_ACTION",
        "expiresAt": STARTED + datetime.timedelta(hours=2),
        "timeoutAction": "ROLLBACK",
    }
]


@pytest.fixture
def ecs(emulator, monkeypatch) -> Stubber:
    """A stubbed ECS client for the ops code; every other service is the emulator."""
    client = boto3.client("ecs", region_name="eu-west-1")
    stubber = Stubber(client)
    real = __import__("ops.aws", fromlist=["client"]).client

    def factory(service: str, region: str | None = None) -> Any:
        return client if service == "ecs" else real(service, region)

    monkeypatch.setattr("ops.aws.client", factory)
    stubber.activate()
    yield stubber
    stubber.deactivate()


def described_service(stubber: Stubber, running: int = 4) -> None:
    stubber.add_response(
        "describe_services",
        {
            "services": [
                {
                    "serviceArn": SERVICE_ARN,
                    "serviceName": "web",
                    "status": "ACTIVE",
                    "desiredCount": 2,
                    "runningCount": running,
                    "pendingCount": 0,
                    "taskDefinition": f"{TASK_DEFINITIONS}/{CLUSTER}-web:8",
                    "deployments": [],
                    "events": [],
                    "enableExecuteCommand": False,
                }
            ],
            "failures": [],
        },
        {"cluster": CLUSTER, "services": ["web"]},
    )


def no_tasks(stubber: Stubber) -> None:
    for desired in ("RUNNING", "STOPPED"):
        stubber.add_response(
            "list_tasks",
            {"taskArns": []},
            {"cluster": CLUSTER, "serviceName": "web", "desiredStatus": desired},
        )


def listed(stubber: Stubber) -> None:
    stubber.add_response(
        "list_service_deployments",
        {
            "serviceDeployments": [
                {
                    "serviceDeploymentArn": DEPLOYMENT,
                    "serviceArn": SERVICE_ARN,
                    "createdAt": STARTED,
                    "status": "IN_PROGRESS",
                    "targetServiceRevisionArn": TARGET,
                }
            ]
        },
        {"cluster": CLUSTER, "service": "web", "maxResults": 20},
    )


def deployment(stubber: Stubber, status: str, stage: str, hooks: list | None = None) -> None:
    stubber.add_response(
        "describe_service_deployments",
        {
            "serviceDeployments": [
                {
                    "serviceDeploymentArn": DEPLOYMENT,
                    "serviceArn": SERVICE_ARN,
                    "status": status,
                    "lifecycleStage": stage,
                    "startedAt": STARTED,
                    "createdAt": STARTED,
                    "sourceServiceRevisions": [
                        {
                            "arn": SOURCE,
                            "requestedTaskCount": 2,
                            "runningTaskCount": 2,
                            "pendingTaskCount": 0,
                        }
                    ],
                    "targetServiceRevision": {
                        "arn": TARGET,
                        "requestedTaskCount": 2,
                        "runningTaskCount": 2,
                        "pendingTaskCount": 0,
                    },
                    "lifecycleHookDetails": hooks or [],
                }
            ],
            "failures": [],
        },
        {"serviceDeploymentArns": [DEPLOYMENT]},
    )


def seeded_web(names_of) -> seed.Seeded:
    """web's two target groups and production rule, as ECS leaves them after one blue/green
    deployment: production on the alternate group."""
    seeded = seed.stack(names_of("progressive"))
    names = seeded.names.service("web")
    seed.client("logs", "eu-west-1").create_log_group(logGroupName=names.log_group)
    seed._route(seeded, names)
    elbv2 = seed.client("elbv2", "eu-west-1")
    (rule,) = [
        r
        for r in elbv2.describe_rules(ListenerArn=seeded.listener)["Rules"]
        if r["Priority"] == "100"
    ]
    primary, alternate = (seeded.target_groups[g] for g in names.target_groups)
    elbv2.modify_rule(
        RuleArn=rule["RuleArn"],
        Actions=[
            {
                "Type": "forward",
                "ForwardConfig": {
                    "TargetGroups": [
                        {"TargetGroupArn": primary, "Weight": 0},
                        {"TargetGroupArn": alternate, "Weight": 100},
                    ]
                },
            }
        ],
    )
    return seeded


def argv(project: Path, *words: str) -> list[str]:
    return [*words, "--stack", "progressive", "--project-dir", str(project)]


def test_blue_green_status_shows_the_serving_group_and_the_paused_approval(
    ecs, names_of, fixture_project, capsys
):
    seeded = seeded_web(names_of)
    described_service(ecs)
    no_tasks(ecs)
    listed(ecs)
    deployment(ecs, "IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT", PAUSED)
    assert main(argv(fixture_project, "svc", "status", "web", "--json")) == 4
    found = json.loads(capsys.readouterr().out)
    alternate = seeded.names.service("web").target_groups[1]
    assert found["servingTargetGroups"] == [alternate]
    assert found["serviceDeployment"]["lifecycleStage"] == "POST_TEST_TRAFFIC_SHIFT"
    (hook,) = found["serviceDeployment"]["pausedForApproval"]
    assert (hook["hookId"], hook["timeoutAction"]) == (HOOK, "ROLLBACK")
    assert found["verdict"] == "waiting"
    ecs.assert_no_pending_responses()


def test_wait_says_loudly_that_an_approval_blocks_it(ecs, names_of, fixture_project, capsys):
    seeded_web(names_of)
    listed(ecs)
    described_service(ecs)
    deployment(ecs, "IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT", PAUSED)
    assert main(argv(fixture_project, "svc", "wait", "web", "--timeout", "0")) == 4
    err = capsys.readouterr().err
    assert "PAUSED FOR APPROVAL at POST_TEST_TRAFFIC_SHIFT" in err
    assert "ecs-platform svc approve web" in err


def test_approve_continues_the_paused_hook(ecs, names_of, fixture_project, capsys):
    listed(ecs)
    deployment(ecs, "IN_PROGRESS", "POST_TEST_TRAFFIC_SHIFT", PAUSED)
    ecs.add_response(
        "continue_service_deployment",
        {"serviceDeploymentArn": DEPLOYMENT},
        {"serviceDeploymentArn": DEPLOYMENT, "hookId": HOOK, "action": "CONTINUE"},
    )
    assert main(argv(fixture_project, "svc", "approve", "web")) == 0
    assert capsys.readouterr().out == f"approve: web: {DEPLOYMENT}\n"
    ecs.assert_no_pending_responses()


def test_rollback_pins_the_previous_digest_in_the_stack_file(ecs, emulator, tmp_path, capsys):
    project = project_copy(tmp_path / "project")
    listed(ecs)
    deployment(ecs, "IN_PROGRESS", "BAKE_TIME")  # nothing paused: StopServiceDeployment
    listed(ecs)
    ecs.add_response(
        "stop_service_deployment",
        {"serviceDeploymentArn": DEPLOYMENT},
        {"serviceDeploymentArn": DEPLOYMENT, "stopType": "ROLLBACK"},
    )
    deployment(ecs, "ROLLBACK_IN_PROGRESS", "BAKE_TIME")
    ecs.add_response(
        "describe_service_revisions",
        {
            "serviceRevisions": [
                {
                    "serviceRevisionArn": SOURCE,
                    "containerImages": [
                        {"containerName": "web", "imageDigest": GOOD, "image": f"web@{GOOD}"}
                    ],
                }
            ],
            "failures": [],
        },
        {"serviceRevisionArns": [SOURCE]},
    )
    words = argv(project, "svc", "rollback", "web", "--pin-previous", "--json")
    assert main(words) == 0
    found = json.loads(capsys.readouterr().out)
    assert (found["previousDigest"], found["pinned"]) == (GOOD, True)
    text = (project / "Pulumi.progressive.yaml").read_text()
    assert f"image: {{repository: web, digest: {GOOD}}}" in text
    assert "# Progressive delivery on the production fixture" in text  # comments kept
    ecs.assert_no_pending_responses()


def test_approve_without_a_paused_deployment_exits_1(ecs, fixture_project, capsys):
    listed(ecs)
    deployment(ecs, "IN_PROGRESS", "BAKE_TIME")
    assert main(argv(fixture_project, "svc", "approve", "web")) == 1
    assert "not paused for approval" in capsys.readouterr().err
