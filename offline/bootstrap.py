"""The first `pulumi up` of a stack: its ECR repositories first, then images, then the rest.

    python -m offline.bootstrap [STACK] [--project-dir DIR]

A new stack's repositories are created in the same run as the services that pull from them, so
every service's first deployment finds no image, fails its circuit breaker and pages. This prints
the `pulumi up --target ...` command that creates only the repositories (and what they depend
on), read from the program run under mocks: the URNs are the real ones (project, stack, parents
and logical names do not depend on the cloud). Then push and release each service's image, then
run `pulumi up` for everything (docs/bootstrap.md). Exit 2 on a bad stack file.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from offline.harness import PROJECT_DIR, ConfigFileError, SynthesisError, run_program
from offline.mocks import RecordedResource

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stack", nargs="?", default="dev", help="stack name (default: dev)")
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="the project")
    options = parser.parse_args(argv)
    try:
        synthesis = run_program(options.stack, project_dir=options.project_dir.resolve())
    except (ConfigFileError, SynthesisError) as error:
        print(f"error: {getattr(error, 'cause', error)}", file=sys.stderr)
        return 2
    targets = repository_targets(synthesis.resources)
    if not targets:
        print(f"Stack {options.stack} creates no ECR repository: run `pulumi up` directly.")
        return 0
    print(f"# 1. Create only the repositories of stack {options.stack}:")
    print(bootstrap_command(options.stack, targets))
    print("# 2. Push each service's image and release it (docs/bootstrap.md).")
    print(f"# 3. Create everything else: pulumi up --stack {options.stack}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
