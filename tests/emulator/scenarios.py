"""Seeded situations the emulator tests and the docs examples share (tests/emulator/
examples.py): what `pulumi up` and a few hours of traffic leave in AWS."""

from __future__ import annotations

import datetime
import json

from botocore.stub import Stubber
from emulator import moto_backend, seed

T0 = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
NOW = datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def degraded_api(names_of) -> seed.Seeded:
    seeded = seed.stack(names_of("dev"))
    names = seed.service(seeded, "api", desired=2)
    region, cluster = seeded.names.region, seeded.names.cluster
    healthy, crashed = seed.start_task(seeded, "api"), seed.start_task(seeded, "api")
    moto_backend.hold_running(region, cluster, healthy["taskArn"])
    moto_backend.set_task(
        region,
        cluster,
        healthy["taskArn"],
        started_at=T0,
        health="HEALTHY",
        availability_zone="eu-west-1a",
        capacity_provider="FARGATE_SPOT",
    )
    moto_backend.set_stopped(
        region,
        cluster,
        crashed["taskArn"],
        exit_code=137,
        stop_code="EssentialContainerExited",
        reason="Essential container in task exited",
        container_reason="OutOfMemoryError: Container killed due to memory usage",
        stopped_at=T0 + datetime.timedelta(minutes=20),
    )
    group = names.target_groups[0]
    healthy_ip = healthy["attachments"][0]["details"][-1]["value"]
    seed.register_target(seeded, group, healthy_ip, 8080)
    seed.register_target(seeded, group, "10.10.1.99", 8080)
    moto_backend.set_target_health(seeded.target_groups[group], "10.10.1.99")
    moto_backend.set_service(
        region,
        cluster,
        "api",
        running=1,
        rollout="COMPLETED",
        events=[
            (
                T0 + datetime.timedelta(minutes=21),
                "(service api) has started 1 tasks: (task 9f3c).",
            ),
            (
                T0 + datetime.timedelta(minutes=20),
                "(service api) task failed container health checks.",
            ),
        ],
    )
    seed.client("cloudwatch", region).set_alarm_state(
        AlarmName=names.alarms[1], StateValue="ALARM", StateReason="Threshold Crossed: 3 datapoints"
    )
    return seeded


def two_streams(names_of, now: datetime.datetime = NOW) -> tuple[seed.Seeded, list[str]]:
    seeded = seed.stack(names_of("dev"))
    names = seed.service(seeded, "api", desired=2)
    first, second = "a" * 32, "b" * 32
    minute = datetime.timedelta(minutes=1)
    seed.log_events(
        seeded,
        names.log_group,
        names.stream_prefix(task_id=first),
        [
            (now - 30 * minute, "GET /api/orders 200"),
            (now - 10 * minute, "GET /api/orders 502"),
        ],
    )
    seed.log_events(
        seeded,
        names.log_group,
        names.stream_prefix(task_id=second),
        [
            (now - 20 * minute, "POST /api/orders 201"),
            (now - 5 * minute, "ERROR db timeout"),
        ],
    )
    seed.log_events(
        seeded,
        names.log_group,
        names.stream_prefix(task_id="c" * 32),
        [
            (now - 3 * 60 * minute, "too old for --since 1h"),
        ],
    )
    return seeded, [first, second]


def verifiable_api(seeded: seed.Seeded) -> None:
    """dev's api with its image in ECR, its parameter, and an execution role granting both of
    its secrets; the Secrets Manager secret itself was never created."""
    region = seeded.names.region
    names = seed.service(seeded, "api", desired=1)
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "layers": [],
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        }
    )
    ecr = seed.client("ecr", region)
    ecr.create_repository(repositoryName=str(names.repository))
    ecr.put_image(repositoryName=str(names.repository), imageManifest=manifest, imageTag="latest")
    secrets = names.settings.secrets
    parameter = secrets["FEATURE_FLAGS"].split(":parameter", 1)[1]
    seed.client("ssm", region).put_parameter(Name=parameter, Value="{}", Type="String")
    iam = seed.client("iam", region)
    iam.create_role(RoleName=names.execution_role, AssumeRolePolicyDocument="{}")
    grants = [
        ("ssm:GetParameters", "FEATURE_FLAGS"),
        ("secretsmanager:GetSecretValue", "DB_PASSWORD"),
    ]
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": [action], "Resource": [secrets[name]]}
            for action, name in grants
        ],
    }
    iam.put_role_policy(
        RoleName=names.execution_role, PolicyName="read", PolicyDocument=json.dumps(document)
    )


# ECS Exec (moto has no ExecuteCommand): Stubber responses of the API reference's shapes.
EXEC_CLUSTER = "ecs-platform-dev"
TASK = f"arn:aws:ecs:eu-west-1:123456789012:task/{EXEC_CLUSTER}/0a1b2c3d4e5f60718293a4b5c6d7e8f9"
RUNTIME = "0a1b2c3d4e5f60718293a4b5c6d7e8f9-2531612879"
SESSION = {
    "sessionId": "ecs-execute-command-0123456789abcdef0",
    "streamUrl": "wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/ecs-execute-command-0123456789abcdef0",
    "tokenValue": "AAEAAQ",
}


def exec_service(stubber: Stubber, enabled: bool = True) -> None:
    stubber.add_response(
        "describe_services",
        {
            "services": [
                {
                    "serviceName": "api",
                    "status": "ACTIVE",
                    "enableExecuteCommand": enabled,
                    "desiredCount": 1,
                    "runningCount": 1,
                }
            ],
            "failures": [],
        },
        {"cluster": EXEC_CLUSTER, "services": ["api"]},
    )


def exec_task(stubber: Stubber, agent: str = "RUNNING") -> None:
    stubber.add_response(
        "list_tasks",
        {"taskArns": [TASK]},
        {"cluster": EXEC_CLUSTER, "serviceName": "api", "desiredStatus": "RUNNING"},
    )
    stubber.add_response(
        "describe_tasks",
        {
            "tasks": [
                {
                    "taskArn": TASK,
                    "group": "service:api",
                    "lastStatus": "RUNNING",
                    "enableExecuteCommand": True,
                    "containers": [
                        {
                            "name": "api",
                            "runtimeId": RUNTIME,
                            "lastStatus": "RUNNING",
                            "managedAgents": [{"name": "ExecuteCommandAgent", "lastStatus": agent}],
                        }
                    ],
                }
            ],
            "failures": [],
        },
        {"cluster": EXEC_CLUSTER, "tasks": [TASK]},
    )


def exec_execute(stubber: Stubber, command: str) -> None:
    stubber.add_response(
        "execute_command",
        {
            "clusterArn": f"arn:aws:ecs:eu-west-1:123456789012:cluster/{EXEC_CLUSTER}",
            "containerName": "api",
            "taskArn": TASK,
            "interactive": True,
            "session": SESSION,
        },
        {
            "cluster": EXEC_CLUSTER,
            "task": TASK,
            "container": "api",
            "interactive": True,
            "command": command,
        },
    )


def exec_stubs(stubber: Stubber, command: str) -> None:
    """A running api task with its exec agent up, then the ExecuteCommand session."""
    exec_service(stubber)
    exec_task(stubber)
    exec_execute(stubber, command)


REGION = "eu-west-1"
SCHEDULE_INPUT = '{"reportDate": "yesterday"}'


def seeded_jobs(names_of) -> str:
    names = names_of("jobs")
    settings = names.settings
    sfn = seed.client("stepfunctions", REGION)
    role = f"arn:aws:iam::{seed.ACCOUNT}:role/states"
    arn = sfn.create_state_machine(
        name=settings.job_state_machine_name("nightly-report"),
        definition=json.dumps({"StartAt": "Run", "States": {"Run": {"Type": "Pass", "End": True}}}),
        roleArn=role,
    )["stateMachineArn"]
    seed.client("scheduler", REGION).create_schedule(
        Name=settings.job_schedule_name("nightly-report"),
        ScheduleExpression="cron(0 2 * * ? *)",
        ScheduleExpressionTimezone="Europe/Paris",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": arn, "RoleArn": role, "Input": SCHEDULE_INPUT},
    )
    return arn
