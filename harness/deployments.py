"""How each ECS service deploys, as the plan, the diff and the cost estimate show it.

Pure functions over recorded inputs (camelCase, as the mock engine records them)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

SERVICE = "aws:ecs/service:Service"


def strategy_of(inputs: dict[str, Any]) -> str:
    """ROLLING unless a deploymentConfiguration names another strategy (ECS's default)."""
    return str((inputs.get("deploymentConfiguration") or {}).get("strategy") or "ROLLING")


def _hook(hook: dict[str, Any]) -> str:
    stages = ",".join(hook.get("lifecycleStages") or [])
    if hook.get("targetType") == "PAUSE":
        timeout = hook.get("timeoutConfiguration") or {}
        return (
            f"PAUSE at {stages} (approve within {timeout.get('timeoutInMinutes')} min,"
            f" else {timeout.get('action')})"
        )
    return f"Lambda at {stages}: {hook.get('hookTargetArn')}"


def deployment_summary(inputs: dict[str, Any]) -> dict[str, Any]:
    """strategy, bake time, canary or linear steps, hooks; the doubled tasks as a note."""
    config = inputs.get("deploymentConfiguration") or {}
    strategy = strategy_of(inputs)
    if strategy == "ROLLING":
        return {"strategy": "ROLLING"}
    summary: dict[str, Any] = {
        "strategy": strategy,
        "bakeMinutes": config.get("bakeTimeInMinutes"),
        "hooks": [_hook(hook) for hook in config.get("lifecycleHooks") or []],
        "duringDeployment": "blue and green side by side: up to twice the tasks",
    }
    canary = config.get("canaryConfiguration")
    if canary:
        summary["canary"] = (
            f"{canary.get('canaryPercent')}% for {canary.get('canaryBakeTimeInMinutes')} min"
        )
    linear = config.get("linearConfiguration")
    if linear:
        summary["linear"] = (
            f"{linear.get('stepPercent')}% every {linear.get('stepBakeTimeInMinutes')} min"
        )
    return summary


def doubled_task_notes(resources: Iterable[Any]) -> list[str]:
    """One note per service whose deployments run green beside blue (not in the monthly sum:
    only while a deployment lasts, including its bake time)."""
    notes = []
    for resource in resources:
        if resource.type != SERVICE:
            continue
        strategy = strategy_of(resource.inputs)
        if strategy == "ROLLING":
            continue
        count = resource.inputs.get("desiredCount") or 0
        bake = (resource.inputs.get("deploymentConfiguration") or {}).get("bakeTimeInMinutes")
        notes.append(
            f"{resource.name} ({strategy}): up to {count} more tasks while a deployment runs"
            f" (green beside blue, {bake} min bake included), not in the monthly sum"
        )
    return sorted(notes)
