"""The CI roles of the fixture stacks trust exactly the OIDC subjects their workflows' jobs
present (tests/workflow_subjects.py computes both). The team's own stacks get the same check
in the generic suite (tests/stacks/test_user_workflows.py), whatever stacks they have."""

from __future__ import annotations

from typing import Any

import pytest
from workflow_subjects import (
    ANY_BRANCH,
    WORKFLOWS,
    assumptions,
    load,
    subjects,
    triggers,
    trust_problems,
    trusted_subjects,
)

from harness.engine import run_program
from settings.ci_access import CiAccessSettings
from settings.stack_files import PROJECT_DIR, read_stack_config

from conftest import FIXTURE_STACKS, FIXTURES


def trusted(
    stack: str, registry: dict[str, Any] | None = None, **changes: Any
) -> dict[str, list[str]]:
    """The `sub` values each CI role of the fixture `stack` trusts (StringEquals only)."""
    config = read_stack_config(stack, FIXTURES)
    config["ecs-platform:ciAccess"].update(changes)
    config["ecs-platform:registry"].update(registry or {})
    return trusted_subjects(run_program(stack, stack_config=config))


ASSUMPTIONS = assumptions()
# The stacks the workflows name that a fixture proves (a team's new stack has no fixture: the
# generic suite checks it on its own stack file).
STACKS = sorted({a.stack for a in ASSUMPTIONS} & {"dev", "prod"} & set(FIXTURE_STACKS))
DEPLOY_JOBS = {
    f"deploy.yml:{name} -> up"
    for name, job in load("deploy.yml")["jobs"].items()
    if str(job.get("uses", "")).endswith("/pulumi-up.yml")
}


def test_the_jobs_that_assume_roles_are_found():
    assert {a.role for a in ASSUMPTIONS} == {"preview", "deploy", "drift"}
    assert {a.where for a in ASSUMPTIONS} == {
        "preview.yml:pulumi-preview",
        "drift.yml:drift",
        *DEPLOY_JOBS,
    }
    assert len(DEPLOY_JOBS) >= 2


@pytest.mark.parametrize("stack", STACKS)
def test_each_role_trusts_exactly_the_subjects_of_the_jobs_that_assume_it(stack):
    ci = CiAccessSettings.model_validate(
        read_stack_config(stack, FIXTURES)["ecs-platform:ciAccess"]
    )
    roles = trusted(stack)
    assert set(roles) == {"preview", "deploy", "drift"}
    assert trust_problems(stack, ci.subject_repository, roles, ASSUMPTIONS) == []


def test_the_trust_check_sees_a_role_that_trusts_another_stacks_environment():
    ci = CiAccessSettings.model_validate(
        read_stack_config("dev", FIXTURES)["ecs-platform:ciAccess"]
    )
    roles = trusted("dev", deployEnvironment="production")
    assert trust_problems("dev", ci.subject_repository, roles, ASSUMPTIONS) != []


def test_no_pull_request_and_no_other_branch_can_assume_the_drift_or_deploy_roles():
    for stack in STACKS:
        roles = trusted(stack)
        for role in ("drift", "deploy"):
            assert not any(s.endswith(":pull_request") for s in roles[role]), role
        assert roles["drift"] == ["repo:your-org/ecs-platform:ref:refs/heads/main"]


def test_the_push_role_trusts_only_the_push_from_repositories_branch_builds():
    """registry.pushFrom: application repositories call the reusable build-image workflow,
    whose token carries the caller's subject; no job of this repository assumes the role."""
    apps = ["your-org/api-app", "your-org/web-app"]
    roles = trusted("prod", registry={"pushFrom": apps, "pushBranch": "release"})
    assert roles["push"] == [f"repo:{app}:ref:refs/heads/release" for app in apps]
    own = {s for role, subs in roles.items() if role != "push" for s in subs}
    assert not set(roles["push"]) & own
    assert "push" not in {a.role for a in ASSUMPTIONS}
    called = load("build-image.yml")
    assert set(triggers(called)) == {"workflow_call"}
    (job,) = called["jobs"].values()
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    steps = {str(step.get("uses", "")).split("@")[0]: step for step in job["steps"]}
    assert steps["aws-actions/configure-aws-credentials"]["with"]["role-to-assume"] == (
        "${{ inputs.role-arn }}"
    )


def test_immutable_ids_change_every_trusted_subject():
    roles = trusted("prod", ownerId="1234", repositoryId="98765")
    subs = [sub for values in roles.values() for sub in values]
    assert len(subs) == 3
    assert all(sub.startswith("repo:your-org@1234/ecs-platform@98765:") for sub in subs)


def test_the_subject_rules_follow_githubs_claims():
    on = {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    assert subjects({}, on, {}) == {"ref:refs/heads/main", ANY_BRANCH}
    assert subjects({"if": "github.ref == 'refs/heads/main'"}, on, {}) == {"ref:refs/heads/main"}
    assert subjects({"environment": "${{ inputs.environment }}"}, on, {"environment": "x"}) == {
        "environment:x"
    }
    assert subjects({}, {"pull_request": None}, {}) == {"pull_request"}
    assert subjects({}, {"schedule": [{"cron": "0 0 * * *"}]}, {}) == {"ref:refs/heads/main"}


def readme_ci_section() -> str:
    text = (PROJECT_DIR / "docs" / "ci-roles.md").read_text()
    return text[text.index("## CI roles (`ciAccess`)") :].split("\n## ", 1)[0]


def test_the_readme_ci_section_states_the_subjects_the_workflows_present():
    rows = {
        line.split("`")[1].removeprefix("<project>-<stack>-ci-"): line
        for line in readme_ci_section().splitlines()
        if line.startswith("| `<project>-<stack>-ci-")
    }
    assert set(rows) == {a.role for a in ASSUMPTIONS}
    generic = {  # the subjects as the README writes them, settings as placeholders
        "preview": "pull_request",
        "drift": "ref:refs/heads/<driftBranch>",
        "deploy": "environment:<deployEnvironment>",
    }
    for role, row in rows.items():
        assert f"`repo:OWNER/REPO:{generic[role]}`" in row, role
        variable = f"{role.upper()}_ROLE_ARNS"
        assert (
            variable in row
            and variable in (WORKFLOWS.parent.parent / "docs" / "delivery.md").read_text()
        )
    for assumption in ASSUMPTIONS:
        assert assumption.where.split(":")[0] in rows[assumption.role], assumption.where
