"""Recorded resources as plain data: secret masking, stack-free URNs and JSON round trips.

The plan diff compares records from two synthesis runs (one of them possibly in another process,
at another git revision), so everything here works on plain JSON-able values.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from offline.harness import SECRET_PLACEHOLDER, Synthesis
from offline.mocks import RecordedResource

# The SDK's wire marker for a secret value (pulumi.runtime.rpc: _special_sig_key and
# _special_secret_sig); the mock monitor records secret inputs in this wrapped form.
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def mask_secrets(value: Any) -> Any:
    """A copy of `value` with every secret (wire-wrapped or `{secure: ...}`) as "[secret]"."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG_KEY) == SECRET_SIG or set(value) == {"secure"}:
            return SECRET_PLACEHOLDER
        return {key: mask_secrets(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_secrets(item) for item in value]
    return value


def stack_free_urn(urn: str) -> str:
    """`urn:pulumi:STACK::PROJECT::TYPES::NAME` without its stack: the key across stacks."""
    parts = urn.split("::", 1)
    return parts[1] if len(parts) == 2 else urn


def resource_from_json(data: dict[str, Any]) -> RecordedResource:
    known = {f.name for f in dataclasses.fields(RecordedResource)}
    return RecordedResource(**{key: value for key, value in data.items() if key in known})


def synthesis_from_json(data: dict[str, Any]) -> Synthesis:
    return Synthesis(
        stack=data["stack"],
        resources=[resource_from_json(r) for r in data["resources"]],
        outputs=data.get("outputs") or {},
        invokes=[],
        secret_outputs=list(data.get("secretOutputs") or []),
    )


def masked_outputs(synthesis: Synthesis) -> dict[str, Any]:
    """Stack outputs with secret ones shown as "[secret]"."""
    return {
        key: SECRET_PLACEHOLDER if key in synthesis.secret_outputs else mask_secrets(value)
        for key, value in synthesis.outputs.items()
    }


def _rename(value: Any, pattern: re.Pattern[str], replacement: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, dict):
        return {key: _rename(item, pattern, replacement) for key, item in value.items()}
    if isinstance(value, list):
        return [_rename(item, pattern, replacement) for item in value]
    return value


def without_stack_name(
    resources: Iterable[RecordedResource], stack: str, project: str
) -> list[RecordedResource]:
    """Copies whose inputs and outputs say `<stack>` where names embed the stack next to the project
    (`ecs-platform-dev-api`, `/ecs-platform/dev/...`, `dev.ecs-platform.internal`), so two
    stacks compare on what differs, not on their names."""
    name = re.escape(stack)
    proj = re.escape(project)
    pattern = re.compile(
        rf"(?<=\b{proj}[-/]){name}(?![A-Za-z0-9])|(?<![A-Za-z0-9-]){name}(?=\.{proj}\b)"
        rf"|(?<=-){name}(?=-{proj}\b)"
    )
    return [
        dataclasses.replace(
            resource,
            inputs=_rename(resource.inputs, pattern, "<stack>"),
            outputs=_rename(resource.outputs, pattern, "<stack>"),
        )
        for resource in resources
    ]
