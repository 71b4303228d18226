"""The generic suite holds on every fixture, catches what it claims to, and stays green on a
copy of the project where a team did what the README says (a new service, or its own services
in place of the shipped ones)."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from stack_invariants import (
    logging_problems,
    public_ip_problems,
    role_problems,
    service_problems,
    synthesis_problems,
)

from harness.records import Synthesis
from settings.stack_files import PROJECT_DIR

from conftest import (
    FIXTURE_STACKS,
    PROJECTS,
    WORKLOAD_FOLDERS,
    fixture_config,
    synthesize_fixture,
)

SUITE = Path(__file__).resolve().parent / "test_user_stacks.py"
BILLING = """\
    billing:
      image: {repository: billing, tag: "1.0.0"}
      cpu: 512
      memory: 1024
      port: 8080
      capacity: default
      desiredCount: 2
      routing: {pathPatterns: ["/billing/*"], priority: 20}
      healthCheck: {path: /health}
      environment: {LOG_LEVEL: info}
      writablePaths: [/tmp]
      scaling: {minCount: 2, maxCount: 10, cpuTarget: 60}
"""
ONE_SERVICE = {
    "hello": {
        "image": {"repository": "hello", "tag": "1.0.0"},
        "port": 8080,
        "routing": {"pathPatterns": ["/*"], "priority": 10},
    }
}


@pytest.fixture(scope="module")
def fixtures_synthesized() -> dict[str, Synthesis]:
    return {name: synthesize_fixture(name) for name in FIXTURE_STACKS}


@pytest.mark.parametrize("name", FIXTURE_STACKS)
def test_every_fixture_keeps_the_invariants(name: str, fixtures_synthesized) -> None:
    problems = synthesis_problems(
        fixtures_synthesized[name], fixture_config(name), PROJECT_DIR / "policy"
    )
    assert problems == []


def _tampered(synthesis: Synthesis, type_: str, change) -> Synthesis:
    resources = []
    for resource in synthesis.resources:
        if resource.type == type_:
            inputs = copy.deepcopy(resource.inputs)
            change(inputs)
            resource = dataclasses.replace(resource, inputs=inputs)
        resources.append(resource)
    return dataclasses.replace(synthesis, resources=resources)


def test_each_invariant_catches_its_fault(fixtures_synthesized) -> None:
    good = fixtures_synthesized["minimal"]
    task, service = "aws:ecs/taskDefinition:TaskDefinition", "aws:ecs/service:Service"

    def no_logs(inputs: dict[str, Any]) -> None:
        containers = json.loads(inputs["containerDefinitions"])
        containers[0].pop("logConfiguration")
        inputs["containerDefinitions"] = json.dumps(containers)

    def same_roles(inputs: dict[str, Any]) -> None:
        inputs["executionRoleArn"] = inputs["taskRoleArn"]

    def public(inputs: dict[str, Any]) -> None:
        inputs["networkConfiguration"]["assignPublicIp"] = True

    assert logging_problems(_tampered(good, task, no_logs)) == [
        "web-task: container web has no awslogs/firelens log driver"
    ]
    assert role_problems(_tampered(good, task, same_roles)) == [
        "web-task: the execution role is also the task role"
    ]
    assert public_ip_problems(_tampered(good, service, public)) == ["web: assignPublicIp is on"]
    assert service_problems(good, ["web", "api"]) != []


def project_copy(tmp_path: Path) -> Path:
    """The project as a team clones it (tracked and untracked files, not ignored ones), with the
    shipped example (stack files and services/, the `shipped` fixture project) in place of the
    current root ones."""
    listed = subprocess.run(
        ["git", "-C", str(PROJECT_DIR), "ls-files", "-co", "--exclude-standard"],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()  # fmt: skip
    target = tmp_path / "project"
    for name in listed:
        source = PROJECT_DIR / name
        if source.is_file() and not name.startswith(
            ("tests/", *(f"{f}/" for f in WORKLOAD_FOLDERS))
        ):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    for stack_file in target.glob("Pulumi.*.yaml"):
        if stack_file.name != "Pulumi.yaml":
            stack_file.unlink()
    shipped = PROJECTS / "shipped"
    for stack_file in shipped.glob("Pulumi.*.yaml"):
        shutil.copy2(stack_file, target / stack_file.name)
    shutil.copytree(shipped / "services", target / "services")
    return target


def run_generic_suite(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            str(SUITE),
        ],
        cwd=PROJECT_DIR,
        env={**os.environ, "ECS_PLATFORM_PROJECT_DIR": str(project)},
        capture_output=True,
        text=True,
    )


def add_billing_the_readme_way(stack_file: Path) -> None:
    """README, Services: a `services.<name>` block in the stack file, its repository listed."""
    text = stack_file.read_text()
    text, added = re.subn(
        r"(\n  ecs-platform:services:\n)", r"\1" + BILLING.replace("\\", "\\\\"), text
    )
    text, listed = re.subn(r"(\n    repositories: \[)([^\]]*)\]", r"\1\2, billing]", text)
    assert added == 1 and listed == 1
    stack_file.write_text(text)


def test_the_generic_suite_passes_with_billing_added_to_dev_and_prod(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    for stack in ("dev", "prod"):
        add_billing_the_readme_way(project / f"Pulumi.{stack}.yaml")
        config = yaml.safe_load((project / f"Pulumi.{stack}.yaml").read_text())["config"]
        assert "billing" in config["ecs-platform:services"]
    result = run_generic_suite(project)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "4 passed" in result.stdout


def test_the_generic_suite_passes_with_one_minimal_service(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    for stack in ("dev", "prod"):
        path = project / f"Pulumi.{stack}.yaml"
        document = yaml.safe_load(path.read_text())
        document["config"]["ecs-platform:services"] = ONE_SERVICE
        path.write_text(yaml.safe_dump(document, sort_keys=False))
    result = run_generic_suite(project)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "4 passed" in result.stdout


def test_the_generic_suite_fails_on_a_broken_stack(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    path = project / "Pulumi.dev.yaml"
    path.write_text(path.read_text().replace("ecs-platform:tags:", "ecs-platfrom:tags:", 1))
    result = run_generic_suite(project)
    assert result.returncode == 1
    assert "ecs-platfrom:tags: unknown config namespace" in result.stdout
