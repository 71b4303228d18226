"""The generic suite: what holds for the team's own stack files, whatever they declare.

Runs on every Pulumi.<stack>.yaml at the root of the project (or of the folder named by
ECS_PLATFORM_PROJECT_DIR), with the workload files (services/<name>.yaml) merged in for each
stack: it validates, synthesizes under mocks, passes the policy pack at its
tier (only waived or advisory findings), and keeps the invariants of stack_invariants.py. Nothing
here names a service, pool or alarm: a team edits its stack files and this stays green.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from stack_invariants import physical_names, settings_problems, stacks_in, synthesis_problems

from harness.engine import run_program
from settings.loader import load_stack
from settings.rules.stacks import check_stacks, physical_name_clashes
from settings.stack_files import PROJECT_DIR, read_stack_config

PROJECT = Path(os.environ.get("ECS_PLATFORM_PROJECT_DIR") or PROJECT_DIR).resolve()
USER_STACKS = stacks_in(PROJECT)


@pytest.mark.parametrize("stack", USER_STACKS)
def test_the_stack_file_is_valid(stack: str) -> None:
    assert settings_problems(stack, PROJECT) == []


@pytest.mark.parametrize("stack", USER_STACKS)
def test_the_stack_synthesizes_and_keeps_every_invariant(stack: str) -> None:
    synthesis = run_program(stack, project_dir=PROJECT)
    config = read_stack_config(stack, PROJECT)
    settings = load_stack(stack, PROJECT)  # the stack file's and services/*.yaml, jobs/*.yaml
    services, jobs = list(settings.services), list(settings.config.jobs)
    problems = synthesis_problems(
        synthesis, config, PROJECT / "policy", services=services, jobs=jobs
    )
    assert problems == []


def test_the_stack_files_agree_with_each_other() -> None:
    """Checks across stack files (settings/rules/stacks.py), and no two stacks of one account
    and region register the same physical name."""
    stacks = [load_stack(stack, PROJECT) for stack in USER_STACKS]
    lines = [problem.line("") for problem in check_stacks(stacks)]
    names = {
        stack: physical_names(run_program(stack, project_dir=PROJECT)) for stack in USER_STACKS
    }
    lines += [problem.line("") for problem in physical_name_clashes(stacks, names)]
    assert lines == []
