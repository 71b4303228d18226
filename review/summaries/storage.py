"""What the offline plan shows of EFS: the stack's own file system and what reaches it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Summary = dict[str, Any]


def _denies(document: str | None) -> list[str]:
    return [
        f"{', '.join(s.get('Action', []))} when {json.dumps(s.get('Condition'))}"
        for s in json.loads(document or "{}").get("Statement", [])
        if s.get("Effect") == "Deny"
    ]


def efs_volume(volume: dict[str, Any]) -> str:
    """One task volume as a line: `uploads: efs fs-... ap fsap-... tls iam` or `shared`."""
    efs = volume.get("efsVolumeConfiguration")
    if not efs:
        return f"{volume.get('name')}: shared" + (
            " (EBS)" if volume.get("configureAtLaunch") else ""
        )
    authorization = efs.get("authorizationConfig") or {}
    parts = [f"{volume.get('name')}: efs {efs.get('fileSystemId')}"]
    if authorization.get("accessPointId"):
        parts.append(f"ap {authorization['accessPointId']}")
    elif efs.get("rootDirectory"):
        parts.append(f"root {efs['rootDirectory']}")
    parts.append(f"tls={efs.get('transitEncryption')} iam={authorization.get('iam')}")
    return " ".join(parts)


STORAGE_SUMMARIES: dict[str, Callable[[dict[str, Any]], Summary]] = {
    "aws:efs/fileSystem:FileSystem": lambda i: {
        "encrypted": i.get("encrypted"),
        "throughput": i.get("throughputMode"),
        "performance": i.get("performanceMode"),
    },
    "aws:efs/mountTarget:MountTarget": lambda i: {"subnet": i.get("subnetId")},
    "aws:efs/accessPoint:AccessPoint": lambda i: {
        "root": (i.get("rootDirectory") or {}).get("path"),
        "posixUser": "{uid}:{gid}".format(**(i.get("posixUser") or {"uid": "?", "gid": "?"})),
    },
    "aws:efs/backupPolicy:BackupPolicy": lambda i: {
        "backups": (i.get("backupPolicy") or {}).get("status")
    },
    "aws:efs/fileSystemPolicy:FileSystemPolicy": lambda i: {"denies": _denies(i.get("policy"))},
}
