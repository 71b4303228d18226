"""The CI roles trust exactly the OIDC subjects their workflows' jobs present.

For each job that assumes a role, the `sub` GitHub puts in its token is computed from the
workflow (GitHub docs, "OpenID Connect" / "Example subject claims"): a job with an environment
sends `environment:<name>`; otherwise a `pull_request` run sends `pull_request` and a branch run
`ref:refs/heads/<branch>` (push: its branch filter; schedule: the default branch; a manual run:
any branch unless the job's `if` pins `github.ref`). The role a job assumes (its
`vars.<ROLE>_ROLE_ARNS` variable) must trust exactly those subjects, and no other job's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from harness.engine import run_program
from settings.ci_access import CiAccessSettings
from settings.stack_files import PROJECT_DIR, read_stack_config

from conftest import FIXTURES

WORKFLOWS = PROJECT_DIR / ".github" / "workflows"
DEFAULT_BRANCH = "main"  # scheduled runs use the default branch's workflow and ref
ANY_BRANCH = "ref:refs/heads/*"  # cannot be trusted exactly: the test then fails
ROLE_VARIABLE = re.compile(r"vars\.([A-Z]+)_ROLE_ARNS\)\[(matrix|inputs)\.stack\]")
PINNED_REF = re.compile(r"^github\.ref == 'refs/heads/([^']+)'$")
GITHUB = "token.actions.githubusercontent.com"


@dataclass(frozen=True)
class Assumption:
    where: str
    role: str  # preview, deploy, drift
    stack: str
    subjects: frozenset[str]  # without the `repo:OWNER/REPO:` part


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def triggers(document: dict[str, Any]) -> dict[str, Any]:
    found = document.get("on", document.get(True))  # YAML 1.1 reads a bare `on` as True
    return {found: None} if isinstance(found, str) else dict(found)


def resolve(value: str, inputs: dict[str, Any]) -> str:
    return re.sub(r"\$\{\{\s*inputs\.(\w+)\s*\}\}", lambda m: str(inputs[m.group(1)]), value)


def subjects(job: dict[str, Any], on: dict[str, Any], inputs: dict[str, Any]) -> set[str]:
    if "environment" in job:
        environment = job["environment"]
        name = environment["name"] if isinstance(environment, dict) else environment
        return {f"environment:{resolve(name, inputs)}"}
    pinned = PINNED_REF.match(str(job.get("if", "")).strip())
    found: set[str] = set()
    for event, config in on.items():
        if event == "pull_request":
            found.add("pull_request")
        elif event == "push":
            found |= {f"ref:refs/heads/{b}" for b in (config or {}).get("branches", ["*"])}
        elif event in ("schedule", "repository_dispatch"):
            found.add(f"ref:refs/heads/{DEFAULT_BRANCH}")
        elif event == "workflow_dispatch":
            found.add(ANY_BRANCH)
    if pinned:
        found = {f"ref:refs/heads/{pinned.group(1)}"} if found - {"pull_request"} else set()
    return found


def assumed_roles(job: dict[str, Any]) -> list[tuple[str, str]]:
    """(role, stack source) of each step that assumes a role."""
    found = []
    for step in job.get("steps", []):
        options = step.get("with", {})
        arn = str(options.get("role-arn", options.get("role-to-assume", "")))
        if match := ROLE_VARIABLE.search(arn):
            found.append((match.group(1).lower(), match.group(2)))
    return found


def job_assumptions(
    where: str, job: dict[str, Any], on: dict[str, Any], inputs: dict[str, Any]
) -> list[Assumption]:
    found = []
    for role, source in assumed_roles(job):
        stacks = job["strategy"]["matrix"]["stack"] if source == "matrix" else [inputs["stack"]]
        found += [
            Assumption(where, role, stack, frozenset(subjects(job, on, inputs))) for stack in stacks
        ]
    return found


def assumptions() -> list[Assumption]:
    found = []
    for path in sorted(WORKFLOWS.glob("*.yml")):
        document = load(path.name)
        on = triggers(document)
        if set(on) == {"workflow_call"}:
            continue  # evaluated where it is called, with the caller's triggers and inputs
        for name, job in document["jobs"].items():
            where = f"{path.name}:{name}"
            if str(job.get("uses", "")).startswith("./.github/workflows/"):
                called = load(job["uses"].rsplit("/", 1)[1])
                for inner_name, inner in called["jobs"].items():
                    inner_where = f"{where} -> {inner_name}"
                    found += job_assumptions(inner_where, inner, on, job.get("with", {}))
            else:
                found += job_assumptions(where, job, on, {})
    return found


def trusted(
    stack: str, registry: dict[str, Any] | None = None, **changes: Any
) -> dict[str, list[str]]:
    """The `sub` values each CI role of the fixture `stack` trusts (StringEquals only)."""
    config = read_stack_config(stack, FIXTURES)
    config["ecs-platform:ciAccess"].update(changes)
    config["ecs-platform:registry"].update(registry or {})
    synthesis = run_program(stack, stack_config=config)
    found = {}
    for role in synthesis.of_type("aws:iam/role:Role"):
        if role.name.startswith("ci-"):
            (statement,) = yaml.safe_load(role.inputs["assumeRolePolicy"])["Statement"]
            assert set(statement["Condition"]) == {"StringEquals"}
            sub = statement["Condition"]["StringEquals"][f"{GITHUB}:sub"]
            found[role.name.removeprefix("ci-")] = [sub] if isinstance(sub, str) else sub
    return found


ASSUMPTIONS = assumptions()
STACKS = sorted({a.stack for a in ASSUMPTIONS})


def test_the_jobs_that_assume_roles_are_found():
    assert {a.role for a in ASSUMPTIONS} == {"preview", "deploy", "drift"}
    assert {a.where for a in ASSUMPTIONS} == {
        "preview.yml:pulumi-preview",
        "drift.yml:drift",
        "deploy.yml:dev -> up",
        "deploy.yml:prod -> up",
    }


@pytest.mark.parametrize("stack", STACKS)
def test_each_role_trusts_exactly_the_subjects_of_the_jobs_that_assume_it(stack):
    ci = CiAccessSettings.model_validate(
        read_stack_config(stack, FIXTURES)["ecs-platform:ciAccess"]
    )
    repo = f"repo:{ci.subject_repository}:"
    roles = trusted(stack)
    for role, subs in roles.items():
        jobs = [a for a in ASSUMPTIONS if a.stack == stack and a.role == role]
        expected = {repo + s for a in jobs for s in a.subjects}
        assert set(subs) == expected, (role, [a.where for a in jobs])
        others = {repo + s for a in ASSUMPTIONS if a.role != role for s in a.subjects}
        assert not set(subs) & others, role


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
