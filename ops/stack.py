"""The names of a stack's AWS resources, computed from its stack file with the program's own
naming code (components/common/naming.py), so the day-2 commands need no Pulumi CLI.

    names = stack_names("prod", project_dir)
    names.service("api").log_group     # /ecs-platform/prod/services/api

Every name here is the one the program gives the resource (the same `Naming` calls as the
components, cited beside each); `cross_check` compares them with `pulumi stack output --json`
when the Pulumi CLI is on PATH and reports a mismatch (never required).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from components.common.naming import Naming
from settings.loader import parse_settings
from settings.platform import PlatformSettings
from settings.queue import queue_ref
from settings.service import ServiceSettings
from settings.stack_files import PROJECT_DIR, load_config


def stack_settings(stack: str, project_dir: Path = PROJECT_DIR) -> PlatformSettings:
    """The validated settings of `stack` in `project_dir`: the one call the commands make into
    the settings loader (SettingsError, ConfigFileError on a bad stack file)."""
    project, flat = load_config(stack, project_dir)
    return parse_settings(flat, project=project, stack=stack)


@dataclass(frozen=True)
class ServiceNames:
    """One service's physical names and the facts the commands branch on."""

    key: str  # the key under ecs-platform:services
    service: str  # the ECS service name (components/service: `name=name`)
    family: str  # the task definition family
    log_group: str
    containers: tuple[str, ...]  # the main container (named like the service) first
    target_groups: tuple[str, ...]  # production first, then the alternate (non-rolling)
    alarms: tuple[str, ...]  # the service's own CloudWatch alarms
    queue: str | None
    dead_letter_queue: str | None
    strategy: str  # rolling, blueGreen, canary, linear
    execution_role: str  # components/service `_roles`: naming.physical("iam-role", key, kind)
    repository: str | None  # the ECR repository of its image (registry: naming.repository)
    settings: ServiceSettings

    @property
    def main_container(self) -> str:
        return self.containers[0]

    @property
    def progressive(self) -> bool:
        return self.strategy != "rolling"

    def stream_prefix(self, container: str | None = None, task_id: str | None = None) -> str:
        """The awslogs stream prefix: `<prefix>/<container>/<task id>`, where the program sets
        `awslogs-stream-prefix` to the container's name (components/service/containers.py,
        `logging`; ECS developer guide "Using the awslogs log driver")."""
        name = container or self.main_container
        return f"{name}/{name}/{task_id}" if task_id else f"{name}/{name}/"


@dataclass(frozen=True)
class StackNames:
    project: str
    stack: str
    region: str
    cluster: str
    exec_log_group: str
    services: Mapping[str, ServiceNames]
    settings: PlatformSettings

    def service(self, key: str) -> ServiceNames:
        """The service declared as `key`, or LookupError naming those declared."""
        if key not in self.services:
            known = ", ".join(sorted(self.services)) or "none"
            raise LookupError(f"{self.settings.stack_file}: no service {key!r} (declared: {known})")
        return self.services[key]


def _service_names(naming: Naming, settings: PlatformSettings, key: str) -> ServiceNames:
    service = settings.services[key]
    insights = settings.cluster.container_insights != "disabled"
    # components/service/alarms.py names each alarm `<service>-<kind>`, fitted by
    # components/common/alarms.py `metric_alarm` with naming.physical("alarm", ...).
    alarms = tuple(
        naming.physical("alarm", f"{key}-{kind}") for kind in service.alarm_kinds(insights)
    )
    groups: tuple[str, ...] = ()
    if service.routing is not None and service.port is not None:
        # components/service/routing.py `target_group`: [name] and [name, "alt"] plus the port
        groups = (naming.physical("target-group", key, str(service.port)),)
        if service.deployment.progressive:
            groups += (naming.physical("target-group", key, "alt", str(service.port)),)
    ref = queue_ref(naming.prefix, key, service.queue) if service.queue else None
    return ServiceNames(
        key=key,
        service=key,
        family=naming.physical("task-family", key),
        log_group=naming.log_group("services", key),
        containers=(key, *(sidecar.name for sidecar in service.sidecars)),
        target_groups=groups,
        alarms=alarms,
        queue=ref.name if ref else service.queue_name,
        dead_letter_queue=ref.dead_letter_name if ref else None,
        strategy=service.deployment.strategy,
        execution_role=naming.physical("iam-role", key, "execution"),
        repository=naming.repository(service.image.repository)
        if service.image.repository
        else None,
        settings=service,
    )


def names_of(settings: PlatformSettings) -> StackNames:
    naming = Naming(settings.project, settings.stack)
    return StackNames(
        project=settings.project,
        stack=settings.stack,
        region=settings.region,
        cluster=naming.physical("cluster"),  # components/cluster `_physical_name`
        exec_log_group=naming.log_group("ecs-exec"),  # components/cluster `_exec_logs`
        services={key: _service_names(naming, settings, key) for key in settings.services},
        settings=settings,
    )


def stack_names(stack: str, project_dir: Path = PROJECT_DIR) -> StackNames:
    return names_of(stack_settings(stack, project_dir))


def compare_outputs(names: StackNames, outputs: Mapping[str, object]) -> list[str]:
    """Where the stack's outputs (`pulumi stack output --json`) disagree with the names the
    stack file gives: one line each (an output missing from an older stack is not a mismatch)."""
    found: list[str] = []

    def differs(key: str, expected: object, actual: object) -> None:
        if actual is not None and actual != expected:
            found.append(f"stack output {key} is {actual!r}; the stack file gives {expected!r}")

    differs("region", names.region, outputs.get("region"))
    differs("clusterName", names.cluster, outputs.get("clusterName"))
    deployed = outputs.get("serviceNames")
    if isinstance(deployed, Mapping):
        for key, service in names.services.items():
            differs(f"serviceNames.{key}", service.service, deployed.get(key))
        for key in sorted(set(deployed) - set(names.services)):
            found.append(f"stack output serviceNames.{key} exists; the stack file has no {key!r}")
    return found


def cross_check(names: StackNames, project_dir: Path = PROJECT_DIR) -> list[str]:
    """Mismatches between the stack file and `pulumi stack output --json --stack S`; nothing
    when the Pulumi CLI is not on PATH or cannot read the stack (it is never required)."""
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        return []
    command = [pulumi, "stack", "output", "--json", "--stack", names.stack]
    try:
        done = subprocess.run(
            command, cwd=project_dir, capture_output=True, text=True, timeout=60, check=False
        )
        outputs = json.loads(done.stdout) if done.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError):
        outputs = None
    return compare_outputs(names, outputs) if isinstance(outputs, dict) else []
