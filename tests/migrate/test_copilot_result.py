"""The result works: the realistic workspace (tests/fixtures/copilot/shop: a web, a backend and a
worker service, a scheduled job, two environments, an addon, an imported VPC) imports in one
command; each stack refuses only the marked placeholders, loads once they are filled in, and the
imported stack with the imported VPC plans offline and passes the policy pack at its tier."""

from __future__ import annotations

from pathlib import Path

import pytest
from copilot_helpers import copy_shop, fill_placeholders
from policy_offline import findings_of, policy_config

from cli.app import main
from harness.engine import run_program
from settings.loader import SettingsError, load_stack

from conftest import project_copy

STACKS = ("test", "prod")


@pytest.fixture(scope="module")
def imported_shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shop")
    shop = copy_shop(root)
    out = root / "out"
    assert main(["import", "copilot", str(shop), "--out", str(out), "--region", "eu-west-1"]) == 0
    return out


@pytest.mark.parametrize("stack", STACKS)
def test_each_stack_refuses_only_the_marked_placeholders(imported_shop: Path, stack: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_stack(stack, imported_shop)
    lines = refused.value.lines
    assert lines, "the placeholders must stop the stack"
    assert all("${FILL_IN:" in line for line in lines), lines
    report = (imported_shop / "MIGRATION.md").read_text()
    for line in lines:  # every one is listed in MIGRATION.md, at its file and key
        file, key = line.split(": ")[:2]
        assert f"| `{file}` | `{key}` |" in report or f"`shop:{key}`" in report, line


@pytest.fixture(scope="module")
def filled(imported_shop: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("filled")
    for path in imported_shop.rglob("*"):
        if path.is_file():
            target = folder / path.relative_to(imported_shop)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(path.read_text())
    fill_placeholders(folder)
    return folder


@pytest.mark.parametrize("stack", STACKS)
def test_each_stack_loads_once_the_placeholders_are_filled(filled: Path, stack: str) -> None:
    settings = load_stack(stack, filled)
    assert set(settings.services) == {"api", "frontend", "orders"}
    assert set(settings.jobs) == {"report"}
    assert settings.tier == ("production" if stack == "prod" else "development")


def test_the_imported_vpc_stack_plans_and_passes_the_policy_pack(
    filled: Path, tmp_path: Path, capsys
) -> None:
    project = project_copy(tmp_path / "project", stacks_from=filled)
    assert main(["plan", "test", "--project-dir", str(project), "--json"]) == 0
    assert '"stack": "test"' in capsys.readouterr().out
    synthesis = run_program("test", project_dir=project)  # the plan's run, from the run cache
    types = {r.type for r in synthesis.resources}
    assert not types & {"awsx:ec2:Vpc", "aws:ec2/vpc:Vpc"}  # the VPC is imported, not created
    assert "aws:ecs/cluster:Cluster" in types
    assert "aws:sfn/stateMachine:StateMachine" in types  # the job
    config = policy_config("dev")  # tier development
    advisory = {n for n, e in config.items() if e.get("enforcementLevel") == "advisory"}
    open_findings = {f.policy for f in findings_of(synthesis, "dev") if f.waiver is None}
    assert open_findings <= advisory
