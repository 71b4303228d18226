"""`svc wait`: wait for a service's deployment, not only for a steady state.

- `deployed`: rolling services: the PRIMARY deployment's rolloutState is COMPLETED (ECS API
  reference, Deployment.rolloutState; what ecspresso made its default after
  amazon-ecs-deploy-task-definition#838: "stable" is not "deployment completed"); blue/green,
  canary and linear: the newest service deployment is SUCCESSFUL (after its bake time).
- `stable`: deployed, one deployment left and as many tasks running as desired (the
  ServicesStable waiter's condition, without its 40 x 15 s limit).
- `paused`: the newest service deployment waits at a PAUSE hook (the approval point).

A deployment that pauses for an approval while the wait wants `deployed` or `stable` is said
loudly, once, with the hook's expiry and what happens then (ecspresso#1069: a silent pause
"looks like a hang"). Ctrl-C stops the wait only: nothing is sent to AWS.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ops import service_deployments
from ops.status import describe_service

Until = Literal["deployed", "stable", "paused"]
Outcome = Literal["reached", "failed", "waiting", "timeout"]
EXIT_CODES: dict[Outcome, int] = {"reached": 0, "failed": 1, "timeout": 1, "waiting": 4}


@dataclass
class Step:
    """One look at the service: whether the wait is over, and a line for the progress."""

    outcome: Outcome | None
    line: str
    approval: str | None = None


@dataclass
class WaitResult:
    outcome: Outcome
    lines: list[str] = field(default_factory=list)


def rolling_step(service: dict[str, Any], until: Until) -> Step:
    deployments = service.get("deployments") or []
    primary = next((d for d in deployments if d.get("status") == "PRIMARY"), {})
    state = primary.get("rolloutState") or "?"
    running, desired = service.get("runningCount", 0), service.get("desiredCount", 0)
    line = f"{state}: {running}/{desired} tasks running, {len(deployments)} deployment(s)"
    if until == "paused":
        return Step(
            "failed", "a rolling deployment never pauses for approval: use --until deployed"
        )
    if state == "FAILED" or any(d.get("rolloutState") == "FAILED" for d in deployments):
        reason = primary.get("rolloutStateReason") or "the circuit breaker rolled it back"
        return Step("failed", f"FAILED: {reason}")
    completed = state == "COMPLETED" or (state == "?" and running == desired)
    if until == "deployed" and completed:
        return Step("reached", line)
    if until == "stable" and completed and len(deployments) == 1 and running == desired:
        return Step("reached", line)
    return Step(None, line)


def progressive_step(deployment: dict[str, Any], running: str, until: Until) -> Step:
    verdict = service_deployments.judge(deployment, str(deployment.get("serviceArn", "")))
    stage = deployment.get("lifecycleStage") or "?"
    line = f"{deployment.get('status')} at {stage}: {running} tasks running"
    if verdict.state == "failed":
        return Step("failed", "; ".join(verdict.lines))
    if verdict.state == "waiting":
        hooks = service_deployments.paused_hooks(deployment)
        hook = hooks[0] if hooks else {}
        expires = hook.get("expiresAt")
        if hasattr(expires, "strftime"):
            expires = expires.strftime("%Y-%m-%d %H:%M:%SZ") if not expires.utcoffset() else expires
        approval = (
            f"PAUSED FOR APPROVAL at {stage} until {expires} (then"
            f" {hook.get('timeoutAction', 'ROLLBACK')})"
        )
        return Step("reached" if until == "paused" else None, line, approval)
    if verdict.state == "done":
        if until == "paused":
            return Step("failed", "the deployment finished without pausing for approval")
        return Step("reached", line)
    return Step(None, line)


def wait(
    ecs: Any,
    cluster: str,
    service: str,
    *,
    progressive: bool,
    until: Until,
    timeout_seconds: float,
    interval_seconds: float,
    report: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
    answer: str | None = None,
) -> WaitResult:
    """Poll until `until` is reached, the deployment fails, or the timeout passes (a deployment
    still paused for its approval then is `waiting`). `answer`: the commands that answer a
    pause, said with it."""
    answer = answer or f"ecs-platform svc approve {service} --stack <stack>"
    arn = service_deployments.latest_deployment_arn(ecs, cluster, service) if progressive else None
    if progressive and arn is None:
        return WaitResult("failed", [f"{service}: no service deployment"])
    waited, approval_said = 0.0, False
    while True:
        current = describe_service(ecs, cluster, service)
        running = f"{current.get('runningCount', 0)}/{current.get('desiredCount', 0)}"
        if arn is not None:
            (deployment,) = service_deployments.describe(ecs, [arn])
            step = progressive_step(deployment, running, until)
        else:
            step = rolling_step(current, until)
        report(step.line)
        if step.approval and not approval_said:
            report(f"{step.approval}: {answer}")
            approval_said = True
        if step.outcome is not None:
            return WaitResult(step.outcome, [step.line])
        if waited >= timeout_seconds:
            outcome: Outcome = "waiting" if step.approval else "timeout"
            return WaitResult(outcome, [f"not {until} after {int(waited)} s: {step.line}"])
        sleep(interval_seconds)
        waited += interval_seconds
