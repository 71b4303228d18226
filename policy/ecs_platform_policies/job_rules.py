"""Jobs' run machinery: ECS tasks that Step Functions or EventBridge Scheduler start get no public
IP and a timeout, and every task keeps its execution role apart from its task role."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .model import Context, Resource, Rule, as_json, truthy

STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
SCHEDULE = "aws:scheduler/schedule:Schedule"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
RUN_TASK = "arn:aws:states:::ecs:runTask"  # .sync and .waitForTaskToken too


def run_states(machine: Resource) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(name, state) of every Task state that runs an ECS task, nested Map/Parallel included."""
    definition = as_json(machine.get("definition"))
    yield from _run_states(definition if isinstance(definition, Mapping) else {})


def _run_states(machine: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for name, state in (machine.get("States") or {}).items():
        if not isinstance(state, Mapping):
            continue
        if str(state.get("Resource", "")).startswith(RUN_TASK):
            yield name, state
        for inner in [
            state.get("ItemProcessor"),
            state.get("Iterator"),
            *state.get("Branches", []),
        ]:
            if isinstance(inner, Mapping):
                yield from _run_states(inner)


def no_public_ip(resource: Resource, _: Context) -> Iterator[str]:
    if resource.type == SCHEDULE:
        network = resource.get("target", "ecsParameters", "networkConfiguration") or {}
        if truthy(network.get("assignPublicIp")):
            yield "the schedule's ECS target gives its tasks a public IP"
        return
    for name, state in run_states(resource):
        network = (state.get("Parameters") or {}).get("NetworkConfiguration") or {}
        assign = (network.get("AwsvpcConfiguration") or {}).get("AssignPublicIp")
        if str(assign).upper() == "ENABLED":
            yield f"state {name} runs its task with a public IP (AssignPublicIp ENABLED)"


def runs_time_out(resource: Resource, _: Context) -> Iterator[str]:
    for name, state in run_states(resource):
        if not (state.get("TimeoutSeconds") or state.get("TimeoutSecondsPath")):
            yield f"state {name} waits for its task without TimeoutSeconds (one year at most)"


def roles_distinct(task: Resource, _: Context) -> Iterator[str]:
    execution, role = task.get("executionRoleArn"), task.get("taskRoleArn")
    if execution and role and execution == role:
        yield "the execution role is also the task role: the application could read every secret"


JOB_RULES: tuple[Rule, ...] = (
    Rule(
        "jobs-no-public-ip",
        "ECS.2 / ECS.16 (jobs)",
        "Tasks that Step Functions or EventBridge Scheduler start get no public IP.",
        "Run jobs in private subnets with AssignPublicIp DISABLED (components/job does).",
        (STATE_MACHINE, SCHEDULE),
        no_public_ip,
    ),
    Rule(
        "jobs-run-with-timeout",
        "platform (reliability)",
        "A state machine that runs an ECS task bounds the wait with TimeoutSeconds.",
        "Set jobs.<name>.timeoutSeconds (the state gets TimeoutSeconds; the task is stopped).",
        (STATE_MACHINE,),
        runs_time_out,
    ),
    Rule(
        "ecs-task-roles-distinct",
        "platform (least privilege)",
        "A task's execution role (image, logs, secrets) is not its task role (the application).",
        "Give the task definition its own execution role and task role (services and jobs do).",
        (TASK_DEFINITION,),
        roles_distinct,
    ),
)
