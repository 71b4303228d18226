"""Cross-key rules on a stack file that has field problems too, so one run reports everything.

When some keys fail validation, the parts that did validate are still checked: unknown keys are
left out (they carry nothing a rule reads), a service with a bad field is set aside, and any
other section with a bad field is replaced by a stand-in that no rule may trust. Each rule runs
on that partial config while it is watched: a rule that read a set-aside section, or looked up a
set-aside service by name, proves nothing, so its findings are dropped and it counts as pending.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from settings.platform import PlatformConfig, PlatformSettings
from settings.rules.problem import Problem

# Valid values for sections the model requires; rules that read them are never trusted.
STAND_INS: dict[str, Any] = {
    "tier": "development",
    "network": {"cidr": "10.0.0.0/16", "availabilityZones": ["us-east-1a", "us-east-1b"]},
}
STAND_IN_REGION = "us-east-1"
REGION = "aws:region"

Rule = Callable[[PlatformSettings], Iterable[Problem]]


@dataclass
class PartialResult:
    """What the rules found on the valid parts, and what could not be checked yet."""

    problems: list[Problem] = field(default_factory=list)
    pending_rules: int = 0
    set_aside: list[str] = field(default_factory=list)

    def note(self) -> str | None:
        """The closing line of the error, or None when every rule ran."""
        if not self.pending_rules and not self.set_aside:
            return None
        parts = []
        if self.pending_rules:
            noun = "check" if self.pending_rules == 1 else "checks"
            parts.append(f"{self.pending_rules} cross-key {noun} not run")
        if self.set_aside:
            parts.append("no cross-key check of " + ", ".join(self.set_aside))
        return "; ".join(parts) + " until the problems above are fixed"


class _Recorder:
    """Reads through to the config and remembers which top-level fields were read."""

    def __init__(self, target: PlatformConfig, seen: set[str]) -> None:
        self._target = target
        self._seen = seen

    def __getattr__(self, name: str) -> Any:
        self._seen.add(name)
        return getattr(self._target, name)


class _Services(dict):  # type: ignore[type-arg]
    """The services mapping, remembering the names a rule looked up."""

    def __init__(self, data: Mapping[str, Any], looked_up: set[str]) -> None:
        super().__init__(data)
        self._looked_up = looked_up

    def __contains__(self, key: object) -> bool:
        self._looked_up.add(str(key))
        return super().__contains__(key)

    def __getitem__(self, key: str) -> Any:
        self._looked_up.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._looked_up.add(key)
        return super().get(key, default)


@dataclass(frozen=True)
class _Watched(PlatformSettings):
    seen: set[str] = field(default_factory=set)

    def __getattribute__(self, name: str) -> Any:
        if name == "region":
            object.__getattribute__(self, "seen").add(REGION)
        return object.__getattribute__(self, name)


def clean_location(location: Iterable[Any]) -> list[Any]:
    """The key path of a pydantic error, without the tags it inserts into union locations
    (e.g. "function-after[...]", "literal[...]")."""
    return [
        part
        for part in location
        if not (isinstance(part, str) and ("[" in part or part.startswith("literal")))
    ]


def _field_names() -> dict[str, str]:
    return {(f.alias or name): name for name, f in PlatformConfig.model_fields.items()}


def _remove(data: Any, location: list[Any]) -> bool:
    """Delete the key at `location` in nested dicts/lists; False when it is not there."""
    for part in location[:-1]:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return False
    if isinstance(data, dict) and location and location[-1] in data:
        del data[location[-1]]
        return True
    return False


# Sections of named workloads: one with a bad field is set aside alone, not its whole section.
WORKLOAD_SECTIONS = ("services", "jobs")


def _repair(
    raw: Mapping[str, Any], errors: list[dict[str, Any]]
) -> tuple[dict[str, Any], set[str], set[str], set[str]]:
    """(config without the bad parts, top-level keys replaced, services and jobs set aside)."""
    repaired = copy.deepcopy(dict(raw))
    broken: set[str] = set()
    aside: dict[str, set[str]] = {section: set() for section in WORKLOAD_SECTIONS}
    for location, kind in ((clean_location(e["loc"]), e["type"]) for e in errors):
        if kind == "extra_forbidden" and _remove(repaired, location):
            continue
        top = str(location[0]) if location else ""
        if top in aside and len(location) > 1 and isinstance(raw.get(top), dict):
            aside[top].add(str(location[1]))
        else:
            broken.add(top)
    for section, names in aside.items():
        for name in names:
            repaired[section].pop(name, None)
    services, jobs = aside["services"], aside["jobs"]
    for key in broken:
        repaired.pop(key, None)
        if key in STAND_INS:
            repaired[key] = copy.deepcopy(STAND_INS[key])
    return repaired, broken, services, jobs


def check_partially(
    raw: Mapping[str, Any],
    errors: list[dict[str, Any]],
    *,
    project: str,
    stack: str,
    region: str | None,
    rules: tuple[Rule, ...],
) -> PartialResult:
    """Run every rule whose inputs validated; count the others."""
    repaired, broken, set_aside, jobs_aside = _repair(raw, errors)
    try:
        config = PlatformConfig.model_validate(repaired)
    except ValidationError:  # a part we could not isolate: nothing can be trusted
        return PartialResult(pending_rules=len(rules))
    names = _field_names()
    untrusted = {names.get(key, key) for key in broken}
    if region is None:
        untrusted.add(REGION)
    result = PartialResult(
        set_aside=[f"services.{name}" for name in sorted(set_aside)]
        + [f"jobs.{name}" for name in sorted(jobs_aside)]
    )
    for rule in rules:
        seen: set[str] = set()
        looked_up: set[str] = set()
        services = _Services(config.services, looked_up)
        watched_config = _Recorder(config.model_copy(update={"services": services}), seen)
        settings = _Watched(
            project=project,
            stack=stack,
            region=region or STAND_IN_REGION,
            config=watched_config,  # type: ignore[arg-type]
            seen=seen,
        )
        found = list(rule(settings))
        if seen & untrusted or looked_up & set_aside:
            result.pending_rules += 1
        else:
            result.problems.extend(found)
    return result
