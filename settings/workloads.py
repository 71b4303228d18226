"""Workload files: one file per service, `services/<name>.yaml` (and per job, `jobs/<name>.yaml`),
declared once for every stack, with what differs per stack under `environments.<stack>`.

A file holds the keys of `ecs-platform:services.<name>` plus `stacks: [dev, prod]` (the stacks
that run it; default every stack) and `environments: {<stack>: {...}}`. For a stack it becomes
the body merged with that stack's section (settings/merge.py), its `${...}` variables replaced
(settings/interpolation.py), under the config key its folder names (`KINDS`). Each merged entry
keeps a `Source`, so a problem found later names the file and the key as the user wrote them.

The program finds the files beside itself (`__main__.py` passes its folder); the mock harness
may hand it another folder (`harness_folder`), as it hands it config, so fixture stacks never
read the user's files.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from settings.interpolation import VARIABLES, interpolate
from settings.merge import Merged, merge
from settings.namespaces import did_you_mean
from settings.platform import PlatformConfig
from settings.rules.problem import Problem, join_path
from settings.stack_files import stack_names, yaml_problem

# folder -> the PlatformConfig section (its camelCase key) its files merge into.
KINDS: dict[str, str] = {"services": "services", "jobs": "jobs"}
STACKS, ENVIRONMENTS = "stacks", "environments"
# The service name rule (settings/rules/service.py SERVICE_NAME); jobs use the same form.
NAME = re.compile(r"^[a-z][a-z0-9-]{0,27}$")
SECTIONS = {f.alias or name for name, f in PlatformConfig.model_fields.items()}


@dataclass(frozen=True)
class WorkloadFile:
    """One readable workload file: `body` without `stacks` and `environments`."""

    kind: str
    name: str
    path: str  # as the user sees it: services/api.yaml
    body: dict[str, Any]
    stacks: tuple[str, ...] | None
    environments: dict[str, dict[str, Any]]

    @property
    def section(self) -> str:
        return KINDS[self.kind]


@dataclass
class Workloads:
    """The workload files of a project, the project's stacks, and the problems of the files
    themselves (the same for every stack)."""

    files: list[WorkloadFile] = field(default_factory=list)
    stacks: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    """Where a merged workload came from, to name the key a problem is about as written."""

    file: str
    stack: str
    merged: Merged
    interpolated: frozenset[str]
    has_override: bool
    unresolved: frozenset[str] = frozenset()  # key paths whose variables are problems

    def problem(self, path: str, message: str, rule: bool = True) -> Problem:
        """A problem at `path` of the merged workload (relative to it), as a line of the file.
        A rule's problem about the base says it was found on the merged settings when this
        stack overrides some of them (another key may have caused it)."""
        if self.merged.origin(path) == "override":
            written = join_path([ENVIRONMENTS, self.stack]) + (f".{path}" if path else "")
            if path in self.merged.removed and message == "required key is missing":
                message = "required: null removes only optional keys"
            return Problem(written, message, self.file)
        if message.startswith("unknown key (") and path and not set(path) & {".", "["}:
            message = _file_key_message(path, message)
        if (rule and self.has_override) or path in self.interpolated:
            message += f" (as merged for stack {self.stack})"
        return Problem(path, message, self.file)


def _file_key_message(key: str, message: str) -> str:
    """An unknown key at the top of a workload file: `stacks` and `environments` are allowed
    there too (a typo of `environments` is not a typo of `environment`)."""
    allowed = message.split("allowed: ", 1)[1].rstrip(")").split(", ")
    allowed = sorted([*allowed, STACKS, ENVIRONMENTS])
    guess = did_you_mean(key, allowed)
    hint = f"did you mean {guess!r}? " if guess else ""
    return f"unknown key ({hint}allowed: {', '.join(allowed)})"


@dataclass
class StackWorkloads:
    """The workloads of one stack: section -> name -> merged settings, with their sources."""

    sections: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)  # "services.api" -> Source
    problems: list[Problem] = field(default_factory=list)


_UNSET: Any = object()
_harness_folder: list[Any] = [_UNSET]


@contextlib.contextmanager
def harness_folder(folder: Path | None) -> Iterator[None]:
    """While it lasts, the program reads workload files from `folder` (None: none at all)
    instead of its own folder. The mock harness uses it for fixture stacks."""
    _harness_folder.append(folder)
    try:
        yield
    finally:
        _harness_folder.pop()


def workload_folder(project_dir: Path | None) -> Path | None:
    """Where the running program reads workload files: the harness's folder, or its own."""
    override = _harness_folder[-1]
    return project_dir if override is _UNSET else override


def workload_paths(folder: Path | None) -> list[Path]:
    """Every file under the kinds' folders (the harness keys its cache on them)."""
    if folder is None:
        return []
    return sorted(p for kind in KINDS for p in (folder / kind).glob("*") if p.is_file())


def read_workloads(folder: Path | None, running_stack: str | None = None) -> Workloads:
    """Read every workload file of the project in `folder`; the stacks are its stack files
    (and the running stack)."""
    found = Workloads()
    if folder is None:
        return found
    stacks = set(stack_names(folder)) | ({running_stack} if running_stack else set())
    found.stacks = tuple(sorted(stacks))
    for path in workload_paths(folder):
        kind, relative = path.parent.name, f"{path.parent.name}/{path.name}"
        if path.suffix == ".yml":
            found.problems.append(Problem("", "not read: workload files end in .yaml", relative))
        elif path.suffix == ".yaml":
            workload = _read_one(kind, path, relative, found)
            if workload is not None:
                found.files.append(workload)
    return found


def _read_one(kind: str, path: Path, relative: str, found: Workloads) -> WorkloadFile | None:
    def refuse(where: str, message: str) -> None:
        found.problems.append(Problem(where, message, relative))

    name = path.stem
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        refuse("", f"not valid YAML: {yaml_problem(error)}")
        return None
    if KINDS[kind] not in SECTIONS:
        refuse("", f"this version has no {kind} (no ecs-platform:{KINDS[kind]} section)")
        return None
    if not NAME.match(name):
        refuse("", f"{name!r} is not a {kind[:-1]} name (the file name: a lowercase letter,"
               " then up to 27 letters, digits or -)")  # fmt: skip
        return None
    if data is None:
        refuse("", f"the file is empty: a {kind[:-1]} needs its settings (at least image)")
        return None
    if not isinstance(data, dict):
        refuse("", f"expected a mapping of keys to values at the top (got {data!r})")
        return None
    stacks = _stacks(data.get(STACKS, None), found.stacks, refuse)
    environments = _environments(data.get(ENVIRONMENTS), found.stacks, stacks, refuse)
    body = {key: value for key, value in data.items() if key not in (STACKS, ENVIRONMENTS)}
    for where, value in [
        ("", body),
        *((f"{ENVIRONMENTS}.{s}", v) for s, v in environments.items()),
    ]:
        for problem in interpolate(value, dict.fromkeys(VARIABLES, "")).problems:
            refuse(".".join(p for p in (where, problem.path) if p), problem.message)
    return WorkloadFile(kind, name, relative, body, stacks, environments)


def _known(stack: str, stacks: tuple[str, ...]) -> str:
    guess = did_you_mean(stack, stacks) or next(
        (s for s in stacks if stack.startswith(s) or s.startswith(stack)), None
    )
    hint = f"did you mean {guess!r}? " if guess else ""
    return f"no stack {stack!r} ({hint}stacks: {', '.join(stacks) or 'none'})"


def _stacks(value: Any, known: tuple[str, ...], refuse: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        refuse(STACKS, f"expected a list of stack names, like [dev, prod] (got {value!r})")
        return None
    for index, stack in enumerate(value):
        if stack not in known:
            refuse(f"{STACKS}[{index}]", _known(stack, known))
    return tuple(value)


def _environments(
    value: Any, known: tuple[str, ...], stacks: tuple[str, ...] | None, refuse: Any
) -> dict[str, dict[str, Any]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        refuse(ENVIRONMENTS, f"expected a mapping of stack names to settings (got {value!r})")
        return {}
    found: dict[str, dict[str, Any]] = {}
    for stack, override in value.items():
        where = join_path([ENVIRONMENTS, str(stack)])
        if stack not in known:
            refuse(where, _known(str(stack), known))
        elif stacks is not None and stack not in stacks:
            refuse(where, f"{stack} is not in stacks ({', '.join(stacks)}): it never runs there")
        elif override is not None and not isinstance(override, dict):
            refuse(
                where, f"expected a mapping of the keys that differ in {stack} (got {override!r})"
            )
        elif override and (nested := [k for k in (STACKS, ENVIRONMENTS) if k in override]):
            refuse(f"{where}.{nested[0]}", "allowed at the top of the file only")
        else:
            found[str(stack)] = override or {}
    return found


def for_stack(
    workloads: Workloads, stack: str, variables: Mapping[str, str], unavailable: Mapping[str, str]
) -> StackWorkloads:
    """The workloads `stack` runs, merged and interpolated, with their sources. `variables`
    gives stack, region, project (and accountId where pinned); `unavailable` says why a known
    variable has no value here."""
    result = StackWorkloads(problems=list(workloads.problems))
    for workload in workloads.files:
        if workload.stacks is not None and stack not in workload.stacks:
            continue
        override = workload.environments.get(stack)
        values = {**variables, "service": workload.name}
        base = interpolate(workload.body, values, unavailable)
        changes = interpolate(override or {}, values, unavailable, [ENVIRONMENTS, stack])
        unresolved = set()
        for problem in [*base.problems, *changes.problems]:
            unresolved.add(problem.path.removeprefix(f"{ENVIRONMENTS}.{stack}."))
            if problem.message in unavailable.values():
                result.problems.append(Problem(problem.path, problem.message, workload.path))
        merged = merge(base.value, changes.value)
        interpolated = base.changed | {
            p.removeprefix(f"{ENVIRONMENTS}.{stack}.") for p in changes.changed
        }
        result.sections.setdefault(workload.section, {})[workload.name] = merged.value
        result.sources[join_path([workload.section, workload.name])] = Source(
            workload.path,
            stack,
            merged,
            frozenset(interpolated),
            bool(override),
            frozenset(unresolved),
        )
    return result


def attribute(
    problems: list[Problem], sources: Mapping[str, Source], rules: set[Problem] | None = None
) -> list[Problem]:
    """Problems about a merged workload moved to its file and the key as written; the rest
    unchanged. `rules` are the problems the cross-key rules found (the others are about one
    value). A problem at a value whose variables are already a problem is left out, and lines
    that become identical are reported once."""
    moved: list[Problem] = []
    for problem in problems:
        if problem.file is None:
            for prefix, source in sources.items():
                rest = problem.path[len(prefix) :]
                if problem.path.startswith(prefix) and (not rest or rest[0] in ".["):
                    rest = rest.removeprefix(".")
                    if rest in source.unresolved:
                        problem = None
                    else:
                        rule = rules is None or problem in rules
                        problem = source.problem(rest, problem.message, rule)
                    break
        if problem is not None and problem not in moved:
            moved.append(problem)
    return moved
