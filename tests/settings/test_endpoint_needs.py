"""No-NAT networks: the VPC endpoints each service's declared needs require, refused by name."""

from __future__ import annotations

from typing import Any

from settings_check import settings_problems

from settings.stack_files import read_stack_config

from conftest import FIXTURES

BASELINE = ["s3", "ecr.api", "ecr.dkr", "logs", "ecs", "ecs-agent", "ecs-telemetry"]


def without_nat(endpoints: list[str]):
    def change(config: dict[str, Any]) -> None:
        config["ecs-platform:network"].update(natGateways="none", endpoints=list(endpoints))

    return change


def dev_problems(change) -> list[str]:
    return settings_problems("dev", change, base=read_stack_config("dev", FIXTURES))


ALL = [*BASELINE, "secretsmanager", "ssm", "ssmmessages", "kms", "sqs"]


def test_each_missing_endpoint_is_named_with_the_service_and_key() -> None:
    head = "Pulumi.dev.yaml: services."
    tail = "add {0} to network.endpoints"
    assert dev_problems(without_nat(BASELINE)) == [
        f"{head}api.secrets.DB_PASSWORD: natGateways is none and network.endpoints has no"
        " secretsmanager, which service api needs (it reads this secret at task start); "
        + tail.format("secretsmanager"),
        f"{head}api.secrets.FEATURE_FLAGS: natGateways is none and network.endpoints has no"
        " ssm, which service api needs (it reads this secret at task start); " + tail.format("ssm"),
        f"{head}api.execEnabled: natGateways is none and network.endpoints has no ssmmessages,"
        " which service api needs (ECS Exec opens its session channels there); "
        + tail.format("ssmmessages"),
        f"{head}api.execEnabled: natGateways is none and network.endpoints has no kms, which"
        " service api needs (ECS Exec calls kms:Decrypt on the customer log key); "
        + tail.format("kms"),
        f"{head}api.permissions[0].actions: natGateways is none and network.endpoints has no"
        " sqs, which service api needs (it calls sqs:SendMessage); " + tail.format("sqs"),
        f"{head}worker.scaling.customMetric.queueName: natGateways is none and"
        " network.endpoints has no sqs, which service worker needs (it reads its queue); "
        + tail.format("sqs"),
    ]


def test_with_the_derived_endpoints_the_config_is_accepted() -> None:
    assert dev_problems(without_nat(ALL)) == []


def test_exec_without_the_log_key_needs_no_kms_and_cloudwatch_needs_monitoring() -> None:
    def change(config: dict[str, Any]) -> None:
        without_nat([e for e in ALL if e != "kms"])(config)
        config["ecs-platform:logEncryption"] = False
        api = config["ecs-platform:services"]["api"]
        api["permissions"].append({"actions": ["cloudwatch:PutMetricData"], "resources": ["*"]})

    assert dev_problems(change) == [
        "Pulumi.dev.yaml: services.api.permissions[1].actions: natGateways is none and"
        " network.endpoints has no monitoring, which service api needs (it calls"
        " cloudwatch:PutMetricData); add monitoring to network.endpoints"
    ]


def test_an_image_outside_ecr_is_refused_without_nat() -> None:
    def change(config: dict[str, Any]) -> None:
        without_nat(ALL)(config)
        config["ecs-platform:services"]["api"]["image"] = {"uri": "docker.io/library/nginx:1.27"}

    assert dev_problems(change) == [
        "Pulumi.dev.yaml: services.api.image.uri: natGateways is none, so"
        " docker.io/library/nginx:1.27 cannot be pulled (no endpoint reaches a registry outside"
        " ECR); push it to an ECR repository or use a NAT"
    ]


def test_with_a_nat_nothing_is_derived() -> None:
    assert dev_problems(lambda config: None) == []
