"""The CI roles: exact OIDC trust, a read-only preview role, a deploy role whose IAM reach is
bound to the stack's name prefix."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from components.ci_access import RolePlan, check_policy_count
from harness.engine import run_program
from harness.records import Synthesis

from conftest import fixture_config as stack_config
from conftest import problems

ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
PROVIDER = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
ACCOUNT = "123456789012"  # the mock harness's account
GITHUB = "token.actions.githubusercontent.com"
# ValidateStateMachineDefinition checks a definition and changes nothing (IAM access level
# Read); the provider calls it at plan time (ci_catalogue/workflows.py).
READ_VERBS = ("Describe", "Get", "List", "ValidateStateMachineDefinition")
MANAGED_POLICY_LIMIT = 6144  # characters, whitespace not counted


def ci_config(stack: str) -> dict[str, Any]:
    return stack_config(stack)["ecs-platform:ciAccess"]


def with_ci(stack: str, **changes: Any) -> Synthesis:
    """The stack with `ciAccess` keys changed (a None value removes the key)."""
    config = stack_config(stack)
    ci = config["ecs-platform:ciAccess"]
    ci.update(changes)
    for key in [key for key, value in changes.items() if value is None]:
        del ci[key]
    return run_program(stack, stack_config=config)


def trust(synthesis: Synthesis, part: str) -> dict[str, Any]:
    (only,) = json.loads(synthesis.one(ROLE, f"ci-{part}").inputs["assumeRolePolicy"])["Statement"]
    return only


def role_statements(synthesis: Synthesis, part: str) -> list[dict[str, Any]]:
    """Every statement of every policy attached to the CI role `part`."""
    role_name = synthesis.one(ROLE, f"ci-{part}").inputs["name"]
    attached = {
        a.inputs["policyArn"]
        for a in synthesis.of_type(ATTACHMENT)
        if a.inputs["role"] == role_name
    }
    documents = [
        json.loads(p.inputs["policy"])
        for p in synthesis.of_type(POLICY)
        if p.outputs["arn"] in attached
    ]
    assert len(documents) == len(attached)
    return [s for document in documents for s in document["Statement"]]


def allowed(statements: list[dict[str, Any]]) -> list[tuple[str, list[str], dict]]:
    return [
        (action, s["Resource"], s.get("Condition", {}))
        for s in statements
        if s["Effect"] == "Allow"
        for action in s["Action"]
    ]


def expected_condition(subject: str) -> dict[str, Any]:
    return {"StringEquals": {f"{GITHUB}:aud": "sts.amazonaws.com", f"{GITHUB}:sub": subject}}


def test_trust_policies_match_exactly_the_pull_request_and_the_environment(stack, synthesis):
    repository = ci_config(stack)["repository"]
    environment = ci_config(stack)["deployEnvironment"]
    provider_arn = synthesis.one(PROVIDER).outputs["arn"]
    for part, subject in (
        ("preview", f"repo:{repository}:pull_request"),
        ("deploy", f"repo:{repository}:environment:{environment}"),
    ):
        statement = trust(synthesis, part)
        assert statement["Effect"] == "Allow"
        assert statement["Action"] == ["sts:AssumeRoleWithWebIdentity"]
        assert statement["Principal"] == {"Federated": provider_arn}
        assert statement["Condition"] == expected_condition(subject)
        assert "*" not in statement["Condition"]["StringEquals"][f"{GITHUB}:sub"]


def test_immutable_ids_change_the_subject_form() -> None:
    synthesis = with_ci("prod", ownerId="1234", repositoryId="98765")
    owner, name = ci_config("prod")["repository"].split("/")
    condition = trust(synthesis, "preview")["Condition"]
    assert condition == expected_condition(f"repo:{owner}@1234/{name}@98765:pull_request")
    deploy = trust(synthesis, "deploy")["Condition"]["StringEquals"][f"{GITHUB}:sub"]
    assert deploy == f"repo:{owner}@1234/{name}@98765:environment:production"


def test_a_new_provider_trusts_github_for_sts_and_an_existing_one_is_reused(stack, synthesis):
    provider = synthesis.one(PROVIDER)
    assert provider.inputs["url"] == f"https://{GITHUB}"
    assert provider.inputs["clientIdLists"] == ["sts.amazonaws.com"]
    assert "thumbprintLists" not in provider.inputs
    existing = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITHUB}"
    reused = with_ci(stack, oidcProviderArn=existing, createOidcProvider=None)
    assert reused.of_type(PROVIDER) == []
    assert trust(reused, "deploy")["Principal"] == {"Federated": existing}


def test_preview_and_drift_roles_can_only_read(synthesis: Synthesis) -> None:
    for part in ("preview", "drift"):
        for action, _, _ in allowed(role_statements(synthesis, part)):
            verb = action.split(":", 1)[1]
            assert verb.startswith(READ_VERBS), (part, action)
        assert all(s["Effect"] == "Allow" for s in role_statements(synthesis, part))


def test_the_drift_role_trusts_the_drift_branch_and_shares_the_preview_policies(stack, synthesis):
    repository = ci_config(stack)["repository"]
    statement = trust(synthesis, "drift")
    assert statement["Condition"] == expected_condition(f"repo:{repository}:ref:refs/heads/main")
    assert role_statements(synthesis, "drift") == role_statements(synthesis, "preview")
    drift_policies = [p for p in synthesis.of_type(POLICY) if p.name.startswith("ci-drift")]
    assert drift_policies == []  # the same managed policies, attached, not copies
    other = with_ci(stack, driftBranch="trunk")
    assert trust(other, "drift")["Condition"]["StringEquals"][f"{GITHUB}:sub"].endswith(
        ":ref:refs/heads/trunk"
    )


def test_the_oidc_provider_owner_is_an_explicit_choice(stack):
    neither = problems(stack, lambda c: c["ecs-platform:ciAccess"].pop("createOidcProvider"))
    assert len(neither) == 1
    assert f"Pulumi.{stack}.yaml: ciAccess.createOidcProvider:" in neither[0]
    assert "oidcProviderArn" in neither[0]
    arn = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{GITHUB}"
    both = problems(stack, lambda c: c["ecs-platform:ciAccess"].update(oidcProviderArn=arn))
    assert len(both) == 1 and "not both" in both[0]


def test_more_managed_policies_than_the_quota_are_refused_with_the_setting_to_raise() -> None:
    plans = [RolePlan("deploy", "sub", {str(n): [] for n in range(8)}, attached=["x", "y"])]
    check_policy_count(plans, 10)
    with pytest.raises(ValueError, match=r"quotas\.managedPoliciesPerRole"):
        check_policy_count(plans, 9)


def test_no_role_has_a_whole_service_action_or_iam_on_everything(synthesis: Synthesis) -> None:
    for part in ("preview", "deploy"):
        for action, resources, _ in allowed(role_statements(synthesis, part)):
            assert action != "*" and not action.endswith(":*"), action
            if action.startswith("iam:"):
                assert "*" not in resources, action


def test_deploy_role_iam_reach_is_bound_to_the_stack_prefix(stack, synthesis):
    own = re.compile(
        rf"^arn:aws:iam::{ACCOUNT}:(role|policy|instance-profile)/"
        rf"(ecsInstanceRole-)?ecs-platform-{stack}-\*$"
    )
    for action, resources, condition in allowed(role_statements(synthesis, "deploy")):
        if not action.startswith("iam:") or action == "iam:GetOpenIDConnectProvider":
            continue
        if action == "iam:CreateServiceLinkedRole":
            assert resources == [f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/*"]
            assert "iam:AWSServiceName" in condition["StringEquals"]
            continue
        assert all(own.match(resource) for resource in resources), (action, resources)
        if action == "iam:PassRole":
            assert resources == [f"arn:aws:iam::{ACCOUNT}:role/ecs-platform-{stack}-*"]
            assert condition["StringEquals"]["iam:PassedToService"]
        if action in ("iam:AttachRolePolicy", "iam:DetachRolePolicy"):
            for arn in condition["ArnLike"]["iam:PolicyARN"]:
                own_policies = f"arn:aws:iam::{ACCOUNT}:policy/ecs-platform-{stack}-*"
                assert arn == own_policies or arn.startswith("arn:aws:iam::aws:policy/"), arn


def test_deploy_role_cannot_change_the_ci_roles(stack, synthesis):
    (deny,) = [s for s in role_statements(synthesis, "deploy") if s["Effect"] == "Deny"]
    prefix = f"arn:aws:iam::{ACCOUNT}"
    assert sorted(deny["Resource"]) == [
        f"{prefix}:policy/ecs-platform-{stack}-ci-*",
        f"{prefix}:role/ecs-platform-{stack}-ci-*",
    ]
    iam_writes = {
        action
        for action, _, _ in allowed(role_statements(synthesis, "deploy"))
        if action.startswith("iam:")
        and not action.startswith(("iam:Get", "iam:List"))
        and action != "iam:CreateServiceLinkedRole"
        and "InstanceProfile" not in action  # authorized on the profile; PassRole is denied
    }
    assert iam_writes <= set(deny["Action"])
    role_names = [r.inputs["name"] for r in synthesis.of_type(ROLE) if r.name.startswith("ci-")]
    assert all(name.startswith(f"ecs-platform-{stack}-ci-") for name in role_names)


def test_every_policy_fits_the_managed_policy_size_limit(synthesis: Synthesis) -> None:
    for policy in synthesis.of_type(POLICY):
        compact = re.sub(r"\s", "", policy.inputs["policy"])
        assert len(compact) <= MANAGED_POLICY_LIMIT, policy.name


def test_state_bucket_is_read_by_preview_and_written_by_deploy() -> None:
    bucket = "arn:aws:s3:::my-pulumi-state"
    synthesis = with_ci("dev", stateBucketArn=bucket)
    preview = allowed(role_statements(synthesis, "preview"))
    deploy = allowed(role_statements(synthesis, "deploy"))

    def on_state(grants: list[tuple[str, list[str], dict]]) -> set[str]:
        return {a for a, resources, _ in grants if any(r.startswith(bucket) for r in resources)}

    assert on_state(preview) == {"s3:GetObject", "s3:ListBucket"}
    assert on_state(deploy) == {"s3:DeleteObject", "s3:GetObject", "s3:ListBucket", "s3:PutObject"}


def test_role_arns_are_outputs_and_absent_without_ci_access(stack, synthesis):
    assert synthesis.outputs["ciPreviewRoleArn"] == synthesis.one(ROLE, "ci-preview").outputs["arn"]
    assert synthesis.outputs["ciDeployRoleArn"] == synthesis.one(ROLE, "ci-deploy").outputs["arn"]
    assert synthesis.outputs["ciDriftRoleArn"] == synthesis.one(ROLE, "ci-drift").outputs["arn"]
    config = stack_config(stack)
    del config["ecs-platform:ciAccess"]
    without = run_program(stack, stack_config=config)
    assert without.outputs.get("ciPreviewRoleArn") is None
    assert without.outputs.get("ciDeployRoleArn") is None
    assert [r for r in without.resources if r.type == "ecs-platform:ci:CiAccess"] == []
