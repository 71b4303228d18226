"""The task volumes, mounts and EFS grants of a service: pure builders, tested directly."""

from __future__ import annotations

from typing import Any

import pytest

from components.service.volumes import efs_statements, mount_points, task_volumes
from settings.service import ServiceSettings

FILE_SYSTEM = "fs-0123456789abcdef0"


def service(volume: dict[str, Any], **extra: Any) -> ServiceSettings:
    return ServiceSettings.model_validate(
        {"image": {"uri": "ghcr.io/o/app:1"}, "volumes": [volume], **extra}
    )


def statements_of(settings: ServiceSettings) -> list[dict[str, Any]]:
    # a plain account id: the builder makes no output (none may outlive a test's event loop)
    return efs_statements(settings, region="eu-west-1", account_id="123456789012")


def test_a_root_directory_without_access_point_is_mounted_as_given() -> None:
    volume = {"name": "shared", "mountPath": "/srv", "efs": {"fileSystemId": FILE_SYSTEM,
              "rootDirectory": "/exports"}}  # fmt: skip
    [entry] = task_volumes(service(volume))
    assert entry == {
        "name": "shared",
        "efs_volume_configuration": {
            "file_system_id": FILE_SYSTEM,
            "transit_encryption": "ENABLED",
            "authorization_config": {"iam": "ENABLED"},
            "root_directory": "/exports",
        },
    }


def test_an_empty_volume_is_shared_by_name() -> None:
    settings = service({"name": "cache", "mountPath": "/cache"}, writablePaths=["/tmp"])
    assert task_volumes(settings) == [{"name": "scratch-0"}, {"name": "cache"}]
    assert mount_points(settings)[-1] == {
        "sourceVolume": "cache", "containerPath": "/cache", "readOnly": False
    }  # fmt: skip


@pytest.mark.parametrize(
    ("efs", "sidecar_mount", "actions"),
    [
        ({"readOnly": True}, False, ["elasticfilesystem:ClientMount"]),
        ({}, None, ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]),
        # the service reads only, a sidecar writes: the task role must write
        ({}, False, ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]),
        ({"iam": False}, None, None),  # EFS does not ask IAM: no grant at all
    ],
)
def test_the_task_role_writes_only_where_a_container_writes(
    efs: dict[str, Any], sidecar_mount: bool | None, actions: list[str] | None
) -> None:
    read_only = sidecar_mount is not None
    volume = {"name": "data1", "mountPath": "/d", "readOnly": read_only,
              "efs": {"fileSystemId": FILE_SYSTEM, **efs}}  # fmt: skip
    sidecars = (
        [{"name": "agent", "image": "ghcr.io/o/agent:1",
          "volumes": [{"name": "data1", "mountPath": "/d", "readOnly": sidecar_mount}]}]
        if sidecar_mount is not None else []
    )  # fmt: skip
    found = statements_of(service(volume, sidecars=sidecars))
    if actions is None:
        assert found == []
        return
    assert found == [
        {
            "Effect": "Allow",
            "Action": actions,
            "Sid": "MountVolume0",
            "Resource": [
                f"arn:aws:elasticfilesystem:eu-west-1:123456789012:file-system/{FILE_SYSTEM}"
            ],
        }
    ]
