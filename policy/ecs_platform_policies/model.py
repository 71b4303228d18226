"""What a check sees: a resource as the engine sends it to a policy pack, and a finding."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Tier = Literal["production", "development"]
TIERS: tuple[Tier, ...] = ("production", "development")


@dataclass(frozen=True)
class Resource:
    """One resource: its type token, logical name, URN, camelCase inputs and options.

    `property_dependencies` maps a property to the URNs it was computed from (the engine sends
    them to stack policies); checks use it to tie a rule or setting to the resource it configures.
    `retainOnDelete` is not part of it: the engine does not send it to policy packs.
    """

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    protect: bool = False
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @property
    def type_chain(self) -> list[str]:
        """Types of the ancestors and of the resource itself, from the URN."""
        parts = self.urn.split("::")
        return parts[2].split("$") if len(parts) >= 4 else [self.type]

    def under(self, component_type: str) -> bool:
        return component_type in self.type_chain[:-1]

    def get(self, *path: str, default: Any = None) -> Any:
        value: Any = self.props
        for key in path:
            if not isinstance(value, Mapping) or key not in value:
                return default
            value = value[key]
        return value


@dataclass(frozen=True)
class Context:
    """The tier of the stack and the policy's own config (defaults applied)."""

    tier: Tier = "production"
    config: Mapping[str, Any] = field(default_factory=dict)


ResourceCheck = Callable[[Resource, Context], Iterable[str]]
StackCheck = Callable[[Sequence[Resource], Context], Iterable[tuple[Resource, str]]]


@dataclass(frozen=True)
class Rule:
    """One policy: a control, what it requires, how to fix it and the check itself."""

    name: str
    control: str
    description: str
    remediation: str
    types: tuple[str, ...] = ()
    check: ResourceCheck | None = None
    stack_check: StackCheck | None = None
    tiers: tuple[Tier, ...] = TIERS
    config_schema: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def defaults(self) -> dict[str, Any]:
        return {
            key: spec["default"] for key, spec in self.config_schema.items() if "default" in spec
        }

    def applies_to(self, tier: Tier) -> bool:
        return tier in self.tiers

    def findings(self, resources: Sequence[Resource], ctx: Context) -> list[tuple[Resource, str]]:
        if not self.applies_to(ctx.tier):
            return []
        if self.stack_check is not None:
            return list(self.stack_check(resources, ctx))
        assert self.check is not None
        check = self.check
        return [
            (resource, message)
            for resource in resources
            if resource.type in self.types
            for message in check(resource, ctx)
        ]


# -- property helpers --------------------------------------------------------------------------
def truthy(value: Any) -> bool:
    """Booleans as the AWS provider sometimes types them: real bools or "true"/"false" strings."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return list(value)
    return [value]


def as_json(value: Any) -> Any:
    """A JSON document property (policies, container definitions): parsed, or as given."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def number(value: Any, default: float = 0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default
