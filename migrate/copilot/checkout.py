"""What the output folder already holds that the import does not write: a checkout's sample
stacks and workloads (each one is planned and deployed with the imported ones), workflows that
do not list the imported stacks, and a project name shared by every checkout."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

WORKLOAD_GLOBS = ("Pulumi.*.yaml", "services/*.yaml", "jobs/*.yaml")


def leftovers(out: Path, written: Iterable[str]) -> list[str]:
    """The stack and workload files in `out` the import does not write (relative paths)."""
    ours = set(written)
    found = {str(p.relative_to(out)) for g in WORKLOAD_GLOBS for p in out.glob(g)}
    return sorted(found - ours)


def unlisted_stacks(out: Path, stacks: Iterable[str]) -> list[str]:
    """The stacks no list of `out`'s workflows names (the shipped workflows list the stacks
    they preview, deploy and check for drift: `stack: [dev, prod]`)."""
    named: set[str] = set()
    for path in sorted((out / ".github" / "workflows").glob("*.yml")):
        try:
            named |= _list_items(yaml.safe_load(path.read_text()))
        except yaml.YAMLError:
            continue
    if not named:
        return []
    return [stack for stack in stacks if stack not in named]


def _list_items(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set().union(*(_list_items(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        items = {str(v) for v in node if isinstance(v, str)}
        return items.union(*(_list_items(v) for v in node if isinstance(v, dict | list)))
    return set()


def checkout_lines(out: Path, written: Iterable[str], stacks: Iterable[str],
                   project: str, app: str, default: str) -> list[str]:  # fmt: skip
    """MIGRATION.md's section on the folder written into (empty when nothing needs doing)."""
    lines = []
    extra = leftovers(out, written)
    if extra:
        lines.append(
            "- **Files here not from Copilot:** "
            + ", ".join(f"`{name}`" for name in extra)
            + ". Every stack file and workload file of the folder is planned and deployed:"
            " delete the checkout's samples you do not want before `ecs-platform plan`."
        )
    missing = unlisted_stacks(out, stacks)
    if missing:
        lines.append(
            "- **Workflows:** no list in `.github/workflows` names "
            + ", ".join(f"`{stack}`" for stack in missing)
            + ": add each with `ecs-platform stack add <stack> --from <a listed stack of the"
            " same tier> --existing` (the stack file is kept; the `stack:` lists and a deploy"
            " job take it)."
        )
    if project == default:
        lines.append(
            f"- **Project name:** this folder's Pulumi.yaml says `{default}`, so physical names"
            f" start with `{default}-<stack>`, like every other checkout's. If another"
            f" application shares the account, name the project `{app}` (its `name:`, and the"
            f" `{default}:` prefix of the stack files' keys) before the first `pulumi up`."
        )
    return ["## Before the first plan", "", *lines, ""] if lines else []
