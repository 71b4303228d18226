"""The merged settings of a stack, as `ecs-platform config STACK` prints them: the stack file
with the workload files merged in and every default filled in, and (with `--explain`) where
each value came from: the stack file, a workload file (or its `environments.<stack>`
section), the production tier's defaults, or the model's defaults."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from settings.loader import load_stack, merged_config
from settings.platform import PlatformSettings, stack_file_name
from settings.rules.problem import join_path
from settings.stack_files import load_config
from settings.tier_defaults import with_tier_defaults
from settings.workloads import Source, read_workloads

DEFAULT = "default"
TIER_DEFAULT = "default of tier production"
MISSING = object()


@dataclass(frozen=True)
class Explained:
    """A stack's validated settings (as camelCase data) and the origin of each key path."""

    stack: str
    data: dict[str, Any]
    raw: dict[str, Any]  # what the files say, merged
    filled: dict[str, Any]  # with the production tier's defaults
    sources: Mapping[str, Source]

    def origin(self, path: list[Any]) -> str:
        """Where the value at `path` came from, as a user would look for it."""
        joined = join_path(path)
        for prefix, source in self.sources.items():
            rest = joined[len(prefix) :]
            if joined.startswith(prefix) and (not rest or rest[0] in ".["):
                overridden = source.merged.origin(rest.removeprefix(".")) == "override"
                where = f"{source.file} environments.{self.stack}"
                if _at(self.raw, path) is MISSING:
                    return f"{DEFAULT} ({where}: null)" if overridden else DEFAULT
                return where if overridden else source.file
        if _at(self.raw, path) is not MISSING:
            return stack_file_name(self.stack)
        return TIER_DEFAULT if _at(self.filled, path) is not MISSING else DEFAULT


def _at(data: Any, path: list[Any]) -> Any:
    for part in path:
        found = isinstance(data, Mapping) and part in data
        if found or (isinstance(data, list) and isinstance(part, int) and part < len(data)):
            data = data[part]
        else:
            return MISSING
    return data


def explain(stack: str, project_dir: Path) -> Explained:
    """The merged settings of `stack` (SettingsError when they are not valid)."""
    settings: PlatformSettings = load_stack(stack, project_dir)
    project, flat = load_config(stack, project_dir)
    workloads = read_workloads(project_dir, stack)
    raw, sources, _ = merged_config(flat, project=project, stack=stack, workloads=workloads)
    data = settings.config.model_dump(mode="json", by_alias=True, exclude_none=True)
    return Explained(stack, data, raw, with_tier_defaults(raw), sources)


def origins(explained: Explained) -> dict[str, str]:
    """Each leaf key path of the settings (`services.api.cpu`) -> the file it came from, or
    which default."""
    found: dict[str, str] = {}

    def walk(value: Any, path: list[Any]) -> None:
        nested = isinstance(value, list) and any(isinstance(i, dict | list) for i in value)
        if isinstance(value, dict) and value:
            for key, item in value.items():
                walk(item, [*path, key])
        elif nested:
            for index, item in enumerate(value):
                walk(item, [*path, index])
        else:
            found[join_path(path)] = explained.origin(path)

    walk(explained.data, [])
    return found


def render(explained: Explained, with_origins: bool) -> list[str]:
    """The settings as YAML lines; with `with_origins`, each value ends in `# <where from>`."""
    lines: list[str] = []
    _render(explained.data, [], 0, lines, explained if with_origins else None)
    return lines


def _scalar(value: Any) -> str:
    if not isinstance(value, str):
        return json.dumps(value)
    plain = value and value[0] not in "!&*[]{}#|>@`'\"%?:, -" and ": " not in value
    plain = plain and not {" #", ",", ":"} & {*value, " #" if " #" in value else ""}
    plain = plain and value.lower() not in RESERVED
    return value if plain and not _number(value) else json.dumps(value)


RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"}


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _flow(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    return _scalar(value)


def _simple(value: Any) -> bool:
    """Printed on one line: a scalar, an empty container, or a list of scalars."""
    if isinstance(value, dict):
        return not value
    if isinstance(value, list):
        return all(not isinstance(v, (dict, list)) for v in value)
    return True


def _render(
    data: Any, path: list[Any], depth: int, lines: list[str], explained: Explained | None
) -> None:
    indent = "  " * depth
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        here = [*path, key]
        head = f"{indent}{key}:" if isinstance(data, dict) else f"{indent}-"
        if _simple(value):
            line = f"{head} {_flow(value)}"
            lines.append(f"{line}  # {explained.origin(here)}" if explained else line)
        elif isinstance(data, list) and isinstance(value, dict):
            inner: list[str] = []
            _render(value, here, depth + 1, inner, explained)
            inner[0] = f"{indent}- " + inner[0].lstrip()
            lines.extend(inner)
        else:
            lines.append(head)
            _render(value, here, depth + 1, lines, explained)
