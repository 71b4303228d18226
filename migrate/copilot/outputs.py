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

from migrate.copilot.addons import SUB_VARIABLE, Addon, Output
from migrate.copilot.keep import Place
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
) -> list[Entry]:
    """Write what each output of `addon` gave workload `workload` into its file `body`
    (overrides keyed by stack); the ledger entries (path `Outputs.<name>`) saying what."""
    entries: list[Entry] = []
    for output in addon.outputs:
        at = f"Outputs.{output.name}"
        if output.kind == "policy":
            entries.append(_policy(addon, output, body, at))
            continue
        if output.kind == "secret":
            entries.append(_secret(addon, output, body, at))
        else:
            entries.append(_variable(addon, output, body, app, workload, places))
        if output.kind == "security group":
            group = placeholder(f"the id of security group {output.ref} of {addon.file}")
            body.setdefault("securityGroups", []).append(group)
            note = "Copilot attached the group to the service: written in securityGroups"
            entries.append((at, "changed", note))
    return entries


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
    values = {p.stack: resource and resource.physical_name(app, env, workload)
              for env, p in places.items()}  # fmt: skip
    at = f"Outputs.{output.name}"
    if values and all(values.values()):
        overrides = body.setdefault("environments", {})
        for stack, value in values.items():
            overrides.setdefault(stack, {}).setdefault("environment", {})[name] = value
        return (at, "changed", f"Copilot set it as the variable {name}: written as"
                f" environments.<stack>.environment.{name}, the kept resource's name in each"
                " stack")  # fmt: skip
    body.setdefault("environment", {})[name] = placeholder(
        f"the value of output {output.name} of {addon.file}"
    )
    return (at, "changed", f"Copilot set it as the variable {name}: written as environment."
            f"{name}, a placeholder (its value in the kept stack's outputs)")  # fmt: skip


def _secret(addon: Addon, output: Output, body: dict[str, Any], at: str) -> Entry:
    name = snake_case(output.name)
    body.setdefault("secrets", {})[name] = placeholder(
        f"the secret {output.ref} of {addon.file} as secretsmanager:<name> or its ARN"
    )
    return (at, "changed", f"Copilot injected the secret as {name}: written as secrets.{name},"
            " a placeholder (the kept secret's name or ARN)")  # fmt: skip


def _policy(addon: Addon, output: Output, body: dict[str, Any], at: str) -> Entry:
    """A managed policy's Allow statements as `permissions`: their actions as written, their
    resources a placeholder naming what the template granted."""
    resource = addon.resource(output.ref)
    document = (resource.properties if resource else {}).get("PolicyDocument")
    statements = document.get("Statement") if isinstance(document, dict) else None
    if isinstance(statements, dict):
        statements = [statements]
    written = []
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
        what = _resource_text(statement.get("Resource"))
        granted = placeholder(f"the ARNs {output.ref} granted ({what})")
        written.append({"actions": actions, "resources": [granted]})
    if not written:
        return (at, "not mapped", f"policy {output.ref}: no Allow statement read; write the"
                " permissions by hand")  # fmt: skip
    body.setdefault("permissions", []).extend(written)
    return (at, "changed", f"Copilot attached policy {output.ref} to the task role: its"
            f" {len(written)} statements written in permissions, their resources placeholders"
            " (the kept resources' ARNs)")  # fmt: skip


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
