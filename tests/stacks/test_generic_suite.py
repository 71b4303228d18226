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
from ruamel.yaml import YAML
from stack_invariants import (
    logging_problems,
    public_ip_problems,
    role_problems,
    service_problems,
    stacks_in,
    synthesis_problems,
)

from cli.app import main as cli_main
from harness.records import Synthesis
from settings.loader import load_stack
from settings.rules.stacks import check_stacks
from settings.stack_files import PROJECT_DIR

from conftest import (
    FIXTURE_STACKS,
    PROJECTS,
    WORKLOAD_FOLDERS,
    fixture_config,
    synthesize_fixture,
)

HERE = Path(__file__).resolve().parent
SUITE = [HERE / "test_user_stacks.py", HERE / "test_user_workflows.py"]


# Per user stack: 2 stack tests and 1 role-trust test, plus 3 tests of the whole set.
def passed(stacks: int) -> str:
    return f"{3 * stacks + 3} passed"


# README, "Add a service": one file, with what prod changes under environments.prod.
BILLING = """\
image: {repository: billing, tag: "1.0.0"}
cpu: 512
memory: 1024
port: 8080
capacity: default
desiredCount: 1
routing: {pathPatterns: ["/billing/*"], priority: 20}
healthCheck: {path: /health}
environment: {LOG_LEVEL: info}
secrets:
  STRIPE_KEY: arn:aws:ssm:${region}:123456789012:parameter/${project}/${stack}/billing/stripe-key
writablePaths: [/tmp]
scaling: {minCount: 1, maxCount: 10, cpuTarget: 60}
environments:
  prod:
    desiredCount: 2
    scaling: {minCount: 2}
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
    workflows_without_other_stacks(target)
    return target


def workflows_without_other_stacks(project: Path) -> None:
    """The team's workflows may name stacks the shipped example has not (a `stack add`): drop
    them from the copy's stack lists and deploy jobs (a job that needed one needs its needs)."""
    keep = set(stacks_in(project))
    round_trip = YAML()  # keeps flow lists, comments and quotes: the copy stays hand-editable
    round_trip.width = 4096
    round_trip.indent(mapping=2, sequence=4, offset=2)
    for path in (project / ".github" / "workflows").glob("*.yml"):
        text = path.read_text()
        document = round_trip.load(text)
        jobs = document.get("jobs") or {}
        extra = {
            name: job
            for name, job in jobs.items()
            if str(job.get("uses", "")).endswith("/pulumi-up.yml")
            and job["with"]["stack"] not in keep
        }
        listed = re.findall(r"(?:stack|options): \[([^\]]*)\]", text)
        if not extra and all(set(map(str.strip, names.split(","))) <= keep for names in listed):
            continue
        for name, job in extra.items():
            jobs.pop(name)
            for other in jobs.values():
                if other.get("needs") == name:
                    other["needs"] = job.get("needs")
        for block in ("pulumi-preview", "drift"):
            matrix = (jobs.get(block) or {}).get("strategy", {}).get("matrix", {})
            for stack in [s for s in matrix.get("stack", []) if s not in keep]:
                matrix["stack"].remove(stack)
        on = document.get("on") or {}
        choice = ((on.get("workflow_dispatch") or {}).get("inputs") or {}).get("stack")
        for stack in [s for s in (choice or {}).get("options", []) if s not in keep]:
            choice["options"].remove(stack)
        with path.open("w") as out:
            round_trip.dump(document, out)


def run_generic_suite(project: Path, *options: str) -> subprocess.CompletedProcess[str]:
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
            *options,
            *map(str, SUITE),
        ],
        cwd=PROJECT_DIR,
        env={**os.environ, "ECS_PLATFORM_PROJECT_DIR": str(project)},
        capture_output=True,
        text=True,
    )


def add_billing_the_readme_way(project: Path) -> None:
    """README, Add a service: services/billing.yaml, its repository listed in each stack file."""
    (project / "services" / "billing.yaml").write_text(BILLING)
    for stack_file in project.glob("Pulumi.*.yaml"):
        text, listed = re.subn(
            r"(\n    repositories: \[)([^\]]*)\]", r"\1\2, billing]", stack_file.read_text()
        )
        assert listed == 1 or stack_file.name == "Pulumi.yaml"
        stack_file.write_text(text)


def add_stack_by_hand(project: Path, name: str, cidr: str) -> None:
    """docs/getting-started.md, "A new environment", then docs/delivery.md's workflow entries."""
    text = (project / "Pulumi.dev.yaml").read_text()
    text = text.replace("cidr: 10.10.0.0/16", f"cidr: {cidr}")
    text = text.replace("deployEnvironment: dev ", f"deployEnvironment: {name} ")
    (project / f"Pulumi.{name}.yaml").write_text(text)
    workflows = project / ".github" / "workflows"
    for file, before in (("preview", "stack: ["), ("drift", "stack: ["), ("release", "options: [")):
        path = workflows / f"{file}.yml"
        path.write_text(
            re.sub(rf"({re.escape(before)}[^\]]*)\]", rf"\1, {name}]", path.read_text())
        )
    deploy = workflows / "deploy.yml"
    job = (
        f"\n  {name}:\n    needs: dev\n    permissions:\n      contents: read\n"
        "      id-token: write\n"
        f"    uses: ./.github/workflows/pulumi-up.yml\n    with:\n      stack: {name}\n"
        f"      environment: {name}\n    secrets:\n"
        "      PULUMI_ACCESS_TOKEN: ${{ secrets.PULUMI_ACCESS_TOKEN }}\n"
        "      PULUMI_CONFIG_PASSPHRASE: ${{ secrets.PULUMI_CONFIG_PASSPHRASE }}\n"
    )
    deploy.write_text(deploy.read_text() + job)


def test_the_generic_suite_passes_with_a_service_file_and_stacks_added(tmp_path) -> None:
    """The README's ways: billing as a service file, a stack by `stack add`, one by hand."""
    project = project_copy(tmp_path)
    add_billing_the_readme_way(project)
    added = ["stack", "add", "staging", "--from", "prod", "--project-dir", str(project)]
    assert cli_main(added) == 0
    add_stack_by_hand(project, "qa", "10.30.0.0/16")
    assert stacks_in(project) == ["dev", "prod", "qa", "staging"]
    for stack in stacks_in(project):
        assert "billing" in load_stack(stack, project).services
    result = run_generic_suite(project)
    assert result.returncode == 0, result.stdout[-3000:]
    assert passed(4) in result.stdout


def test_the_generic_suite_fails_on_stacks_that_overlap_or_share_a_deploy_environment(
    tmp_path: Path,
) -> None:
    project = project_copy(tmp_path)
    dev = project / "Pulumi.dev.yaml"
    dev.write_text(
        dev.read_text().replace(
            "config:\n", "config:\n  aws:allowedAccountIds: ['111111111111']\n", 1
        )
    )
    shutil.copy(dev, project / "Pulumi.qa.yaml")  # no edit at all: the same account
    problems = check_stacks([load_stack(s, project) for s in stacks_in(project)], only="qa")
    assert [p.line("") for p in problems] == [
        "Pulumi.qa.yaml: network.cidr: 10.10.0.0/16 overlaps 10.10.0.0/16 of Pulumi.dev.yaml"
        " (network.cidr), in the same account 111111111111: peering and VPN routes need"
        " distinct ranges",
        "Pulumi.qa.yaml: ciAccess.deployEnvironment: 'dev' is also the deploy environment of"
        " Pulumi.dev.yaml: its deploy role would trust the jobs that deploy dev (give each stack"
        " its own GitHub environment)",
        "Pulumi.qa.yaml: ciAccess.createOidcProvider: Pulumi.dev.yaml creates the GitHub OIDC"
        " provider of account 111111111111 too: keep createOidcProvider: true in one, and in the"
        " other set oidcProviderArn: arn:aws:iam::<account>:oidc-provider/"
        "token.actions.githubusercontent.com",
    ]


def test_the_generic_suite_passes_with_one_minimal_service(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    shutil.rmtree(project / "services")
    for stack in ("dev", "prod"):
        path = project / f"Pulumi.{stack}.yaml"
        document = yaml.safe_load(path.read_text())
        document["config"]["ecs-platform:services"] = ONE_SERVICE
        path.write_text(yaml.safe_dump(document, sort_keys=False))
    result = run_generic_suite(project)
    assert result.returncode == 0, result.stdout[-3000:]
    assert passed(2) in result.stdout


def test_the_generic_suite_fails_on_a_broken_stack(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    path = project / "Pulumi.dev.yaml"
    path.write_text(path.read_text().replace("ecs-platform:tags:", "ecs-platfrom:tags:", 1))
    result = run_generic_suite(project, "-x")  # the first failure is the one to see
    assert result.returncode == 1
    assert "ecs-platfrom:tags: unknown config namespace" in result.stdout
