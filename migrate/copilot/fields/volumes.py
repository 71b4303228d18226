"""Copilot's `storage.volumes` (a mapping by name) as this project's `volumes` list
(settings/storage.py), and the names they take here."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from migrate.copilot.context import Context
from migrate.copilot.values import placeholder
from settings.rules.storage import RESERVED_VOLUME

NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}$")


def volume_name(name: str) -> str:
    """A Copilot volume or container name in this project's form (lower case, hyphens):
    `externalEFSVolume` -> `external-efs-volume`."""
    kebab = re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", name)
    kebab = re.sub(r"[^a-z0-9-]+", "-", kebab.lower()).strip("-")
    return kebab[:31] or "volume"


def task_volume_names(names: Iterable[Any]) -> dict[str, str]:
    """Each Copilot volume name (of one manifest's storage.volumes) as its volume's name here:
    volume_name's form, and a name the task uses itself (settings/rules/storage.py
    RESERVED_VOLUME: data, *scratch*) renamed with `scratch` as `tmp` and `-volume` added, then
    a number while it meets another volume's name."""
    given = [str(name) for name in names]
    plain = {name: volume_name(name) for name in given}
    out: dict[str, str] = {}
    for name in given:
        if not RESERVED_VOLUME.match(plain[name]):
            out[name] = plain[name]
            continue
        base = plain[name].replace("scratch", "tmp")[: 31 - len("-volume-99")] + "-volume"
        taken = {v for k, v in plain.items() if k != name} | set(out.values())
        found, number = base, 1
        while found in taken:
            number += 1
            found = f"{base}-{number}"
        out[name] = found
    return out


def volumes(context: Context, value: Any, path: str) -> None:
    """`storage.volumes` as the `volumes` list (a job's are reported: jobs have none here)."""
    if context.type == "Scheduled Job":
        context.not_mapped(
            path,
            "a job here has no task volumes: mount the data another way"
            " (S3), or run the work as a service",
        )
        return
    if not isinstance(value, dict):
        context.not_mapped(path, f"expected a mapping of volumes, got {value!r}")
        return
    written = []
    names = task_volume_names(value)
    for name, body in value.items():
        at = f"{path}.{name}"
        body = body or {}
        entry: dict[str, Any] = {"name": names[str(name)]}
        entry["mountPath"] = body.get("path")
        # Copilot's read_only defaults to true (site/content/docs/include/storage.en.md).
        entry["readOnly"] = bool(body.get("read_only", True))
        note = f"volumes[{len(written)}] {entry['name']}"
        if entry["name"] != volume_name(str(name)):
            context.changed(at, f"{note}: renamed, {volume_name(str(name))!r} is a name the task"
                            " uses itself here (data: its EBS volume; *scratch*: the"
                            " writablePaths' volumes), which the plan refuses; the sidecars'"
                            " mount_points naming it follow")  # fmt: skip
        elif entry["name"] != name:
            context.changed(at, f"{note}: renamed (names here are lower case with hyphens)")
        else:
            context.mapped(at, note)
        if "read_only" not in body:
            context.mapped(f"{at}.read_only", "absent: Copilot's default true written as readOnly")
        for key in set(body) - {"path", "read_only", "efs"}:
            context.not_mapped(f"{at}.{key}", "unknown field: not written")
        if "efs" in body:
            efs = _efs(context, body["efs"], f"{at}.efs")
            if efs is not None:
                entry["efs"] = efs
        written.append(entry)
    context.put("volumes", written)


def _efs(context: Context, value: Any, path: str) -> Any:
    if value is True:
        context.changed(
            path,
            "efs: create makes a new file system owned by this stack (backed"
            " up, encrypted); Copilot's managed file system is deleted with its"
            " environment: copy the data over first (AWS DataSync), see MIGRATION.md",
        )
        return "create"
    if value is False:
        context.mapped(path, "no file system: an empty volume the task's containers share")
        return None
    if not isinstance(value, dict):
        context.not_mapped(path, f"unknown efs form {value!r}: not written")
        return None
    if "uid" in value or "gid" in value:
        context.not_mapped(
            path,
            "a managed file system with a POSIX user: written as efs: create;"
            " the uid/gid of its access point are not set here",
        )
        return "create"
    efs: dict[str, Any] = {}
    fs = value.get("id")
    if isinstance(fs, dict):
        efs["fileSystemId"] = placeholder(f"the file system of export {fs.get('from_cfn')}")
        context.not_mapped(f"{path}.id", "from_cfn: give the fs-... id (a placeholder is written)")
    elif fs is not None:
        efs["fileSystemId"] = str(fs)
        context.mapped(f"{path}.id", "efs.fileSystemId; its mount targets' security group must"
                       " admit this stack's tasks on NFS (2049: the stack output"
                       " serviceSecurityGroupIds), and a file system policy the task role"
                       " (Copilot's environment group was admitted instead)")  # fmt: skip
    if "root_dir" in value:
        efs["rootDirectory"] = value["root_dir"]
        context.mapped(f"{path}.root_dir", "efs.rootDirectory")
    auth = value.get("auth") or {}
    if "iam" in auth:
        efs["iam"] = bool(auth["iam"])
        context.mapped(f"{path}.auth.iam", "efs.iam")
    if "access_point_id" in auth:
        efs["accessPointId"] = auth["access_point_id"]
        context.mapped(f"{path}.auth.access_point_id", "efs.accessPointId")
    for key in set(value) - {"id", "root_dir", "auth"}:
        context.not_mapped(f"{path}.{key}", "unknown field: not written")
    return efs
