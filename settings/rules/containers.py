"""Rules for a task's containers together: sidecars, their start order (`dependsOn`), the
container the ALB targets (`routing.targetContainer`), ports, mounts and environment files.

AWS facts (ECS developer guide, task_definition_parameters.md): a COMPLETE or SUCCESS
dependency "can't be set on an essential container"; HEALTHY "requires that the dependent
container has health checks configured". A task definition holds at most ten environment files,
and they are not for Windows containers (taskdef-envfiles.md). awsvpc containers share one
network namespace, so two cannot listen on one port.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from settings.rules.problem import Problem, join_path

if TYPE_CHECKING:
    from settings.containers import DependsOnSettings
    from settings.platform import PlatformSettings
    from settings.service import ServiceSettings

MAX_ENVIRONMENT_FILES = 10


@dataclass(frozen=True)
class Container:
    """One container of a service's task as these rules see it."""

    name: str
    path: list[str | int]  # its key path under services.<name>
    essential: bool
    port: int | None
    health_check: bool
    depends_on: list[DependsOnSettings]


def task_containers(name: str, service: ServiceSettings) -> list[Container]:
    """The service's own container, then its sidecars."""
    main = Container(
        name,
        [],
        True,
        service.port,
        service.container_health_check is not None,
        list(service.depends_on),
    )
    return [main] + [
        Container(
            s.name,
            ["sidecars", index],
            s.essential,
            s.port,
            s.health_check is not None,
            list(s.depends_on),
        )
        for index, s in enumerate(service.sidecars)
    ]


def _path(service: str, *parts: str | int) -> str:
    return join_path(["services", service, *parts])


def _dependency_problems(service: str, containers: list[Container]) -> Iterator[Problem]:
    by_name = {c.name: c for c in containers}
    for container in containers:
        for index, dependency in enumerate(container.depends_on):
            path = _path(service, *container.path, "dependsOn", index, "containerName")
            target = by_name.get(dependency.container_name)
            if target is None or target is container:
                others = ", ".join(c.name for c in containers if c is not container) or "none"
                yield Problem(
                    path,
                    f"{dependency.container_name!r} is not another container of this task"
                    f" (its containers: {others})",
                )
            elif dependency.condition in ("COMPLETE", "SUCCESS") and target.essential:
                yield Problem(
                    path,
                    f"{dependency.condition} waits for {target.name} to exit, which ECS refuses"
                    " for an essential container (set essential: false on it, or use START or"
                    " HEALTHY)",
                )
            elif dependency.condition == "HEALTHY" and not target.health_check:
                key = "containerHealthCheck" if not target.path else "healthCheck"
                yield Problem(path, f"HEALTHY needs a health check on {target.name} ({key})")
    yield from _cycles(service, containers)


def _cycles(service: str, containers: list[Container]) -> Iterator[Problem]:
    # (a container naming itself is reported above as not another container)
    edges = {
        c.name: [d.container_name for d in c.depends_on if d.container_name != c.name]
        for c in containers
    }
    for container in containers:
        seen, stack = set(), list(edges[container.name])
        while stack:
            current = stack.pop()
            if current == container.name:
                yield Problem(
                    _path(service, *container.path, "dependsOn"),
                    f"{container.name} ends up waiting for itself (a dependsOn cycle)",
                )
                break
            if current not in seen:
                seen.add(current)
                stack.extend(edges.get(current, []))


def start_order(settings: PlatformSettings) -> Iterable[Problem]:
    for name, service in settings.services.items():
        yield from _dependency_problems(name, task_containers(name, service))


def ports(settings: PlatformSettings) -> Iterable[Problem]:
    """Each container port once per task, and a routed target that has a port."""
    for name, service in settings.services.items():
        containers = task_containers(name, service)
        owners: dict[int, str] = {}
        for container in containers:
            if container.port is None:
                continue
            if container.port in owners:
                yield Problem(
                    _path(name, *container.path, "port"),
                    f"{container.port} is already the port of {owners[container.port]} (the"
                    " task's containers share one network)",
                )
            owners.setdefault(container.port, container.name)
        target = service.routing.target_container if service.routing else None
        if target is None or target == name:
            continue
        sidecar = next((c for c in containers[1:] if c.name == target), None)
        if sidecar is None or sidecar.port is None:
            with_ports = [c.name for c in containers[1:] if c.port is not None]
            yield Problem(
                _path(name, "routing", "targetContainer"),
                f"{target!r} is not a sidecar with a port"
                + (f" (sidecars with a port: {', '.join(with_ports)})" if with_ports else ""),
            )


def _mount_paths(
    service: ServiceSettings,
) -> Iterator[tuple[list[str | int], list[str], list[str]]]:
    """(the container's key path, every mount path, its writablePaths) of each container."""
    main = [*service.writable_paths, *(v.mount_path for v in service.volumes)]
    if service.ebs_volume is not None:
        main.append(service.ebs_volume.mount_path)
    yield [], main, list(service.writable_paths)
    for index, sidecar in enumerate(service.sidecars):
        mounted = [m.mount_path for m in sidecar.volumes]
        writable = list(sidecar.writable_paths)
        yield ["sidecars", index], [*writable, *mounted], writable


def mounts(settings: PlatformSettings) -> Iterable[Problem]:
    """Sidecars mount the service's volumes by name; each path is mounted once per container.

    Two mount points at one containerPath fail when the container starts (Docker refuses a
    duplicate mount point; terraform-aws-modules/terraform-aws-ecs#153, compose-x/ecs_composex#623),
    so `writablePaths`, `volumes` and `ebsVolume` share the container's paths: an EBS volume or a
    volume is writable already and needs no `writablePaths` entry."""
    for name, service in settings.services.items():
        volumes = {v.name for v in service.volumes}
        for index, sidecar in enumerate(service.sidecars):
            for mount_index, mount in enumerate(sidecar.volumes):
                if mount.name not in volumes:
                    yield Problem(
                        _path(name, "sidecars", index, "volumes", mount_index, "name"),
                        f"{mount.name!r} is not a volume of this service"
                        + (f" (volumes: {', '.join(sorted(volumes))})" if volumes else ""),
                    )
        for container, paths, writable in _mount_paths(service):
            for duplicate in sorted({p for p in paths if paths.count(p) > 1}):
                key = "writablePaths" if duplicate in writable else "volumes"
                yield Problem(
                    _path(name, *container, key),
                    f"{duplicate} is mounted twice in one container (writablePaths, volumes"
                    " and ebsVolume share the container's paths"
                    + ("; a volume is writable already" if duplicate in writable else "")
                    + ")",
                )


def environment_files(settings: PlatformSettings) -> Iterable[Problem]:
    """A service's or a job's task: at most ten files, Linux only."""
    for section, name, task in settings.workloads:
        files = task.task_environment_files
        if not files:
            continue
        key = join_path([section, name, "environmentFiles"])
        if len(files) > MAX_ENVIRONMENT_FILES:
            yield Problem(
                key,
                f"{len(files)} environment files in the task; ECS allows"
                f" {MAX_ENVIRONMENT_FILES} per task definition",
            )
        if task.operating_system == "windows":
            yield Problem(key, "Windows containers cannot use environment files")


def sidecar_secrets(settings: PlatformSettings) -> Iterable[Problem]:
    for name, service in settings.services.items():
        for index, sidecar in enumerate(service.sidecars):
            for variable in sorted(set(sidecar.environment) & set(sidecar.secrets)):
                yield Problem(
                    _path(name, "sidecars", index, "secrets", variable),
                    "is also set under environment; keep one",
                )


def production_sidecars(settings: PlatformSettings) -> Iterable[Problem]:
    """Sidecars are held to the service's production rules (ECS.5, ECS.20)."""
    if not settings.is_production:
        return
    for name, service in settings.services.items():
        if service.operating_system != "linux":
            continue
        for index, sidecar in enumerate(service.sidecars):
            if sidecar.read_only_root_filesystem is False:
                yield Problem(
                    _path(name, "sidecars", index, "readOnlyRootFilesystem"),
                    "tier production runs read-only root file systems (ECS.5); use writablePaths",
                )
            if sidecar.user is not None and sidecar.user.split(":")[0] in {"0", "root"}:
                yield Problem(
                    _path(name, "sidecars", index, "user"),
                    "tier production never runs containers as root",
                )


RULES = (
    start_order,
    ports,
    mounts,
    environment_files,
    sidecar_secrets,
    production_sidecars,
)
