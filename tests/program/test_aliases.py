"""Aliases at the harness level: the mock monitor records each resource's aliases as the SDK sends
them, and the plan diff finds a resource through them as the engine would (its own URN first;
an explicit alias; an alias inherited from a parent found through its alias; no parent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.engine import run_program
from harness.records import Synthesis, alias_urns, stack_free_urn
from review.diff import diff_resources, matched_by_alias

PROGRAM = """
import pulumi

side = pulumi.Config().require("side")


class Box(pulumi.ComponentResource):
    def __init__(self, name, child, opts=None, child_opts=None):
        super().__init__("test:index:Box", name, None, opts)
        options = pulumi.ResourceOptions.merge(pulumi.ResourceOptions(parent=self), child_opts)
        pulumi.CustomResource("test:index:Thing", child, {"size": 1}, options)
        self.register_outputs({})


if side == "old":
    Box("box", "box-thing")
    Box("keep", "keep-thing")
    pulumi.CustomResource("test:index:Thing", "lone", {"size": 1})
elif side == "renamed":
    # the component by its alias; its child, named after it, by the alias it inherits
    def aliased(alias):
        return pulumi.ResourceOptions(aliases=[alias])

    Box("crate", "crate-thing", opts=aliased(pulumi.Alias(name="box")))
    Box("keep", "keep-item", child_opts=aliased(pulumi.Alias(name="keep-thing")))
    Box("holder", "lone", child_opts=aliased(pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE)))
else:
    Box("crate", "crate-thing")
    Box("keep", "keep-item")
    Box("holder", "lone")
"""


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Synthesis]:
    project: Path = tmp_path_factory.mktemp("aliases")
    (project / "Pulumi.yaml").write_text("name: boxes\nruntime: python\n")
    (project / "__main__.py").write_text(PROGRAM)
    return {
        side: run_program("test", project_dir=project, stack_config={"boxes:side": side})
        for side in ("old", "renamed", "plain")
    }


def one(synthesis: Synthesis, name: str):
    return next(r for r in synthesis.resources if r.name == name)


def test_the_harness_records_the_aliases_the_sdk_sends(sides) -> None:
    renamed = sides["renamed"]
    assert one(renamed, "crate").aliases == [{"name": "box"}]
    assert one(renamed, "keep-item").aliases == [{"name": "keep-thing"}]
    assert one(renamed, "lone").aliases == [{"noParent": True}]
    assert one(renamed, "crate-thing").aliases == []
    assert all(r.aliases == [] for r in sides["plain"].resources)


def test_alias_urns_follow_the_engines_rules(sides) -> None:
    old, renamed = sides["old"], sides["renamed"]
    assert alias_urns(one(renamed, "crate")) == [one(old, "box").urn]
    assert alias_urns(one(renamed, "keep-item")) == [one(old, "keep-thing").urn]
    assert alias_urns(one(renamed, "lone")) == [one(old, "lone").urn]
    child = one(renamed, "crate-thing")
    assert alias_urns(child) == []  # inherited only when the parent was found by its alias
    assert alias_urns(child, parent_was=one(old, "box").urn) == [one(old, "box-thing").urn]


def test_the_diff_finds_renamed_resources_through_their_aliases(sides) -> None:
    old, renamed = sides["old"], sides["renamed"]
    matched = matched_by_alias(old.resources, renamed.resources)
    assert matched[stack_free_urn(one(renamed, "crate-thing").urn)] == stack_free_urn(
        one(old, "box-thing").urn
    )
    diff = diff_resources(old.resources, renamed.resources)
    assert diff.changes == [] and diff.same == 3


def test_without_aliases_the_same_renames_delete_and_create(sides) -> None:
    diff = diff_resources(sides["old"].resources, sides["plain"].resources)
    assert diff.summary() == {"add": 3, "update": 0, "replace": 0, "delete": 3, "same": 0}
