"""The day-2 commands find resources by the names the program gives them: ops.stack computes
them from the stack file, and here they are checked against what the program registers for the
fixture stacks (cluster, services, task families, log groups, target groups, alarms, queues,
execution roles, repositories)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harness.records import Synthesis, inputs_document
from ops.stack import compare_outputs, stack_names


def registered(synthesis: Synthesis, type_: str, key: str = "name") -> set[str]:
    return {str(inputs_document(r).get(key)) for r in synthesis.of_type(type_)}


@pytest.mark.parametrize("stack", ["dev", "progressive", "queues"])
def test_names_match_what_the_program_registers(
    stack: str, synthesized: Callable[[str], Synthesis], fixture_project: Path
) -> None:
    synthesis = synthesized(stack)
    names = stack_names(stack, fixture_project)
    assert registered(synthesis, "aws:ecs/cluster:Cluster") == {names.cluster}
    groups = registered(synthesis, "aws:cloudwatch/logGroup:LogGroup")
    assert names.exec_log_group in groups
    families = registered(synthesis, "aws:ecs/taskDefinition:TaskDefinition", "family")
    target_groups = registered(synthesis, "aws:lb/targetGroup:TargetGroup")
    alarms = registered(synthesis, "aws:cloudwatch/metricAlarm:MetricAlarm")
    queues = registered(synthesis, "aws:sqs/queue:Queue")
    roles = registered(synthesis, "aws:iam/role:Role")
    repositories = registered(synthesis, "aws:ecr/repository:Repository")
    assert set(names.services) == registered(synthesis, "aws:ecs/service:Service")
    for service in names.services.values():
        assert service.family in families
        assert service.log_group in groups
        assert set(service.target_groups) <= target_groups
        assert set(service.alarms) <= alarms
        assert service.execution_role in roles
        assert service.repository in repositories
        if service.dead_letter_queue:  # a queue this stack creates
            assert {service.queue, service.dead_letter_queue} <= queues
    assert sum(len(s.target_groups) for s in names.services.values()) == len(target_groups)


def test_a_stack_output_that_differs_is_reported(fixture_project: Path) -> None:
    names = stack_names("dev", fixture_project)
    outputs = {
        "region": "eu-west-1",
        "clusterName": "ecs-platform-dev-old",
        "serviceNames": {"api": "api", "worker": "worker", "gone": "gone"},
    }
    assert compare_outputs(names, outputs) == [
        "stack output clusterName is 'ecs-platform-dev-old'; the stack file gives"
        " 'ecs-platform-dev'",
        "stack output serviceNames.gone exists; the stack file has no 'gone'",
    ]
    assert compare_outputs(names, {"region": "eu-west-1"}) == []
