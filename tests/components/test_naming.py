"""One naming rule for every physical name: names that fit stay as they are, long ones are
shortened keeping the readable part, and a stack name no name can hold is refused."""

from __future__ import annotations

import re

import pytest
from settings_check import settings_problems

from components.common.naming import Naming
from harness.engine import SynthesisError, run_program
from settings.loader import SettingsError
from settings.names import NAME_RULES, fit, name_problem, short_hash
from settings.stack_files import read_stack_config

from conftest import FIXTURES


@pytest.mark.parametrize("kind", sorted(NAME_RULES))
def test_a_name_that_fits_is_unchanged(kind: str) -> None:
    assert fit(kind, "ecs-platform-prod", "api", "8080") == "ecs-platform-prod-api-8080"


@pytest.mark.parametrize("kind", sorted(NAME_RULES))
def test_a_long_name_keeps_its_parts_and_fits(kind: str) -> None:
    limit = NAME_RULES[kind].limit
    prefix = "ecs-platform-" + "p" * limit
    name = fit(kind, prefix, "orders-api", "tasks")
    assert len(name) <= limit
    assert name.endswith("-orders-api-tasks")
    assert short_hash(f"{prefix}-orders-api-tasks") in name
    assert name_problem(kind, name) is None


def test_shortening_is_stable_and_distinct() -> None:
    prefix = "ecs-platform-prod-customer-portal-eu-west-1"
    first = fit("alb", prefix)
    assert first == fit("alb", prefix) and len(first) <= 32
    assert fit("target-group", prefix, "a", "80") != fit("target-group", prefix, "b", "80")


def test_parts_longer_than_the_limit_are_cut_with_a_hash() -> None:
    name = fit("alb", "p", "x" * 40)
    assert len(name) == 32 and re.fullmatch(r"p-x+-[0-9a-f]{7}", name)


def test_ecr_repository_keeps_its_slash() -> None:
    naming = Naming(project="ecs-platform", stack="prod")
    assert naming.repository("api") == "ecs-platform-prod/api"
    long = Naming(project="ecs-platform", stack="s" * 300).repository("api")
    assert long.endswith("/api") and name_problem("ecr-repository", long) is None


@pytest.mark.parametrize("stack", ["Prod", "qa_1", "eu.prod", "a--b"])
def test_a_stack_name_no_physical_name_can_hold_is_refused(stack: str) -> None:
    lines = settings_problems("dev", lambda config: None, stack_name=stack)
    assert lines == [
        f"Pulumi.{stack}.yaml: (stack name): stack {stack!r}: 'ecs-platform-{stack}' cannot"
        " start physical names: S3 buckets, ECR repositories and load balancers accept only"
        " lowercase letters and digits with single - between (no uppercase, _ or .)"
    ]


def test_a_refused_stack_name_registers_nothing() -> None:
    with pytest.raises(SynthesisError) as failure:
        run_program("Prod", stack_config=read_stack_config("prod", FIXTURES))
    assert isinstance(failure.value.cause, SettingsError)
    assert failure.value.resources == []


LONG_STACK = "prod-customer-portal-eu-west-1"


def test_a_long_stack_gives_valid_physical_names_keeping_service_and_pool() -> None:
    synthesis = run_program(LONG_STACK, stack_config=read_stack_config("prod", FIXTURES))
    kinds = {
        "aws:lb/loadBalancer:LoadBalancer": "alb",
        "aws:lb/targetGroup:TargetGroup": "target-group",
        "aws:iam/role:Role": "iam-role",
        "aws:s3/bucket:Bucket": "s3-bucket",
        "aws:s3/bucketV2:BucketV2": "s3-bucket",
        "aws:ecr/repository:Repository": "ecr-repository",
        "aws:ecs/cluster:Cluster": "cluster",
        "aws:sns/topic:Topic": "sns-topic",
        "aws:ec2/securityGroup:SecurityGroup": "security-group",
        "aws:ec2/launchTemplate:LaunchTemplate": "launch-template",
    }
    checked = 0
    for resource in synthesis.resources:
        kind = kinds.get(resource.type)
        name = resource.inputs.get("name") or resource.inputs.get("bucket")
        if kind and isinstance(name, str):
            assert name_problem(kind, name) is None, (resource.type, name)
            checked += 1
    assert checked >= 15
    roles = [r.inputs["name"] for r in synthesis.resources if r.type == "aws:iam/role:Role"]
    assert any(role.endswith("-general-instance") for role in roles)
    assert any(role.endswith("-api-task") or "-api-" in role for role in roles)
