"""What a mapping step works with: the output being built, the entries it records, and helpers to
walk a Copilot mapping key by key so that no field goes unaccounted for."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from migrate.copilot.ledger import Status
from migrate.copilot.values import Interpolation

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
    """A handler that writes the value (converted) at `key` of the output, as mapped."""

    def handle(context: Context, value: Any, path: str) -> None:
        written = convert(value) if convert else value
        context.put(key, written)
        context.mapped(path, f"{key}{': ' + note if note else ''}")

    return handle
