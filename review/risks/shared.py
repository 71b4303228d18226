"""Risk flags for what the stack touches but does not own (a team's listener, a team's security
groups): pure functions over diff.Change and the new side's resources, yielding (code, urn,
message); review.risks wraps them into its Risk."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from harness.records import RecordedResource, inputs_document
from review.diff import Change

LISTENER = "aws:lb/listener:Listener"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"
SERVICE = "aws:ecs/service:Service"
Flag = tuple[str, str | None, str]  # (code, urn, message)


def _owned_listeners(resources: Sequence[RecordedResource]) -> set[str]:
    return {
        str(value)
        for r in resources
        if r.type == LISTENER
        for value in (r.id, r.outputs.get("arn"))
        if value
    }


def shared_listener(change: Change, owned: set[str]) -> Iterator[Flag]:
    """A rule added to (or moved on) a listener the stack did not create: its priority must be
    free there, and the team's own rules share the listener (loadBalancer.existing)."""
    if change.type != LISTENER_RULE or change.action not in ("add", "update", "replace"):
        return
    new, old = inputs_document(change.new), inputs_document(change.old)
    listener = str(new.get("listenerArn") or "")
    if not listener or listener in owned:
        return
    if change.action != "add" and old.get("priority") == new.get("priority"):
        return  # the same rule at the same place: nothing new on the team's listener
    yield (
        "shared-listener",
        change.urn,
        f"{change.name} takes priority {new.get('priority')} on listener {listener}, which this"
        " stack does not own: check the priority is free there (loadBalancer.existing"
        ".priorities is the range the team keeps for this stack).",
    )


def _extra_groups(inputs: dict[str, Any]) -> list[str]:
    """The groups a service's tasks join besides their own (the first: components/service)."""
    groups = (inputs.get("networkConfiguration") or {}).get("securityGroups") or []
    return [str(group) for group in groups[1:]]


def security_group_joined(change: Change) -> Iterator[Flag]:
    """Tasks that join a security group reach whatever admits that group (a database, ...)."""
    if change.type != SERVICE or change.new is None:
        return
    before = set(_extra_groups(inputs_document(change.old)))
    for group in _extra_groups(inputs_document(change.new)):
        if group not in before:
            yield (
                "security-group-joined",
                change.urn,
                f"{change.name}'s tasks join security group {group} (services.<name>"
                ".securityGroups): they reach whatever admits that group.",
            )


def shared_resource_flags(changes: Sequence[Change], new: Sequence[RecordedResource]) -> list[Flag]:
    owned = _owned_listeners(new)
    flags = [flag for change in changes for flag in shared_listener(change, owned)]
    return flags + [flag for change in changes for flag in security_group_joined(change)]
