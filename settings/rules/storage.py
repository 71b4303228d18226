"""Rules for `services.<name>.volumes`: names, the EFS options AWS refuses together, and what
the stack's own file system (`efs: create`) needs.

AWS (ECS developer guide, efs-volumes.md, EFSVolumeConfiguration): "If an access point is used,
transit encryption must be enabled"; IAM authorization "If enabled, transit encryption must be
enabled"; with an access point the root directory "must either be omitted or set to /". EFS
volumes are for Linux tasks (Fargate platform 1.4.0 or later, Linux).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.rules.problem import Problem, join_path

if TYPE_CHECKING:
    from settings.platform import PlatformSettings
    from settings.storage import EfsVolumeSettings

# Names the task definition already uses: the EBS volume and the writable paths' scratch volumes.
RESERVED_VOLUME = re.compile(r"^(data|.*scratch.*)$")
NUMERIC_USER = re.compile(r"^\d+:\d+$")


def _efs_problems(path: str, efs: EfsVolumeSettings, production: bool) -> Iterable[Problem]:
    if efs.iam and not efs.transit_encryption:
        yield Problem(
            f"{path}.transitEncryption",
            "IAM authorization needs transit encryption (ECS refuses iam without it)",
        )
    if efs.access_point_id is not None:
        if not efs.transit_encryption:
            yield Problem(
                f"{path}.transitEncryption", "an access point needs transit encryption (ECS)"
            )
        if not efs.iam:
            yield Problem(
                f"{path}.iam",
                "an access point needs IAM authorization here: without it EFS does not check the"
                " task role, so any client that reaches the mount target can use it",
            )
        if efs.root_directory != "/":
            yield Problem(
                f"{path}.rootDirectory",
                "with an access point the root directory is the access point's: leave it out",
            )
    if production and not efs.transit_encryption:
        yield Problem(f"{path}.transitEncryption", "tier production encrypts EFS traffic (ECS.18)")
    elif production and not efs.iam:
        yield Problem(f"{path}.iam", "tier production mounts EFS with IAM authorization")


def volumes(settings: PlatformSettings) -> Iterable[Problem]:
    for name, service in settings.services.items():
        seen: set[str] = set()
        for index, volume in enumerate(service.volumes):
            path = join_path(["services", name, "volumes", index])
            if volume.name in seen:
                yield Problem(f"{path}.name", f"{volume.name!r} is already a volume of {name}")
            seen.add(volume.name)
            if RESERVED_VOLUME.match(volume.name):
                yield Problem(
                    f"{path}.name",
                    f"{volume.name!r} is a name the task uses itself (data, *scratch*):"
                    " choose another",
                )
            if volume.efs is None:
                continue
            if service.operating_system != "linux":
                yield Problem(f"{path}.efs", "EFS volumes are for Linux tasks only")
            existing = volume.existing_efs
            if existing is not None:
                yield from _efs_problems(f"{path}.efs", existing, settings.is_production)
            elif not NUMERIC_USER.match(service.user):
                yield Problem(
                    join_path(["services", name, "user"]),
                    f"{service.user!r}: efs: create gives the service an access point whose"
                    " POSIX user is the service's user: give it as uid:gid (like 1000:1000)",
                )


RULES = (volumes,)
