"""How a workload file's `environments.<stack>` section changes its body for that stack.

Maps merge key by key, lists and scalars replace, and `null` removes the key (so its default
applies; a required key removed is reported as missing). The result remembers which key paths
the override set, removed or mixed into, so a problem found on the merged settings can name
the line the user wrote. (Copilot's `environments:` merges maps and replaces lists and scalars
too, but there `null` keeps the base value: aws/copilot-cli internal/pkg/manifest/transform.go.)
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from settings.rules.problem import join_path


@dataclass
class Merged:
    """The merged mapping, and where its parts came from (key paths as `join_path` writes
    them, relative to the workload's root)."""

    value: dict[str, Any]
    overridden: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)
    mixed: set[str] = field(default_factory=set)

    def origin(self, path: str) -> str:
        """ "override" when the override set or removed `path` (or a key path above it), "mixed"
        when `path` is a mapping both sides made, else "base"."""
        for prefix in _prefixes(path):
            if prefix in self.overridden or prefix in self.removed:
                return "override"
        return "mixed" if path in self.mixed else "base"


def _prefixes(path: str) -> list[str]:
    """ "a.b[0].c" -> ["a.b[0].c", "a.b[0]", "a.b", "a"] (longest first)."""
    found = [path]
    for index in range(len(path) - 1, 0, -1):
        if path[index] in ".[":
            found.append(path[:index])
    return found


def merge(base: Mapping[str, Any], override: Mapping[str, Any] | None) -> Merged:
    """`base` with `override` applied (neither is changed)."""
    result = Merged(copy.deepcopy(dict(base)))
    if override:
        _apply(result.value, override, [], result)
    return result


def _apply(target: dict[str, Any], override: Mapping[str, Any], at: list[Any], out: Merged) -> None:
    for key, value in override.items():
        path = [*at, key]
        if value is None:
            target.pop(key, None)
            out.removed.add(join_path(path))
        elif isinstance(value, Mapping) and isinstance(target.get(key), Mapping):
            target[key] = dict(target[key])
            out.mixed.add(join_path(path))
            _apply(target[key], value, path, out)
        else:
            target[key] = copy.deepcopy(value)
            out.overridden.add(join_path(path))
