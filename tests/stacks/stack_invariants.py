"""What holds for any valid stack file, whatever services, pools or alarms it declares.

Each check returns the problems it found ([] when the stack is fine), so one test can list them
all. Used on the team's own root stack files (test_user_stacks.py) and on every fixture.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ecs_platform_policies.catalog import evaluate
from ecs_platform_policies.waivers import load_waivers
from policy_offline import policy_resources

from cost import PRICES_DIR, estimate, iter_unpriced, load_prices
from cost.usage import usage_pricer
from cost.usage_file import TIER_DEFAULTS, Usage
from harness.records import Synthesis
from settings.loader import SettingsError, parse_settings
from settings.stack_files import PROJECT_DIR, load_config, read_yaml

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
# The policy config a stack without its own policy/config.<stack>.json is checked with.
TIER_POLICY_CONFIG = {"production": "config.prod.json", "development": "config.dev.json"}
LOG_DRIVERS = {"awslogs", "awsfirelens"}
PROJECT = str(read_yaml(PROJECT_DIR / "Pulumi.yaml")["name"])


def stacks_in(project_dir: Path) -> list[str]:
    """The stacks a project declares: its Pulumi.<stack>.yaml files."""
    return sorted(
        path.name[len("Pulumi.") : -len(".yaml")]
        for path in project_dir.glob("Pulumi.*.yaml")
        if path.name != "Pulumi.yaml"
    )


def settings_problems(stack: str, project_dir: Path) -> list[str]:
    project, flat = load_config(stack, project_dir)
    try:
        parse_settings(flat, project=project, stack=stack)
    except SettingsError as error:
        return error.lines
    return []


def policy_config_for(stack: str, tier: str, policy_dir: Path) -> dict[str, Any]:
    own = policy_dir / f"config.{stack}.json"
    path = own if own.exists() else policy_dir / TIER_POLICY_CONFIG[tier]
    return json.loads(path.read_text())


def policy_problems(synthesis: Synthesis, tier: str, policy_dir: Path) -> list[str]:
    """Findings that are neither waived (policy/waivers.yaml) nor advisory at the stack's tier."""
    config = policy_config_for(synthesis.stack, tier, policy_dir)
    return [
        f"{finding.policy}: {finding.resource.name}: {finding.message}"
        for finding in evaluate(policy_resources(synthesis), config, load_waivers())
        if finding.waiver is None
        and config.get(finding.policy, {}).get("enforcementLevel") != "advisory"
    ]


def _containers(task: Any) -> Iterator[dict[str, Any]]:
    definitions = task.inputs.get("containerDefinitions") or "[]"
    yield from json.loads(definitions) if isinstance(definitions, str) else definitions


def logging_problems(synthesis: Synthesis) -> list[str]:
    """Every container of every task sends its output to a log driver the platform reads."""
    return [
        f"{task.name}: container {container.get('name')} has no awslogs/firelens log driver"
        for task in synthesis.of_type(TASK_DEFINITION)
        for container in _containers(task)
        if (container.get("logConfiguration") or {}).get("logDriver") not in LOG_DRIVERS
    ]


def role_problems(synthesis: Synthesis) -> list[str]:
    """Every task has an execution role (image pulls, logs, secrets), never its task role."""
    problems = []
    for task in synthesis.of_type(TASK_DEFINITION):
        execution, role = task.inputs.get("executionRoleArn"), task.inputs.get("taskRoleArn")
        if not execution:
            problems.append(f"{task.name}: no execution role")
        elif execution == role:
            problems.append(f"{task.name}: the execution role is also the task role")
    return problems


def public_ip_problems(synthesis: Synthesis) -> list[str]:
    """No service gives its tasks a public IP: they sit in private subnets behind the ALB."""
    return [
        f"{service.name}: assignPublicIp is on"
        for service in synthesis.of_type(SERVICE)
        if (service.inputs.get("networkConfiguration") or {}).get("assignPublicIp")
    ]


def identity_problems(synthesis: Synthesis) -> list[str]:
    """URNs are unique, every tagged resource names its stack, every log group expires."""
    urns = [r.urn for r in synthesis.resources]
    problems = [
        f"{urn}: registered twice" for urn in sorted({u for u in urns if urns.count(u) > 1})
    ]
    for resource in synthesis.resources:
        tags = resource.inputs.get("tags")
        if isinstance(tags, dict) and tags.get("Environment") != synthesis.stack:
            problems.append(f"{resource.name}: tag Environment is not {synthesis.stack!r}")
    for group in synthesis.of_type(LOG_GROUP):
        if not group.inputs.get("retentionInDays"):
            problems.append(f"{group.name}: keeps logs forever (no retentionInDays)")
    return problems


def service_problems(
    synthesis: Synthesis, declared: list[str], jobs: list[str] | None = None
) -> list[str]:
    """Each declared service becomes one ECS service with one task definition; each declared job
    one task definition and one state machine."""
    built = sorted(r.name for r in synthesis.of_type(SERVICE))
    tasks = sorted(r.name for r in synthesis.of_type(TASK_DEFINITION))
    machines = synthesis.of_type(STATE_MACHINE)
    problems = []
    if built != sorted(declared):
        problems.append(f"ECS services {built} are not the declared services {sorted(declared)}")
    if len(tasks) != len(declared) + len(jobs or []):
        problems.append(f"task definitions {tasks} are not one per declared service and job")
    if len(machines) != len(jobs or []):
        problems.append(f"{len(machines)} state machines for {len(jobs or [])} declared jobs")
    return problems


def cost_problems(
    synthesis: Synthesis,
    config: Mapping[str, Any],
    regions: list[str] | None = None,
    project: str = PROJECT,
) -> list[str]:
    """Every item of the estimate has a figure in every shipped region's price file, at the
    tier's default usage. A price the file records as not found is left out (and the plan says
    so); an instance type a file lacks is unpriced: `ecs-platform prices` adds it."""
    tier = str(config.get(f"{project}:tier") or "development")
    usage = Usage.model_validate(TIER_DEFAULTS.get(tier, TIER_DEFAULTS["development"]))
    shipped = regions or sorted(path.stem for path in PRICES_DIR.glob("*.yaml"))
    return [
        f"{region}: unpriced {line}"
        for region in shipped
        for line in iter_unpriced(
            estimate(synthesis.resources, load_prices(region), usage_pricer(usage))
        )
    ]


def synthesis_problems(
    synthesis: Synthesis, config: Mapping[str, Any], policy_dir: Path, project: str = PROJECT
) -> list[str]:
    """Every content-independent invariant of a stack synthesized from `config` (its stack
    file's `config:` mapping)."""
    tier = str(config[f"{project}:tier"])
    return [
        *policy_problems(synthesis, tier, policy_dir),
        *logging_problems(synthesis),
        *role_problems(synthesis),
        *public_ip_problems(synthesis),
        *identity_problems(synthesis),
        *service_problems(
            synthesis,
            list(config.get(f"{project}:services") or {}),
            list(config.get(f"{project}:jobs") or {}),
        ),
        *cost_problems(synthesis, config, project=project),
    ]
