"""The GitHub workflows: triggers, permissions, pins, environments and concurrency (the stack
lists are the generic suite's: tests/stacks/test_user_workflows.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from settings.stack_files import PROJECT_DIR

GITHUB = PROJECT_DIR / ".github"
WORKFLOW_FILES = sorted((GITHUB / "workflows").glob("*.yml"))
ACTION_FILES = sorted((GITHUB / "actions").glob("*/action.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
ROLE_ASSUMING_STEPS = ("./.github/actions/pulumi-setup", "aws-actions/configure-aws-credentials")


def load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def workflow(name: str) -> dict[str, Any]:
    return load(GITHUB / "workflows" / f"{name}.yml")


def triggers(document: dict[str, Any]) -> dict[str, Any]:
    return document.get("on", document.get(True))  # YAML 1.1 reads a bare `on` as True


def jobs() -> list[tuple[str, str, dict[str, Any]]]:
    return [(p.name, name, job) for p in WORKFLOW_FILES for name, job in load(p)["jobs"].items()]


def steps_of(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps", [])


def all_steps() -> list[tuple[str, dict[str, Any]]]:
    found = [(f"{file}:{name}", step) for file, name, job in jobs() for step in steps_of(job)]
    found += [(str(p), step) for p in ACTION_FILES for step in load(p)["runs"]["steps"]]
    return found


def test_the_expected_workflows_exist():
    assert {p.stem for p in WORKFLOW_FILES} >= {"ci", "preview", "deploy", "release", "drift"}


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_workflows_grant_nothing_at_the_top_and_use_no_privileged_triggers(path):
    document = load(path)
    assert document["permissions"] == {}
    assert not {"pull_request_target", "workflow_run"} & set(triggers(document))


def test_every_job_states_its_permissions():
    for file, name, job in jobs():
        assert isinstance(job.get("permissions"), dict), f"{file}:{name}"


def _assumes_a_role(job: dict[str, Any]) -> bool:
    if str(job.get("uses", "")).endswith("/pulumi-up.yml"):
        return True
    return any(str(step.get("uses", "")).startswith(ROLE_ASSUMING_STEPS) for step in steps_of(job))


def test_id_token_write_exactly_in_the_jobs_that_assume_an_aws_role():
    for file, name, job in jobs():
        has_id_token = job["permissions"].get("id-token") == "write"
        assert has_id_token == _assumes_a_role(job), f"{file}:{name}"


def test_every_remote_action_is_pinned_to_a_commit_with_its_version():
    uses_lines = [
        line.strip().removeprefix("- ").removeprefix("uses:").strip()
        for path in [*WORKFLOW_FILES, *ACTION_FILES]
        for line in path.read_text().splitlines()
        if re.match(r"^\s*(- )?uses:", line)
    ]
    remote = [value for value in uses_lines if not value.startswith("./")]
    assert remote, "no remote actions found"
    assert [value for value in remote if not PINNED.fullmatch(value)] == []
    versions: dict[str, set[str]] = {}
    for value in remote:
        versions.setdefault(value.split("@")[0], set()).add(value.split("@")[1])
    assert {action: pins for action, pins in versions.items() if len(pins) > 1} == {}


def test_no_expression_is_expanded_inside_a_shell_script():
    # PR titles, branch names and dispatch inputs reach the shell through env: only.
    offenders = [where for where, step in all_steps() if "${{" in str(step.get("run", ""))]
    assert offenders == []


def test_checkouts_do_not_persist_credentials():
    checkouts = [
        s for _, s in all_steps() if str(s.get("uses", "")).startswith("actions/checkout@")
    ]
    assert checkouts
    assert all(s["with"]["persist-credentials"] is False for s in checkouts)


# The stack lists (matrices, the release choice, the deploy jobs) must equal the team's stack
# files, whatever they are: tests/stacks/test_user_workflows.py checks them in the generic suite.


def test_deploy_runs_on_pushes_to_main_and_each_update_names_its_environment():
    assert triggers(workflow("deploy")) == {"push": {"branches": ["main"]}}
    up = workflow("pulumi-up")["jobs"]["up"]
    assert up["environment"] == "${{ inputs.environment }}"


def test_updates_are_serialised_per_stack_and_never_cancelled():
    up = workflow("pulumi-up")["jobs"]["up"]
    assert "inputs.stack" in up["concurrency"]["group"]
    assert up["concurrency"]["cancel-in-progress"] is False
    drift = workflow("drift")["jobs"]["drift"]
    assert "matrix.stack" in drift["concurrency"]["group"]


def test_previews_run_per_pull_request_and_stack_and_cancel_superseded_runs():
    preview = workflow("preview")["jobs"]
    for job, parts in (
        ("pulumi-preview", ["pull_request.number", "matrix.stack"]),
        ("offline-plan", ["pull_request.number"]),
    ):
        concurrency = preview[job]["concurrency"]
        assert all(part in concurrency["group"] for part in parts)
        assert concurrency["cancel-in-progress"] is True


def test_the_cloud_preview_is_for_this_repositorys_branches_and_comments():
    job = workflow("preview")["jobs"]["pulumi-preview"]
    assert job["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    preview = next(s for s in steps_of(job) if s.get("with", {}).get("command") == "preview")
    options = preview["with"]
    for flag in ("comment-on-pr", "edit-pr-comment", "always-include-summary", "refresh", "diff"):
        assert options[flag] is True, flag
    assert "policyPacks" in options and "policyPackConfigs" in options


def test_the_offline_plan_needs_no_cloud_credentials_and_sees_the_base_branch():
    job = workflow("preview")["jobs"]["offline-plan"]
    assert "id-token" not in job["permissions"]
    assert not any("secrets." in str(value) for value in job.get("env", {}).values())
    checkout = steps_of(job)[0]
    assert checkout["with"]["fetch-depth"] == 0


def test_the_pulumi_cli_version_is_the_sdk_version():
    pins = dict(
        line.split("==")
        for line in (PROJECT_DIR / "requirements.txt").read_text().splitlines()
        if "==" in line
    )
    assert (PROJECT_DIR / ".pulumi.version").read_text().strip() == pins["pulumi"]


def test_dependabot_watches_pip_and_actions():
    updates = load(GITHUB / "dependabot.yml")["updates"]
    assert {"pip", "github-actions"} <= {update["package-ecosystem"] for update in updates}
    # Every pinned manifest: both requirements.txt files (directories, the GA multi-directory key:
    # docs.github.com .../dependabot-options-reference "directories or directory") and package.json.
    watched = {
        (update["package-ecosystem"], directory)
        for update in updates
        for directory in update.get("directories") or [update["directory"]]
    }
    assert {("pip", "/"), ("pip", "/policy"), ("npm", "/")} <= watched
    assert (PROJECT_DIR / "policy" / "requirements.txt").is_file()
