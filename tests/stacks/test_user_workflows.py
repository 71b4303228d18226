"""The generic suite, workflows: the team's workflows list exactly its stack files, deploy each
one in an order that never puts a production stack first, and its CI roles trust exactly the
jobs that assume them. Holds for any set of stacks (a `stack add`, or a stack file copied by
hand as docs/getting-started.md says, plus the workflow entries of docs/delivery.md).

Runs on the project at the root (or the folder named by ECS_PLATFORM_PROJECT_DIR).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from stack_invariants import stacks_in
from workflow_subjects import assumptions, trust_problems, trusted_subjects

from harness.engine import run_program
from settings.loader import load_stack
from settings.stack_files import PROJECT_DIR

PROJECT = Path(os.environ.get("ECS_PLATFORM_PROJECT_DIR") or PROJECT_DIR).resolve()
WORKFLOWS = PROJECT / ".github" / "workflows"
USER_STACKS = stacks_in(PROJECT)
DEPLOY_WORKFLOW = "./.github/workflows/pulumi-up.yml"


def workflow(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / f"{name}.yml").read_text())


def triggers(document: dict[str, Any]) -> dict[str, Any]:
    return document.get("on", document.get(True))  # YAML 1.1 reads a bare `on` as True


def deploy_jobs() -> dict[str, dict[str, Any]]:
    """Stack -> its deploy job (with the job's name under `name`)."""
    jobs = workflow("deploy")["jobs"]
    return {
        job["with"]["stack"]: {**job, "name": name}
        for name, job in jobs.items()
        if job.get("uses") == DEPLOY_WORKFLOW
    }


def test_the_preview_drift_and_release_lists_are_the_stack_files() -> None:
    preview = workflow("preview")["jobs"]["pulumi-preview"]["strategy"]["matrix"]["stack"]
    drift = workflow("drift")["jobs"]["drift"]["strategy"]["matrix"]["stack"]
    release = triggers(workflow("release"))["workflow_dispatch"]["inputs"]["stack"]["options"]
    assert sorted(preview) == sorted(drift) == sorted(release) == USER_STACKS


def test_deploy_updates_every_stack_once_and_never_a_production_stack_first() -> None:
    jobs = deploy_jobs()
    assert sorted(jobs) == USER_STACKS
    names = {job["name"] for job in jobs.values()}
    for stack, job in jobs.items():
        needs = job.get("needs") or []
        needs = [needs] if isinstance(needs, str) else needs
        assert set(needs) <= names, f"{job['name']} needs {needs}: not deploy jobs"
        settings = load_stack(stack, PROJECT)
        if settings.ci_access is not None:
            assert job["with"]["environment"] == settings.ci_access.deploy_environment, stack
        if settings.is_production:
            assert needs, f"{stack} (tier production) deploys first: let it follow another stack"
    order = _deploy_order(jobs)
    assert len(order) == len(jobs), "the deploy jobs' needs form a cycle"


def _deploy_order(jobs: dict[str, dict[str, Any]]) -> list[str]:
    """The job names in an order that respects `needs` (shorter when they form a cycle)."""
    waiting = {
        job["name"]: set(
            [job["needs"]] if isinstance(job.get("needs"), str) else job.get("needs") or []
        )
        for job in jobs.values()
    }
    order: list[str] = []
    while True:
        ready = sorted(name for name, needs in waiting.items() if needs <= set(order))
        if not ready:
            return order
        order += ready
        for name in ready:
            waiting.pop(name)


@pytest.mark.parametrize("stack", USER_STACKS)
def test_the_ci_roles_trust_exactly_the_jobs_that_assume_them(stack: str) -> None:
    settings = load_stack(stack, PROJECT)
    if settings.ci_access is None:
        pytest.skip(f"{stack} has no ciAccess")
    roles = trusted_subjects(run_program(stack, project_dir=PROJECT))
    found = assumptions(WORKFLOWS)
    assert {a.stack for a in found} >= {stack}, f"no workflow job assumes a role of {stack}"
    assert trust_problems(stack, settings.ci_access.subject_repository, roles, found) == []
