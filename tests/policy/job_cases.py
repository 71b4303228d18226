"""Broken and compliant cases of the job policies, on the `jobs` fixture (prod has no job)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from policy_cases import Case, edit

MACHINE = ("aws:sfn/stateMachine:StateMachine", "nightly-report-state-machine")
TASK = ("aws:ecs/taskDefinition:TaskDefinition", "nightly-report-task")


def run_state(change: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], None]:
    """A props change of the state machine's Run state (its definition is a JSON string)."""

    def apply(props: dict[str, Any]) -> None:
        definition = json.loads(props["definition"])
        change(definition["States"]["Run"])
        props["definition"] = json.dumps(definition)

    return apply


def public_ip(state: dict[str, Any]) -> None:
    state["Parameters"]["NetworkConfiguration"]["AwsvpcConfiguration"]["AssignPublicIp"] = "ENABLED"


def same_role(props: dict[str, Any]) -> None:
    props["taskRoleArn"] = props["executionRoleArn"]


JOB_CASES: dict[str, Case] = {
    "jobs-no-public-ip": Case(MACHINE, edit(*MACHINE, run_state(public_ip))),
    "jobs-run-with-timeout": Case(
        MACHINE, edit(*MACHINE, run_state(lambda state: state.pop("TimeoutSeconds")))
    ),
    "ecs-task-roles-distinct": Case(TASK, edit(*TASK, same_role)),
}
