"""`svc scale`: change a service's task count (UpdateService desiredCount) or its autoscaling
range (RegisterScalableTarget MinCapacity/MaxCapacity, which keeps the target's policies and
schedules: Application Auto Scaling API reference), and say what the next `pulumi up` does
with the change, since the stack file stays the source of truth.

What `up` does, from the program: with `scaling` declared the service ignores `desiredCount`
(components/service `ignore_changes=["desiredCount"]`) and, when schedules are declared, the
scalable target ignores min/max (components/service/scaling.py); otherwise `up` sets them back
to the stack file's values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ops import aws
from ops.stack import StackNames


class ScaleRefusedError(ValueError):
    """A scale request that cannot work; the message says why."""


@dataclass(frozen=True)
class ScaleResult:
    service: str
    changed: dict[str, Any]
    next_up: str


def _scalable(scaling: Any, resource: str) -> dict[str, Any] | None:
    found = scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource])
    targets = found.get("ScalableTargets") or []
    return targets[0] if targets else None


def scale_count(stack: StackNames, key: str, count: int) -> ScaleResult:
    names = stack.service(key)
    declared = names.settings
    resource = f"service/{stack.cluster}/{names.service}"
    target = _scalable(aws.client("application-autoscaling", stack.region), resource)
    if target is not None and not target["MinCapacity"] <= count <= target["MaxCapacity"]:
        raise ScaleRefusedError(
            f"{count} is outside the autoscaling range {target['MinCapacity']}-"
            f"{target['MaxCapacity']}: autoscaling would undo it; use --min/--max"
        )
    aws.client("ecs", stack.region).update_service(
        cluster=stack.cluster, service=names.service, desiredCount=count
    )
    if declared.scaling is not None:
        note = "`pulumi up` leaves desiredCount alone (autoscaling owns it)"
    else:
        note = (
            f"the next `pulumi up` sets desiredCount back to {declared.desired_count}; set"
            f" services.{key}.desiredCount in {stack.settings.stack_file} to keep {count}"
        )
    return ScaleResult(names.service, {"desiredCount": count}, note)


def scale_range(
    stack: StackNames, key: str, minimum: int | None, maximum: int | None
) -> ScaleResult:
    names = stack.service(key)
    resource = f"service/{stack.cluster}/{names.service}"
    scaling = aws.client("application-autoscaling", stack.region)
    target = _scalable(scaling, resource)
    if target is None:
        raise ScaleRefusedError(f"{names.service} has no autoscaling; use --count")
    low = target["MinCapacity"] if minimum is None else minimum
    high = target["MaxCapacity"] if maximum is None else maximum
    if low > high:
        raise ScaleRefusedError(f"--min {low} is above --max {high}")
    scaling.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=resource,
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=low,
        MaxCapacity=high,
    )
    declared = names.settings.scaling
    if declared is not None and declared.schedules:
        note = (
            "`pulumi up` leaves min/max alone (schedules own them); the next schedule resets them"
        )
    elif declared is not None:
        note = (
            f"the next `pulumi up` sets min/max back to {declared.min_count}-{declared.max_count};"
            f" change services.{key}.scaling in {stack.settings.stack_file} to keep {low}-{high}"
        )
    else:
        note = "this scalable target is not in the stack file"
    return ScaleResult(names.service, {"minCapacity": low, "maxCapacity": high}, note)
