"""What a container of a task may declare beyond the service's own keys: its health check, its
start order (`dependsOn`), its mounts of the task's volumes, and the sidecar containers."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from settings.secrets import SecretReference
from settings.types import (
    CONTAINER_USER_PATTERN,
    ENVIRONMENT_FILE_PATTERN,
    IMAGE_URI_PATTERN,
    AbsolutePath,
    EnvName,
    HealthCheckCommand,
    Settings,
    unique,
)

CONTAINER_NAME_PATTERN = r"^[a-z][a-z0-9-]{0,30}$"
ContainerName = Annotated[str, Field(pattern=CONTAINER_NAME_PATTERN)]
EnvironmentFile = Annotated[str, Field(pattern=ENVIRONMENT_FILE_PATTERN)]
EnvironmentFiles = Annotated[list[EnvironmentFile], AfterValidator(unique)]
Secrets = dict[EnvName, SecretReference]


class ContainerHealthCheckSettings(Settings):
    command: HealthCheckCommand = Field(
        description='Docker health check, like ["CMD-SHELL", "curl -f localhost:8080/health"].'
    )
    interval_seconds: int = Field(15, ge=5, le=300, description="Seconds between checks.")
    timeout_seconds: int = Field(5, ge=2, le=60, description="Seconds before a check fails.")
    retries: int = Field(3, ge=1, le=10, description="Failures before unhealthy.")
    start_period_seconds: int = Field(30, ge=0, le=300, description="Grace after start.")


class DependsOnSettings(Settings):
    """ECS `dependsOn`: start after another container of the task reaches `condition` (the
    order is reversed at shutdown; ECS developer guide, task_definition_parameters.md)."""

    container_name: ContainerName = Field(
        description="Another container of the task: the service's name or a sidecar's."
    )
    condition: Literal["START", "COMPLETE", "SUCCESS", "HEALTHY"] = Field(
        "START",
        description="START (started), COMPLETE (exited), SUCCESS (exited 0; both only for a"
        " non-essential container) or HEALTHY (its health check passes).",
    )


class MountSettings(Settings):
    """A volume of the task (`services.<name>.volumes`) mounted in a sidecar."""

    name: ContainerName = Field(description="A volume declared under the service's volumes.")
    mount_path: AbsolutePath = Field(description="Where this container sees it.")
    read_only: bool = Field(False, description="Mount it read-only in this container.")


class SidecarSettings(Settings):
    """A container beside the service's own, as hardened by default: the service's user and
    read-only root file system, never privileged, logs to the service's group."""

    name: ContainerName = Field(description="Name.")
    image: str = Field(pattern=IMAGE_URI_PATTERN, description="Full image URI.")
    cpu: int = Field(0, ge=0, le=16384, description="CPU units reserved.")
    memory: int | None = Field(None, ge=6, le=122880, description="Hard memory limit (MiB).")
    essential: bool = Field(False, description="Stop the task when this container stops.")
    port: int | None = Field(
        None, ge=1, le=65535, description="Container port (routing.targetContainer can name it)."
    )
    command: list[str] | None = Field(None, description="Container command.")
    entry_point: list[str] | None = Field(None, description="Container entry point.")
    environment: dict[EnvName, str] = Field(default_factory=dict, description="Variables.")
    environment_files: EnvironmentFiles = Field(
        default_factory=list, description="Environment files in S3 (arn:aws:s3:::bucket/x.env)."
    )
    secrets: Secrets = Field(
        default_factory=dict,
        description="Variables from SSM or Secrets Manager (as the service's).",
    )
    health_check: ContainerHealthCheckSettings | None = Field(
        None, description="Container health check (dependsOn HEALTHY needs one)."
    )
    depends_on: list[DependsOnSettings] = Field(
        default_factory=list, description="Containers that must start (or pass) first."
    )
    user: Annotated[str, Field(pattern=CONTAINER_USER_PATTERN)] | None = Field(
        None, description="User it runs as (default: the service's user)."
    )
    read_only_root_filesystem: bool | None = Field(
        None, description="Read-only root file system (default: the service's setting)."
    )
    writable_paths: Annotated[list[AbsolutePath], AfterValidator(unique)] = Field(
        default_factory=list, description="Scratch volumes of its own, mounted writable."
    )
    volumes: list[MountSettings] = Field(
        default_factory=list, description="The service's volumes this container mounts too."
    )
