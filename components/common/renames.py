"""A component renamed in the stack file (`renamedFrom`) keeps what it owns.

Used by every component a stack file names (services, managed instance pools; jobs call it
the same way): the component takes its new name with an alias to its old URN, and builds its
children and AWS names under the old name, so nothing is replaced.

Why the children need no alias of their own: a child's URN is its parent's type chain and its
own name, never its parent's name (pulumi/pulumi sdk/go/common/resource/urn.go, NewURN: stack,
project, parent type, type, name; the engine looks a resource up by that URN first, then by its
aliases: pkg/resource/deploy/step_generator.go, generateSteps), so a child built under the same
name keeps its URN when its parent is renamed.
The physical names (queue, log group, role, service, alarm names) must stay anyway: most of them
force a replacement when they change (terraform-provider-aws marks `name` ForceNew).
"""

from __future__ import annotations

import pulumi


def renamed(
    name: str, renamed_from: str | None, opts: pulumi.ResourceOptions | None = None
) -> tuple[str, pulumi.ResourceOptions | None]:
    """(the name to build children and AWS names under, the component's options): for a
    renamed component its old name and `opts` plus an alias to its old URN (same type, same
    parent: pulumi.Alias(name=...)); otherwise `name` and `opts` unchanged.

    Call it before `super().__init__` and pass the options on:

        built_as, opts = renamed(name, settings.renamed_from, opts)
        super().__init__(self.TYPE, name, None, opts)
    """
    if renamed_from is None or renamed_from == name:
        return name, opts
    alias = pulumi.ResourceOptions(aliases=[pulumi.Alias(name=renamed_from)])
    return renamed_from, pulumi.ResourceOptions.merge(opts, alias)
