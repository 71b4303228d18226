"""`ecs-platform plan --base/--against` end to end, on a throwaway git copy of the project."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from cli.app import main
from review.render import render_diff_text, render_markdown
from settings.stack_files import PROJECT_DIR, read_stack_config

from conftest import FIXTURES, PROJECTS

SECRET_CIPHERTEXT = "v1:ZmFrZS1jaXBoZXJ0ZXh0LWZvci10ZXN0cw=="  # what a stack file holds


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    )
    return result.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed copy of this working tree (tracked and untracked, not ignored, files), with
    the fixture stack files in place of the team's stack files and service files."""
    listed = git(PROJECT_DIR, "ls-files", "-co", "--exclude-standard").splitlines()
    copy = tmp_path / "project"
    for name in listed:
        source = PROJECT_DIR / name
        if source.is_file() and not name.startswith(("services/", "jobs/")):
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    for stack_file in copy.glob("Pulumi.*.yaml"):  # the team's stacks; the fixtures instead
        if stack_file.name != "Pulumi.yaml":
            stack_file.unlink()
    for stack_file in FIXTURES.glob("Pulumi.*.yaml"):
        shutil.copy2(stack_file, copy / stack_file.name)
    git(copy, "init", "-q")
    git(copy, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    git(copy, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base")
    return copy


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", message)


def run_json(capsys, *argv: str) -> dict[str, Any]:
    assert main(["plan", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def edit_stack_file(repo: Path, stack: str, old: str, new: str) -> None:
    path = repo / f"Pulumi.{stack}.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_base_head_on_a_clean_tree_reports_no_change(repo: Path, capsys) -> None:
    report = run_json(capsys, "dev", "--base", "HEAD", "--project-dir", str(repo))
    summary = report["summary"]
    assert [summary[a] for a in ("add", "update", "replace", "delete")] == [0, 0, 0, 0]
    assert summary["same"] > 0 and report["changes"] == [] and report["risks"] == []
    assert report["cost"]["delta"] == 0 and report["cost"]["monthly"] > 0
    assert (
        report["base"].startswith("HEAD (")
        and report["commit"] == git(repo, "rev-parse", "--short", "HEAD").strip()
    )


def test_base_shows_a_working_tree_change(repo: Path, capsys) -> None:
    edit_stack_file(repo, "dev", "logRetentionDays: 14", "logRetentionDays: 30")
    report = run_json(capsys, "dev", "--base", "HEAD", "--project-dir", str(repo))
    (change,) = report["changes"]
    assert (change["name"], change["action"]) == ("api-logs", "update")
    assert change["properties"] == [
        {"path": "retentionInDays", "old": 14, "new": 30, "replaces": False}
    ]
    assert report["commit"].endswith("+ uncommitted changes")


def test_a_stack_file_missing_at_the_base_is_all_adds(repo: Path, capsys) -> None:
    assert main(["stack", "add", "qa", "--from", "dev", "--project-dir", str(repo)]) == 0
    capsys.readouterr()
    report = run_json(capsys, "qa", "--base", "HEAD", "--project-dir", str(repo))
    actions = {change["action"] for change in report["changes"]}
    assert actions == {"add"} and report["summary"]["add"] == len(report["changes"])
    assert report["cost"]["baseMonthly"] == 0
    assert report["cost"]["delta"] == report["cost"]["monthly"]
    assert "cost-up" in {risk["code"] for risk in report["risks"]}


def test_a_base_that_fails_exits_3(repo: Path, capsys) -> None:
    edit_stack_file(repo, "dev", "natGateways: instance", "natGateways: 2")
    commit_all(repo, "broken")
    edit_stack_file(repo, "dev", "natGateways: 2", "natGateways: instance")
    assert main(["plan", "dev", "--base", "HEAD", "--project-dir", str(repo)]) == 3
    error = capsys.readouterr().err
    assert "the base revision could not be synthesized" in error
    assert "natGateways" in error and "Traceback" not in error
    assert main(["plan", "dev", "--base", "no-such-ref", "--project-dir", str(repo)]) == 3


def test_bad_stack_config_still_exits_2_in_a_diff(repo: Path, capsys) -> None:
    edit_stack_file(repo, "dev", "natGateways: instance", "natGateways: 2")
    assert main(["plan", "dev", "--base", "HEAD", "--project-dir", str(repo)]) == 2
    assert "natGateways" in capsys.readouterr().err


def test_secrets_never_appear_in_any_format(repo: Path, capsys) -> None:
    secret = f"    ApiToken:\n      secure: {SECRET_CIPHERTEXT}\n"
    cost_center = "    CostCenter: platform-dev\n"
    edit_stack_file(repo, "dev", cost_center, cost_center + secret)
    outputs = []
    for fmt in ("text", "json", "markdown"):
        assert main(["plan", "dev", "--format", fmt, "--project-dir", str(repo)]) == 0
        outputs.append(capsys.readouterr().out)
    report = run_json(capsys, "dev", "--base", "HEAD", "--project-dir", str(repo))
    outputs += [json.dumps(report), render_diff_text(report), render_markdown(report)]
    for output in outputs:
        assert SECRET_CIPHERTEXT not in output and "ZmFrZS1ja" not in output
    assert all("[secret]" in output for output in outputs[3:])  # the diffs show the tag
    tags = [p for c in report["changes"] for p in c["properties"] if p["path"] == "tags.ApiToken"]
    assert tags and all((p["old"], p["new"]) == (None, "[secret]") for p in tags)


def test_against_lists_the_documented_dev_prod_differences(capsys, fixture_project) -> None:
    report = run_json(capsys, "prod", "--against", "dev", "--project-dir", str(fixture_project))
    assert report["base"] == "stack dev"
    changes = {(c["type"].rsplit(":", 1)[-1], c["name"]): c for c in report["changes"]}

    def prop(type_: str, name: str, path: str) -> dict[str, Any]:
        properties = changes[(type_, name)]["properties"]
        return next(p for p in properties if p["path"] == path)

    dev, prod = read_stack_config("dev", FIXTURES), read_stack_config("prod", FIXTURES)
    net = "ecs-platform:network"
    assert prop("Vpc", "network-vpc", "natGateways.strategy") == {
        "path": "natGateways.strategy", "old": "None", "new": "OnePerAz", "replaces": False
    }  # fmt: skip
    zones = prop("Vpc", "network-vpc", "availabilityZoneNames")
    assert (zones["old"], zones["new"]) == (
        dev[net]["availabilityZones"],
        prod[net]["availabilityZones"],
    )
    retention = prop("LogGroup", "network-flow-logs", "retentionInDays")
    assert (retention["old"], retention["new"]) == (
        dev[net]["flowLogs"]["retentionDays"], prod[net]["flowLogs"]["retentionDays"]
    )  # fmt: skip
    tags = prop("Repository", "registry-api", "imageTagMutability")
    assert (tags["old"], tags["new"]) == ("MUTABLE", "IMMUTABLE")
    assert prop("Repository", "registry-api", "protect")["new"] is True
    assert prop("LoadBalancer", "alb", "enableDeletionProtection")["new"] is True
    added_endpoints = set(prod[net]["endpoints"]) - set(dev[net]["endpoints"])
    for endpoint in added_endpoints:
        name = f"network-endpoint-{endpoint.replace('.', '-')}"
        assert changes[("VpcEndpoint", name)]["action"] == "add"
    assert changes[("ScheduledAction", "api-schedule-night")]["action"] == "delete"
    assert report["cost"]["baseMonthly"] < report["cost"]["monthly"]
    # names that only differ by the stack are not reported as changes
    assert not [p for c in report["changes"] for p in c["properties"] if p["path"] == "name"]


def test_a_change_to_a_service_file_shows_in_each_stack_it_touches(tmp_path: Path, capsys) -> None:
    """Only services/api.yaml changes: the --base diff of dev and of prod both show it, each
    with its own merged value; a stack the file does not run in shows nothing."""
    repo = tmp_path / "repo"
    shutil.copytree(PROJECTS / "shipped", repo)
    for name in git(PROJECT_DIR, "ls-files", "-co", "--exclude-standard").splitlines():
        source = PROJECT_DIR / name
        skipped = ("Pulumi.", "services/", "jobs/", "tests/", "docs/", ".github/")
        if source.is_file() and not name.startswith(skipped):
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    shutil.copy2(PROJECT_DIR / "Pulumi.yaml", repo / "Pulumi.yaml")
    git(repo, "init", "-q")
    commit_all(repo, "base")
    api = repo / "services" / "api.yaml"
    text = api.read_text().replace("LOG_LEVEL: debug", "LOG_LEVEL: warn")  # dev only
    api.write_text(text.replace("    memory: 1024\n", "    memory: 2048\n"))  # prod only
    for stack, old, new in (("dev", "debug", "warn"), ("prod", "1024", "2048")):
        report = run_json(capsys, stack, "--base", "HEAD", "--project-dir", str(repo))
        (task,) = [c for c in report["changes"] if c["name"] == "api-task"]
        assert [(p["old"], p["new"]) for p in task["properties"]] == [(old, new)], task
