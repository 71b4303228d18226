"""Reads the running stack's config and workload files, validates them, and reports every
problem at once.

`load_settings(project_dir)` turns the current stack's config, with the workload files of
`project_dir` merged in (`services/<name>.yaml`, settings/workloads.py), into one frozen
`PlatformSettings` object or raises `SettingsError` (a `pulumi.RunError`, printed by the engine
without a traceback) listing every problem at once, each naming the file (the stack file or a
workload file) and the key path as written there. The only module that reads Pulumi config.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import ValidationError

from settings import rules
from settings.job import JobSettings
from settings.looked_up import LookedUp
from settings.messages import problems_from
from settings.namespaces import did_you_mean, namespace_problems
from settings.partial import check_partially
from settings.platform import PlatformConfig, PlatformSettings, stack_file_name
from settings.rules.looked_up import looked_up_problems
from settings.rules.problem import Problem, join_path
from settings.rules.stacks import check_stacks
from settings.service import ServiceSettings
from settings.stack_files import ConfigFileError, load_config, stack_names
from settings.tier_defaults import with_tier_defaults
from settings.types import REGION_PATTERN
from settings.workloads import (
    Source,
    Workloads,
    attribute,
    for_stack,
    read_workloads,
    workload_folder,
)

AWS_REGION_KEY = "aws:region"
# pulumi-aws's provider setting: a deploy with credentials of any other account fails before it
# changes anything (https://www.pulumi.com/registry/packages/aws/api-docs/provider/
# "allowedAccountIds"). `${accountId}` in a workload file needs exactly one.
ALLOWED_ACCOUNTS_KEY = "aws:allowedAccountIds"
ACCOUNT_ID = re.compile(r"^\d{12}$")


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
        """One `<file>: <key path>: <message>` line per problem (the stack file, or the
        workload file the key is in)."""
        return [p.line(self.stack_file) for p in self.problems]


def load_settings(project_dir: Path | None = None) -> PlatformSettings:
    """Read the running stack's config (from the engine or the mock harness) and the workload
    files of `project_dir` (the program's own folder), validated."""
    stack = pulumi.get_stack()
    workloads = read_workloads(workload_folder(project_dir), stack)
    return parse_settings(
        _current_config(), project=pulumi.get_project(), stack=stack, workloads=workloads
    )


def _current_config() -> dict[str, Any]:
    # The engine hands config to the program as PULUMI_CONFIG; tests and the harness call
    # set_all_config. Pulumi has no public "list every key", and rejecting unknown keys needs one.
    merged = dict(runtime_config.get_config_env())
    merged.update(runtime_config.CONFIG.get())
    return merged


def parse_settings(
    config: Mapping[str, Any],
    *,
    project: str,
    stack: str,
    workloads: Workloads | None = None,
) -> PlatformSettings:
    """Validate a flat Pulumi config map (`namespace:key` -> string or JSON string), with the
    project's workload files merged in for `stack`."""
    raw, sources, problems = merged_config(
        config, project=project, stack=stack, workloads=workloads
    )
    raw = with_tier_defaults(raw)
    region = config.get(AWS_REGION_KEY)
    if not region:
        problems.append(Problem(AWS_REGION_KEY, "required key is missing (e.g. eu-west-1)"))
    elif not REGION_PATTERN.match(str(region)):
        problems.append(Problem(AWS_REGION_KEY, f"{region!r} is not an AWS region name"))
    region_valid = bool(region) and bool(REGION_PATTERN.match(str(region)))
    problems.extend(namespace_problems(config, project))

    try:
        platform = PlatformConfig.model_validate(raw)
    except ValidationError as error:
        problems.extend(problems_from(error))
        errors = error.errors()
    else:
        errors = []
        if region_valid:
            account, _ = _pinned_account(config, stack)
            settings = PlatformSettings(project, stack, str(region), platform, account)
            found = rules.check(settings)
            problems.extend(found)
            if problems:
                raise SettingsError(
                    stack_file_name(stack), attribute(problems, sources, set(found))
                )
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
    found = attribute(problems, sources, set(partial.problems))
    raise SettingsError(stack_file_name(stack), found, partial.note())


def merged_config(
    config: Mapping[str, Any],
    *,
    project: str,
    stack: str,
    workloads: Workloads | None = None,
) -> tuple[dict[str, Any], dict[str, Source], list[Problem]]:
    """(the project's keys of the stack file with the workloads of `stack` merged in, where
    each workload came from, the problems found merging)."""
    prefix = f"{project}:"
    raw = {
        key[len(prefix) :]: _decode(value)
        for key, value in config.items()
        if key.startswith(prefix)
    }
    account, problems = _pinned_account(config, stack)
    if workloads is None:
        return raw, {}, problems
    variables = {"stack": stack, "project": project, "region": str(config.get(AWS_REGION_KEY, ""))}
    unavailable = {}
    if account is None:
        unavailable["accountId"] = (
            f"${{accountId}} needs the stack to pin its account: {ALLOWED_ACCOUNTS_KEY} with"
            f" exactly one account id in {stack_file_name(stack)}"
        )
    else:
        variables["accountId"] = account
    merged = for_stack(workloads, stack, variables, unavailable)
    problems += merged.problems + other_stacks_keys(workloads, stack)
    for section, entries in merged.sections.items():
        declared = raw.get(section, {})
        if not isinstance(declared, dict):
            continue  # validation reports the stack file's key
        for name, body in entries.items():
            source = merged.sources[join_path([section, name])]
            if name in declared:
                problems.append(
                    Problem(
                        "",
                        f"{section[:-1]} {name} is also declared in {stack_file_name(stack)}"
                        f" ({prefix}{section}.{name}): keep one",
                        source.file,
                    )
                )
                continue
            declared[name] = body
        raw[section] = declared
    return raw, merged.sources, problems


def other_stacks_keys(workloads: Workloads, stack: str) -> list[Problem]:
    """Unknown top-level keys in the overrides of the other stacks (`environments.<other>`),
    which this stack's plan would otherwise never read: a typo for prod fails the plan of dev
    too, before it reaches a production deploy. Nested keys are checked with their stack."""
    models = {"services": ServiceSettings, "jobs": JobSettings}
    problems = []
    for workload in workloads.files:
        model = models.get(workload.section)
        if model is None:
            continue
        allowed = sorted(field.alias or name for name, field in model.model_fields.items())
        for other, override in workload.environments.items():
            for key in sorted(set(override) - set(allowed)) if other != stack else []:
                guess = did_you_mean(str(key), allowed)
                hint = f": did you mean {guess!r}?" if guess else ""
                where = join_path(["environments", other, str(key)])
                problems.append(
                    Problem(
                        where, f"unknown key in the override for stack {other}{hint}", workload.path
                    )
                )
    return problems


def _pinned_account(config: Mapping[str, Any], stack: str) -> tuple[str | None, list[Problem]]:
    """The one account id of `aws:allowedAccountIds`, if it pins exactly one, and its problems."""
    value = _decode(config.get(ALLOWED_ACCOUNTS_KEY))
    if value is None:
        return None, []
    ids = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    bad = [i for i in ids if not ACCOUNT_ID.match(i)]
    if bad or not isinstance(value, list):
        return None, [
            Problem(
                ALLOWED_ACCOUNTS_KEY, f"expected a list of 12-digit account ids (got {value!r})"
            )
        ]
    return (ids[0] if len(ids) == 1 else None), []


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


def load_stack(stack: str, project_dir: Path) -> PlatformSettings:
    """The settings of `stack` of the project in `project_dir` as the program would load them
    (its stack files and workload files), without a Pulumi runtime: for the commands and the
    checks across stacks. Raises SettingsError, or ConfigFileError for an unreadable file."""
    project, flat = load_config(stack, project_dir)
    workloads = read_workloads(project_dir, stack)
    return parse_settings(flat, project=project, stack=stack, workloads=workloads)


def cross_stack_problems(stack: str, project_dir: Path) -> list[str]:
    """The lines of the checks across stack files (settings/rules/stacks.py) that are about
    `stack`, against every other stack of the project that loads. [] when `stack` itself does
    not load (its own problems come first)."""
    loaded = []
    for name in stack_names(project_dir):
        try:
            loaded.append(load_stack(name, project_dir))
        except (SettingsError, ConfigFileError):
            continue
    if stack not in {settings.stack for settings in loaded}:
        return []
    return [p.line(stack_file_name(stack)) for p in check_stacks(loaded, only=stack)]


def check_looked_up(settings: PlatformSettings, facts: LookedUp) -> None:
    """Raise SettingsError listing what the lookups of an existing network or load balancer
    revealed (settings/looked_up.py); do nothing when they revealed nothing."""
    problems = looked_up_problems(settings, facts)
    if problems:
        raise SettingsError(settings.stack_file, problems)
