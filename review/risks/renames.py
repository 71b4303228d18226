"""Probable renames: a component removed and one of the same kind added with the same shape (the
same resource types under the same names, but for the component's own name). Without
`renamedFrom` the engine deletes the old one's resources and creates new ones; the plan says
which line keeps them instead."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from harness.records import RecordedResource, stack_free_urn
from review.diff import matched_by_alias
from review.risks.hazards import CAPACITY_PROVIDER

SERVICE = "ecs-platform:service:Service"
MANAGED_POOL = "ecs-platform:cluster:ManagedInstancePool"
CLUSTER = "ecs-platform:cluster:Cluster"
# The stack-file line that declares the rename, per kind (jobs add theirs when they exist).
RENAME_LINES: dict[str, str] = {
    SERVICE: "services.{new}.renamedFrom: {old}",
    MANAGED_POOL: "renamedFrom: {old} (in the cluster.managedInstancePools entry named {new})",
    CAPACITY_PROVIDER: "renamedFrom: {old} (in the cluster.ec2Pools entry named {new})",
}


@dataclass(frozen=True)
class Group:
    """What one service or pool owns: the resources whose names it prefixes."""

    kind: str
    urn: str  # the component's (a pool's capacity provider's for EC2 pools)
    label: str  # its name in the stack file
    prefix: str  # the logical-name prefix its resources carry
    members: tuple[RecordedResource, ...]

    @property
    def shape(self) -> tuple[tuple[str, str], ...]:
        return tuple(
            sorted(
                (m.type, "*" + m.name.removeprefix(self.prefix))
                if m.name.startswith(self.prefix)
                else (m.type, m.name)
                for m in self.members
            )
        )


@dataclass(frozen=True)
class Rename:
    old: Group
    new: Group

    @property
    def line(self) -> str:
        return RENAME_LINES[self.old.kind].format(old=self.old.label, new=self.new.label)


def _descendants(resources: Sequence[RecordedResource], root: str) -> list[RecordedResource]:
    children: dict[str, list[RecordedResource]] = {}
    for resource in resources:
        children.setdefault(resource.parent, []).append(resource)
    found, queue = [], list(children.get(root, []))
    while queue:
        resource = queue.pop()
        found.append(resource)
        queue += children.get(resource.urn, [])
    return [r for r in found if r.custom or r.remote]


def _built_as(component: RecordedResource) -> str:
    """The name a component builds its resources under: the old one when it was renamed (its
    alias, components/common/renames.py), so a `renamedFrom` with a typo still pairs up."""
    return next((str(a["name"]) for a in component.aliases if a.get("name")), component.name)


def groups(resources: Sequence[RecordedResource]) -> Iterator[Group]:
    """The services, managed instance pools and EC2 pools of one side."""
    by_urn = {r.urn: r for r in resources}
    for resource in resources:
        if resource.type == SERVICE:
            members = _descendants(resources, resource.urn)
            yield Group(SERVICE, resource.urn, resource.name, _built_as(resource), tuple(members))
        elif resource.type == MANAGED_POOL:
            cluster = by_urn.get(resource.parent)
            label = resource.name.removeprefix(f"{cluster.name}-") if cluster else resource.name
            members = _descendants(resources, resource.urn)
            yield Group(MANAGED_POOL, resource.urn, label, _built_as(resource), tuple(members))
    for provider in resources:
        parent = by_urn.get(provider.parent)
        if provider.type != CAPACITY_PROVIDER or parent is None or parent.type != CLUSTER:
            continue
        prefix = provider.name
        members = [
            r
            for r in resources
            if r.parent == parent.urn and (r.name == prefix or r.name.startswith(f"{prefix}-"))
        ]
        label = prefix.removeprefix(f"{parent.name}-")
        yield Group(CAPACITY_PROVIDER, provider.urn, label, prefix, tuple(members))


def probable_renames(
    old: Sequence[RecordedResource], new: Sequence[RecordedResource]
) -> list[Rename]:
    """Each group only the base has, paired with a group of the same kind and shape only this
    side has (each used once, in name order). A group that took over the base's through its
    alias (renamedFrom) is the same group, not a removed one and an added one."""
    taken = matched_by_alias(old, new)  # stack-free new URN -> the old one it took over
    before = {
        (g.kind, g.label): g for g in groups(old) if stack_free_urn(g.urn) not in taken.values()
    }
    after = {(g.kind, g.label): g for g in groups(new) if stack_free_urn(g.urn) not in taken}
    added = [after[key] for key in sorted(set(after) - set(before))]
    found = []
    for key in sorted(set(before) - set(after)):
        gone = before[key]
        match = next((g for g in added if g.kind == gone.kind and g.shape == gone.shape), None)
        if match is not None:
            added.remove(match)
            found.append(Rename(gone, match))
    return found


def renamed_members(renames: Iterable[Rename]) -> dict[str, Rename]:
    """Stack-free URN of each resource of a probably renamed group -> its rename."""
    return {stack_free_urn(m.urn): rename for rename in renames for m in rename.old.members}
