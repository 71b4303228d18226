"""ECR repositories follow the stack file: tags, scanning, encryption, lifecycle, sharing."""

from __future__ import annotations

import json

import pytest

from harness.engine import run_program
from harness.records import Synthesis

from conftest import fixture_config as stack_config
from conftest import problems

REPOSITORY = "aws:ecr/repository:Repository"


def registry_config(stack: str) -> dict:
    return stack_config(stack)["ecs-platform:registry"]


def test_one_repository_per_declared_name(stack: str, synthesis: Synthesis) -> None:
    names = sorted(r.inputs["name"] for r in synthesis.of_type(REPOSITORY))
    expected = sorted(f"ecs-platform-{stack}/{n}" for n in registry_config(stack)["repositories"])
    assert names == expected
    urls = synthesis.outputs["repositoryUrls"]
    assert sorted(urls) == sorted(registry_config(stack)["repositories"])
    assert urls["api"] == f"123456789012.dkr.ecr.eu-west-1.amazonaws.com/ecs-platform-{stack}/api"


def test_every_repository_scans_on_push_and_is_kms_encrypted(synthesis: Synthesis) -> None:
    for repository in synthesis.of_type(REPOSITORY):
        assert repository.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
        assert repository.inputs["encryptionConfigurations"] == [{"encryptionType": "KMS"}]


def test_prod_repositories_are_immutable_protected_and_never_force_deleted(synthesized) -> None:
    for repository in synthesized("prod").of_type(REPOSITORY):
        assert repository.inputs["imageTagMutability"] == "IMMUTABLE"
        assert repository.inputs["forceDelete"] is False
        assert repository.protect is True


def test_dev_repositories_are_mutable_and_disposable(synthesized) -> None:
    for repository in synthesized("dev").of_type(REPOSITORY):
        assert repository.inputs["imageTagMutability"] == "MUTABLE"
        assert repository.inputs["forceDelete"] is True
        assert repository.protect is False


def test_lifecycle_policy_has_the_configured_rules(stack: str, synthesis: Synthesis) -> None:
    lifecycle = registry_config(stack)["lifecycle"]
    policies = synthesis.of_type("aws:ecr/lifecyclePolicy:LifecyclePolicy")
    assert len(policies) == len(registry_config(stack)["repositories"])
    for policy in policies:
        rules = json.loads(policy.inputs["policy"])["rules"]
        untagged, tagged = sorted(rules, key=lambda r: r["rulePriority"])
        assert untagged["selection"] == {
            "tagStatus": "untagged",
            "countType": "sinceImagePushed",
            "countUnit": "days",
            "countNumber": lifecycle["untaggedExpiryDays"],
        }
        assert tagged["selection"]["tagStatus"] == "tagged"
        assert tagged["selection"]["countType"] == "imageCountMoreThan"
        assert tagged["selection"]["countNumber"] == lifecycle["keepTaggedImages"]
        assert {r["action"]["type"] for r in rules} == {"expire"}


def test_no_repository_policy_unless_accounts_are_listed(synthesis: Synthesis) -> None:
    assert synthesis.of_type("aws:ecr/repositoryPolicy:RepositoryPolicy") == []


def test_cross_account_pull_grants_only_pull_actions_to_only_those_accounts() -> None:
    config = stack_config("prod")
    config["ecs-platform:registry"]["pullAccountIds"] = ["111111111111", "222222222222"]
    config["ecs-platform:registry"]["kmsKeyArn"] = (
        "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    )
    synthesis = run_program("prod", stack_config=config)
    policies = synthesis.of_type("aws:ecr/repositoryPolicy:RepositoryPolicy")
    assert len(policies) == 2
    for policy in policies:
        statements = json.loads(policy.inputs["policy"])["Statement"]
        assert statements == [
            {
                "Sid": "CrossAccountPull",
                "Effect": "Allow",
                "Action": [
                    "ecr:BatchCheckLayerAvailability",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                ],
                "Principal": {
                    "AWS": ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"]
                },
            }
        ]
    for repository in synthesis.of_type(REPOSITORY):
        assert repository.inputs["encryptionConfigurations"] == [
            {"encryptionType": "KMS", "kmsKey": config["ecs-platform:registry"]["kmsKeyArn"]}
        ]


@pytest.mark.parametrize("bad_account", ["12345", "abcdefghijkl"])
def test_pull_account_ids_must_be_twelve_digits(bad_account: str) -> None:
    lines = problems(
        "dev", lambda c: c["ecs-platform:registry"].update(pullAccountIds=[bad_account])
    )
    assert lines[0] == (
        f"Pulumi.dev.yaml: registry.pullAccountIds[0]: {bad_account!r} is not a 12-digit AWS"
        " account id"
    )


def test_kms_alias_is_refused_because_ecr_stores_the_key_arn() -> None:
    alias = "arn:aws:kms:eu-west-1:123456789012:alias/ecr"
    lines = problems("prod", lambda c: c["ecs-platform:registry"].update(kmsKeyArn=alias))
    assert lines[0] == (
        f"Pulumi.prod.yaml: registry.kmsKeyArn: {alias!r} is not a KMS key ARN"
        " (arn:aws:kms:<region>:<account>:key/<id>; not an alias)"
    )
