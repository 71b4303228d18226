"""The first `pulumi up` of a stack: its ECR repositories first, then images, then the rest.

    ecs-platform bootstrap [STACK] [--project-dir DIR] [--json]

A new stack's repositories are created in the same run as the services that pull from them, so
every service's first deployment finds no image, fails its circuit breaker and pages. This prints
the `pulumi up --target ...` command that creates only the repositories (and what they depend
on), read from the program run under mocks: the URNs are the real ones (project, stack, parents
and logical names do not depend on the cloud). Then push and release each service's image, then
run `pulumi up` for everything (docs/first-up.md).
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from harness.records import RecordedResource

REPOSITORY = "aws:ecr/repository:Repository"


def repository_targets(resources: Sequence[RecordedResource]) -> list[str]:
    """URNs of every resource of the components that own repositories, and of what they need
    (dependencies, transitively), so `--target` creates them without the services."""
    by_urn = {resource.urn: resource for resource in resources}
    owners = {r.parent for r in resources if r.type == REPOSITORY}
    wanted = [r.urn for r in resources if r.custom and (r.parent in owners or r.type == REPOSITORY)]
    targets: set[str] = set()
    while wanted:
        urn = wanted.pop()
        resource = by_urn.get(urn)
        if urn in targets or resource is None or not resource.custom:
            continue
        targets.add(urn)
        wanted += resource.dependencies
    return sorted(targets)


def bootstrap_command(stack: str, targets: Sequence[str]) -> str:
    lines = [f"pulumi up --stack {shlex.quote(stack)}"]
    lines += [f"--target {shlex.quote(urn)}" for urn in targets]
    return " \\\n    ".join(lines)


def bootstrap_lines(stack: str, targets: Sequence[str]) -> list[str]:
    """The three steps of a first `pulumi up`, as printed by `ecs-platform bootstrap`."""
    if not targets:
        return [f"Stack {stack} creates no ECR repository: run `pulumi up` directly."]
    return [
        f"# 1. Create only the repositories of stack {stack}:",
        bootstrap_command(stack, targets),
        "# 2. Push each service's image and release it (docs/first-up.md).",
        f"# 3. Create everything else: pulumi up --stack {stack}",
    ]
