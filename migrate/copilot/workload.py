"""One Copilot workload manifest as one workload file: the base manifest mapped once, and each
Copilot environment's view of it (its `environments.<env>` section merged the way Copilot
merges, `${...}` read for that environment) written as the difference, under
`environments.<stack>` of the file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from migrate.copilot.context import Context, Handler, fixed, placeholders_changed
from migrate.copilot.fields.job import JOB_FIELDS
from migrate.copilot.fields.service import SERVICE_FIELDS
from migrate.copilot.fields.task import TASK_FIELDS
from migrate.copilot.fields.volumes import task_volume_names, volume_name
from migrate.copilot.fields.worker import QUEUE_NOTE, default_queue, subscribe
from migrate.copilot.ledger import Status
from migrate.copilot.values import Interpolation
from migrate.copilot.workspace import JOB, OUT_OF_SCOPE, WORKER, Manifest
from settings.job import JobSettings
from settings.rules.problem import PRODUCTION_MIN_LOG_RETENTION_DAYS
from settings.service import ServiceSettings

KIND_NOTES = {
    "Load Balanced Web Service": "a routed service (port and routing)",
    "Backend Service": "an internal service (a port, no routing), or a background process",
    "Worker Service": "a queue worker (queue, no port)",
    "Scheduled Job": "a job (jobs/<name>.yaml)",
}
READ_ONLY_NOTE = (
    "readOnlyRootFilesystem is true here (Copilot's default is false; production requires it):"
    " writablePaths [/tmp] is written for scratch space; add any other path the app writes to"
)
USER_NOTE = (
    "the container runs as user 1000:1000 here (Copilot: the image's USER, often root;"
    " production refuses root): make the image run as that user, or set user"
)
# Copilot's sidecars get no ReadonlyRootFilesystem and no User (aws/copilot-cli
# internal/pkg/template/templates/workloads/partials/cf/sidecars.yml); here a sidecar takes the
# service's (settings/containers.py SidecarSettings).
SIDECAR_NOTE = (
    "sidecar {name}: {root}runs as the service's user 1000:1000 (Copilot's sidecars run as the"
    " image's USER, often root): writablePaths [/tmp] is written for scratch space; add any"
    " other path it writes to, or set the sidecar's user or readOnlyRootFilesystem"
)
SIDECAR_ROOT = "has the service's read-only root file system (Copilot's sidecars: writable) and "


@dataclass
class MappedWorkload:
    """`section` (services or jobs), `name`, the file's `body`, the ledger's entries
    ((path, status, note), paths as written in the manifest), and `views`: each stack's
    settings of the workload, whole (what the stack needs for them)."""

    section: str
    name: str
    body: dict[str, Any]
    entries: list[tuple[str, Status, str]] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)


def map_workload(
    manifest: Manifest,
    app: str,
    priority: int,
    stacks: Mapping[str, str],
    tiers: Mapping[str, str] | None = None,
) -> MappedWorkload:
    """`manifest` as a workload file, overrides keyed by stack (`stacks`: Copilot environment
    -> stack name; `tiers`: stack -> tier); an empty body (with one entry) for a type this
    project has no counterpart for."""
    section = "jobs" if manifest.type == JOB else "services"
    if manifest.type in OUT_OF_SCOPE:
        why = f"part of a {manifest.type}, which is not imported: see its type"
        entries: list[tuple[str, Status, str]] = [
            ("type", "not mapped", OUT_OF_SCOPE[manifest.type]),
            *((str(key), "not mapped", why) for key in manifest.body if key != "type"),
        ]
        return MappedWorkload(section, manifest.name, {}, entries)
    body = {k: v for k, v in manifest.body.items() if k != "environments"}
    overrides = manifest.body.get("environments") or {}
    base = _map(manifest, body, Interpolation(app), priority)
    result = MappedWorkload(section, manifest.name, base.out, list(base.entries))
    result.entries += _default_changes(manifest)
    if "writablePaths" not in base.out:
        base.out["writablePaths"] = ["/tmp"]
    if not isinstance(overrides, Mapping):
        result.entries.append(("environments", "not mapped", "expected a mapping: not written"))
        overrides = {}
    written: dict[str, Any] = {}
    for env in [*stacks, *(e for e in overrides if e not in stacks)]:
        if env not in stacks:
            note = "no such environment in copilot/environments: Copilot never deploys it"
            result.entries.append((f"environments.{env}", "not mapped", note))
            continue
        override = overrides.get(env) or {}
        merged = copilot_merge(body, override)
        view = _map(manifest, merged, Interpolation(app, env, stacks[env]), priority)
        view.out.setdefault("writablePaths", base.out.get("writablePaths"))
        if view.out["writablePaths"] is None:
            view.out.pop("writablePaths")
        if (tiers or {}).get(stacks[env]) == "production":
            result.entries += _production_logs(view.out, stacks[env])
        result.views[stacks[env]] = view.out
        difference = diff(base.out, view.out)
        if difference:
            written[stacks[env]] = difference
        result.entries += [(f"environments.{env}.{p}", s, n) for p, s, n in view.entries
                           if _written_in(override, p) and not p.endswith(BASE_ONLY)]  # fmt: skip
    result.body = ordered(base.out, section)
    if written:
        result.body["environments"] = {s: ordered(o, section) for s, o in written.items()}
    return result


def ordered(body: dict[str, Any], section: str) -> dict[str, Any]:
    """`body` with its keys in the order the settings model declares them."""
    model = JobSettings if section == "jobs" else ServiceSettings
    order = {(f.alias or n): i for i, (n, f) in enumerate(model.model_fields.items())}
    return dict(sorted(body.items(), key=lambda item: order.get(item[0], len(order))))


def _map(
    manifest: Manifest, body: dict[str, Any], interpolation: Interpolation, priority: int
) -> Context:
    context = Context(manifest.file, manifest.name, manifest.type, interpolation.app,
                      interpolation, priority)  # fmt: skip
    handlers: dict[str, Handler] = {
        **TASK_FIELDS,
        "type": fixed("mapped", f"{manifest.type}: {KIND_NOTES[manifest.type]}; the kind"
                      " follows from the keys here"),
    }  # fmt: skip
    if manifest.type == JOB:
        handlers.update(JOB_FIELDS)
    else:
        handlers.update(SERVICE_FIELDS)
    if manifest.type == WORKER:
        handlers["subscribe"] = subscribe
        handlers["type"] = fixed("changed", f"Worker Service: {QUEUE_NOTE}")
        default_queue(context)
    storage = body.get("storage")
    declared = storage.get("volumes") if isinstance(storage, Mapping) else None
    context.volume_names = task_volume_names(declared if isinstance(declared, Mapping) else {})
    walked = interpolation.walk(body)
    context.each(walked, "", handlers)
    placeholders_changed(context, walked)
    return context


def _production_logs(out: dict[str, Any], stack: str) -> list[tuple[str, Status, str]]:
    """Tier production keeps logs a year (settings/rules/tasks.py): a shorter Copilot
    retention is raised in that stack, and said."""
    days = out.get("logRetentionDays")
    if not isinstance(days, int) or days >= PRODUCTION_MIN_LOG_RETENTION_DAYS:
        return []
    out["logRetentionDays"] = PRODUCTION_MIN_LOG_RETENTION_DAYS
    return [(f"logging.retention (stack {stack})", "changed", f"logRetentionDays"
             f" {PRODUCTION_MIN_LOG_RETENTION_DAYS} in stack {stack}: tier production keeps"
             f" logs a year (Copilot's {days})")]  # fmt: skip


def _default_changes(manifest: Manifest) -> list[tuple[str, Status, str]]:
    found: list[tuple[str, Status, str]] = []
    storage = manifest.body.get("storage")
    if not (isinstance(storage, Mapping) and "readonly_fs" in storage):
        found.append(("storage.readonly_fs (absent)", "changed", READ_ONLY_NOTE))
    found.append(("(the container's user)", "changed", USER_NOTE))
    sidecars = manifest.body.get("sidecars")
    if manifest.type != JOB and isinstance(sidecars, Mapping):
        writable = isinstance(storage, Mapping) and storage.get("readonly_fs") is False
        for name in sidecars:
            note = SIDECAR_NOTE.format(name=volume_name(str(name)),
                                       root="" if writable else SIDECAR_ROOT)  # fmt: skip
            found.append((f"sidecars.{name} (its user and root file system)", "changed", note))
    return found


def copilot_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """`override` applied the way Copilot applies `environments.<env>`: maps merge, lists and
    scalars replace, an explicit null keeps the base value, `image.location` and `image.build`
    replace each other, and so do `count.spot` and autoscaling (aws/copilot-cli
    internal/pkg/manifest/transform.go)."""
    out = dict(base)
    for key, value in override.items():
        if value is None:
            continue
        current = out.get(key)
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            current = dict(current)
            if key == "image":
                for one, other in (("location", "build"), ("build", "location")):
                    if one in value:
                        current.pop(other, None)
            if key == "count":
                _count_override(current, value)
            out[key] = copilot_merge(current, value)
        else:
            out[key] = value
    return out


# internal/pkg/manifest/svc.go: `hasAutoscaling` (a range or a scaling field) and
# `unsetAutoscaling` (those and the cooldown).
SCALING_FIELDS = ("cpu_percentage", "memory_percentage", "requests", "response_time", "queue_delay")


def _count_override(current: dict[str, Any], value: Mapping[str, Any]) -> None:
    """transform.go `advancedCountTransformer`: an override's `spot` unsets the base's
    autoscaling, and an override's autoscaling (a range or a scaling field) unsets its spot."""
    if value.get("spot") is not None:
        for key in ("range", "cooldown", *SCALING_FIELDS):
            current.pop(key, None)
    if any(value.get(key) is not None for key in ("range", *SCALING_FIELDS)):
        current.pop("spot", None)


def diff(base: Mapping[str, Any], full: Mapping[str, Any]) -> dict[str, Any]:
    """What `environments.<stack>` must say so that settings/merge.py turns `base` into `full`
    (maps merge, lists and scalars replace, null removes)."""
    out: dict[str, Any] = {}
    for key, value in full.items():
        if key not in base:
            out[key] = value
        elif isinstance(value, Mapping) and isinstance(base[key], Mapping):
            inner = diff(base[key], value)
            if inner:
                out[key] = inner
        elif value != base[key]:
            out[key] = value
    for key in base:
        if key not in full:
            out[key] = None
    return out


# Entries about the workload as a whole, made again for each environment's view: said once.
BASE_ONLY = " (rule priority)"
TOKEN = re.compile(r"\[\d+\]| \(.*\)$")


def _written_in(override: Any, path: str) -> bool:
    """Whether `path` (a ledger path of the merged manifest) was written in `override`."""
    target = override
    for part in TOKEN.sub("", path).split("."):
        if not isinstance(target, Mapping):
            return True  # a value of the override covers everything below it
        if part not in target:
            return False
        target = target[part]
    return True
