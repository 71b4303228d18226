"""Shared fixtures: the real program for each fixture stack, run once under the mock harness.

Platform tests read the stack files under tests/fixtures/ (never the root Pulumi.<stack>.yaml,
which belong to the team using the platform): `read_stack_config(name, FIXTURES)`, or
`fixture_config(name)`, and `run_program(name, stack_config=...)`, which reads no workload file
(services/<name>.yaml) unless given `workloads_from=<a project folder under PROJECTS>`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bench.scale import stack_with_services
from harness import run_cache
from harness.engine import SynthesisError, run_program
from harness.records import Synthesis
from settings.loader import SettingsError
from settings.stack_files import PROJECT_DIR, read_stack_config

# The AWS API emulator (moto server) for the day-2 command tests: tests/emulator/fixtures.py.
pytest_plugins = ["emulator.fixtures"]

STACKS = ("dev", "prod")
# Stack files the platform is proven on. The root Pulumi.<stack>.yaml belong to the user.
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Project folders (stack files with their services/<name>.yaml) the platform is proven on:
# `shipped` is the example as shipped, in the one-file-per-service form.
PROJECTS = FIXTURES / "projects"
WORKLOAD_FOLDERS = ("services", "jobs")
# Every fixture stack: dev, prod (the shipped examples as they were), maximal, minimal, ...
FIXTURE_STACKS = tuple(
    sorted(
        p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in FIXTURES.glob("Pulumi.*.yaml")
    )
)


# Each distinct synthesis runs once in the whole suite: both pytest workers and the commands the
# tests start in subprocesses share the runs kept here (harness/run_cache.py).
os.environ.setdefault(run_cache.ENV, str(PROJECT_DIR / ".pytest_cache" / "synthesis"))


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # once, in the controlling process
        folder = Path(os.environ[run_cache.ENV])
        run_cache.prune(folder, keep=run_cache.code_digest(PROJECT_DIR))


def fixture_config(name: str) -> dict[str, Any]:
    """The `config:` mapping of tests/fixtures/Pulumi.<name>.yaml, freshly parsed."""
    return read_stack_config(name, FIXTURES)


def synthesize_fixture(name: str, config: dict[str, Any] | None = None) -> Synthesis:
    """Run the program for fixture stack `name` (or `config`, a changed copy of it)."""
    return run_program(name, stack_config=fixture_config(name) if config is None else config)


def project_copy(destination: Path, stacks_from: Path = FIXTURES) -> Path:
    """A project folder for the CLI tests: this project's files (linked), with the stack files
    and workload files (services/, jobs/) of `stacks_from` in place of the user's, and its
    Pulumi.yaml where it has one (an imported project's, named after its application)."""
    destination.mkdir(parents=True, exist_ok=True)
    own_project = (stacks_from / "Pulumi.yaml").is_file()
    for source in PROJECT_DIR.iterdir():
        if source.name.startswith((".", "Pulumi.")) and source.name != "Pulumi.yaml":
            continue
        if source.name == "Pulumi.yaml" and own_project:
            shutil.copy(stacks_from / "Pulumi.yaml", destination / "Pulumi.yaml")
            continue
        if source.name in {"node_modules", "tests", "__pycache__", *WORKLOAD_FOLDERS}:
            continue
        os.symlink(source, destination / source.name)
    for stack_file in stacks_from.glob("Pulumi.*.yaml"):
        shutil.copy(stack_file, destination / stack_file.name)
    for folder in WORKLOAD_FOLDERS:
        if (stacks_from / folder).is_dir():
            shutil.copytree(stacks_from / folder, destination / folder)
    return destination


@pytest.fixture(scope="session")
def fixture_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project folder whose stack files are the fixtures (for `--project-dir`)."""
    return project_copy(tmp_path_factory.mktemp("fixture-project"))


@pytest.fixture(scope="session")
def synthesized() -> Callable[[str], Synthesis]:
    cache: dict[str, Synthesis] = {}

    def get(stack: str) -> Synthesis:
        if stack not in cache:
            cache[stack] = synthesize_fixture(stack)
        return cache[stack]

    return get


# One past AWS's default quotas of 100 listener rules and 100 target groups per ALB.
MANY_SERVICES = 101
MANY_SERVICES_QUOTAS = {"listenerRules": MANY_SERVICES, "targetGroups": MANY_SERVICES}


@pytest.fixture(scope="session")
def many_services() -> Synthesis:
    """The prod fixture with 101 routed services (the quotas raised): about 2,300 resources,
    synthesized once for the scale and pull-request comment tests (the other worker reads the
    run harness/run_cache.py keeps, or waits for it)."""
    config = stack_with_services(MANY_SERVICES, "prod", FIXTURES)
    config["ecs-platform:quotas"] = MANY_SERVICES_QUOTAS
    return run_program("prod", stack_config=config)


@pytest.fixture(params=STACKS)
def stack(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def synthesis(stack: str, synthesized: Callable[[str], Synthesis]) -> Synthesis:
    return synthesized(stack)


def refused(stack: str, change: Callable[[dict[str, Any]], Any]) -> SynthesisError:
    """Run the fixture stack with `change` applied to its stack file; the program must refuse it."""
    config = fixture_config(stack)
    change(config)
    with pytest.raises(SynthesisError) as failure:
        run_program(stack, stack_config=config)
    return failure.value


def problems(stack: str, change: Callable[[dict[str, Any]], Any]) -> list[str]:
    """The problem lines of a refused change, after asserting nothing was registered."""
    failure = refused(stack, change)
    assert failure.resources == []
    if isinstance(failure.cause, SettingsError):
        return failure.cause.lines  # without the closing note on checks not run yet
    return str(failure.cause).splitlines()[1:]
