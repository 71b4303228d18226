"""Copilot's value forms turned into this project's: durations, `${...}` interpolation, image
references, secrets and marked placeholders."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Go's time.ParseDuration units, which Copilot's durations use (aws/copilot-cli
# internal/pkg/manifest/workload.go: `*time.Duration` fields such as http.healthcheck.interval).
DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
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


def seconds(value: Any) -> float | None:
    """`1h30m` -> 5400.0, `250ms` -> 0.25, a bare number -> itself; None if not a duration."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if not text or DURATION.sub("", text):
        return None
    return sum(float(n) * UNIT_SECONDS[unit] for n, unit in DURATION.findall(text))


def whole_seconds(value: Any) -> int | None:
    """A duration in whole seconds (rounded up: a timeout is never shortened), or None."""
    found = seconds(value)
    if found is None:
        return None
    whole = int(found)
    return whole if whole == found else whole + 1


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
