"""URNs are public API: every resource the program registers, for every fixture stack, is pinned.

A deployed stack that sees a new URN (type chain, parent or logical name) deletes the old resource
and creates a new one: an ALB with its DNS name, a repository full of images, a log group with its
history. This test compares the sorted URNs (without the stack and project part) with the
committed snapshot in tests/program/snapshots/, one per fixture stack (tests/fixtures/; the
team's own stack files are not pinned). Adding resources is fine: regenerate with
`make urn-snapshot` and review the diff. Removing or renaming one needs a `pulumi.Alias` (and a
test showing it) or a stated reason in the commit.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.records import Synthesis

from conftest import FIXTURE_STACKS

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
# Inputs that become a resource's physical name in AWS: a changed one replaces the resource too.
PHYSICAL_NAME_KEYS = ("name", "namePrefix", "bucket", "bucketPrefix", "logGroupName")


def urn_tail(urn: str) -> str:
    """`type$chain::name`: the part of a URN that a change of code can move."""
    return urn.split("::", 2)[2]


def physical_names(synthesis: Synthesis) -> list[str]:
    return sorted(
        f"{urn_tail(r.urn)} {key}={r.inputs[key]}"
        for r in synthesis.resources
        for key in PHYSICAL_NAME_KEYS
        if isinstance(r.inputs.get(key), str)
    )


def compare_with_snapshot(path: Path, current: list[str], what: str) -> None:
    if os.environ.get("UPDATE_URN_SNAPSHOT") == "1":
        path.write_text("\n".join(current) + "\n")
    pinned = path.read_text().splitlines()
    removed = sorted(set(pinned) - set(current))
    added = sorted(set(current) - set(pinned))
    assert not removed, (
        f"{path.name}: these {what} would be deleted and recreated on the next `pulumi up`; "
        "add a pulumi.Alias or state why:\n  " + "\n  ".join(removed)
    )
    assert not added, (
        f"{path.name}: new {what}; review them, then `make urn-snapshot`:\n  " + "\n  ".join(added)
    )


@pytest.mark.parametrize("stack", FIXTURE_STACKS)
def test_urns_match_the_committed_snapshot(
    stack: str, synthesized: Callable[[str], Synthesis]
) -> None:
    current = sorted(urn_tail(r.urn) for r in synthesized(stack).resources)
    assert len(current) == len(set(current)), "two resources share a URN"
    compare_with_snapshot(SNAPSHOTS / f"urns.{stack}.txt", current, "URNs")


@pytest.mark.parametrize("stack", FIXTURE_STACKS)
def test_physical_names_match_the_committed_snapshot(
    stack: str, synthesized: Callable[[str], Synthesis]
) -> None:
    current = physical_names(synthesized(stack))
    compare_with_snapshot(SNAPSHOTS / f"names.{stack}.txt", current, "physical names")
