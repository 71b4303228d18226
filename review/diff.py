"""Plan diff: two lists of recorded resources -> what a deployment would add, change, replace
and delete. Pure functions; no Pulumi runtime needed.

Resources are matched by URN without the stack part, then by their aliases as the engine
would (harness.records.alias_urns), inputs are compared property by property
(JSON documents inside strings as parsed JSON), and whether a change replaces the resource comes
from REPLACING_PROPERTIES, an approximation of the AWS provider's own ForceNew rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.records import (
    RecordedResource,
    alias_urns,
    as_document,
    component_namer,
    stack_free_urn,
)

ACTIONS = ("add", "update", "replace", "delete")

# Properties whose change makes the provider replace the resource (curated, not exhaustive).
# `name` and `namePrefix` replace every resource type that has them.
ALWAYS_REPLACING = frozenset({"name", "namePrefix"})
REPLACING_PROPERTIES: dict[str, frozenset[str]] = {
    "awsx:ec2:Vpc": frozenset({"cidrBlock"}),
    "aws:ec2/vpc:Vpc": frozenset({"cidrBlock"}),
    "aws:ec2/securityGroup:SecurityGroup": frozenset({"description", "vpcId"}),
    "aws:lb/targetGroup:TargetGroup": frozenset({"port", "protocol", "targetType", "vpcId"}),
    "aws:lb/loadBalancer:LoadBalancer": frozenset({"loadBalancerType", "internal"}),
    "aws:cloudwatch/dashboard:Dashboard": frozenset({"dashboardName"}),
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": frozenset({"vpc"}),
}
# Any change to these makes a new resource (a task definition change is a new revision).
REPLACED_ON_ANY_CHANGE = frozenset({"aws:ecs/taskDefinition:TaskDefinition"})
OPTION_PATHS = ("protect", "retainOnDelete")


@dataclass
class PropertyChange:
    path: str
    old: Any
    new: Any
    replaces: bool = False


@dataclass
class Change:
    key: str
    urn: str
    type: str
    name: str
    action: str
    component: str
    properties: list[PropertyChange] = field(default_factory=list)
    old: RecordedResource | None = None
    new: RecordedResource | None = None


@dataclass
class Diff:
    changes: list[Change]
    same: int
    new_components: list[str] = field(default_factory=list)  # all of it added in this change

    def count(self, action: str) -> int:
        return sum(1 for change in self.changes if change.action == action)

    def summary(self) -> dict[str, int]:
        return {**{action: self.count(action) for action in ACTIONS}, "same": self.same}


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _holds_objects(values: list[Any]) -> bool:
    return any(isinstance(item, dict | list) for item in values)


def compare(old: Any, new: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(path, old, new) for each differing leaf; lists of scalars are one leaf."""
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            yield from compare(old.get(key), new.get(key), _join(path, key))
    elif (
        isinstance(old, list)
        and isinstance(new, list)
        and (keyed := _by_title(path, old, new)) is not None
    ):  # dashboard widgets: by title, so one inserted widget is not a change to all that follow
        for title in sorted(set(keyed[0]) | set(keyed[1])):
            yield from compare(
                keyed[0].get(title), keyed[1].get(title), f"{path}[{json.dumps(title)}]"
            )
    elif (
        isinstance(old, list) and isinstance(new, list) and _holds_objects([*old, *new])
    ):  # lists of objects: item by item, so a path says which rule or container changed
        for index in range(max(len(old), len(new))):
            before = old[index] if index < len(old) else None
            after = new[index] if index < len(new) else None
            yield from compare(before, after, _join(path, index))
    else:
        yield path, old, new


def _titles(items: list[Any]) -> dict[str, Any] | None:
    titled = {
        str((item.get("properties") or {}).get("title")): item
        for item in items
        if isinstance(item, dict) and (item.get("properties") or {}).get("title")
    }
    return titled if len(titled) == len(items) else None


def _by_title(path: str, old: list[Any], new: list[Any]) -> tuple[dict, dict] | None:
    """A dashboard's widgets keyed by their titles, when every widget has its own title."""
    if not path.endswith("widgets"):
        return None
    before, after = _titles(old), _titles(new)
    return None if before is None or after is None else (before, after)


def _top_key(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


def replaces(type_: str, path: str) -> bool:
    if type_ in REPLACED_ON_ANY_CHANGE:
        return _top_key(path) not in OPTION_PATHS
    replacing = ALWAYS_REPLACING | REPLACING_PROPERTIES.get(type_, frozenset())
    return _top_key(path) in replacing


def _ignored(path: str, ignore_changes: Sequence[str]) -> bool:
    return any(
        path == ignored or path.startswith((f"{ignored}.", f"{ignored}["))
        for ignored in ignore_changes
    )


def _comparable(resource: RecordedResource) -> dict[str, Any]:
    options = {"protect": resource.protect, "retainOnDelete": resource.retain_on_delete}
    return {**as_document(resource.inputs), **options}


def property_changes(old: RecordedResource, new: RecordedResource) -> list[PropertyChange]:
    return [
        PropertyChange(path, before, after, replaces(new.type, path))
        for path, before, after in compare(_comparable(old), _comparable(new))
        if not _ignored(path, new.ignore_changes)
    ]


def _planned(resources: Sequence[RecordedResource]) -> dict[str, RecordedResource]:
    return {stack_free_urn(r.urn): r for r in resources if r.custom or r.remote}


def matched_by_alias(
    old: Sequence[RecordedResource], new: Sequence[RecordedResource]
) -> dict[str, str]:
    """Stack-free new URN -> the stack-free old URN it takes over through an alias.

    As the engine's step generator does: a resource is looked up by its own URN first, then by
    its aliases (its parent's inherited ones too, when the parent was found by an alias); an old
    URN that a new resource has as its own, or that another resource took, is not taken again."""
    old_keys = {stack_free_urn(r.urn): r.urn for r in old}
    own = {stack_free_urn(r.urn) for r in new}
    by_urn = {r.urn: r for r in new}
    found: dict[str, str | None] = {}  # new URN -> old full URN (None: not aliased)

    def resolve(resource: RecordedResource) -> str | None:
        if resource.urn in found:
            return found[resource.urn]
        found[resource.urn] = None
        parent = by_urn.get(resource.parent)
        parent_was = resolve(parent) if parent is not None else None
        if stack_free_urn(resource.urn) not in old_keys:
            for alias in alias_urns(resource, parent_was):
                key = stack_free_urn(alias)
                if key in old_keys and key not in own and key not in taken:
                    taken.add(key)
                    found[resource.urn] = old_keys[key]
                    break
        return found[resource.urn]

    taken: set[str] = set()
    for resource in new:
        resolve(resource)
    return {
        stack_free_urn(urn): stack_free_urn(was) for urn, was in found.items() if was is not None
    }


def diff_resources(old: Sequence[RecordedResource], new: Sequence[RecordedResource]) -> Diff:
    """What turning `old` into `new` does, resource by resource (components are not counted);
    a resource found through an alias is the same resource under its new URN."""
    before, after = _planned(old), _planned(new)
    renamed = {key: was for key, was in matched_by_alias(old, new).items() if key in after}
    old_component, new_component = component_namer(old), component_namer(new)
    changes: list[Change] = []
    same = 0
    for key in sorted((set(before) - set(renamed.values())) | set(after)):
        was, will = before.get(renamed.get(key, key)), after.get(key)
        current = will or was
        assert current is not None
        component = new_component(will) if will else old_component(current)
        change = Change(
            key, current.urn, current.type, current.name, "", component, old=was, new=will
        )
        if was is None:
            change.action = "add"
        elif will is None:
            change.action = "delete"
        else:
            change.properties = property_changes(was, will)
            if not change.properties:
                same += 1
                continue
            replaced = any(p.replaces for p in change.properties)
            change.action = "replace" if replaced else "update"
        changes.append(change)
    existing = {old_component(resource) for resource in before.values()}
    added = {c.component for c in changes if c.action == "add"} - existing
    return Diff(changes, same, sorted(added - {"(stack)"}))
