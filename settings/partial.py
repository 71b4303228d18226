"""Cross-key rules on a stack file that has field problems too, so one run reports everything.

When some keys fail validation, the parts that did validate are still checked: unknown keys are
left out (they carry nothing a rule reads), a service's bad fields are left out (their defaults,
or a stand-in for a required one, take their place), a service that still does not validate is
set aside, a job with a bad field is set aside alone, and any other section with a bad field is
replaced by a stand-in. Each rule runs on
that partial config while it is watched: a rule that read a stand-in section, a field left out
of a service, or went through the services while one was set aside, proves nothing, so its
findings are dropped and it counts as pending. So a route priority two services share is still
reported when one of them has a bad field elsewhere.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from settings.platform import PlatformConfig, PlatformSettings
from settings.rules.problem import Problem
from settings.service import ServiceSettings

# Valid values for sections the model requires; rules that read them are never trusted.
STAND_INS: dict[str, Any] = {
    "tier": "development",
    "network": {"cidr": "10.0.0.0/16", "availabilityZones": ["us-east-1a", "us-east-1b"]},
}
STAND_IN_REGION = "us-east-1"
REGION = "aws:region"
# Required service fields, and a value that validates in their place (read: untrusted).
SERVICE_STAND_INS: dict[str, Any] = {"image": {}}
SERVICE_FIELDS = {(f.alias or name): name for name, f in ServiceSettings.model_fields.items()}

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
            parts.append(f"{self.pending_rules} cross-key {noun} not run in full")
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
    """The services mapping, remembering the names a rule looked up, and (as the name "*")
    that it went through all of them."""

    def __init__(self, data: Mapping[str, Any], looked_up: set[str]) -> None:
        super().__init__(data)
        self._looked_up = looked_up

    def __iter__(self) -> Iterator[str]:
        self._looked_up.add(ALL)
        return super().__iter__()

    def items(self) -> Any:
        self._looked_up.add(ALL)
        return super().items()

    def values(self) -> Any:
        self._looked_up.add(ALL)
        return super().values()

    def keys(self) -> Any:
        self._looked_up.add(ALL)
        return super().keys()

    def __contains__(self, key: object) -> bool:
        self._looked_up.add(str(key))
        return super().__contains__(key)

    def __getitem__(self, key: str) -> Any:
        self._looked_up.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._looked_up.add(key)
        return super().get(key, default)


ALL = "*"


class _WatchedService:
    """A repaired service: reads through to it, and remembers a read of a field left out.
    Its own properties and methods run on the proxy, so what they read is seen too."""

    def __init__(
        self, name: str, target: ServiceSettings, repaired: set[str], seen: set[tuple[str, str]]
    ) -> None:
        self._name, self._target, self._repaired, self._seen = name, target, repaired, seen

    def __getattr__(self, name: str) -> Any:
        for cls in type(self._target).__mro__:
            if cls is BaseModel:
                break
            found = inspect.getattr_static(cls, name, None)
            if isinstance(found, property) and name in vars(cls):
                return found.fget(self)  # type: ignore[misc]
            if inspect.isfunction(found) and name in vars(cls):
                return found.__get__(self)
        if name in self._repaired:
            self._seen.add((self._name, name))
        return getattr(self._target, name)


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


@dataclass
class _Repair:
    config: dict[str, Any]
    broken: set[str] = field(default_factory=set)  # top-level keys replaced
    fields: dict[str, set[str]] = field(default_factory=dict)  # service -> fields left out
    set_aside: set[str] = field(default_factory=set)  # services left out whole
    jobs_aside: set[str] = field(default_factory=set)  # jobs with a bad field, left out whole


def _repair(raw: Mapping[str, Any], errors: list[dict[str, Any]]) -> _Repair:
    """The config without the bad parts, and what was taken out."""
    found = _Repair(copy.deepcopy(dict(raw)))
    services = raw.get("services") if isinstance(raw.get("services"), dict) else None
    for location, kind in ((clean_location(e["loc"]), e["type"]) for e in errors):
        if kind == "extra_forbidden" and _remove(found.config, location):
            continue
        top = str(location[0]) if location else ""
        if top == "services" and services is not None and len(location) > 1:
            name = str(location[1])
            bad = str(location[2]) if len(location) > 2 else None
            if bad in SERVICE_FIELDS:
                found.fields.setdefault(name, set()).add(bad)
            else:
                found.set_aside.add(name)
        elif top == "jobs" and len(location) > 1 and isinstance(raw.get("jobs"), dict):
            found.jobs_aside.add(str(location[1]))
        else:
            found.broken.add(top)
    for name, bad in found.fields.items():
        _repair_service(found, name, bad)
    for name in found.set_aside:
        found.config["services"].pop(name, None)
        found.fields.pop(name, None)
    for name in found.jobs_aside:
        found.config["jobs"].pop(name, None)
    for key in found.broken:
        found.config.pop(key, None)
        if key in STAND_INS:
            found.config[key] = copy.deepcopy(STAND_INS[key])
    return found


def _repair_service(found: _Repair, name: str, bad: set[str]) -> None:
    service = found.config["services"].get(name)
    if not isinstance(service, dict):
        found.set_aside.add(name)
        return
    for key in bad:
        service.pop(key, None)
        if key in SERVICE_STAND_INS:
            service[key] = copy.deepcopy(SERVICE_STAND_INS[key])
    try:
        ServiceSettings.model_validate(service)
    except ValidationError:
        found.set_aside.add(name)


@dataclass
class _Run:
    """What a rule found on a watched config, and what it read to find it."""

    found: list[Problem]
    seen: set[str]  # top-level sections (and the region)
    looked_up: set[str]  # services by name, or ALL when it went through them
    read: set[tuple[str, str]]  # (service, field) left out of a repaired service


def _run(
    rule: Rule,
    config: PlatformConfig,
    left_out: Mapping[str, set[str]],
    identity: tuple[str, str, str],
) -> _Run:
    run = _Run([], set(), set(), set())
    services = _Services(
        {
            name: _WatchedService(name, service, set(left_out[name]), run.read)
            if name in left_out
            else service
            for name, service in config.services.items()
        },
        run.looked_up,
    )
    project, stack, region = identity
    settings = _Watched(
        project=project,
        stack=stack,
        region=region,
        config=_Recorder(config.model_copy(update={"services": services}), run.seen),  # type: ignore[arg-type]
        seen=run.seen,
    )
    run.found = list(rule(settings))
    return run


def check_partially(
    raw: Mapping[str, Any],
    errors: list[dict[str, Any]],
    *,
    project: str,
    stack: str,
    region: str | None,
    rules: tuple[Rule, ...],
) -> PartialResult:
    """Run every rule whose inputs validated; count the others.

    A rule that read a field left out of a repaired service runs again without those services:
    what it finds both times, and not in those services, does not depend on them."""
    repair = _repair(raw, errors)
    try:
        config = PlatformConfig.model_validate(repair.config)
    except ValidationError:  # a part we could not isolate: nothing can be trusted
        return PartialResult(pending_rules=len(rules))
    names = _field_names()
    untrusted = {names.get(key, key) for key in repair.broken}
    if region is None:
        untrusted.add(REGION)
    result = PartialResult(
        set_aside=[f"services.{name}" for name in sorted(repair.set_aside)]
        + [f"jobs.{name}" for name in sorted(repair.jobs_aside)]
    )
    left_out = {name: {SERVICE_FIELDS[f] for f in bad} for name, bad in repair.fields.items()}
    without = config.model_copy(
        update={"services": {k: v for k, v in config.services.items() if k not in left_out}}
    )
    identity = (project, stack, region or STAND_IN_REGION)
    hidden = {*repair.set_aside, ALL} if repair.set_aside else set()
    for rule in rules:
        run = _run(rule, config, left_out, identity)
        if run.seen & untrusted or run.looked_up & hidden:
            result.pending_rules += 1
        elif not run.read:
            result.problems.extend(run.found)
        else:
            again = _run(rule, without, {}, identity).found
            prefixes = tuple(f"services.{name}" for name, _ in run.read)
            result.problems.extend(
                p for p in run.found if p in again and not p.path.startswith(prefixes)
            )
            result.pending_rules += 1
    return result
