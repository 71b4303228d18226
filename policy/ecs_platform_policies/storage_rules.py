"""EFS controls (Security Hub FSBP EFS.*) and the platform's rules for EFS volumes of tasks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from .ecs_rules import TASK_DEFINITION
from .model import Context, Resource, Rule, as_json, as_list, truthy

FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
ACCESS_POINT = "aws:efs/accessPoint:AccessPoint"
BACKUP_POLICY = "aws:efs/backupPolicy:BackupPolicy"
FILE_SYSTEM_POLICY = "aws:efs/fileSystemPolicy:FileSystemPolicy"
Findings = Iterator[tuple[Resource, str]]


def encrypted(file_system: Resource, _: Context) -> Iterator[str]:
    if not truthy(file_system.get("encrypted")):
        yield "file system is not encrypted at rest"


def _configuring(target: Resource, resources: Sequence[Resource], type_: str) -> list[Resource]:
    return [
        r
        for r in resources
        if r.type == type_ and target.urn in r.property_dependencies.get("fileSystemId", ())
    ]


def backups(resources: Sequence[Resource], _: Context) -> Findings:
    for file_system in (r for r in resources if r.type == FILE_SYSTEM):
        policies = _configuring(file_system, resources, BACKUP_POLICY)
        if not any(
            str(p.get("backupPolicy", "status", default="")).upper() == "ENABLED" for p in policies
        ):
            yield file_system, "file system has no backup policy with status ENABLED"


def _denies_plain_transport(document: object) -> bool:
    parsed = as_json(document)
    statements = as_list(parsed.get("Statement")) if isinstance(parsed, Mapping) else []
    return any(
        isinstance(s, Mapping)
        and s.get("Effect") == "Deny"
        and str((s.get("Condition") or {}).get("Bool", {}).get("aws:SecureTransport")).lower()
        == "false"
        for s in statements
    )


def tls_only(resources: Sequence[Resource], _: Context) -> Findings:
    for file_system in (r for r in resources if r.type == FILE_SYSTEM):
        policies = _configuring(file_system, resources, FILE_SYSTEM_POLICY)
        if not any(_denies_plain_transport(p.get("policy")) for p in policies):
            yield (
                file_system,
                "no file system policy denies clients without TLS (without a policy EFS lets"
                " any client that reaches a mount target in)",
            )


def access_point_root(point: Resource, _: Context) -> Iterator[str]:
    path = str(point.get("rootDirectory", "path", default="/") or "/")
    if path == "/":
        yield "access point exposes the file system's root directory"


def access_point_user(point: Resource, _: Context) -> Iterator[str]:
    if not point.get("posixUser"):
        yield "access point does not enforce a POSIX user"


def iam_authorization(task: Resource, _: Context) -> Iterator[str]:
    for volume in as_list(task.get("volumes")):
        efs = volume.get("efsVolumeConfiguration") if isinstance(volume, Mapping) else None
        if not efs:
            continue
        iam = str((efs.get("authorizationConfig") or {}).get("iam", "DISABLED")).upper()
        if iam != "ENABLED":
            yield f"EFS volume {volume.get('name')} mounts without IAM authorization"


STORAGE_RULES: tuple[Rule, ...] = (
    Rule(
        "efs-1-8-encrypted-at-rest",
        "EFS.1 / EFS.8",
        "EFS file systems are encrypted at rest.",
        "Set encrypted true (the stack's own file system always is).",
        (FILE_SYSTEM,),
        encrypted,
    ),
    Rule(
        "efs-2-backups",
        "EFS.2",
        "EFS file systems are backed up (a backup policy with status ENABLED).",
        "Add an aws.efs.BackupPolicy with status ENABLED for the file system.",
        stack_check=backups,
    ),
    Rule(
        "efs-3-access-point-root-directory",
        "EFS.3",
        "EFS access points enforce a root directory.",
        "Give the access point a rootDirectory path other than /.",
        (ACCESS_POINT,),
        access_point_root,
    ),
    Rule(
        "efs-4-access-point-user",
        "EFS.4",
        "EFS access points enforce a user identity.",
        "Give the access point a posixUser.",
        (ACCESS_POINT,),
        access_point_user,
    ),
    Rule(
        "efs-tls-only",
        "platform (EFS)",
        "EFS file systems have a policy that denies clients without TLS.",
        "Add an aws.efs.FileSystemPolicy denying the client actions when aws:SecureTransport"
        " is false.",
        stack_check=tls_only,
    ),
    Rule(
        "ecs-efs-iam-authorization",
        "platform (EFS)",
        "Task definitions mount EFS with IAM authorization (EFS checks the task role).",
        "Keep volumes[].efs.iam true (the default).",
        (TASK_DEFINITION,),
        iam_authorization,
    ),
)
