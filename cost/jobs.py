"""What jobs cost a month: runs x minutes per run x the task's Fargate size, the state
machine's state transitions, and the schedule's invocations. Usage items: the runs come from the
schedule (settings/schedules.py) or the usage file, the minutes from the usage file
(`jobs.<name>.minutesPerRun`, else `jobMinutesPerRun`, a tier default).

Prices: `fargateVcpuHour`/`fargateGbHour` per architecture (Fargate Spot at the
`fargateSpotDiscount` assumption), `stepFunctionsTransitionsThousand` (Standard workflows bill per
state transition, retries included: "each retry will be charged as an additional state
transition", aws.amazon.com/step-functions/pricing) and `schedulerInvocationsMillion`. A run on an
EC2 pool adds nothing here: the pool's instances are priced at its minimum size. Runs are counted
as they go when they succeed first time (retries add transitions and minutes).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cost.compute import FARGATE_PROVIDERS, split_by_strategy
from cost.model import Pricer
from cost.usage_file import Usage
from harness.records import RecordedResource
from settings.schedules import parse_schedule, runs_per_month

STATE_MACHINE = "aws:sfn/stateMachine:StateMachine"
SCHEDULE = "aws:scheduler/schedule:Schedule"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
CLUSTER_PROVIDERS = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"
RUN_TASK = "arn:aws:states:::ecs:runTask.sync"


def happy_path_transitions(definition: Mapping[str, Any]) -> int:
    """State transitions of a run that succeeds first time: the states entered from StartAt,
    following Next and each Choice's Default, to the end."""
    states = definition.get("States") or {}
    name, count = definition.get("StartAt"), 0
    while name in states and count <= len(states):
        state = states[name]
        count += 1
        if state.get("End") or state.get("Type") in {"Succeed", "Fail"}:
            break
        name = state.get("Next") or state.get("Default")
    return count


def _run_parameters(definition: Mapping[str, Any]) -> dict[str, Any]:
    states = definition.get("States") or {}
    run = next((s for s in states.values() if s.get("Resource") == RUN_TASK), {})
    return dict(run.get("Parameters") or {})


def _strategy(parameters: Mapping[str, Any], default: Sequence[Mapping[str, Any]] | None) -> list:
    """The run's capacity provider strategy in the cluster association's shape."""
    given = parameters.get("CapacityProviderStrategy")
    if given:
        return [
            {"capacityProvider": i["CapacityProvider"], "weight": i["Weight"], "base": i["Base"]}
            for i in given
        ]
    if parameters.get("LaunchType"):
        return [{"capacityProvider": parameters["LaunchType"], "weight": 1}]
    return list(default or [])


def _job_name(machine: RecordedResource, by_urn: Mapping[str, RecordedResource]) -> str:
    """The Job component's name (the job's name in the stack file)."""
    parent = by_urn.get(machine.parent)
    return parent.name if parent is not None else machine.name


def price_jobs(
    pricer: Pricer,
    resources: Sequence[RecordedResource],
    usage: Usage,
    now: datetime | None = None,
) -> None:
    """Usage items of every job (resources with JSON documents already parsed)."""
    now = now or datetime.now(UTC)
    by_urn = {r.urn: r for r in resources}
    tasks = {r.outputs.get("arn"): r for r in resources if r.type == TASK_DEFINITION}
    schedules = {
        (r.inputs.get("target") or {}).get("arn"): r for r in resources if r.type == SCHEDULE
    }
    default = next(
        (r.inputs.get("defaultCapacityProviderStrategies") for r in resources
         if r.type == CLUSTER_PROVIDERS),
        None,
    )  # fmt: skip
    for machine in (r for r in resources if r.type == STATE_MACHINE):
        job = _job_name(machine, by_urn)
        definition = machine.inputs.get("definition") or {}
        minutes, runs = usage.job(job)
        schedule = schedules.get(machine.outputs.get("arn"))
        if runs is None and schedule is not None:
            expression = parse_schedule(str(schedule.inputs.get("scheduleExpression")))
            zone = str(schedule.inputs.get("scheduleExpressionTimezone") or "UTC")
            runs = runs_per_month(expression, zone, now)
            pricer.add(
                schedule,
                f"job {job}: {runs:g} scheduled invocations",
                runs / 1e6,
                "schedulerInvocationsMillion",
                usage=True,
            )
        runs = runs or 0.0
        transitions = runs * happy_path_transitions(definition)
        pricer.add(
            machine,
            f"job {job}: {transitions:g} state transitions ({runs:g} runs)",
            transitions / 1000,
            "stepFunctionsTransitionsThousand",
            usage=True,
        )
        parameters = _run_parameters(definition)
        task = tasks.get(parameters.get("TaskDefinition"))
        if task is not None:
            _price_runs(pricer, machine, task, _strategy(parameters, default), runs * minutes, job)


def _price_runs(
    pricer: Pricer,
    machine: RecordedResource,
    task: RecordedResource,
    strategy: list,
    task_minutes: float,
    job: str,
) -> None:
    arch = str((task.inputs.get("runtimePlatform") or {}).get("cpuArchitecture") or "X86_64")
    arch = "arm64" if arch.upper() == "ARM64" else "x86_64"
    vcpu = float(task.inputs.get("cpu") or 0) / 1024
    gib = float(task.inputs.get("memory") or 0) / 1024
    placed = split_by_strategy(1.0, strategy)
    spot = 1 - pricer.table.discount("fargateSpotDiscount")
    # Pricer.add runs a key ending in `Hour` all month: the task-hours are given as a share of it.
    per_month = 1 / pricer.table.hours
    for provider, factor in zip(FARGATE_PROVIDERS, (1.0, spot), strict=True):
        hours = placed.get(provider, 0.0) * task_minutes / 60
        label = f"job {job}: {hours:g} {provider} task-hours {arch}"
        pricer.add(
            machine,
            f"{label}, {vcpu:g} vCPU",
            hours * vcpu,
            "fargateVcpuHour",
            arch,
            factor * per_month,
            usage=True,
        )
        pricer.add(
            machine,
            f"{label}, {gib:g} GB",
            hours * gib,
            "fargateGbHour",
            arch,
            factor * per_month,
            usage=True,
        )
