"""What a mapping step works with: the output being built, the entries it records, and helpers to
walk a Copilot mapping key by key so that no field goes unaccounted for."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from migrate.copilot.ledger import Status
from migrate.copilot.values import (
    PLACEHOLDER,
    Interpolation,
    not_a_duration,
    seconds,
    whole_seconds,
)

Handler = Callable[["Context", Any, str], None]
UNKNOWN = (
    "unknown field (not in Copilot's manifest reference v1.33; a newer Copilot?): not written;"
    " find its counterpart in docs/reference/configuration.md"
)


@dataclass
class Context:
    """One manifest being mapped: `out` (this project's keys, camelCase) and `entries`
    ((path, status, note), paths as written in the manifest)."""

    file: str
    name: str
    type: str
    app: str
    interpolation: Interpolation
    priority: int = 0
    tier: str = ""  # an environment's stack tier (environment manifests only)
    volume_names: dict[str, str] = field(default_factory=dict)  # Copilot's -> here (volumes.py)
    out: dict[str, Any] = field(default_factory=dict)
    entries: list[tuple[str, Status, str]] = field(default_factory=list)

    def mapped(self, path: str, note: str) -> None:
        self.entries.append((path, "mapped", note))

    def changed(self, path: str, note: str) -> None:
        self.entries.append((path, "changed", note))

    def not_mapped(self, path: str, note: str) -> None:
        self.entries.append((path, "not mapped", note))

    def put(self, key: str, value: Any) -> None:
        """Set `a.b.c` of the output, making the mappings on the way."""
        *parents, last = key.split(".")
        target = self.out
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = value

    def get(self, key: str) -> Any:
        target: Any = self.out
        for part in key.split("."):
            if not isinstance(target, Mapping) or part not in target:
                return None
            target = target[part]
        return target

    def each(self, value: Any, path: str, handlers: Mapping[str, Handler]) -> None:
        """Call the handler of each key of mapping `value` (at `path`); an unknown key is
        reported, a value that is not a mapping too."""
        if not isinstance(value, Mapping):
            self.not_mapped(path, f"expected a mapping here, got {value!r}: not written")
            return
        for key, item in value.items():
            at = f"{path}.{key}" if path else str(key)
            handler = handlers.get(str(key))
            if handler is None:
                self.not_mapped(at, UNKNOWN)
            elif item is None:
                self.mapped(
                    at,
                    "empty (null): nothing to write (Copilot keeps its default, or in"
                    " environments.<env> the base value; so does this file)",
                )
            else:
                handler(self, item, at)


def fixed(status: Status, note: str) -> Handler:
    """A handler that only records `status` and `note` (for fields with nothing to write)."""

    def handle(context: Context, _value: Any, path: str) -> None:
        context.entries.append((path, status, note))

    return handle


def to_key(key: str, convert: Callable[[Any], Any] | None = None, note: str = "") -> Handler:
    """A handler that writes the value (converted) at `key` of the output, as mapped; a value
    `convert` cannot read (None) is not mapped (durations: `seconds_to`)."""

    def handle(context: Context, value: Any, path: str) -> None:
        written = convert(value) if convert else value
        if written is None:
            context.not_mapped(path, f"{value!r} cannot be read as {key}: nothing written")
            return
        context.put(key, written)
        context.mapped(path, f"{key}{': ' + note if note else ''}")

    return handle


def seconds_to(key: str) -> Handler:
    """A handler writing a Copilot duration at `key` in whole seconds: not mapped when Go could
    not read it, changed when it had a fraction of a second (rounded up)."""

    def handle(context: Context, value: Any, path: str) -> None:
        if value is None:
            context.mapped(path, f"empty (null): nothing to write at {key} (Copilot's default)")
            return
        written, exact = whole_seconds(value), seconds(value)
        if written is None:
            context.not_mapped(path, not_a_duration(value, key))
            return
        context.put(key, written)
        if written != exact:
            context.changed(path, f"{key} {written}: {value} rounded up to whole seconds")
        else:
            context.mapped(path, key)

    return handle


def placeholders_changed(context: Context, body: Any) -> None:
    """A `mapped` entry whose value (in `body`, interpolated) holds a placeholder is `changed`:
    the placeholder stands for a shell variable Copilot read at `copilot deploy`."""
    for index, (path, status, note) in enumerate(context.entries):
        found = re.findall(r"\$\{" + PLACEHOLDER + r":([^}]*)\}", _text(_at(body, path)))
        if status == "mapped" and found:
            context.entries[index] = (
                path,
                "changed",
                f"{note}; a placeholder is written for {', '.join(dict.fromkeys(found))}"
                " (Copilot read it from the shell at copilot deploy): give its value",
            )


def _at(body: Any, path: str) -> Any:
    """The value at ledger path `path` (`a.b[0].c`) of `body`, or None."""
    target = body
    for part in re.split(r"\.|(?=\[)", path):
        index = re.fullmatch(r"\[(\d+)\]", part)
        if index and isinstance(target, list) and int(index[1]) < len(target):
            target = target[int(index[1])]
        elif isinstance(target, Mapping) and part in target:
            target = target[part]
        else:
            return None
    return target


def _text(value: Any) -> str:
    """Every string of `value`, joined."""
    if isinstance(value, Mapping):
        return " ".join(_text(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_text(v) for v in value)
    return value if isinstance(value, str) else ""
