"""One entry for a component that a change adds whole (a new service): its key properties, read
from the summaries of its resources, and the names of what it creates. Works on report dicts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Entry = dict[str, Any]


def _service(summary: Entry) -> str:
    return (
        f"{summary.get('desiredCount')} tasks on {_listed(summary.get('capacity'))};"
        f" deployment alarms {summary.get('deploymentAlarms', 'none')}"
    )


def _task(summary: Entry) -> str:
    return f"{summary.get('size')} {summary.get('platform')}; {_listed(summary.get('containers'))}"


def _route(summary: Entry) -> str:
    return f"priority {summary.get('priority')} when {_listed(summary.get('when'))}"


def _listed(value: Any) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


# (label, resource type, how to say it) in the order a reviewer reads them.
KEY_PROPERTIES: tuple[tuple[str, str, Callable[[Entry], str]], ...] = (
    ("route", "aws:lb/listenerRule:ListenerRule", _route),
    ("service", "aws:ecs/service:Service", _service),
    ("task", "aws:ecs/taskDefinition:TaskDefinition", _task),
    ("scaling", "aws:appautoscaling/target:Target", lambda s: f"{s.get('tasks')} tasks"),
    ("scaling policy", "aws:appautoscaling/policy:Policy", lambda s: _listed(list(s.values()))),
    (
        "schedule",
        "aws:appautoscaling/scheduledAction:ScheduledAction",
        lambda s: f"{s.get('schedule')} -> {s.get('tasks')} tasks",
    ),
    ("ingress", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", lambda s: s["allow"]),
    ("grants", "aws:iam/rolePolicy:RolePolicy", lambda s: _listed(s.get("actions"))),
    ("logs", "aws:cloudwatch/logGroup:LogGroup", lambda s: f"{s.get('retentionDays')} days"),
)


def key_properties(changes: Sequence[Entry]) -> list[str]:
    """`label (resource): value` lines for the resources a reviewer checks first."""
    lines = []
    for label, type_, say in KEY_PROPERTIES:
        for change in changes:
            if change["type"] == type_ and change.get("summary"):
                try:
                    lines.append(f"{label} ({change['name']}): {say(change['summary'])}")
                except KeyError:
                    continue
    return lines


def new_component_lines(component: str, changes: Sequence[Entry]) -> tuple[str, list[str]]:
    """(headline, lines) of one new component."""
    names = ", ".join(sorted({change["name"] for change in changes}))
    alarms = sum(1 for c in changes if c["type"] == "aws:cloudwatch/metricAlarm:MetricAlarm")
    headline = f"new {component}: {len(changes)} resources"
    extra = [f"alarms: {alarms}"] if alarms else []
    return headline, [*key_properties(changes), *extra, f"creates: {names}"]
