"""Transition hazards on real synthesized diffs of the prod fixture: each one blocking, with the
safe sequence of deploys as the message, and `review.plan --against` exiting 4."""

from __future__ import annotations

import copy
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.app import main
from harness.engine import run_program
from harness.records import RecordedResource, Synthesis
from review import plan
from review.diff import diff_resources
from review.risks import Risk
from review.risks.hazards import hazards
from settings.stack_files import PROJECT_DIR, read_stack_config

from conftest import FIXTURES

Edit = Callable[[dict[str, Any]], Any]


@pytest.fixture(scope="module")
def prod() -> Synthesis:
    return run_program("prod", stack_config=read_stack_config("prod", FIXTURES))


def risks_after(prod: Synthesis, edit: Edit) -> list[Risk]:
    config = copy.deepcopy(read_stack_config("prod", FIXTURES))
    edit(config)
    new = run_program("prod", stack_config=config)
    return hazards(
        diff_resources(prod.resources, new.resources).changes, new.resources, prod.resources
    )


def retire_pool(config: dict[str, Any]) -> None:
    config["ecs-platform:cluster"]["ec2Pools"] = []
    config["ecs-platform:services"]["worker"]["capacity"] = "fargate"


def test_pool_retirement_with_the_move_is_blocking_with_the_safe_sequence(prod) -> None:
    risks = risks_after(prod, retire_pool)
    assert [(r.code, r.blocking) for r in risks] == [("transition-provider-in-use", True)]
    blocking = risks
    assert blocking[0].message == (
        "`worker` runs on `general` in the base and this change removes `general` from the"
        " cluster while it moves `worker`: the cluster's capacity providers are updated first"
        " and ECS refuses (the capacity provider is in use). Safe sequence: move `worker` off"
        " `general` (keep `general` in the stack file), deploy, then remove the pool `general`"
        " and deploy again."
    )


def test_the_move_alone_is_a_warning_and_the_removal_alone_is_clean(prod) -> None:
    def move(config: dict[str, Any]) -> None:
        config["ecs-platform:services"]["worker"]["capacity"] = "fargate"

    moved = risks_after(prod, move)
    assert [(r.code, r.blocking) for r in moved] == [("capacity-move", False)]
    assert "moves from an EC2 pool to Fargate (`general`)" in moved[0].message

    config = copy.deepcopy(read_stack_config("prod", FIXTURES))
    move(config)
    after_move = run_program("prod", stack_config=config)
    retire_pool(config)
    retired = run_program("prod", stack_config=config)
    second = diff_resources(after_move.resources, retired.resources).changes
    assert hazards(second, retired.resources, after_move.resources) == []


def test_moving_onto_a_pool_that_changes_in_the_same_change_is_blocking(prod) -> None:
    def edit(config: dict[str, Any]) -> None:
        config["ecs-platform:services"]["api"]["capacity"] = "general"
        config["ecs-platform:services"]["api"]["architecture"] = "arm64"
        config["ecs-platform:cluster"]["ec2Pools"][0]["targetCapacity"] = 80

    risks = [r for r in risks_after(prod, edit) if r.blocking]
    assert [r.code for r in risks] == ["transition-capacity-move"]
    assert risks[0].message.endswith(
        "Safe sequence: move `api` alone, deploy and wait for a steady state, then change the"
        " pool in a second deploy."
    )


def test_a_listener_rule_priority_handed_over_is_blocking(prod) -> None:
    def edit(config: dict[str, Any]) -> None:
        services = config["ecs-platform:services"]
        services["api"]["routing"]["priority"] = 20
        services["web"] = copy.deepcopy(services["api"])
        services["web"]["image"] = {"repository": "api", "tag": "2.0.0"}
        services["web"]["routing"] = {"pathPatterns": ["/web/*"], "priority": 10}

    risks = [r for r in risks_after(prod, edit) if r.blocking]
    assert [r.code for r in risks] == ["transition-unique-value"]
    assert risks[0].message == (
        "listener rule priority 10 goes from `api-route` to `web-route` in one change:"
        " `web-route` takes it while `api-route` still holds it, and AWS refuses. Safe sequence:"
        " give `api-route` another listener rule priority (or remove it), deploy, then give 10"
        " to `web-route` and deploy again."
    )


def test_two_rules_swapping_priorities_are_both_flagged(prod) -> None:
    def edit(config: dict[str, Any]) -> None:
        services = config["ecs-platform:services"]
        services["web"] = copy.deepcopy(services["api"])
        services["web"]["routing"] = {"pathPatterns": ["/web/*"], "priority": 20}

    config = copy.deepcopy(read_stack_config("prod", FIXTURES))
    edit(config)
    before = run_program("prod", stack_config=config)
    config["ecs-platform:services"]["api"]["routing"]["priority"] = 20
    config["ecs-platform:services"]["web"]["routing"]["priority"] = 10
    after = run_program("prod", stack_config=config)
    changes = diff_resources(before.resources, after.resources).changes
    risks = hazards(changes, after.resources, before.resources)
    assert sorted(r.message.split(" in one")[0] for r in risks if r.blocking) == [
        "listener rule priority 10 goes from `api-route` to `web-route`",
        "listener rule priority 20 goes from `web-route` to `api-route`",
    ]


def _recorded(name: str, inputs: dict[str, Any]) -> RecordedResource:
    type_ = "aws:ec2/securityGroup:SecurityGroup"
    urn = f"urn:pulumi:prod::p::{type_}::{name}"
    return RecordedResource(urn, type_, name, "", True, False, None, inputs, {})


def test_a_name_handed_from_a_deleted_resource_to_a_new_one_is_blocking() -> None:
    old = [_recorded("old-sg", {"name": "shared"}), _recorded("other-sg", {"name": "other"})]
    new = [_recorded("new-sg", {"name": "shared"}), _recorded("other-sg", {"name": "other"})]
    risks = hazards(diff_resources(old, new).changes, new, old)
    assert [(r.code, r.blocking, r.urn) for r in risks] == [
        ("transition-unique-value", True, new[0].urn)
    ]
    assert risks[0].message.startswith("name shared goes from `old-sg` to `new-sg`")
    renamed = [_recorded("new-sg", {"name": "fresh"}), new[1]]
    assert hazards(diff_resources(old, renamed).changes, renamed, old) == []


def test_a_named_target_group_replaced_under_its_rule_is_blocking(prod) -> None:
    def edit(config: dict[str, Any]) -> None:
        config["ecs-platform:services"]["api"]["port"] = 9090

    risks = [r for r in risks_after(prod, edit) if r.blocking]
    assert [r.message for r in risks] == [
        "`api-tg` is replaced (name, port); having a fixed name it is deleted before its"
        " replacement exists, while `api`, `api-route` still use it, and AWS refuses the delete."
        " Safe sequence: add the new one beside it under another name, move `api`, `api-route`"
        " to it, deploy, then remove `api-tg` and deploy again."
    ]


def _project_with_prod(tmp_path: Path, edit: Edit) -> Path:
    project = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR,
        project,
        ignore=shutil.ignore_patterns(".git", ".venv", "tests", "docs", "__pycache__", ".*"),
    )
    config = {"config": copy.deepcopy(read_stack_config("prod", FIXTURES))}
    (project / "Pulumi.prod.yaml").write_text(yaml.safe_dump(config))
    edited = copy.deepcopy(config)
    edit(edited["config"])
    (project / "Pulumi.retired.yaml").write_text(yaml.safe_dump(edited))
    return project


def test_plan_against_exits_4_with_the_recipe_in_every_format(tmp_path: Path, capsys) -> None:
    project = _project_with_prod(tmp_path, retire_pool)
    argv = ["retired", "--against", "prod", "--project-dir", str(project)]
    assert main(["plan", *argv, "--format", "json"]) == plan.BLOCKED
    report = json.loads(capsys.readouterr().out)
    assert report["blocking"] == 1
    first = report["risks"][0]
    assert first["blocking"] is True and first["code"] == "transition-provider-in-use"
    assert "move `worker` off `general`" in first["message"]
    assert all(r["blocking"] is False for r in report["risks"][1:])

    assert main(["plan", *argv, "--format", "markdown"]) == plan.BLOCKED
    markdown = capsys.readouterr().out
    caution, warning = markdown.index("[!CAUTION]"), markdown.find("[!WARNING]")
    assert warning == -1 or caution < warning
    assert "then remove the pool `general` and deploy again." in markdown

    assert main(["plan", "prod", "--against", "prod", "--project-dir", str(project)]) == 0


def test_a_new_stack_warns_that_its_services_pull_from_repositories_it_creates(prod) -> None:
    risks = hazards(diff_resources([], prod.resources).changes, prod.resources)
    warned = sorted((r.code, r.blocking, r.urn.rsplit("::", 1)[-1]) for r in risks)
    assert warned == [
        ("image-not-pushed", False, "api-task"),
        ("image-not-pushed", False, "worker-task"),
    ]
    assert "from `registry-api`, which this change creates empty" in risks[0].message
    assert hazards(diff_resources(prod.resources, prod.resources).changes, prod.resources) == []


def test_bootstrap_targets_the_repositories_and_nothing_that_pulls(prod, capsys) -> None:
    from review.bootstrap import repository_targets

    targets = repository_targets(prod.resources)
    assert sorted(t.rsplit("::", 1)[-1] for t in targets) == [
        "registry-api",
        "registry-api",
        "registry-worker",
        "registry-worker",
    ]
    assert all("ecs-platform:registry:Registry$aws:ecr/" in t for t in targets)


def test_bootstrap_prints_the_target_command(tmp_path: Path, capsys) -> None:
    project = _project_with_prod(tmp_path, lambda config: None)
    assert main(["bootstrap", "prod", "--project-dir", str(project)]) == 0
    out = capsys.readouterr().out
    assert "pulumi up --stack prod \\\n    --target " in out
    assert "'urn:pulumi:prod::ecs-platform::ecs-platform:registry:Registry$aws:ecr/" in out
    assert "TaskDefinition" not in out and "ecs/service" not in out
    assert out.rstrip().endswith("# 3. Create everything else: pulumi up --stack prod")


def test_leaving_blue_green_is_blocking_with_the_safe_sequence(synthesized) -> None:
    """The progressive fixture's web deploys blue/green; removing `deployment` makes it rolling,
    which drops `web-tg-alt` where production may be."""
    base = synthesized("progressive")
    config = copy.deepcopy(read_stack_config("progressive", FIXTURES))
    del config["ecs-platform:services"]["web"]["deployment"]
    new = run_program("progressive", stack_config=config)
    changes = diff_resources(base.resources, new.resources).changes
    risks = [r for r in hazards(changes, new.resources, base.resources) if r.blocking]
    (risk,) = risks
    assert risk.code == "transition-leave-progressive"
    groups = {r.name: r.inputs.get("name") for r in base.of_type("aws:lb/targetGroup:TargetGroup")}
    assert f"removes `{groups['web-tg-alt']}`" in risk.message
    assert "ecs-platform svc status web --stack <stack>" in risk.message
    assert f"deploy once more with BLUE_GREEN so production returns to `{groups['web-tg']}`" in (
        risk.message
    )
    assert not any(r.code == "deployment-strategy" and "web" in r.message for r in risks)
