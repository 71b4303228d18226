"""A workload addon's Outputs, which Copilot wired into the workload, written into its file.
Copilot (site/content/docs/developing/addons/workload.en.md, "Writing the Outputs section";
internal/pkg/deploy/cloudformation/stack/workload.go `addonsOutputs`) injects every output
that is not a secret or a managed policy as an environment variable named in capital
SNAKE_CASE, a secret's as a secret of that name, attaches a managed policy to the task role
and a security group to the service. The import writes each the way this project takes it:
`environment`, `secrets`, `permissions`, `securityGroups`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from migrate.copilot.addons.keep import Place
from migrate.copilot.addons.templates import SUB_VARIABLE, Addon, Output
from migrate.copilot.ledger import Status
from migrate.copilot.values import placeholder
from settings.types import IAM_ACTION_PATTERN

# internal/pkg/template/template_functions.go ToSnakeCaseFunc.
LOWER_UPPER = re.compile(r"([a-z0-9]+)([A-Z])")
UPPER_LOWER = re.compile(r"([A-Z0-9])([A-Z][a-z])")
Entry = tuple[str, Status, str]


def snake_case(name: str) -> str:
    """`ddbName` -> `DDB_NAME`, `auroraSecret` -> `AURORA_SECRET`, as Copilot names them."""
    return UPPER_LOWER.sub(r"\1_\2", LOWER_UPPER.sub(r"\1_\2", name)).upper()


def apply_outputs(
    addon: Addon,
    body: dict[str, Any],
    app: str,
    workload: str,
    places: Mapping[str, Place],
    views: Mapping[str, Mapping[str, Any]],
) -> list[Entry]:
    """Write what each output of `addon` gave workload `workload` into its file `body`, per
    stack under `environments.<stack>`: every Copilot environment has its own addon stack, so
    its own resources (`views`: each stack's whole settings, for the lists an override
    replaces). The ledger entries (path `Outputs.<name>`) say what."""
    entries: list[Entry] = []
    stacks = {place.stack: env for env, place in places.items()}
    for output in addon.outputs:
        if output.kind == "policy":
            entries.append(_policy(addon, output, body, stacks, views))
            continue
        if output.kind == "secret":
            entries.append(_secret(addon, output, body, stacks))
        else:
            entries.append(_variable(addon, output, body, app, workload, places))
        if output.kind == "security group":
            entries.append(_group(addon, output, body, places, views))
    return entries


def _override(body: dict[str, Any], stack: str) -> dict[str, Any]:
    return body.setdefault("environments", {}).setdefault(stack, {})


def _in(addon: Addon, what: str, stack: str) -> str:
    return placeholder(f"{what} of {addon.file} in stack {stack}")


def _variable(
    addon: Addon,
    output: Output,
    body: dict[str, Any],
    app: str,
    workload: str,
    places: Mapping[str, Place],
) -> Entry:
    name = snake_case(output.name)
    resource = addon.resource(output.ref)
    known = 0
    for env, place in places.items():
        value = resource.physical_name(app, env, workload) if resource else None
        known += value is not None
        text = value or _in(addon, f"the value of output {output.name}", place.stack)
        _override(body, place.stack).setdefault("environment", {})[name] = text
    what = (
        "the kept resource's name"
        if known == len(places)
        else "a placeholder where the template does not name it (its value in that stack)"
    )
    return (f"Outputs.{output.name}", "changed", f"Copilot set it as the variable {name}:"
            f" written as environments.<stack>.environment.{name}, {what}")  # fmt: skip


def _secret(addon: Addon, output: Output, body: dict[str, Any], stacks: Mapping[str, str]) -> Entry:
    name = snake_case(output.name)
    for stack in stacks:
        _override(body, stack).setdefault("secrets", {})[name] = _in(
            addon, f"the secret {output.ref} (secretsmanager:<name> or its ARN)", stack
        )
    return (f"Outputs.{output.name}", "changed", f"Copilot injected the secret as {name}:"
            f" written as environments.<stack>.secrets.{name}, a placeholder per stack (each"
            " environment's addon stack made its own secret)")  # fmt: skip


def _group(
    addon: Addon,
    output: Output,
    body: dict[str, Any],
    places: Mapping[str, Place],
    views: Mapping[str, Mapping[str, Any]],
) -> Entry:
    """The group Copilot attached to the service: in a stack that runs in the environment's
    imported VPC, the kept group (per stack); in a VPC Copilot made, none (a group cannot join
    tasks of another VPC: the moved data admits the service's own group, see Addons)."""
    attached, skipped = [], []
    for place in places.values():
        if place.vpc is None:
            skipped.append(place.stack)
            continue
        groups = list(views.get(place.stack, {}).get("securityGroups") or [])
        groups.append(_in(addon, f"the id of security group {output.ref}", place.stack))
        _override(body, place.stack)["securityGroups"] = groups
        attached.append(place.stack)
    note = "Copilot attached the group to the service"
    if attached:
        note += f"; written in environments.<stack>.securityGroups of {', '.join(attached)}"
    if skipped:
        note += (f"; not in {', '.join(skipped)}: that group is in the VPC Copilot made,"
                 " where the new tasks do not run (the moved data admits the service's own"
                 " group)")  # fmt: skip
    return (f"Outputs.{output.name} (attached)", "changed", note)


def _policy(
    addon: Addon,
    output: Output,
    body: dict[str, Any],
    stacks: Mapping[str, str],
    views: Mapping[str, Mapping[str, Any]],
) -> Entry:
    """A managed policy's Allow statements as `permissions` per stack: their actions as
    written, their resources a placeholder naming what the template granted."""
    at = f"Outputs.{output.name}"
    resource = addon.resource(output.ref)
    document = (resource.properties if resource else {}).get("PolicyDocument")
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    allowed: list[tuple[list[str], str]] = []
    for index, statement in enumerate(statements or []):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = statement.get("Action")
        actions = [actions] if isinstance(actions, str) else actions
        if not isinstance(actions, list) or not all(
            isinstance(a, str) and re.match(IAM_ACTION_PATTERN, a) for a in actions
        ):
            return (at, "not mapped", f"policy {output.ref}: statement {index + 1}'s actions"
                    " are not a list of service:Action names this project takes; write the"
                    " permissions by hand")  # fmt: skip
        allowed.append((actions, _resource_text(statement.get("Resource"))))
    if not allowed:
        return (at, "not mapped", f"policy {output.ref}: no Allow statement read; write the"
                " permissions by hand")  # fmt: skip
    for stack in stacks:
        permissions = list(views.get(stack, {}).get("permissions") or [])
        permissions += [
            {"actions": actions, "resources": [_in(addon, f"the ARNs {output.ref} granted"
                                                        f" ({what})", stack)]}
            for actions, what in allowed
        ]  # fmt: skip
        _override(body, stack)["permissions"] = permissions
    return (at, "changed", f"Copilot attached policy {output.ref} to the task role: its"
            f" {len(allowed)} statements written in environments.<stack>.permissions, their"
            " resources placeholders per stack (each environment's own resources)")  # fmt: skip


def _resource_text(value: Any) -> str:
    """A statement's Resource as readable text without `${` (it goes into a placeholder)."""
    items = value if isinstance(value, list) else [value]
    texts = []
    for item in items:
        if isinstance(item, dict):
            item = next(iter(item.values()), "")
            item = item[0] if isinstance(item, list) and item else item
        texts.append(SUB_VARIABLE.sub(lambda m: m.group(1).strip(), str(item)))
    return ", ".join(texts).replace("{", "").replace("}", "")
