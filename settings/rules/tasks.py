"""Rules that hold for every task, a service's (`services.<name>`) or a job's (`jobs.<name>`):
its image, where it runs (capacity, architecture, Fargate sizes, Windows), its environment and
secrets, and the production tier's hardening."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.rules.problem import Problem, join_path, production_retention

if TYPE_CHECKING:
    from settings.platform import PlatformSettings
    from settings.service import TaskSettings

# Fargate task sizes: cpu units -> allowed memory (MiB).
# Fargate task sizes: cpu units -> allowed memory (MiB), AWS's table in "Troubleshoot Amazon ECS
# task definition invalid CPU or memory errors" (https://docs.aws.amazon.com/AmazonECS/latest/
# developerguide/task-cpu-memory-error.html) and RegisterTaskDefinition's `memory`: 256 takes
# 512, 1024 or 2048 only (not 1536); 8192 and 16384 are Linux only.
FARGATE_MEMORY: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4097, 1024)),
    1024: tuple(range(2048, 8193, 1024)),
    2048: tuple(range(4096, 16385, 1024)),
    4096: tuple(range(8192, 30721, 1024)),
    8192: tuple(range(16384, 61441, 4096)),
    16384: tuple(range(32768, 122881, 8192)),
}
FARGATE_WINDOWS_CPU = (1024, 2048, 4096)
SECRET_LOOKING = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|CREDENTIAL)")


def _at(section: str, name: str, *parts: str | int) -> str:
    """A key of a service (`services`) or a job (`jobs`)."""
    return join_path([section, name, *parts])


def _fargate_memory(cpu: int) -> str:
    sizes = FARGATE_MEMORY[cpu]
    if len(sizes) <= 4:
        return ", ".join(str(m) for m in sizes)
    return f"{sizes[0]} to {sizes[-1]} in steps of {sizes[1] - sizes[0]}"


def fargate_size_problem(cpu: int, memory: int) -> str | None:
    """Why a Fargate task cannot have `cpu` units and `memory` MiB, or None when it can."""
    if cpu not in FARGATE_MEMORY:
        return f"{cpu} is not a Fargate cpu size ({', '.join(str(c) for c in FARGATE_MEMORY)})"
    if memory not in FARGATE_MEMORY[cpu]:
        return f"memory {memory} is not valid for cpu {cpu} on Fargate ({_fargate_memory(cpu)})"
    return None


def image_reference(settings: PlatformSettings) -> Iterable[Problem]:
    for section, name, task in settings.workloads:
        image = task.image
        if image.uri is not None:
            if image.repository or image.tag or image.digest:
                yield Problem(
                    _at(section, name, "image"), "give either uri, or repository with tag or digest"
                )
        elif image.repository is None:
            yield Problem(
                _at(section, name, "image"), "give either uri, or repository with tag or digest"
            )
        elif (image.tag is None) == (image.digest is None):
            yield Problem(
                _at(section, name, "image"),
                f"repository {image.repository} needs exactly one of tag or digest",
            )


def placement(settings: PlatformSettings) -> Iterable[Problem]:
    pools = settings.cluster.pool_names
    for section, name, task in settings.workloads:
        found = settings.placement(task)
        if found is None:
            known = ", ".join(["default", "fargate", "fargate-spot", *pools])
            yield Problem(
                _at(section, name, "capacity"),
                f"unknown capacity {task.capacity!r} (known: {known})",
            )
            continue
        architecture = settings.architecture(task)
        if "FARGATE_SPOT" in found.providers and architecture == "arm64":
            if task.capacity == "default":
                yield Problem(
                    _at(section, name, "architecture"),
                    "arm64 tasks cannot use the cluster default strategy: it has FARGATE_SPOT"
                    " (x86_64 only); set capacity: fargate",
                )
            else:
                yield Problem(
                    _at(section, name, "capacity"),
                    "fargate-spot runs only x86_64 Linux tasks, but the tasks are arm64",
                )
        for pool in found.pools:
            if pool.architecture != architecture:
                yield Problem(
                    _at(section, name, "architecture"),
                    f"{architecture} tasks cannot run on pool {pool.name} ({pool.architecture})",
                )
        yield from _task_size(_at(section, name), task, found.compatibility)
        if task.operating_system == "windows":
            yield from _windows(_at(section, name), task, found.compatibility, found.providers)


def _task_size(where: str, task: TaskSettings, compatibility: str) -> Iterable[Problem]:
    if compatibility != "FARGATE":
        return
    if task.cpu not in FARGATE_MEMORY:
        allowed = ", ".join(str(c) for c in FARGATE_MEMORY)
        yield Problem(f"{where}.cpu", f"{task.cpu} is not a Fargate cpu size ({allowed})")
    elif task.memory not in FARGATE_MEMORY[task.cpu]:
        yield Problem(
            f"{where}.memory",
            f"{task.memory} is not valid for cpu {task.cpu} ({_fargate_memory(task.cpu)})",
        )


def _windows(
    where: str, task: TaskSettings, compatibility: str, providers: tuple[str, ...]
) -> Iterable[Problem]:
    if compatibility != "FARGATE" or "FARGATE_SPOT" in providers:
        yield Problem(
            f"{where}.capacity",
            "Windows tasks run on Fargate only, not Fargate Spot, EC2 or managed instance pools",
        )
    if task.cpu not in FARGATE_WINDOWS_CPU:
        allowed = ", ".join(str(c) for c in FARGATE_WINDOWS_CPU)
        yield Problem(f"{where}.cpu", f"Windows tasks on Fargate take cpu {allowed}")
    if task.architecture == "arm64":
        yield Problem(f"{where}.architecture", "Windows tasks run on x86_64 only")


def secret_looking(where: str, environment: dict[str, str]) -> Iterable[Problem]:
    for variable in environment:
        if SECRET_LOOKING.search(variable.upper()):
            yield Problem(
                f"{where}.{variable}",
                "looks like a secret: put its SSM or Secrets Manager ARN under secrets (ECS.8)",
            )


def task_twelve_factor(settings: PlatformSettings) -> Iterable[Problem]:
    for section, name, task in settings.workloads:
        yield from secret_looking(_at(section, name, "environment"), task.environment)
        for variable in set(task.environment) & set(task.secrets):
            yield Problem(
                _at(section, name, "secrets", variable), "is also set under environment; keep one"
            )


def production_tasks(settings: PlatformSettings) -> Iterable[Problem]:
    """The production tier's hardening of every task, a service's or a job's."""
    if not settings.is_production:
        return
    for section, name, task in settings.workloads:
        yield from production_retention(
            _at(section, name, "logRetentionDays"), task.log_retention_days
        )
        if not task.read_only_root_filesystem and task.operating_system == "linux":
            yield Problem(
                _at(section, name, "readOnlyRootFilesystem"),
                "tier production runs read-only root file systems (ECS.5); use writablePaths",
            )
        if task.user.split(":")[0] in {"0", "root"}:
            yield Problem(
                _at(section, name, "user"), "tier production never runs containers as root"
            )
        if task.image.tag is not None and task.image.tag == "latest":
            yield Problem(
                _at(section, name, "image", "tag"),
                "tier production deploys a fixed tag or a digest",
            )


RULES = (image_reference, placement, task_twelve_factor, production_tasks)
