"""A throwaway project folder holding the shipped example (stack files and services/), and
ways to edit and check it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.engine import run_program
from harness.records import Synthesis
from settings.loader import SettingsError, load_stack
from settings.stack_files import PROJECT_DIR, read_stack_config

from conftest import PROJECTS

SHIPPED = PROJECTS / "shipped"


def shipped_copy(tmp_path: Path) -> Path:
    """A project folder holding the shipped example (stack files and services/)."""
    project = tmp_path / "project"
    shutil.copytree(SHIPPED, project)
    shutil.copy(PROJECT_DIR / "Pulumi.yaml", project / "Pulumi.yaml")
    return project


def write(project: Path, relative: str, data: Any) -> None:
    path = project / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))


def edit(project: Path, relative: str, change: Callable[[dict[str, Any]], Any]) -> None:
    path = project / relative
    document = yaml.safe_load(path.read_text())
    change(document)
    write(project, relative, document)


def synthesize(project: Path, stack: str) -> Synthesis:
    """The stack of `project` under the mock harness, with the project's workload files."""
    return run_program(
        stack, stack_config=read_stack_config(stack, project), workloads_from=project
    )


def lines(project: Path, stack: str) -> list[str]:
    """The problem lines of a refused stack of `project`."""
    with pytest.raises(SettingsError) as failure:
        load_stack(stack, project)
    return failure.value.lines
