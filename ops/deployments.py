"""Approve or roll back a service's deployment by hand.

    ecs-platform approve api --stack prod
    ecs-platform rollback api --stack prod [--cluster C --region R]

approve answers the deployment's PAUSE hook with ContinueServiceDeployment(action=CONTINUE);
rollback answers it with action=ROLLBACK, or, when nothing is paused, calls
StopServiceDeployment(stopType=ROLLBACK) (ECS API reference). With --stack, the service name,
cluster and region come from the stack file (ops/stack.py: no Pulumi CLI needed); the caller needs
ecs:ListServiceDeployments, ecs:DescribeServiceDeployments and ecs:ContinueServiceDeployment or
ecs:StopServiceDeployment on the service.
"""

from __future__ import annotations

from ops import aws
from ops.service_deployments import approve, rollback

ACTIONS = {"approve": approve, "rollback": rollback}


def act(action: str, service: str, cluster: str, region: str) -> str:
    """Approve or roll back `service`'s deployment; the deployment's ARN, or LookupError."""
    return ACTIONS[action](aws.client("ecs", region), cluster, service)
