"""The task's container definitions as ECS wants them: pure builders, tested directly.

Every container logs to the service's own group, is never privileged and, on Linux, runs with a
read-only root file system as a non-root user unless the stack file says otherwise (a sidecar
takes the service's `user` and `readOnlyRootFilesystem` unless it sets its own). Secrets by name
(`ssm:...`, `secretsmanager:...`) are resolved to the ARNs ECS reads (settings/secrets.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi

from components.service.volumes import DATA_VOLUME as DATA_VOLUME
from components.service.volumes import mount_points, sidecar_mount_points
from components.service.volumes import scratch_mounts as scratch_mounts
from settings.containers import ContainerHealthCheckSettings, DependsOnSettings, SidecarSettings
from settings.secrets import secret_source
from settings.service import ServiceSettings, TaskSettings

PORT_NAME = "http"


def container_definitions(
    name: str,
    service: ServiceSettings,
    *,
    image: str,
    log_group: str,
    region: str,
    account_id: str = "",
    derived_environment: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The task's containers as ECS wants them (camelCase JSON); every one logs to the
    service's own group. `derived_environment` (queue URLs, ...) joins the main container's."""
    where = (region, account_id)
    main = main_container(
        name, service, image=image, logging=logging(log_group, region, name), where=where
    )
    if derived_environment:
        main["environment"] = variables({**service.environment, **derived_environment})
    sidecars = [
        sidecar_container(sidecar, service, logging(log_group, region, sidecar.name), where=where)
        for sidecar in service.sidecars
    ]
    return [main, *sidecars]


def definitions_json(
    name: str,
    service: ServiceSettings,
    region: str,
    image: pulumi.Input[str],
    log_group: pulumi.Input[str],
    derived_environment: Mapping[str, pulumi.Input[str]],
    account_id: pulumi.Input[str] = "",
) -> pulumi.Output[str]:
    """`container_definitions` as the JSON document the task definition takes."""
    return pulumi.Output.all(
        image, log_group, pulumi.Output.all(**derived_environment), account_id
    ).apply(
        lambda values: json.dumps(
            container_definitions(
                name,
                service,
                image=values[0],
                log_group=values[1],
                region=region,
                account_id=values[3],
                derived_environment=dict(values[2] or {}),
            )
        )
    )


def logging(log_group: str, region: str, stream_prefix: str) -> dict[str, Any]:
    return {
        "logDriver": "awslogs",
        "options": {
            "awslogs-group": log_group,
            "awslogs-region": region,
            "awslogs-stream-prefix": stream_prefix,
        },
    }


def variables(environment: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": k, "value": v} for k, v in sorted(environment.items())]


def secrets(references: Mapping[str, str], where: tuple[str, str]) -> list[dict[str, str]]:
    """ECS `secrets`: each variable with the ARN (or partial ARN) ECS reads it from."""
    return [
        {"name": variable, "valueFrom": secret_source(reference, *where).value_from}
        for variable, reference in sorted(references.items())
    ]


def health_check(check: ContainerHealthCheckSettings) -> dict[str, Any]:
    return {
        "command": check.command,
        "interval": check.interval_seconds,
        "timeout": check.timeout_seconds,
        "retries": check.retries,
        "startPeriod": check.start_period_seconds,
    }


def port_mappings(port_name: str, port: int) -> list[dict[str, Any]]:
    return [{"name": port_name, "containerPort": port, "protocol": "tcp", "appProtocol": "http"}]


def _options(container: dict[str, Any], **options: Any) -> dict[str, Any]:
    """Adds the optional keys that hold something (an empty list is left out, as before these
    keys existed, so a task definition without them keeps its exact JSON)."""
    container.update({key: value for key, value in options.items() if value})
    return container


def _depends_on(dependencies: list[DependsOnSettings]) -> list[dict[str, str]]:
    return [{"containerName": d.container_name, "condition": d.condition} for d in dependencies]


def _environment_files(files: list[str]) -> list[dict[str, str]]:
    return [{"value": arn, "type": "s3"} for arn in files]


def main_container(
    name: str,
    service: ServiceSettings,
    *,
    image: str,
    logging: dict[str, Any],
    where: tuple[str, str] = ("", ""),
) -> dict[str, Any]:
    ports = port_mappings(PORT_NAME, service.port) if service.port is not None else None
    main = task_container(
        name,
        service,
        image=image,
        logging=logging,
        ports=ports,
        mounts=mount_points(service),
        where=where,
    )
    _options(main, dependsOn=_depends_on(service.depends_on))
    if service.container_health_check is not None:
        main["healthCheck"] = health_check(service.container_health_check)
    return main


def task_container(
    name: str,
    task: TaskSettings,
    *,
    image: str,
    logging: dict[str, Any],
    ports: list[dict[str, Any]] | None = None,
    mounts: list[dict[str, Any]] | None = None,
    where: tuple[str, str] = ("", ""),
) -> dict[str, Any]:
    """The essential container of a service's or a job's task, hardened the same way:
    read-only root, a non-root user, an init process, scratch volumes for writablePaths.
    `where` (region, account) resolves secrets named by name to their ARNs."""
    main: dict[str, Any] = {
        "name": name,
        "image": image,
        "essential": True,
        "environment": variables(task.environment),
        "secrets": secrets(task.secrets, where),
        "logConfiguration": logging,
        "stopTimeout": task.stop_timeout_seconds,
        "privileged": False,
    }
    if ports:
        main["portMappings"] = ports
    if task.command is not None:
        main["command"] = task.command
    if task.entry_point is not None:
        main["entryPoint"] = task.entry_point
    _options(main, environmentFiles=_environment_files(task.environment_files))
    if task.operating_system == "linux":
        main["readonlyRootFilesystem"] = task.read_only_root_filesystem
        main["user"] = task.user
        main["linuxParameters"] = {"initProcessEnabled": True}  # reaps zombies; ECS Exec
    if mounts:
        main["mountPoints"] = mounts
    return main


def sidecar_container(
    sidecar: SidecarSettings,
    service: ServiceSettings,
    logging: dict[str, Any],
    where: tuple[str, str] = ("", ""),
) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": sidecar.name,
        "image": sidecar.image,
        "essential": sidecar.essential,
        "cpu": sidecar.cpu,
        "environment": variables(sidecar.environment),
        "logConfiguration": logging,
        "privileged": False,
    }
    if sidecar.memory is not None:
        container["memory"] = sidecar.memory
    _options(
        container,
        portMappings=port_mappings(sidecar.name, sidecar.port) if sidecar.port else None,
        command=sidecar.command,  # (a sidecar's empty command is left out: the image's CMD)
        entryPoint=sidecar.entry_point,
        secrets=secrets(sidecar.secrets, where),
        environmentFiles=_environment_files(sidecar.environment_files),
        dependsOn=_depends_on(sidecar.depends_on),
        healthCheck=health_check(sidecar.health_check) if sidecar.health_check else None,
        mountPoints=sidecar_mount_points(sidecar, service),
    )
    if service.operating_system == "linux":
        read_only = sidecar.read_only_root_filesystem
        container["readonlyRootFilesystem"] = (
            service.read_only_root_filesystem if read_only is None else read_only
        )
        container["user"] = sidecar.user or service.user
    return container
