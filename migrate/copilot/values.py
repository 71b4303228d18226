"""Copilot's value forms turned into this project's: durations, `${...}` interpolation, image
references, secrets and marked placeholders."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

# Go's time.ParseDuration, which reads Copilot's durations (the `*time.Duration` fields of
# aws/copilot-cli internal/pkg/manifest/svc.go, http.go, worker_svc.go, workload_ecs.go, decoded by
# gopkg.in/yaml.v3; a job's `timeout` and `@every`, internal/pkg/deploy/cloudformation/stack/
# scheduled_job.go): an optional sign, then one or more <number><unit>, a number having at least
# one digit (`.5m`, `1.5h`, `1.s`); "0" alone is zero. No other unit (no `d`), no bare number.
UNIT_NANOSECONDS = {"ns": 1, "us": 10**3, "µs": 10**3, "μs": 10**3, "ms": 10**6, "s": 10**9,
                    "m": 60 * 10**9, "h": 3600 * 10**9}  # fmt: skip
_NUMBER = r"(?:\d+\.?\d*|\.\d+)"
_UNIT = "|".join(sorted(UNIT_NANOSECONDS, key=len, reverse=True))
DURATION = re.compile(rf"({_NUMBER})({_UNIT})")
GO_DURATION = re.compile(rf"[-+]?(?:{_NUMBER}(?:{_UNIT}))+")
# copilot-cli internal/pkg/manifest/interpolate.go: `(\\?)\${([_a-zA-Z][_a-zA-Z0-9]*)}`, a
# backslash escapes it; the values come from the shell's environment at `copilot deploy`,
# except the two reserved names.
COPILOT_VARIABLE = re.compile(r"(\\?)\$\{([_a-zA-Z][_a-zA-Z0-9]*)\}")
APP_NAME, ENV_NAME = "COPILOT_APPLICATION_NAME", "COPILOT_ENVIRONMENT_NAME"
PLACEHOLDER = "FILL_IN"


# A `${name}` (or `$${name}`, or a placeholder) inside the text of another placeholder.
NESTED = re.compile(r"\$+\{(?:" + PLACEHOLDER + r":)?([^{}]*)\}")


def placeholder(what: str) -> str:
    """A marked value the user must replace: `${FILL_IN:<what>}`. In a workload file the
    loader refuses it as an unknown variable, in a stack file it fails the key's pattern, so a
    plan names every one left. `what` is made safe first: the placeholder ends at its first
    `}` (for the loader and for MIGRATION.md), so a `${name}` in it is written `<name>` and any
    other brace is dropped."""
    text, count = what, 1
    while count:  # innermost first: a placeholder may hold a `${name}`
        text, count = NESTED.subn(r"<\1>", text)
    text = text.replace("{", "").replace("}", "")
    return f"${{{PLACEHOLDER}:{text}}}"


def has_placeholder(text: str) -> bool:
    """Whether `text` holds a placeholder (written by `placeholder`)."""
    return f"${{{PLACEHOLDER}:" in text


def _duration(value: Any) -> Fraction | None:
    """The Go duration `value` (its text: a YAML number is read as written) in exact seconds."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value)
    unsigned = text[1:] if text[:1] in ("-", "+") else text
    if unsigned == "0":
        return Fraction(0)
    if not GO_DURATION.fullmatch(text):
        return None
    total = sum(Fraction(n) * UNIT_NANOSECONDS[unit] for n, unit in DURATION.findall(text))
    return (-total if text.startswith("-") else total) / 10**9


def seconds(value: Any) -> float | None:
    """A Go duration in seconds: `1h30m` -> 5400.0, `.5m` -> 30.0, `250ms` -> 0.25, `0` -> 0.0;
    None for what Go's time.ParseDuration refuses (`4d`, `30` without a unit, `1h30`)."""
    found = _duration(value)
    return None if found is None else float(found)


def whole_seconds(value: Any) -> int | None:
    """A Go duration in whole seconds (rounded up: a timeout is never shortened), or None."""
    found = _duration(value)
    return None if found is None else math.ceil(found)


def not_a_duration(value: Any, key: str) -> str:
    """The note of a duration Go cannot read (Copilot refuses the manifest at deploy)."""
    return (
        f"{value!r} is not a Go duration, so Copilot does not read it either (time.ParseDuration:"
        " numbers with units ns, us, ms, s, m or h, like 30s, 1m30s or .5m; no days, no bare"
        f" number): nothing written; give {key} in seconds"
    )


@dataclass
class Interpolation:
    """How Copilot's `${...}` names are written here: the application's name as written in
    Copilot (its SSM paths and names keep it), the environment's as `${stack}` where the stack
    has the environment's name, else the environment's own name; any other name (a shell
    variable at `copilot deploy`) as a placeholder, collected in `unknown`."""

    app: str
    env: str | None = None  # None: the base manifest (names the stack's own name)
    stack: str | None = None
    unknown: set[str] = field(default_factory=set)
    # A stack file is not interpolated (settings/interpolation.py reads workload files only):
    # there the environment's name is written as it is, and `${` needs no escape.
    stack_file: bool = False

    def text(self, value: str) -> str:
        # In a workload file our own `${` must stay literal ($${): only Copilot's names are
        # variables there.
        escape = (lambda text: text) if self.stack_file else _escape
        out, last = [], 0
        for match in COPILOT_VARIABLE.finditer(value):
            out.append(escape(value[last : match.start()]))
            out.append(self._one(match))
            last = match.end()
        out.append(escape(value[last:]))
        return "".join(out)

    def _one(self, match: re.Match[str]) -> str:
        escaped, name = match.group(1), match.group(2)
        if escaped:
            return f"${{{name}}}" if self.stack_file else f"$${{{name}}}"
        if name == APP_NAME:
            return self.app
        if name == ENV_NAME:
            if self.stack_file and self.env is not None:
                return self.env
            if self.env is None or self.env == self.stack:
                return "${stack}"
            return self.env
        self.unknown.add(name)
        return placeholder(f"shell variable {name}")

    def readable(self, value: str) -> str:
        """`value` as prose for a placeholder's text: the application's name, the environment's
        own name (`<environment>` in the base manifest), `<NAME>` for a shell variable."""

        def one(match: re.Match[str]) -> str:
            escaped, name = match.group(1), match.group(2)
            if escaped:
                return f"<{name}>"
            if name == APP_NAME:
                return self.app
            if name == ENV_NAME:
                return self.env or "<environment>"
            return f"<{name}>"

        return COPILOT_VARIABLE.sub(one, value)

    def walk(self, value: Any) -> Any:
        """`value` with every string interpolated (keys are not: Copilot does not either). A
        `from_cfn` export name only goes into a placeholder's text: it is made `readable`."""
        if isinstance(value, Mapping) and set(value) == {"from_cfn"}:
            return {"from_cfn": self.readable(str(value["from_cfn"]))}
        if isinstance(value, Mapping):
            return {k: self.walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value


def _escape(text: str) -> str:
    return text.replace("${", "$${")


def image_uri(location: str) -> tuple[str, list[str]]:
    """A Docker reference written out as this project's image URIs need it (a registry host,
    a path and a tag or digest), with what was added: `nginx` -> `docker.io/library/nginx:latest`
    (Docker Hub and `latest` are Docker's defaults for a bare name)."""
    added: list[str] = []
    first, _, rest = location.partition("/")
    host_given = bool(rest) and ("." in first or ":" in first or first == "localhost")
    uri = location
    if not host_given:
        path = location if rest else f"library/{location}"
        uri = f"docker.io/{path}"
        added.append("the registry docker.io" + ("/library" if not rest else ""))
    last = uri.rsplit("/", 1)[-1]
    if "@" not in last and ":" not in last:
        uri += ":latest"
        added.append("the tag latest (Docker's default)")
    return uri, added


def secret_reference(value: str) -> tuple[str, str]:
    """A Copilot plain-string secret (an SSM parameter name or path, or an ARN) in this
    project's form, and how it is named: `ssm:<name>`, or the ARN. Copilot writes the string
    unquoted into its template's YAML (internal/pkg/template/templates/workloads/partials/cf/
    secrets.yml `ValueFrom: {{$secret.ValueFrom}}`), so its docs quote an ARN twice
    (`"'arn:...'"`, site/content/docs/developing/secrets.en.md): that pair of single quotes is
    YAML's, and is removed here as CloudFormation removed it."""
    quoted = len(value) > 1 and value[0] == value[-1] == "'"
    text = value[1:-1] if quoted else value
    note = ", the single quotes Copilot's template consumed removed" if quoted else ""
    if text.startswith("arn:"):
        return text, "by its ARN" + note
    return f"ssm:{text}", "SSM Parameter Store, by name" + note


def secrets_manager_reference(value: str) -> tuple[str, str]:
    """A Copilot `secretsmanager:` value in this project's form, and how it is named. Copilot
    takes `name`, `name:json-key:version-stage:version-id` (any selector field empty) or an ARN
    (aws/copilot-cli site/content/docs/developing/secrets.en.md, `mysql:password::`;
    internal/pkg/template/workload.go
    `secretsManagerName.ValueFrom` appends the selector to the partial ARN as given). The
    selector is kept whole: `secretsmanager:<name>[:<key>[:<stage>[:<id>]]]`, trailing empty
    fields dropped (they select nothing)."""
    if value.startswith("arn:"):
        return value, "Secrets Manager, by its ARN"
    name, *selector = value.split(":")
    while selector and not selector[-1]:
        selector.pop()
    return ":".join(["secretsmanager:" + name, *selector]), "Secrets Manager, by name"
