"""Mutants of a stack file: every leaf of the `config:` mapping made wrong in each way a user
could get it wrong (wrong type, empty, negative, huge, too long, deleted, an unknown key next to
it). Pure: a mutant is a description plus a change applied to a fresh copy of the config."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from settings.rules.problem import join_path

PROGRAM_PREFIX = "ecs-platform:"
REGION_KEY = "aws:region"
UNKNOWN_KEY = "unknownKey"
HUGE = 10**12
LONG_TEXT = "x" * 1000

Location = tuple[str | int, ...]  # keys and list indices from the top of `config:`


@dataclass(frozen=True)
class Mutant:
    kind: str
    location: Location  # the mutated leaf; for "unknown-key", the new key
    replacement: Any = None  # the new value (unused for "deleted")

    @property
    def path(self) -> str:
        """The key path as the settings report it (`services.api.cpu`, `aws:region`)."""
        return display_path(self.location)

    @property
    def key_path(self) -> str:
        """The path of the mutated key: a list element's is its list's."""
        location = self.location
        while isinstance(location[-1], int):
            location = location[:-1]
        return display_path(location)

    @property
    def name(self) -> str:
        return f"{self.kind} {self.path}"

    def apply(self, config: dict[str, Any]) -> None:
        *parents, last = self.location
        container: Any = config
        for part in parents:
            container = container[part]
        if self.kind == "deleted":
            del container[last]
        else:
            container[last] = self.replacement


def display_path(location: Location) -> str:
    first, *rest = location
    assert isinstance(first, str)
    return join_path([first.removeprefix(PROGRAM_PREFIX), *rest])


def leaves(value: Any, location: Location) -> Iterator[tuple[Location, Any]]:
    """Every scalar (and every empty list or mapping) under `value`, with its location."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from leaves(item, (*location, key))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from leaves(item, (*location, index))
    else:
        yield location, value


def stack_leaves(config: dict[str, Any]) -> Iterator[tuple[Location, Any]]:
    for key, value in config.items():
        if key == REGION_KEY or key.startswith(PROGRAM_PREFIX):
            yield from leaves(value, (key,))


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def replacements(value: Any) -> dict[str, Any]:
    """The wrong values tried in place of `value`, by kind."""
    wrong: dict[str, Any] = {
        "mapping": {"unexpected": "mapping"},
        "empty-string": "",
        "long-string": LONG_TEXT,
    }
    if is_number(value):
        wrong["string"] = "not-a-number"
        wrong["negative"] = -abs(value) if value else -1
        wrong["huge"] = HUGE
    else:
        wrong["number"] = 12345
    return wrong


def mutants(config: dict[str, Any]) -> list[Mutant]:
    """Every mutant of a stack's config, in file order, each enclosing mapping's unknown key
    once."""
    found: list[Mutant] = []
    enclosing_seen: set[Location] = set()
    for location, value in stack_leaves(config):
        for kind, replacement in replacements(value).items():
            if replacement != value:
                found.append(Mutant(kind, location, replacement))
        found.append(Mutant("deleted", location))
        enclosing = _enclosing_mapping(location)
        if enclosing is not None and enclosing not in enclosing_seen:
            enclosing_seen.add(enclosing)
            found.append(Mutant("unknown-key", _unknown_key_at(enclosing), "x"))
    return found


def _enclosing_mapping(location: Location) -> Location | None:
    """The mapping a leaf is a key of (() for a top-level key), None for a list element."""
    if isinstance(location[-1], int):
        return None
    return location[:-1]


def _unknown_key_at(enclosing: Location) -> Location:
    if enclosing == ():
        return (PROGRAM_PREFIX + UNKNOWN_KEY,)
    return (*enclosing, UNKNOWN_KEY)
