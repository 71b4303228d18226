"""The task's container definitions as ECS wants them: a pure builder, tested directly."""

from __future__ import annotations

from typing import Any

from settings.service import ServiceSettings

PORT_NAME = "http"
DATA_VOLUME = "data"


def container_definitions(
    name: str,
    service: ServiceSettings,
    *,
    image: str,
    log_group: str,
    region: str,
) -> list[dict[str, Any]]:
    """The task's containers as ECS wants them (camelCase JSON); every one logs to the
    service's own group."""
    linux = service.operating_system == "linux"

    def logging(stream_prefix: str) -> dict[str, Any]:
        return {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": log_group,
                "awslogs-region": region,
                "awslogs-stream-prefix": stream_prefix,
            },
        }

    main: dict[str, Any] = {
        "name": name,
        "image": image,
        "essential": True,
        "environment": [{"name": k, "value": v} for k, v in sorted(service.environment.items())],
        "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(service.secrets.items())],
        "logConfiguration": logging(name),
        "stopTimeout": service.stop_timeout_seconds,
        "privileged": False,
    }
    if service.port is not None:
        main["portMappings"] = [
            {
                "name": PORT_NAME,
                "containerPort": service.port,
                "protocol": "tcp",
                "appProtocol": "http",
            }
        ]
    if service.command is not None:
        main["command"] = service.command
    if service.entry_point is not None:
        main["entryPoint"] = service.entry_point
    if linux:
        main["readonlyRootFilesystem"] = service.read_only_root_filesystem
        main["user"] = service.user
        main["linuxParameters"] = {"initProcessEnabled": True}  # reaps zombies; ECS Exec
    mounts = [
        {"sourceVolume": f"scratch-{index}", "containerPath": path, "readOnly": False}
        for index, path in enumerate(service.writable_paths)
    ]
    if service.ebs_volume is not None:
        mounts.append(
            {
                "sourceVolume": DATA_VOLUME,
                "containerPath": service.ebs_volume.mount_path,
                "readOnly": False,
            }
        )
    if mounts:
        main["mountPoints"] = mounts
    check = service.container_health_check
    if check is not None:
        main["healthCheck"] = {
            "command": check.command,
            "interval": check.interval_seconds,
            "timeout": check.timeout_seconds,
            "retries": check.retries,
            "startPeriod": check.start_period_seconds,
        }
    sidecars = []
    for sidecar in service.sidecars:
        container: dict[str, Any] = {
            "name": sidecar.name,
            "image": sidecar.image,
            "essential": sidecar.essential,
            "cpu": sidecar.cpu,
            "environment": [
                {"name": k, "value": v} for k, v in sorted(sidecar.environment.items())
            ],
            "logConfiguration": logging(sidecar.name),
            "privileged": False,
        }
        if sidecar.memory is not None:
            container["memory"] = sidecar.memory
        if linux:
            container["readonlyRootFilesystem"] = service.read_only_root_filesystem
            container["user"] = service.user
        sidecars.append(container)
    return [main, *sidecars]
