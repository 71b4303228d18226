"""The task's container definitions as ECS wants them: pure builders, tested directly."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi

from settings.service import ServiceSettings, SidecarSettings, TaskSettings

PORT_NAME = "http"
DATA_VOLUME = "data"
# ECS Exec with a read-only root file system. AWS documents it as NOT supported: "The SSM agent
# requires that the container file system is able to be written to ... making the root file
# system read-only ... isn't supported" (ECS developer guide, "Using Amazon ECS Exec",
# Considerations; unchanged in 2026 per aws/containers-roadmap#2824). The managed agent writes
# below these three paths only; mounting them as writable task volumes is the workaround users
# report in aws/containers-roadmap#1359 and aws-containers/amazon-ecs-exec-checker#71 (which
# still flags readonlyRootFilesystem, #21). Check `ecs-platform svc exec` after each agent update.
EXEC_AGENT_PATHS = ("/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm")


def container_definitions(
    name: str,
    service: ServiceSettings,
    *,
    image: str,
    log_group: str,
    region: str,
    derived_environment: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The task's containers as ECS wants them (camelCase JSON); every one logs to the
    service's own group. `derived_environment` (queue URLs, ...) joins the main container's."""
    main = main_container(name, service, image=image, logging=logging(log_group, region, name))
    if derived_environment:
        main["environment"] = variables({**service.environment, **derived_environment})
    sidecars = [
        sidecar_container(sidecar, service, logging(log_group, region, sidecar.name))
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
) -> pulumi.Output[str]:
    """`container_definitions` as the JSON document the task definition takes."""
    return pulumi.Output.all(image, log_group, pulumi.Output.all(**derived_environment)).apply(
        lambda values: json.dumps(
            container_definitions(
                name,
                service,
                image=values[0],
                log_group=values[1],
                region=region,
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


def main_container(
    name: str, service: ServiceSettings, *, image: str, logging: dict[str, Any]
) -> dict[str, Any]:
    ports = None
    if service.port is not None:
        ports = [
            {
                "name": PORT_NAME,
                "containerPort": service.port,
                "protocol": "tcp",
                "appProtocol": "http",
            }
        ]
    main = task_container(
        name, service, image=image, logging=logging, ports=ports, mounts=mount_points(service)
    )
    check = service.container_health_check
    if check is not None:
        main["healthCheck"] = {
            "command": check.command,
            "interval": check.interval_seconds,
            "timeout": check.timeout_seconds,
            "retries": check.retries,
            "startPeriod": check.start_period_seconds,
        }
    return main


def writable_paths(service: ServiceSettings) -> list[str]:
    """The main container's writable scratch paths (volume `scratch-<index>` each, in this
    order): the declared `writablePaths`, then ECS Exec's agent paths when exec runs on a
    read-only root file system."""
    paths = list(service.writable_paths)
    exec_on_read_only = service.exec_enabled and service.read_only_root_filesystem
    if exec_on_read_only and service.operating_system == "linux":
        paths += [path for path in EXEC_AGENT_PATHS if path not in paths]
    return paths


def task_container(
    name: str,
    task: TaskSettings,
    *,
    image: str,
    logging: dict[str, Any],
    ports: list[dict[str, Any]] | None = None,
    mounts: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The essential container of a service's or a job's task, hardened the same way:
    read-only root, a non-root user, an init process, scratch volumes for writablePaths."""
    main: dict[str, Any] = {
        "name": name,
        "image": image,
        "essential": True,
        "environment": variables(task.environment),
        "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(task.secrets.items())],
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
    if task.operating_system == "linux":
        main["readonlyRootFilesystem"] = task.read_only_root_filesystem
        main["user"] = task.user
        main["linuxParameters"] = {"initProcessEnabled": True}  # reaps zombies; ECS Exec
    if mounts:
        main["mountPoints"] = mounts
    return main


def scratch_mounts(task: TaskSettings, paths: list[str] | None = None) -> list[dict[str, Any]]:
    """One writable scratch volume per path (`scratch-<index>`): writablePaths by default."""
    return [
        {"sourceVolume": f"scratch-{index}", "containerPath": path, "readOnly": False}
        for index, path in enumerate(task.writable_paths if paths is None else paths)
    ]


def mount_points(service: ServiceSettings) -> list[dict[str, Any]]:
    mounts = scratch_mounts(service, writable_paths(service))
    if service.ebs_volume is not None:
        mounts.append(
            {
                "sourceVolume": DATA_VOLUME,
                "containerPath": service.ebs_volume.mount_path,
                "readOnly": False,
            }
        )
    return mounts


def sidecar_container(
    sidecar: SidecarSettings, service: ServiceSettings, logging: dict[str, Any]
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
    if service.operating_system == "linux":
        container["readonlyRootFilesystem"] = service.read_only_root_filesystem
        container["user"] = service.user
    return container
