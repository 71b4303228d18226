"""Copilot's `taskdef_overrides` (site/content/docs/developing/overrides/taskdef-overrides.en.md):
rules patching its task definition, ContainerDefinitions[0] being the main container."""

from __future__ import annotations

from typing import Any

from migrate.copilot.context import Context

# components/service/containers.py main_container: a Linux task's main container always has
# linuxParameters.initProcessEnabled true (a service's and a job's).
INIT_PROCESS = (
    "ContainerDefinitions[0].LinuxParameters.InitProcessEnabled",
    "ContainerDefinitions[0].InitProcessEnabled",  # CloudFormation's is under LinuxParameters
)
INIT_NOTE = "the main container always has an init process here (initProcessEnabled true, Linux)"


def taskdef_overrides(context: Context, value: Any, path: str) -> None:
    """The main container's StopTimeout as stopTimeoutSeconds; ReadonlyRootFilesystem true and
    InitProcessEnabled true as what this project always does; any other rule is reported
    (there is no escape hatch here)."""
    if not isinstance(value, list):
        context.not_mapped(path, f"expected a list of rules, got {value!r}: not written")
        return
    for index, rule in enumerate(value):
        at = f"{path}[{index}]"
        target = rule.get("path") if isinstance(rule, dict) else None
        setting = rule.get("value") if isinstance(rule, dict) else None
        if target == "ContainerDefinitions[0].StopTimeout" and _stop_timeout(setting):
            context.put("stopTimeoutSeconds", setting)
            context.mapped(at, "stopTimeoutSeconds (ECS's stopTimeout, 2 to 120 s on Fargate)")
        elif target == "ContainerDefinitions[0].ReadonlyRootFilesystem" and setting is True:
            context.mapped(at, "a read-only root file system is this project's default")
        elif target in INIT_PROCESS and setting is True:
            context.mapped(at, INIT_NOTE)
        elif target in INIT_PROCESS:
            context.changed(at, f"{INIT_NOTE}: {setting!r} is not written")
        else:
            context.not_mapped(at, f"the rule for {target} has no counterpart here (no task"
                               " definition escape hatch): find the field in"
                               " docs/reference/configuration.md")  # fmt: skip


def _stop_timeout(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 2 <= value <= 120
