"""The `ecs-platform` command: every command answers --help, declares its exit statuses, prints
only JSON with --json, and refuses an unknown stack by listing the stacks that exist."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.shell_completion import BashComplete

from cli.app import MODULES, cli, main
from cli.common import walk
from cli.completion import COMPLETE_VAR, SHELLS
from review.compare import Timing
from review.plan import PlanRequest, plan_output
from settings.stack_files import PROJECT_DIR

from conftest import FIXTURES

COMMANDS = walk(cli)
NAMES = [name for name, _ in COMMANDS]
PACKAGES = ("settings", "components", "harness", "review", "cost", "ops", "reference", "bench")


def test_the_root_help_lists_every_command(capsys) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    top = {name.split()[1] for name in NAMES}
    for name in top:
        assert f"  {name} " in out
    expected = {"plan", "release", "promote", "approve", "rollback", "rollout-check"}
    assert expected | {"bootstrap", "prices", "reference", "bench", "completion"} <= top


def test_each_command_is_imported_from_the_module_that_defines_it() -> None:
    """cli.app.MODULES (what the lazy group imports for a command) matches the COMMANDS that
    each module defines, so no command is missing from `--help` or loaded from elsewhere."""
    defined = {
        command.name: module
        for module in sorted(set(MODULES.values()))
        for command in importlib.import_module(module).COMMANDS
    }
    assert defined == MODULES


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
    assert main(["plan", "dev", "--against", "stagin", "--project-dir", str(fixture_project)]) == 2
    assert "Invalid value for --against: no stack 'stagin'" in capsys.readouterr().err


def test_conflicting_output_options_are_refused(fixture_project: Path, capsys) -> None:
    project = ["--project-dir", str(fixture_project)]
    assert main(["plan", "dev", "--json", "--format", "markdown", *project]) == 2
    assert "give --json or --format markdown, not both" in capsys.readouterr().err


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


# Commands that print no data of their own: a shell script, or the URL GitHub answers (for the
# workflows); every other command offers --json.
NO_DATA = {
    "ecs-platform completion": "prints a shell script",
    "ecs-platform rollout-check": "prints its verdict line; its exit status is the answer",
    "ecs-platform github comment": "prints the comment's URL (run by the workflows)",
    "ecs-platform github issue": "prints the issue's URL (run by the workflows)",
    "ecs-platform github release-pr": "prints the pull request's URL (run by the workflows)",
}


def test_every_command_that_prints_data_offers_json() -> None:
    leaves = {name: c for name, c in COMMANDS if not isinstance(c, click.Group)}
    without = {n for n, c in leaves.items() if not any("--json" in p.opts for p in c.params)}
    assert without == set(NO_DATA)


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _ecs_platform_completion ecs-platform"),
        ("zsh", "#compdef ecs-platform"),
        ("fish", "complete --no-files --command ecs-platform"),
    ],
)
def test_completion_prints_the_shells_script(shell: str, marker: str, capsys) -> None:
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    assert marker in script
    assert f"{COMPLETE_VAR}={shell}_complete" in script


def test_completion_takes_the_shell_from_shell_or_refuses(monkeypatch, capsys) -> None:
    monkeypatch.setenv("SHELL", "/usr/bin/zsh")
    assert main(["completion"]) == 0
    assert "#compdef ecs-platform" in capsys.readouterr().out
    monkeypatch.setenv("SHELL", "/bin/tcsh")
    assert main(["completion"]) == 2
    assert f"give SHELL ({', '.join(SHELLS)})" in capsys.readouterr().err
    assert main(["completion", "tcsh"]) == 2


def test_completion_offers_commands_and_stacks(fixture_project: Path) -> None:
    complete = BashComplete(cli, {}, "ecs-platform", COMPLETE_VAR)
    assert [c.value for c in complete.get_completions([], "ro")] == ["rollback", "rollout-check"]
    stacks = complete.get_completions(["plan", "--project-dir", str(fixture_project)], "")
    assert [c.value for c in stacks] == [p.name[7:-5] for p in sorted(FIXTURES.glob("Pulumi.*"))]
    against = complete.get_completions(["plan", "prod", "--against"], "d")
    assert [c.value for c in against] == ["dev"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_loads_the_script_and_completes_with_the_installed_command() -> None:
    """The script as bash runs it: it calls the installed command back for the words."""
    script = (
        'eval "$(ecs-platform completion bash)"; COMP_WORDS=(ecs-platform compl); COMP_CWORD=1;'
        ' _ecs_platform_completion ecs-platform; printf "%s\\n" "${COMPREPLY[@]}"'
    )
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    result = subprocess.run(
        ["bash", "-c", script], env={**os.environ, "PATH": path},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.split() == ["completion"]
