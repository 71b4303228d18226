"""Config keys under a namespace nobody reads, and "did you mean" suggestions for typos.

Pulumi hands the program every `<namespace>:<key>` of the stack file; the program reads only its
own project's namespace and the providers read theirs. A key under a misspelt namespace
(`ecs-platfrom:tags`) would be ignored without a word, so the tags or alarm e-mails it holds
vanish: such keys are refused.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from settings.rules.problem import Problem

# Namespaces read by someone other than this program: the providers it uses (pulumi-aws,
# pulumi-awsx; requirements.in) and the engine itself (`pulumi:tags`, `pulumi:disable-default-
# providers`, ...). https://www.pulumi.com/docs/iac/concepts/config/
PROVIDER_NAMESPACES = ("aws", "awsx", "pulumi")


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest of `choices` to a probably misspelt `word` (stdlib difflib), or None."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def namespace_problems(config: Mapping[str, Any], project: str) -> list[Problem]:
    """One problem per key whose namespace is neither the project's nor a known provider's."""
    known = (project, *PROVIDER_NAMESPACES)
    problems = []
    for key in config:
        namespace, colon, name = str(key).partition(":")
        if not colon or namespace in known:
            continue
        guess = did_you_mean(namespace, known)
        hint = f"did you mean '{guess}:{name}'? " if guess else ""
        problems.append(
            Problem(
                str(key),
                f"unknown config namespace {namespace!r} ({hint}keys are read from "
                + ", ".join(f"{n}:" for n in known)
                + ")",
            )
        )
    return problems
