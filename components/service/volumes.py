"""A task's volumes and each container's mounts of them, and the task role's grants on its EFS
file systems: pure builders, tested directly.

Volumes: `scratch-<n>` per `writablePaths` entry of the service's container, `<sidecar>-scratch-
<n>` per sidecar `writablePaths` entry, `data` (the ECS-managed EBS volume), and each declared
`volumes` entry by its name: an empty volume the containers share, an existing EFS file system,
or one the stack created (`efs: create`, an access point per service volume).

EFS (ECS developer guide, efs-volumes.md): transit encryption and IAM authorization are set per
volume (`transitEncryption`, `authorizationConfig.iam`); with an access point the root directory
is left out. The task role is what EFS checks with IAM on: `elasticfilesystem:ClientMount`
(read), `ClientWrite` (write), bound to the access point with the condition key
`elasticfilesystem:AccessPointArn` (EFS user guide, iam-access-control-nfs-efs.md, "EFS actions
for clients" and "EFS condition keys for clients"). ClientRootAccess is never granted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from components.common import policies
from components.common.policies import Statement
from settings.containers import SidecarSettings
from settings.service import ServiceSettings, TaskSettings
from settings.storage import VolumeSettings

DATA_VOLUME = "data"
CLIENT_MOUNT, CLIENT_WRITE = "elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"


@dataclass(frozen=True)
class CreatedVolume:
    """The stack's file system and the access point it made for one service volume."""

    file_system_id: pulumi.Input[str]
    file_system_arn: pulumi.Input[str]
    access_point_id: pulumi.Input[str]
    access_point_arn: pulumi.Input[str]


def _enabled(on: bool) -> str:
    return "ENABLED" if on else "DISABLED"


def _efs_configuration(volume: VolumeSettings, created: CreatedVolume | None) -> dict[str, Any]:
    existing = volume.existing_efs
    if existing is None:
        assert created is not None  # efs: create (the component made its access point)
        return {
            "file_system_id": created.file_system_id,
            "transit_encryption": "ENABLED",
            "authorization_config": {"access_point_id": created.access_point_id, "iam": "ENABLED"},
        }
    configuration: dict[str, Any] = {
        "file_system_id": existing.file_system_id,
        "transit_encryption": _enabled(existing.transit_encryption),
        "authorization_config": {"iam": _enabled(existing.iam)},
    }
    if existing.access_point_id is not None:
        configuration["authorization_config"]["access_point_id"] = existing.access_point_id
    else:
        configuration["root_directory"] = existing.root_directory
    return configuration


# ECS Exec with a read-only root file system. AWS documents it as NOT supported: "The SSM agent
# requires that the container file system is able to be written to ... making the root file
# system read-only ... isn't supported" (ECS developer guide, "Using Amazon ECS Exec",
# Considerations; unchanged in 2026 per aws/containers-roadmap#2824). The managed agent writes
# below these three paths only; mounting them as writable task volumes is the workaround users
# report in aws/containers-roadmap#1359 and aws-containers/amazon-ecs-exec-checker#71 (which
# still flags readonlyRootFilesystem, #21). Check `ecs-platform svc exec` after each agent update.
EXEC_AGENT_PATHS = ("/managed-agents", "/var/lib/amazon/ssm", "/var/log/amazon/ssm")


def writable_paths(service: ServiceSettings) -> list[str]:
    """The service container's writable scratch paths (volume `scratch-<index>` each, in this
    order): the declared `writablePaths`, then ECS Exec's agent paths when exec runs on a
    read-only root file system."""
    paths = list(service.writable_paths)
    exec_on_read_only = service.exec_enabled and service.read_only_root_filesystem
    if exec_on_read_only and service.operating_system == "linux":
        paths += [path for path in EXEC_AGENT_PATHS if path not in paths]
    return paths


def task_volumes(
    service: ServiceSettings, created: Mapping[str, CreatedVolume] | None = None
) -> list[dict[str, Any]]:
    """The task definition's `volumes` (snake_case, as the provider takes them)."""
    volumes: list[dict[str, Any]] = [
        {"name": f"scratch-{i}"} for i in range(len(writable_paths(service)))
    ]
    if service.ebs_volume is not None:
        volumes.append({"name": DATA_VOLUME, "configure_at_launch": True})
    for sidecar in service.sidecars:
        volumes += [
            {"name": f"{sidecar.name}-scratch-{i}"} for i in range(len(sidecar.writable_paths))
        ]
    for volume in service.volumes:
        entry: dict[str, Any] = {"name": volume.name}
        if volume.efs is not None:
            entry["efs_volume_configuration"] = _efs_configuration(
                volume, (created or {}).get(volume.name)
            )
        volumes.append(entry)
    return volumes


def _read_only(volume: VolumeSettings, mounted_read_only: bool) -> bool:
    existing = volume.existing_efs
    return mounted_read_only or (existing is not None and existing.read_only)


def scratch_mounts(task: TaskSettings, paths: list[str] | None = None) -> list[dict[str, Any]]:
    """One writable scratch volume per path (`scratch-<index>`): writablePaths by default."""
    return [
        {"sourceVolume": f"scratch-{index}", "containerPath": path, "readOnly": False}
        for index, path in enumerate(task.writable_paths if paths is None else paths)
    ]


def mount_points(service: ServiceSettings) -> list[dict[str, Any]]:
    """The service's own container's mounts."""
    mounts = scratch_mounts(service, writable_paths(service))
    if service.ebs_volume is not None:
        mounts.append(
            {
                "sourceVolume": DATA_VOLUME,
                "containerPath": service.ebs_volume.mount_path,
                "readOnly": False,
            }
        )
    mounts += [
        {
            "sourceVolume": volume.name,
            "containerPath": volume.mount_path,
            "readOnly": _read_only(volume, volume.read_only),
        }
        for volume in service.volumes
    ]
    return mounts


def sidecar_mount_points(sidecar: SidecarSettings, service: ServiceSettings) -> list[dict]:
    """A sidecar's own scratch volumes and its mounts of the service's volumes."""
    volumes = {volume.name: volume for volume in service.volumes}
    mounts = [
        {
            "sourceVolume": f"{sidecar.name}-scratch-{index}",
            "containerPath": path,
            "readOnly": False,
        }
        for index, path in enumerate(sidecar.writable_paths)
    ]
    mounts += [
        {
            "sourceVolume": mount.name,
            "containerPath": mount.mount_path,
            "readOnly": _read_only(volumes[mount.name], mount.read_only),
        }
        for mount in sidecar.volumes
        if mount.name in volumes
    ]
    return mounts


def _written(volume: VolumeSettings, service: ServiceSettings) -> bool:
    """Some container of the task mounts `volume` writable."""
    mounted = [volume.read_only] + [
        mount.read_only
        for sidecar in service.sidecars
        for mount in sidecar.volumes
        if mount.name == volume.name
    ]
    return any(not _read_only(volume, read_only) for read_only in mounted)


def _join(*parts: pulumi.Input[str]) -> pulumi.Input[str]:
    """The parts as one string, or as an output when one of them is (the account id)."""
    if all(isinstance(part, str) for part in parts):
        return "".join(parts)  # type: ignore[arg-type]
    return pulumi.Output.concat(*parts)


def efs_statements(
    service: ServiceSettings,
    *,
    region: str,
    account_id: pulumi.Input[str],
    created: Mapping[str, CreatedVolume] | None = None,
) -> list[Statement]:
    """One statement per EFS volume checked with IAM: ClientMount (and ClientWrite when a
    container writes to it) on exactly that file system, bound to its access point."""
    statements = []
    for index, volume in enumerate(v for v in service.volumes if v.efs is not None):
        existing = volume.existing_efs
        if existing is not None and not existing.iam:
            continue  # EFS does not ask IAM: a grant would be decoration
        if existing is not None:
            base = ("arn:aws:elasticfilesystem:", region, ":", account_id)
            file_system = _join(*base, ":file-system/", existing.file_system_id)
            access_point = (
                _join(*base, ":access-point/", existing.access_point_id)
                if existing.access_point_id is not None
                else None
            )
        else:
            made = (created or {})[volume.name]
            file_system, access_point = made.file_system_arn, made.access_point_arn
        actions = [CLIENT_MOUNT] + ([CLIENT_WRITE] if _written(volume, service) else [])
        statements.append(
            policies.statement(
                actions,
                [file_system],
                sid=f"MountVolume{index}",
                conditions=(
                    {"StringEquals": {"elasticfilesystem:AccessPointArn": access_point}}
                    if access_point is not None
                    else None
                ),
            )
        )
    return statements
