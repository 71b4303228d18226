"""Values that would be dropped or fail silently are refused, naming the key."""

from __future__ import annotations

from typing import Any

import pytest
from settings_check import settings_problems

from settings.stack_files import read_stack_config

from conftest import FIXTURES


def prod_problems(change) -> list[str]:
    return settings_problems("prod", change, base=read_stack_config("prod", FIXTURES))


def test_a_grace_period_on_an_unrouted_service_is_refused() -> None:
    def change(config: dict[str, Any]) -> None:
        config["ecs-platform:services"]["worker"]["healthCheckGracePeriodSeconds"] = 120

    assert prod_problems(change) == [
        "Pulumi.prod.yaml: services.worker.healthCheckGracePeriodSeconds: applies only to a"
        " routed service (it delays ALB health checks); this service has no routing, so it would"
        " be ignored: remove it or add routing"
    ]


def test_a_grace_period_on_a_routed_service_is_accepted() -> None:
    def change(config: dict[str, Any]) -> None:
        config["ecs-platform:services"]["api"]["healthCheckGracePeriodSeconds"] = 120

    assert prod_problems(change) == []


@pytest.mark.parametrize(
    "key",
    ["alias/aws/sns", "arn:aws:kms:eu-west-1:123456789012:alias/aws/sns"],
)
def test_the_aws_managed_sns_key_is_refused(key: str) -> None:
    def change(config: dict[str, Any]) -> None:
        config["ecs-platform:alarms"]["kmsKeyArn"] = key

    (problem,) = prod_problems(change)
    assert problem.startswith(f"Pulumi.prod.yaml: alarms.kmsKeyArn: {key} is the AWS-managed key")
    assert "cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*" in problem


def test_a_customer_key_is_accepted_and_its_description_says_cloudwatch_needs_it() -> None:
    from settings.alarms import AlarmSettings

    def change(config: dict[str, Any]) -> None:
        config["ecs-platform:alarms"]["kmsKeyArn"] = (
            "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        )

    assert prod_problems(change) == []
    description = AlarmSettings.model_fields["kms_key_arn"].description or ""
    assert "cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*" in description
