"""Rules for `renamedFrom` (services, EC2 pools, managed instance pools; jobs reuse
`renamed_from_problems`) and for `acknowledgedLosses`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from settings.rules.problem import Problem, join_path

if TYPE_CHECKING:
    from settings.platform import PlatformSettings

Renamed = tuple[Sequence[str | int], str, str | None]  # (key path, name, renamedFrom)


def renamed_from_problems(entries: Sequence[Renamed], kind: str) -> Iterable[Problem]:
    """A rename moves one `kind` (service, pool, job) to a new name: `renamedFrom` may not be
    its own name, a name still declared (both would claim the same AWS names and URNs), or a
    name another entry was already renamed from."""
    names = {name: path for path, name, _ in entries}
    claimed: dict[str, str] = {}
    for path, name, old in entries:
        if old is None:
            continue
        where = join_path([*path, "renamedFrom"])
        if old == name:
            yield Problem(where, f"{kind} {name} is renamed from itself: remove renamedFrom")
        elif old in names:
            yield Problem(
                where,
                f"{old} is still declared at {join_path(names[old])}: a rename moves a {kind}"
                f" (remove {join_path(names[old])}, or remove renamedFrom)",
            )
        elif old in claimed:
            yield Problem(where, f"{claimed[old]} is already renamed from {old}")
        else:
            claimed[old] = name


def services_renamed(settings: PlatformSettings) -> Iterable[Problem]:
    entries = [
        (("services", name), name, service.renamed_from)
        for name, service in settings.services.items()
    ]
    yield from renamed_from_problems(entries, "service")


def pools_renamed(settings: PlatformSettings) -> Iterable[Problem]:
    """EC2 and managed instance pools share one set of names (capacity provider names)."""
    cluster = settings.cluster
    entries = [
        (("cluster", key, index), pool.name, pool.renamed_from)
        for key, pools in (
            ("ec2Pools", cluster.ec2_pools),
            ("managedInstancePools", cluster.managed_instance_pools),
        )
        for index, pool in enumerate(pools)
    ]
    yield from renamed_from_problems(entries, "pool")


def jobs_renamed(settings: PlatformSettings) -> Iterable[Problem]:
    entries = [(("jobs", name), name, job.renamed_from) for name, job in settings.jobs.items()]
    yield from renamed_from_problems(entries, "job")


def acknowledgements(settings: PlatformSettings) -> Iterable[Problem]:
    """One entry per resource: two would leave it unclear which date and reason count. Whether
    the resource exists is checked by the plan diff, which knows the stack's resources."""
    seen: dict[str, int] = {}
    for index, entry in enumerate(settings.config.acknowledged_losses):
        if entry.resource in seen:
            first = join_path(["acknowledgedLosses", seen[entry.resource]])
            yield Problem(
                join_path(["acknowledgedLosses", index, "resource"]),
                f"{entry.resource} is already acknowledged at {first}",
            )
        seen.setdefault(entry.resource, index)


RULES = (services_renamed, pools_renamed, jobs_renamed, acknowledgements)
