"""`svc deploy SERVICE --digest sha256:...`: pin the digest in the stack file (ops/release.py,
comments kept), open the release pull request (ops/github_api.py), and with `--wait` follow
the rollout once the merged change is deployed (the deploy workflow runs `pulumi up`).

The command never updates the service itself: a task definition registered outside Pulumi
would be reverted by the next `up` and reported as drift.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ops import github_api
from ops.release import pinned_key, released_text
from ops.stack import StackNames


def branch_name(stack: str, service: str, digest: str) -> str:
    return f"release/{stack}/{service}/{digest.removeprefix('sha256:')[:12]}"


def pin_and_propose(
    names: StackNames,
    key: str,
    digest: str,
    project_dir: Path,
    github: github_api.GitHub | None,
) -> tuple[Path, str | None]:
    """The changed file and, with a GitHub client, what the pull request call did. When the
    pull request cannot be opened, the file is put back as it was and the error raised."""
    path, text = released_text(names.stack, key, digest, project_dir)
    before = path.read_text()
    path.write_text(text)
    if github is None:
        return path, None
    changed = path.resolve().relative_to(project_dir.resolve()).as_posix()
    title = f"Release {key} {digest[:19]} to {names.stack}"
    body = (
        f"Pins `{pinned_key(path, key, names.stack)}.digest` to `{digest}` in `{changed}`.\n\n"
        f"Opened by `ecs-platform svc deploy {key} --stack {names.stack}`; merging it lets the"
        " deploy workflow run `pulumi up`."
    )
    branch = branch_name(names.stack, key, digest)
    try:
        proposed = github_api.open_release_pr(github, changed, branch, title, body, source=path)
    except BaseException:
        path.write_text(before)
        raise
    return path, proposed


def runs_digest(ecs: Any, cluster: str, service: str, container: str, digest: str) -> bool:
    """Whether the service's task definition runs `digest` in `container`."""
    (found,) = ecs.describe_services(cluster=cluster, services=[service])["services"]
    definition = ecs.describe_task_definition(taskDefinition=found["taskDefinition"])
    for item in definition["taskDefinition"].get("containerDefinitions") or []:
        if item.get("name") == container:
            return str(item.get("image", "")).endswith(f"@{digest}")
    return False


def wait_for_digest(
    ecs: Any,
    cluster: str,
    service: str,
    container: str,
    digest: str,
    *,
    timeout_seconds: float,
    interval_seconds: float,
    report: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Poll until the service's task definition runs the digest (the merged release was
    applied); False at the timeout."""
    waited = 0.0
    while not runs_digest(ecs, cluster, service, container, digest):
        report(f"waiting for the release to be merged and applied (`pulumi up`): {digest[:19]}")
        if waited >= timeout_seconds:
            return False
        sleep(interval_seconds)
        waited += interval_seconds
    report(f"{service} runs {digest[:19]}: following its deployment")
    return True
