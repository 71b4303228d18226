"""Follow ECS service deployments (the ListServiceDeployments / DescribeServiceDeployments API)
through traffic shifting and bake time, and act on a paused one.

A blue/green, canary or linear deployment stays IN_PROGRESS until its bake time is over and blue
is gone (lifecycle stages ... PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME, CLEAN_UP); it ends SUCCESSFUL,
or ROLLBACK_SUCCESSFUL / ROLLBACK_FAILED / STOPPED when a deployment alarm, a Lambda hook, a
PAUSE answered with ROLLBACK or StopServiceDeployment turned it back (ECS API reference:
ServiceDeployment.status, .lifecycleStage, .rollback, .alarms, .lifecycleHookDetails;
developer guide "Pause hooks for Amazon ECS service deployments").
The client is boto3's ECS client (tests use botocore's Stubber on the documented shapes).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

State = Literal["done", "rolling", "failed", "waiting"]
SUCCESS = {"SUCCESSFUL"}
ROLLED_BACK = {"ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED", "STOPPED"}
# A hook waiting for ContinueServiceDeployment (DeploymentLifecycleHookDetail.status).
AWAITING = "AWAITING_ACTION"
DESCRIBE_BATCH = 20  # DescribeServiceDeployments takes at most 20 ARNs


@dataclass
class DeploymentVerdict:
    state: State
    lines: list[str] = field(default_factory=list)


def latest_deployment_arn(client: Any, cluster: str, service: str) -> str | None:
    """The service's newest service deployment (ListServiceDeployments lists newest first; the
    newest createdAt wins either way)."""
    found = client.list_service_deployments(cluster=cluster, service=service, maxResults=20)
    deployments = found.get("serviceDeployments") or []
    if not deployments:
        return None
    newest = max(deployments, key=lambda d: d.get("createdAt") or 0)
    return str(newest["serviceDeploymentArn"])


def describe(client: Any, arns: Sequence[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for start in range(0, len(arns), DESCRIBE_BATCH):
        response = client.describe_service_deployments(
            serviceDeploymentArns=list(arns[start : start + DESCRIBE_BATCH])
        )
        found += response.get("serviceDeployments") or []
    return found


def paused_hooks(deployment: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        hook
        for hook in deployment.get("lifecycleHookDetails") or []
        if hook.get("targetType") == "PAUSE" and hook.get("status") == AWAITING
    ]


def approval_hint(service: str, where: str) -> str:
    """The commands that answer a paused deployment; `where` names the stack (`--stack S`) or
    the cluster and region (`--cluster C --region R`)."""
    return f"ecs-platform approve {service} {where} or ecs-platform rollback {service} {where}"


def judge(
    deployment: Mapping[str, Any], service: str, hint: str | None = None
) -> DeploymentVerdict:
    """One service deployment's state, with the lines a person needs to act on it (`hint`: the
    commands that answer a pause, default `approval_hint` with `--stack <stack>`)."""
    status = deployment.get("status", "?")
    stage = deployment.get("lifecycleStage", "?")
    if status in SUCCESS:
        return DeploymentVerdict("done", [f"{service}: {status}"])
    if status in ROLLED_BACK or status.startswith("ROLLBACK"):
        rollback = deployment.get("rollback") or {}
        alarms = (deployment.get("alarms") or {}).get("triggeredAlarmNames") or []
        why = rollback.get("reason") or deployment.get("statusReason") or "no reason given"
        lines = [f"{service}: {status} at stage {stage}: {why}"]
        if alarms:
            lines.append(f"{service}: alarms that fired: {', '.join(alarms)}")
        return DeploymentVerdict("failed", lines)
    paused = paused_hooks(deployment)
    if paused:
        return DeploymentVerdict(
            "waiting",
            [
                f"{service}: paused at {stage} for approval until {hook.get('expiresAt')}"
                f" (then {hook.get('timeoutAction', 'ROLLBACK')}):"
                f" {hint or approval_hint(service, '--stack <stack>')}"
                for hook in paused
            ],
        )
    return DeploymentVerdict("rolling", [f"{service}: {status} at stage {stage}"])


def follow(
    client: Any,
    cluster: str,
    services: Mapping[str, str],
    *,
    timeout_seconds: float,
    interval_seconds: float,
    sleep: Callable[[float], None] = time.sleep,
    report: Callable[[str], None] = print,
    hints: Mapping[str, str] | None = None,
) -> DeploymentVerdict:
    """Poll each service's newest deployment until all are SUCCESSFUL (done) or one rolled back
    (failed). A deployment still paused for approval at the timeout is `waiting`; one still
    shifting or baking is `failed` (it did not finish in time). `services`: key -> ECS name;
    `hints`: key -> the commands that answer its pause (`approval_hint`)."""
    arns = {key: latest_deployment_arn(client, cluster, name) for key, name in services.items()}
    missing = [key for key, arn in arns.items() if arn is None]
    if missing:
        return DeploymentVerdict("failed", [f"{key}: no service deployment" for key in missing])
    keys = {arn: key for key, arn in arns.items() if arn}
    waited = 0.0
    seen: set[str] = set()
    while True:
        found = describe(client, list(keys))
        verdicts = [
            judge(d, key, (hints or {}).get(key))
            for d in found
            for key in [keys.get(d["serviceDeploymentArn"], "?")]
        ]
        for line in (line for v in verdicts for line in v.lines):
            if line not in seen:
                report(line)
                seen.add(line)
        states = {v.state for v in verdicts}
        if "failed" in states:
            failed = [line for v in verdicts if v.state == "failed" for line in v.lines]
            return DeploymentVerdict("failed", failed)
        if states <= {"done"}:
            return DeploymentVerdict("done")
        if waited >= timeout_seconds:
            state: State = "waiting" if states <= {"done", "waiting"} else "failed"
            return DeploymentVerdict(state, [f"not finished after {int(waited)} s"])
        sleep(interval_seconds)
        waited += interval_seconds


def awaiting_hook(client: Any, cluster: str, service: str) -> tuple[str, str]:
    """(service deployment ARN, hook id) of the service's paused PAUSE hook."""
    arn = latest_deployment_arn(client, cluster, service)
    if arn is None:
        raise LookupError(f"{service}: no service deployment")
    (deployment,) = describe(client, [arn])
    paused = paused_hooks(deployment)
    if not paused:
        stage = deployment.get("lifecycleStage", "?")
        raise LookupError(
            f"{service}: deployment {arn} is {deployment.get('status')} at {stage}, not paused"
            " for approval"
        )
    return arn, str(paused[0]["hookId"])


def approve(client: Any, cluster: str, service: str) -> str:
    """ContinueServiceDeployment(action=CONTINUE) on the paused hook."""
    arn, hook = awaiting_hook(client, cluster, service)
    client.continue_service_deployment(serviceDeploymentArn=arn, hookId=hook, action="CONTINUE")
    return arn


def rollback(client: Any, cluster: str, service: str) -> str:
    """Roll the newest deployment back: ContinueServiceDeployment(action=ROLLBACK) when it waits
    at a PAUSE hook, otherwise StopServiceDeployment(stopType=ROLLBACK)."""
    try:
        arn, hook = awaiting_hook(client, cluster, service)
    except LookupError:
        arn = latest_deployment_arn(client, cluster, service)
        if arn is None:
            raise
        client.stop_service_deployment(serviceDeploymentArn=arn, stopType="ROLLBACK")
        return arn
    client.continue_service_deployment(serviceDeploymentArn=arn, hookId=hook, action="ROLLBACK")
    return arn
