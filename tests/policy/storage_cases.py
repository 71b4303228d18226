"""Broken cases of the EFS policies, on the `existing` fixture (prod has no file system)."""

from __future__ import annotations

from typing import Any

from policy_cases import TD, Case, drop, edit, protect, remover, setter

FILE_SYSTEM = ("aws:efs/fileSystem:FileSystem", "efs-fs")
ACCESS_POINT = ("aws:efs/accessPoint:AccessPoint", "efs-worker-reports")
WEB_TASK = (TD, "web-task")


def efs_iam_off(props: dict[str, Any]) -> None:
    for volume in props["volumes"]:
        if "efsVolumeConfiguration" in volume:
            volume["efsVolumeConfiguration"]["authorizationConfig"]["iam"] = "DISABLED"


STORAGE_CASES: dict[str, Case] = {
    "efs-1-8-encrypted-at-rest": Case(FILE_SYSTEM, edit(*FILE_SYSTEM, remover("encrypted"))),
    "efs-2-backups": Case(FILE_SYSTEM, drop("aws:efs/backupPolicy:BackupPolicy", "efs-backup")),
    "efs-tls-only": Case(
        FILE_SYSTEM, drop("aws:efs/fileSystemPolicy:FileSystemPolicy", "efs-policy")
    ),
    "efs-3-access-point-root-directory": Case(
        ACCESS_POINT, edit(*ACCESS_POINT, setter("rootDirectory", "path", value="/"))
    ),
    "efs-4-access-point-user": Case(ACCESS_POINT, edit(*ACCESS_POINT, remover("posixUser"))),
    "ecs-efs-iam-authorization": Case(WEB_TASK, edit(*WEB_TASK, efs_iam_off)),
}
# production-data-protected has its case on prod (a repository); the file system is data too.
UNPROTECTED_FILE_SYSTEM = protect(*FILE_SYSTEM, value=False)
