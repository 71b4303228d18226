"""A service's task volumes (`services.<name>.volumes`): an EFS file system the team has, one the
stack creates (`efs: create`), or an empty volume the task's containers share.

AWS's rules for a task's EFS volume (ECS developer guide, efs-volumes.md, EFSVolumeConfiguration):
an access point or IAM authorization needs transit encryption; with an access point the root
directory must be left out or `/` (the access point's path applies).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from settings.containers import ContainerName
from settings.types import (
    ACCESS_POINT_ID_PATTERN,
    FILE_SYSTEM_ID_PATTERN,
    AbsolutePath,
    Settings,
)

CREATE = "create"


class EfsVolumeSettings(Settings):
    """An EFS file system the team already has (same account and region as the stack)."""

    file_system_id: Annotated[str, Field(pattern=FILE_SYSTEM_ID_PATTERN)] = Field(
        description="The file system (fs-...)."
    )
    access_point_id: Annotated[str, Field(pattern=ACCESS_POINT_ID_PATTERN)] | None = Field(
        None, description="An access point of it (fsap-...): its path and POSIX user apply."
    )
    root_directory: AbsolutePath = Field(
        "/", description="Directory of the file system to mount (only / with an access point)."
    )
    read_only: bool = Field(
        False, description="Mount read-only; the task role gets ClientMount without ClientWrite."
    )
    transit_encryption: bool = Field(True, description="TLS between the task and EFS (ECS.18).")
    iam: bool = Field(
        True,
        description="IAM authorization: EFS checks the task role, which is granted this file"
        " system (and access point) only.",
    )


def _efs_form(value: Any) -> str:
    return "efs[create]" if isinstance(value, str) else "efs[existing]"


# `create` or a mapping, told apart by the value's type, so a bad mapping gets the mapping's errors
# only (the "[...]" tags are left out of error paths: settings/partial.py clean_location).
EfsOption = Annotated[
    Annotated[Literal["create"], Tag("efs[create]")]
    | Annotated[EfsVolumeSettings, Tag("efs[existing]")],
    Discriminator(_efs_form),
]


class VolumeSettings(Settings):
    """One task volume, mounted in the service's container at `mountPath`; sidecars mount it by
    name (`sidecars[].volumes`)."""

    name: ContainerName = Field(description="Volume name (unique in the service).")
    mount_path: AbsolutePath = Field(description="Where the service's container sees it.")
    read_only: bool = Field(False, description="Mount it read-only in the service's container.")
    efs: EfsOption | None = Field(
        None,
        description="An existing EFS file system, or create for the stack's own (encrypted,"
        " backed up, an access point per service volume); none: an empty volume the task's"
        " containers share.",
    )

    @property
    def creates_file_system(self) -> bool:
        return self.efs == CREATE

    @property
    def existing_efs(self) -> EfsVolumeSettings | None:
        return self.efs if isinstance(self.efs, EfsVolumeSettings) else None
