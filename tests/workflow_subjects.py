"""The OIDC subjects the workflows' jobs present, and the ones a stack's CI roles trust.

For each job that assumes a role, the `sub` GitHub puts in its token is computed from the
workflow (GitHub docs, "OpenID Connect" / "Example subject claims"): a job with an environment
sends `environment:<name>`; otherwise a `pull_request` run sends `pull_request` and a branch run
`ref:refs/heads/<branch>` (push: its branch filter; schedule: the default branch; a manual run:
any branch unless the job's `if` pins `github.ref`). Used on the fixtures (tests/workflows/) and
on the team's own stacks and workflows (tests/stacks/).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from harness.records import Synthesis
from settings.stack_files import PROJECT_DIR

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


def load(name: str, workflows: Path = WORKFLOWS) -> dict[str, Any]:
    return yaml.safe_load((workflows / name).read_text())


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


def assumptions(workflows: Path = WORKFLOWS) -> list[Assumption]:
    """Every (job, role, stack, subjects) of the workflows in `workflows`."""
    found = []
    for path in sorted(workflows.glob("*.yml")):
        document = load(path.name, workflows)
        on = triggers(document)
        if set(on) == {"workflow_call"}:
            continue  # evaluated where it is called, with the caller's triggers and inputs
        for name, job in document["jobs"].items():
            where = f"{path.name}:{name}"
            if str(job.get("uses", "")).startswith("./.github/workflows/"):
                called = load(job["uses"].rsplit("/", 1)[1], workflows)
                for inner_name, inner in called["jobs"].items():
                    inner_where = f"{where} -> {inner_name}"
                    found += job_assumptions(inner_where, inner, on, job.get("with", {}))
            else:
                found += job_assumptions(where, job, on, {})
    return found


def trusted_subjects(synthesis: Synthesis) -> dict[str, list[str]]:
    """The `sub` values each CI role of a synthesized stack trusts (StringEquals only)."""
    found = {}
    for role in synthesis.of_type("aws:iam/role:Role"):
        if role.name.startswith("ci-"):
            (statement,) = yaml.safe_load(role.inputs["assumeRolePolicy"])["Statement"]
            assert set(statement["Condition"]) == {"StringEquals"}
            sub = statement["Condition"]["StringEquals"][f"{GITHUB}:sub"]
            found[role.name.removeprefix("ci-")] = [sub] if isinstance(sub, str) else sub
    return found


def trust_problems(
    stack: str, repository: str, roles: dict[str, list[str]], found: list[Assumption]
) -> list[str]:
    """Each role of `stack` trusts exactly the subjects of the jobs that assume it, and none of
    another role's jobs. `repository` is the `OWNER/REPO` part of the subjects."""
    problems = []
    repo = f"repo:{repository}:"
    for role, subs in roles.items():
        jobs = [a for a in found if a.stack == stack and a.role == role]
        expected = {repo + s for a in jobs for s in a.subjects}
        if set(subs) != expected:
            where = ", ".join(a.where for a in jobs) or "no job"
            problems.append(
                f"{stack} {role} role trusts {sorted(subs)};"
                f" its jobs ({where}) present {sorted(expected)}"
            )
        others = {repo + s for a in found if a.role != role for s in a.subjects}
        if set(subs) & others:
            problems.append(
                f"{stack} {role} role trusts subjects of other roles' jobs:"
                f" {sorted(set(subs) & others)}"
            )
    return problems
