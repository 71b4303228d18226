"""A service's `count` (aws/copilot-cli internal/pkg/manifest/svc.go `AdvancedCount`): a number,
or range, spot, cooldown and the scaling targets, as `desiredCount`, `capacity` and
`scaling`."""

from __future__ import annotations

import re
from typing import Any

from migrate.copilot.context import Context, Handler, fixed, seconds_to
from migrate.copilot.values import seconds

RANGE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")
# Copilot's target-tracking cooldowns when the manifest sets none (internal/pkg/template/
# templates/workloads/partials/cf/autoscaling.yml: ScaleInCooldown 120, ScaleOutCooldown 60).
COPILOT_COOLDOWNS = {"scaleInCooldownSeconds": 120, "scaleOutCooldownSeconds": 60}
TARGETS = ("cpuTarget", "memoryTarget", "requestsPerTarget", "backlogPerTask")


def count(context: Context, value: Any, path: str) -> None:
    """`count` (a number, or range/spot/targets/cooldown) as `desiredCount`, `capacity` and
    `scaling`."""
    if not isinstance(value, dict):
        context.put("desiredCount", value)
        context.mapped(path, "desiredCount")
        return
    context.each(value, path, {
        "range": _range,
        "spot": _spot,
        "cooldown": _cooldown("scaling"),
        "cpu_percentage": _target("cpuTarget"),
        "memory_percentage": _target("memoryTarget"),
        "requests": _requests,
        "response_time": fixed("not mapped", "no scaling on response time (there is a p99"
                               " latency alarm): scale on cpu_percentage or requests"),
        "queue_delay": _queue_delay,
    })  # fmt: skip
    _copilot_cooldowns(context, path)


def _copilot_cooldowns(context: Context, path: str) -> None:
    """Where a target is tracked and the manifest set no cooldown, Copilot's (every
    target-tracking policy of its autoscaling.yml), not this project's 300 s scale-in."""
    scaling = context.get("scaling") or {}
    if not any(scaling.get(target) is not None for target in TARGETS):
        return
    unset = {k: v for k, v in COPILOT_COOLDOWNS.items() if k not in scaling}
    if not unset:
        return
    for key, value in unset.items():
        context.put(f"scaling.{key}", value)
    written = " and ".join(f"scaling.{k} {v}" for k, v in unset.items())
    context.mapped(f"{path}.cooldown (absent)", f"{written}: Copilot's defaults, written")


def _range(context: Context, value: Any, path: str) -> None:
    if isinstance(value, dict):
        low, high = value.get("min"), value.get("max")
        if "spot_from" in value:
            context.not_mapped(
                f"{path}.spot_from",
                "Spot from the Nth task is the cluster's"
                " strategy here (cluster.defaultStrategy base and weights) for"
                " services on capacity default; not per service",
            )
    else:
        found = RANGE.match(str(value))
        low, high = (int(found[1]), int(found[2])) if found else (None, None)
    if low is None or high is None:
        context.not_mapped(path, f"unreadable range {value!r}: not written")
        return
    context.put("scaling.minCount", low)
    context.put("scaling.maxCount", high)
    context.put("desiredCount", low)
    context.mapped(path, "scaling.minCount and maxCount (desiredCount starts at the minimum)")


def _spot(context: Context, value: Any, path: str) -> None:
    context.put("capacity", "fargate-spot")
    context.put("desiredCount", value)
    context.mapped(path, "capacity fargate-spot and desiredCount")


def _cooldown(prefix: str, shared: bool = False) -> Handler:
    """`cooldown.in`/`out` as the scaling cooldowns; `shared`: a per-metric cooldown, which
    becomes the one pair every policy uses here (said)."""

    def handle(context: Context, value: Any, path: str) -> None:
        for key, name in (("in", "scaleInCooldownSeconds"), ("out", "scaleOutCooldownSeconds")):
            if not isinstance(value, dict) or key not in value:
                continue
            seconds_to(f"{prefix}.{name}")(context, value[key], f"{path}.{key}")
            at, status, note = context.entries[-1]
            if shared and status != "not mapped":
                context.entries[-1] = (
                    at, "changed", f"{note}: one cooldown pair for every scaling policy here"
                )  # fmt: skip
        for key in set(value) - {"in", "out"} if isinstance(value, dict) else ():
            context.not_mapped(f"{path}.{key}", "unknown field: not written")

    return handle


def _target(key: str) -> Handler:
    def handle(context: Context, value: Any, path: str) -> None:
        target = value.get("value") if isinstance(value, dict) else value
        context.put(f"scaling.{key}", target)
        context.mapped(path, f"scaling.{key}")
        if isinstance(value, dict) and "cooldown" in value:
            _cooldown("scaling", shared=True)(context, value["cooldown"], f"{path}.cooldown")
        for extra in set(value) - {"value", "cooldown"} if isinstance(value, dict) else ():
            context.not_mapped(f"{path}.{extra}", "unknown field: not written")

    return handle


def _requests(context: Context, value: Any, path: str) -> None:
    if context.type != "Load Balanced Web Service":
        context.not_mapped(
            path,
            "scaling on requests needs an ALB route (routing), which a"
            f" {context.type} has not here: scale on cpu_percentage instead",
        )
        return
    _target("requestsPerTarget")(context, value, path)


def _queue_delay(context: Context, value: Any, path: str) -> None:
    given = {k: (value or {}).get(k) for k in ("acceptable_latency", "msg_processing_time")}
    latency, each = (seconds(v) for v in given.values())
    unreadable = [f"{k} {v!r}" for k, v in given.items() if v is not None and seconds(v) is None]
    if unreadable:
        context.not_mapped(
            path,
            f"{' and '.join(unreadable)}: not a Go duration, so Copilot does not read it either"
            " (numbers with units ns, us, ms, s, m or h, like 30s or .5m): nothing written",
        )
    elif latency and each:
        context.put("scaling.backlogPerTask", round(latency / each, 3))
        context.mapped(
            path,
            "scaling.backlogPerTask = acceptable_latency / msg_processing_time (its metric needs"
            " cluster.containerInsights: on in each stack this runs in)",
        )
    else:
        context.not_mapped(path, "needs acceptable_latency and msg_processing_time: not written")
    if isinstance(value, dict) and "cooldown" in value:
        _cooldown("scaling", shared=True)(context, value["cooldown"], f"{path}.cooldown")
    for key in set(value or {}) - {"acceptable_latency", "msg_processing_time", "cooldown"}:
        context.not_mapped(f"{path}.{key}", "unknown field: not written")
