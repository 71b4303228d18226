"""Service images (ECR tag or digest, external URIs), sidecars, EBS volumes and Windows tasks."""

from __future__ import annotations

import pytest
from service_helpers import SERVICE, TASK, containers, policy, with_service

from components.common.ecr import ecr_repository_arn


def test_image_forms(synthesized) -> None:
    (main,) = containers(synthesized("prod"), "api")
    assert (
        main["image"] == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-platform-prod/api:1.0.0"
    )
    digest = "sha256:" + "a" * 64
    by_digest = with_service("dev", "cron", image={"repository": "jobs", "digest": digest})
    (job,) = containers(by_digest, "cron")
    assert (
        job["image"]
        == f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-platform-dev/jobs@{digest}"
    )
    assert by_digest.one("aws:ecr/repository:Repository", "registry-jobs")  # created for it
    external = with_service("dev", "proxy", image={"uri": "public.ecr.aws/nginx/nginx:1.27"})
    (proxy,) = containers(external, "proxy")
    assert proxy["image"] == "public.ecr.aws/nginx/nginx:1.27"
    assert "PullOwnImage" not in {s["Sid"] for s in policy(external, "proxy-execution")}


@pytest.mark.parametrize(
    ("uri", "arn"),
    [
        (
            "111111111111.dkr.ecr.us-east-1.amazonaws.com/team/app:1.2",
            "arn:aws:ecr:us-east-1:111111111111:repository/team/app",
        ),
        (
            "111111111111.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:" + "b" * 64,
            "arn:aws:ecr:eu-west-1:111111111111:repository/app",
        ),
        ("public.ecr.aws/nginx/nginx:1.27", None),
        ("ghcr.io/org/app:1", None),
    ],
)
def test_ecr_repository_arn_from_uri(uri: str, arn: str | None) -> None:
    assert ecr_repository_arn(uri) == arn


def test_ebs_volume_sidecar_and_windows() -> None:
    synthesis = with_service(
        "dev",
        "store",
        image={"repository": "store", "tag": "1"},
        cpu=1024,
        memory=2048,
        capacity="fargate",
        port=8081,
        ebsVolume={"sizeGib": 50, "mountPath": "/data"},
        sidecars=[
            {"name": "agent", "image": "public.ecr.aws/aws-otel/collector:v0.40.0", "memory": 128}
        ],
    )
    service = synthesis.one(SERVICE, "store").inputs
    role = synthesis.one("aws:iam/role:Role", "store-volumes")
    assert service["volumeConfiguration"] == {
        "name": "data",
        "managedEbsVolume": {
            "roleArn": role.outputs["arn"],
            "sizeInGb": 50,
            "volumeType": "gp3",
            "encrypted": True,
            "fileSystemType": "ext4",
        },
    }
    assert "ecs.amazonaws.com" in role.inputs["assumeRolePolicy"]
    attachment = synthesis.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "store-volumes")
    assert attachment.inputs["policyArn"].endswith("/AmazonECSInfrastructureRolePolicyForVolumes")
    task = synthesis.one(TASK, "store-task").inputs
    assert {"name": "data", "configureAtLaunch": True} in task["volumes"]
    main, agent = containers(synthesis, "store")
    assert {"sourceVolume": "data", "containerPath": "/data", "readOnly": False} in main[
        "mountPoints"
    ]
    assert agent["name"] == "agent" and agent["essential"] is False
    assert agent["logConfiguration"]["options"]["awslogs-stream-prefix"] == "agent"

    windows = with_service(
        "dev", "legacy", image={"uri": "mcr.microsoft.com/dotnet/framework/aspnet:4.8"},
        operatingSystem="windows", cpu=1024, memory=2048, capacity="fargate",
    )  # fmt: skip
    assert windows.one(TASK, "legacy-task").inputs["runtimePlatform"] == {
        "operatingSystemFamily": "WINDOWS_SERVER_2022_CORE",
        "cpuArchitecture": "X86_64",
    }
    (legacy,) = containers(windows, "legacy")
    assert "user" not in legacy and "readonlyRootFilesystem" not in legacy


def test_execution_role_covers_sidecar_images_and_json_key_secrets() -> None:
    secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:api/keys-AbCdEf"
    synthesis = with_service(
        "dev",
        "edge",
        image={"uri": "public.ecr.aws/nginx/nginx:1.27"},
        secrets={"SIGNING_KEY": f"{secret}:signing::"},
        sidecars=[
            {"name": "agent", "image": "111111111111.dkr.ecr.eu-west-1.amazonaws.com/agent:2"}
        ],
    )
    statements = {s["Sid"]: s for s in policy(synthesis, "edge-execution")}
    assert statements["PullOwnImage"]["Resource"] == [
        "arn:aws:ecr:eu-west-1:111111111111:repository/agent"
    ]
    assert statements["ReadDeclaredSecrets"]["Resource"] == [secret]
    (main, _) = containers(synthesis, "edge")
    assert main["secrets"] == [{"name": "SIGNING_KEY", "valueFrom": f"{secret}:signing::"}]
