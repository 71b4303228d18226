"""Adjustments of a mapped workload that depend on every stack it runs in: values only some
stacks can use move under `environments.<stack>`, and base values no stack reads go."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from migrate.copilot.addons.keep import Place
from migrate.copilot.values import has_placeholder
from migrate.copilot.workload import MappedWorkload


def groups_by_vpc(mapped: MappedWorkload, places: Mapping[str, Place]) -> list[Any]:
    """The manifest's own security groups (network.vpc.security_groups) belong to the VPC the
    environment imported: a stack that creates its own VPC cannot attach them (a group and
    the tasks it joins are in one VPC), so they are written per stack where the VPC is the
    imported one."""
    base = mapped.body.get("securityGroups")
    made = [p.stack for p in places.values() if p.vpc is None]
    if not base or not made:
        return []
    overrides = mapped.body.setdefault("environments", {})
    for where in places.values():
        override = overrides.setdefault(where.stack, {})
        groups = override.get("securityGroups", mapped.views.get(where.stack, {}).get(
            "securityGroups", base))  # fmt: skip
        if where.vpc is None:
            groups = [g for g in groups if g not in base]
        override["securityGroups"] = groups
    del mapped.body["securityGroups"]
    note = (f"securityGroups written per stack: not in {', '.join(made)}, whose VPC the stack"
            " creates (the groups are in the imported VPC's)")  # fmt: skip
    return [("network.vpc.security_groups (by stack)", "changed", note)]


def drop_shadowed_placeholders(body: dict[str, Any], stacks: list[str]) -> None:
    """A base `environment` or `secrets` entry holding a placeholder that every stack
    overrides under `environments.<stack>` (an export or addon output per environment) is
    never read: it is dropped, so the plan asks only for what a stack uses."""
    overrides = body.get("environments") or {}
    for section in ("environment", "secrets"):
        base = body.get(section)
        if not isinstance(base, dict):
            continue
        for name in [n for n, v in base.items() if isinstance(v, str) and has_placeholder(v)]:
            if stacks and all(
                name in ((overrides.get(s) or {}).get(section) or {}) for s in stacks
            ):
                del base[name]
        if not base:
            del body[section]
