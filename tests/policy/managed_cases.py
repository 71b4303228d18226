"""The managed fixture's pool resources, for policy cases that start from the prod resources."""

from __future__ import annotations

import functools

from policy_offline import Resource, policy_resources

from harness.engine import run_program
from settings.stack_files import read_stack_config

from conftest import FIXTURES

PROVIDER = ("aws:ecs/capacityProvider:CapacityProvider", "cluster-batch")
TASK = ("aws:ecs/taskDefinition:TaskDefinition", "reports-task")


@functools.cache
def managed_resources() -> tuple[Resource, ...]:
    synthesis = run_program("managed", stack_config=read_stack_config("managed", FIXTURES))
    return tuple(policy_resources(synthesis))


def with_managed_pool(resources: list[Resource]) -> list[Resource]:
    """Prod's resources plus the managed pool's capacity provider and its service's task."""
    extra = [r for r in managed_resources() if (r.type, r.name) in (PROVIDER, TASK)]
    return [*resources, *extra]
