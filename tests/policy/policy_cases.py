"""Edits of recorded resources that break or fix one rule, for the per-policy tests."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from policy_offline import Resource

Edit = Callable[[list[Resource]], list[Resource]]


def edit(type_: str, name: str, change: Callable[[dict[str, Any]], Any]) -> Edit:
    """Apply `change` to a deep copy of the props of resource (type_, name)."""

    def apply(resources: list[Resource]) -> list[Resource]:
        out = []
        for r in resources:
            if (r.type, r.name) == (type_, name):
                props = copy.deepcopy(dict(r.props))
                change(props)
                r = replace(r, props=props)
            out.append(r)
        return out

    return apply


def containers(change: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], None]:
    """A props change that edits every container definition (a JSON string)."""

    def apply(props: dict[str, Any]) -> None:
        defs = json.loads(props["containerDefinitions"])
        for container in defs:
            change(container)
        props["containerDefinitions"] = json.dumps(defs)

    return apply


def protect(type_: str, name: str, value: bool) -> Edit:
    return lambda rs: [
        replace(r, protect=value) if (r.type, r.name) == (type_, name) else r for r in rs
    ]


def drop(type_: str, name: str) -> Edit:
    return lambda rs: [r for r in rs if (r.type, r.name) != (type_, name)]


def add_setting(
    type_: str, name: str, prop: str, target: tuple[str, str], props: dict[str, Any]
) -> Edit:
    """Add a resource whose `prop` comes from `target` (like a BucketVersioning of a bucket)."""

    def apply(resources: list[Resource]) -> list[Resource]:
        urn = next(r.urn for r in resources if (r.type, r.name) == target)
        stack = urn.split("::")[0]
        added = Resource(
            type_,
            name,
            f"{stack}::ecs-platform::{type_}::{name}",
            {prop: "id-of-target", **props},
            property_dependencies={prop: [urn]},
        )
        return [*resources, added]

    return apply


def setter(*path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(props: dict[str, Any]) -> None:
        node = props
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value

    return apply


def remover(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda props: props.pop(key, None)
