"""Reads the running stack's config, validates it, and reports every problem at once.

`load_settings()` turns the current stack's config into one frozen `PlatformSettings` object or
raises `SettingsError` (a `pulumi.RunError`, printed by the engine without a traceback) listing
every problem at once, each naming the stack file and the key path. The only module that reads
Pulumi config.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import BaseModel, ValidationError

from settings import rules
from settings.job import service_key_hint
from settings.looked_up import LookedUp
from settings.namespaces import did_you_mean, namespace_problems
from settings.partial import check_partially, clean_location
from settings.platform import PlatformConfig, PlatformSettings, stack_file_name
from settings.rules.looked_up import looked_up_problems
from settings.rules.problem import Problem, join_path
from settings.tier_defaults import with_tier_defaults
from settings.types import PATTERN_MEANINGS, REGION_PATTERN, is_mapping_field, model_in

AWS_REGION_KEY = "aws:region"


class SettingsError(pulumi.RunError):
    """Bad stack configuration. The message lists every problem, one per line, then (when some
    cross-key rules could not run on the keys that failed) a closing note saying so."""

    def __init__(self, stack_file: str, problems: list[Problem], note: str | None = None) -> None:
        self.stack_file = stack_file
        self.problems = problems
        self.note = note
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(
            f"invalid stack configuration ({len(problems)} {noun}):\n"
            + "\n".join([*self.lines, *([f"({note})"] if note else [])])
        )

    @property
    def lines(self) -> list[str]:
        """One `<stack file>: <key path>: <message>` line per problem."""
        return [f"{self.stack_file}: {p.path}: {p.message}" for p in self.problems]


def load_settings() -> PlatformSettings:
    """Read the running stack's config (from the engine or the mock harness), validated."""
    return parse_settings(_current_config(), project=pulumi.get_project(), stack=pulumi.get_stack())


def _current_config() -> dict[str, Any]:
    # The engine hands config to the program as PULUMI_CONFIG; tests and the harness call
    # set_all_config. Pulumi has no public "list every key", and rejecting unknown keys needs one.
    merged = dict(runtime_config.get_config_env())
    merged.update(runtime_config.CONFIG.get())
    return merged


def parse_settings(config: Mapping[str, Any], *, project: str, stack: str) -> PlatformSettings:
    """Validate a flat Pulumi config map (`namespace:key` -> string or JSON string)."""
    prefix = f"{project}:"
    raw = with_tier_defaults(
        {
            key[len(prefix) :]: _decode(value)
            for key, value in config.items()
            if key.startswith(prefix)
        }
    )
    problems: list[Problem] = []

    region = config.get(AWS_REGION_KEY)
    if not region:
        problems.append(Problem(AWS_REGION_KEY, "required key is missing (e.g. eu-west-1)"))
    elif not REGION_PATTERN.match(str(region)):
        problems.append(Problem(AWS_REGION_KEY, f"{region!r} is not an AWS region name"))
    region_valid = not problems
    problems.extend(namespace_problems(config, project))

    try:
        platform = PlatformConfig.model_validate(raw)
    except ValidationError as error:
        problems.extend(_problems_from(error))
        errors = error.errors()
    else:
        errors = []
        if region_valid:
            settings = PlatformSettings(project, stack, str(region), platform)
            problems.extend(rules.check(settings))
            if problems:
                raise SettingsError(stack_file_name(stack), problems)
            return settings
    # Every rule whose inputs did validate still runs: all problems in one run.
    partial = check_partially(
        raw,
        errors,
        project=project,
        stack=stack,
        region=str(region) if region_valid else None,
        rules=rules.RULES,
    )
    problems.extend(partial.problems)
    raise SettingsError(stack_file_name(stack), problems, partial.note())


def problems_at(problems: list[Problem], path: str) -> bool:
    return any(problem.path == path for problem in problems)


def _decode(value: Any) -> Any:
    """Objects and lists arrive as JSON strings; scalars stay strings for pydantic to coerce."""
    if isinstance(value, str) and value.lstrip().startswith(("{", "[")):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _problems_from(error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors():
        location = clean_location(item["loc"])
        path = join_path(location)
        kind = item["type"]
        if kind == "extra_forbidden":
            allowed = _allowed_keys(location[:-1])
            guess = did_you_mean(str(location[-1]), allowed)
            hint = f"did you mean {guess!r}? " if guess else ""
            message = f"unknown key ({hint}allowed: {', '.join(allowed)})"
            in_job = len(location) == 3 and location[0] == "jobs"
            service_key = service_key_hint(str(location[-1])) if in_job else None
            if service_key:
                message = f"{service_key} (a job allows: {', '.join(allowed)})"
        elif kind == "missing":
            message = "required key is missing"
        elif kind == "string_pattern_mismatch" and item["ctx"]["pattern"] in PATTERN_MEANINGS:
            message = f"{item['input']!r} is not {PATTERN_MEANINGS[item['ctx']['pattern']]}"
        elif kind in {"model_type", "dict_type", "model_attributes_type"}:
            message = f"expected a mapping of keys to values (got {item['input']!r})"
        else:
            message = item["msg"].removeprefix("Value error, ").replace(" after validation", "")
            if kind not in {"value_error", "assertion_error"}:
                message += f" (got {item['input']!r})"
        problems.append(Problem(path, message))
    return problems


def _allowed_keys(location: list[Any]) -> list[str]:
    """The camelCase keys the settings model accepts at `location` (used for typo messages)."""
    model: type[BaseModel] | None = PlatformConfig
    skip_mapping_key = False
    for part in location:
        if isinstance(part, int):
            continue
        if skip_mapping_key:
            skip_mapping_key = False
            continue
        field = next(
            (
                f
                for name, f in (model.model_fields.items() if model else ())
                if (f.alias or name) == part
            ),
            None,
        )
        if field is None:
            return []
        model = model_in(field.annotation)
        skip_mapping_key = is_mapping_field(field.annotation)
    return sorted(f.alias or name for name, f in model.model_fields.items()) if model else []


def check_looked_up(settings: PlatformSettings, facts: LookedUp) -> None:
    """Raise SettingsError listing what the lookups of an existing network or load balancer
    revealed (settings/looked_up.py); do nothing when they revealed nothing."""
    problems = looked_up_problems(settings, facts)
    if problems:
        raise SettingsError(settings.stack_file, problems)
