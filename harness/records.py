"""What the mock harness records, and the readers of it that review and cost share.

`RecordedResource` is one registration (type, name, parent, inputs, outputs, options);
`Synthesis` is one run of the program. The helpers work on plain JSON-able values: secret
masking, stack-free URNs, JSON round trips (the plan diff compares records from two runs, one of
them possibly in another process at another git revision), inputs as documents, component names.
No Pulumi runtime here: only the engine (harness/engine.py) and mocks (harness/mocks.py) need it.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from settings.stack_files import SECRET_PLACEHOLDER


@dataclass
class RecordedResource:
    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    remote: bool
    id: str | None
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    protect: bool = False
    retain_on_delete: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)
    transforms: int = 0
    # `aliases` as the SDK sends them: {"urn": ...}, or a spec {"name", "type", "parent",
    # "noParent", "stack", "project"} whose empty fields mean "this resource's own" (alias_urns)
    aliases: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_component(self) -> bool:
        return not self.custom


@dataclass
class Synthesis:
    stack: str
    resources: list[RecordedResource]
    outputs: dict[str, Any]
    invokes: list[tuple[str, dict[str, Any]]]
    secret_outputs: list[str] = field(default_factory=list)

    def of_type(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name: str | None = None) -> RecordedResource:
        found = [r for r in self.of_type(type_) if name is None or r.name == name]
        if len(found) != 1:
            names = [r.name for r in self.of_type(type_)]
            raise LookupError(f"expected one {type_} named {name!r}, found {names}")
        return found[0]

    def by_urn(self, urn: str) -> RecordedResource | None:
        return next((r for r in self.resources if r.urn == urn), None)

    def ancestors(self, resource: RecordedResource) -> Iterator[RecordedResource]:
        current = self.by_urn(resource.parent)
        while current is not None:
            yield current
            current = self.by_urn(current.parent)

    def top_component(self, resource: RecordedResource) -> RecordedResource | None:
        """The outermost component a resource belongs to (itself, for a top-level component)."""
        chain = [resource, *self.ancestors(resource)]
        components = [r for r in chain if r.is_component]
        return components[-1] if components else None

    def count_by_type(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for resource in self.resources:
            counts[resource.type] = counts.get(resource.type, 0) + 1
        return dict(sorted(counts.items()))


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


ROOT_STACK = "pulumi:pulumi:Stack"


def make_urn(stack: str, project: str, parent: str, type_: str, name: str) -> str:
    """A URN as the mock monitor builds it (pulumi.runtime.mocks.MockMonitor.make_urn: the
    parent's own type before this one's, never the parent's name)."""
    if parent:
        type_ = parent.split("::")[2].split("$").pop() + "$" + type_
    return "urn:pulumi:" + "::".join([stack, project, type_, name])


def _urn_parts(urn: str) -> tuple[str, str, str, str]:
    """(stack, project, type chain, name) of `urn:pulumi:STACK::PROJECT::TYPES::NAME`."""
    stack, project, types, name = urn.removeprefix("urn:pulumi:").split("::", 3)
    return stack, project, types, name


def alias_urns(resource: RecordedResource, parent_was: str | None = None) -> list[str]:
    """The old URNs the engine would look this resource up by, after its own, in order.

    The engine's rules (pulumi/pulumi pkg/resource/deploy/step_generator.go, collapseAliasToUrn
    and generateAliases): a spec's empty name, type, stack and project are the resource's own;
    an empty parent is its current parent and `noParent` none; an explicit parent that was
    itself found through an alias stands for that parent's old URN. When the parent was found
    through an alias (`parent_was`, its old URN), every alias is also inherited: the name's
    prefix that is the parent's name becomes the parent's old name, under the old parent."""
    stack, project, _, _ = _urn_parts(resource.urn)
    parent_now = _urn_parts(resource.parent)[3] if resource.parent else ""
    found: list[str] = []
    for alias in resource.aliases:
        if alias.get("urn"):
            found.append(str(alias["urn"]))
            continue
        parent = str(alias.get("parent") or resource.parent)
        if alias.get("noParent"):  # no parent is the root stack (what the mocks put first)
            parent = f"urn:pulumi:{stack}::{project}::{ROOT_STACK}::{project}-{stack}"
        elif alias.get("parent") and parent == resource.parent and parent_was:
            parent = parent_was
        found.append(
            make_urn(
                str(alias.get("stack") or stack),
                str(alias.get("project") or project),
                parent,
                str(alias.get("type") or resource.type),
                str(alias.get("name") or resource.name),
            )
        )
    if parent_was:
        old_parent_name = _urn_parts(parent_was)[3]
        for name, type_ in [(resource.name, resource.type)] + [
            (_urn_parts(urn)[3], _urn_parts(urn)[2].split("$").pop()) for urn in list(found)
        ]:
            if parent_now and name.startswith(parent_now):
                name = old_parent_name + name[len(parent_now) :]
            found.append(make_urn(stack, project, parent_was, type_, name))
    return list(dict.fromkeys(found))


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


def as_document(value: Any) -> Any:
    """Secrets masked, and strings holding JSON objects or arrays parsed (and masked too)."""
    return _parsed(mask_secrets(value))


def _parsed(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return _parsed(mask_secrets(json.loads(value)))
        except ValueError:
            return value
    if isinstance(value, dict):
        return {key: _parsed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_parsed(item) for item in value]
    return value


def inputs_document(resource: RecordedResource | None) -> dict[str, Any]:
    """A resource's inputs as a document (see `as_document`); {} for a side that does not exist."""
    return as_document(resource.inputs) if resource is not None else {}


def component_namer(resources: Sequence[RecordedResource]) -> Callable[[RecordedResource], str]:
    by_urn = {resource.urn: resource for resource in resources}

    def component(resource: RecordedResource) -> str:
        top: RecordedResource | None = None
        current: RecordedResource | None = resource
        while current is not None:
            if current.is_component:
                top = current
            current = by_urn.get(current.parent)
        return f"{top.name} ({top.type})" if top is not None else "(stack)"

    return component
