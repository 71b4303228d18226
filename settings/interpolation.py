"""`${...}` variables in the string values of a workload file.

`${stack}`, `${region}`, `${project}`, `${service}` (the workload's name) and `${accountId}`
(only where the stack pins its account with `aws:allowedAccountIds`) are replaced in string
values of mappings and lists, never in keys; `$${` is a literal `${`. An unknown variable, a
`${` that is not closed, or `${accountId}` in a stack that pins no single account is a
problem at the key that holds it. (Copilot interpolates the same way, with other names:
aws/copilot-cli internal/pkg/manifest/interpolate.go.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from settings.rules.problem import Problem, join_path

VARIABLES = ("stack", "region", "project", "service", "accountId")
TOKEN = re.compile(r"\$\$\{|\$\{([^}$]*)(\})?")
KNOWN = ", ".join(f"${{{name}}}" for name in VARIABLES)


@dataclass
class Interpolated:
    """A value with its variables replaced, the problems found, and the key paths whose string
    changed (their value differs per stack, which an error then says)."""

    value: Any
    problems: list[Problem] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)


def interpolate(
    value: Any,
    variables: Mapping[str, str],
    unavailable: Mapping[str, str] | None = None,
    at: list[Any] | None = None,
) -> Interpolated:
    """`value` with `${name}` replaced from `variables`; `unavailable` maps a known variable
    that this stack cannot give to the reason (the problem's message)."""
    result = Interpolated(None)
    result.value = _walk(value, variables, dict(unavailable or {}), list(at or []), result)
    return result


def _walk(
    value: Any,
    variables: Mapping[str, str],
    unavailable: dict[str, str],
    at: list[Any],
    out: Interpolated,
) -> Any:
    if isinstance(value, Mapping):
        return {k: _walk(v, variables, unavailable, [*at, k], out) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, variables, unavailable, [*at, i], out) for i, v in enumerate(value)]
    if not isinstance(value, str) or "$" not in value:
        return value
    text, problems = replace(value, variables, unavailable)
    path = join_path(at)
    out.problems += [Problem(path, message) for message in problems]
    if text != value:
        out.changed.add(path)
    return text


def replace(
    text: str, variables: Mapping[str, str], unavailable: Mapping[str, str]
) -> tuple[str, list[str]]:
    """(`text` with its variables replaced, the problems found in it)."""
    problems: list[str] = []

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        name, closed = match.group(1), match.group(2)
        if not closed:
            problems.append(
                f"{match.group(0)!r} is not closed: a variable is ${{name}} ({KNOWN});"
                " write $${ for a literal ${"
            )
        elif name in unavailable:
            problems.append(unavailable[name])
        elif name not in variables:
            problems.append(
                f"unknown variable ${{{name}}} (known: {KNOWN}; write $${{ for a literal ${{)"
            )
        else:
            return variables[name]
        return match.group(0)

    return TOKEN.sub(one, text), problems
