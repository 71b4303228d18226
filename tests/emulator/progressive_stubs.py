"""Stubber responses for blue/green services (ECS API reference shapes): moto implements none
of the service-deployment calls. Shared by the tests and the docs examples."""

from __future__ import annotations

import datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from emulator import seed

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


def stubbed_ecs(monkeypatch: pytest.MonkeyPatch) -> Stubber:
    """A stubbed ECS client for the ops code (activated); every other service is the emulator."""
    client = boto3.client("ecs", region_name="eu-west-1")
    stubber = Stubber(client)
    real = __import__("ops.aws", fromlist=["client"]).client

    def factory(service: str, region: str | None = None) -> Any:
        return client if service == "ecs" else real(service, region)

    monkeypatch.setattr("ops.aws.client", factory)
    stubber.activate()
    return stubber


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


def revision_images(stubber: Stubber) -> None:
    """The source revision of the deployment ran `web` at GOOD."""
    stubber.add_response(
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
