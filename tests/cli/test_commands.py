"""The `ecs-platform` command: every command answers --help, declares its exit statuses, prints
only JSON with --json, and refuses an unknown stack by listing the stacks that exist."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

from cli.app import cli, main
from cli.common import walk
from review.compare import Timing
from review.plan import PlanRequest, plan_output
from settings.stack_files import PROJECT_DIR

COMMANDS = walk(cli)
NAMES = [name for name, _ in COMMANDS]
PACKAGES = ("settings", "components", "harness", "review", "cost", "ops", "reference", "bench")


def test_the_root_help_lists_every_command(capsys) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in cli.commands:
        assert f"  {name} " in out
    expected = {"plan", "release", "promote", "approve", "rollback", "rollout-check"}
    assert expected | {"bootstrap", "prices", "reference", "bench"} <= set(cli.commands)


@pytest.mark.parametrize("name", NAMES)
def test_every_command_answers_help(name: str, capsys) -> None:
    assert main([*name.split()[1:], "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: {name}")


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=NAMES)
def test_every_command_declares_its_exit_statuses(name: str, command: click.Command) -> None:
    if isinstance(command, click.Group):
        return
    codes = getattr(command.callback, "exit_codes", None)
    assert codes and 0 in codes, f"{name}: declare its exit statuses with cli.common.exits"
    assert "Exit status: 0 " in (command.epilog or "")


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=NAMES)
def test_every_json_option_declares_what_it_prints(name: str, command: click.Command) -> None:
    """docs/reference/commands.md shows each command's JSON (cli.common.json_output)."""
    if any("--json" in getattr(param, "opts", ()) for param in command.params):
        assert getattr(command.callback, "json_shape", None), f"{name}: declare json_output"


def test_no_python_m_entry_point_is_left_outside_the_command() -> None:
    leftovers = [
        str(path.relative_to(PROJECT_DIR))
        for package in PACKAGES
        for path in (PROJECT_DIR / package).rglob("*.py")
        if "__name__ == " in path.read_text() or path.name == "__main__.py"
    ]
    assert leftovers == []


def test_an_unknown_stack_lists_the_stacks_that_exist(fixture_project: Path, capsys) -> None:
    assert main(["plan", "stagin", "--project-dir", str(fixture_project)]) == 2
    err = capsys.readouterr().err
    assert "no stack 'stagin'" in err
    assert "stacks here: dev, domain, existing, jobs, managed, maximal" in err


def test_the_installed_command_prints_the_same_plan_as_the_library(fixture_project: Path) -> None:
    """The command is a thin layer: the real entry point (a new process) prints exactly what
    review.plan renders."""
    result = subprocess.run(
        [sys.executable, "-m", "cli", "plan", "dev", "--json",
         "--project-dir", str(fixture_project)],
        cwd=PROJECT_DIR, capture_output=True, text=True, check=True,
    )  # fmt: skip
    request = PlanRequest("dev", project_dir=fixture_project, format="json")
    assert result.stdout == plan_output(request, Timing()) + "\n"
    assert json.loads(result.stdout)["stack"] == "dev"


def test_json_output_is_only_json(fixture_project: Path, capsys) -> None:
    assert main(["bootstrap", "prod", "--json", "--project-dir", str(fixture_project)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["stack"] == "prod"
    assert all(target.startswith("urn:pulumi:prod::") for target in data["targets"])


def test_make_plan_json_writes_only_json(fixture_project: Path) -> None:
    """`make plan-json > plan.json` holds the JSON alone: make echoes no command."""
    result = subprocess.run(
        ["make", "--no-print-directory", "plan-json", "STACK=dev",
         f"PLAN_ARGS=--json --project-dir {fixture_project}"],
        cwd=PROJECT_DIR, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(result.stdout)["stack"] == "dev"
