"""Approve or roll back a service's deployment by hand.

    ecs-platform approve api --stack prod
    ecs-platform rollback api --stack prod [--cluster C --region R]

approve answers the deployment's PAUSE hook with ContinueServiceDeployment(action=CONTINUE);
rollback answers it with action=ROLLBACK, or, when nothing is paused, calls
StopServiceDeployment(stopType=ROLLBACK) (ECS API reference). The cluster and region default to
the stack's `clusterName` and `region` outputs (`pulumi stack output`); the caller needs
ecs:ListServiceDeployments, ecs:DescribeServiceDeployments and ecs:ContinueServiceDeployment or
ecs:StopServiceDeployment on the service.
"""

from __future__ import annotations

import subprocess

from ops import aws
from ops.service_deployments import approve, rollback

ACTIONS = {"approve": approve, "rollback": rollback}


def stack_output(name: str, stack: str) -> str:
    command = ["pulumi", "stack", "output", name, "--stack", stack]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def act(action: str, service: str, cluster: str, region: str) -> str:
    """Approve or roll back `service`'s deployment; the deployment's ARN, or LookupError."""
    return ACTIONS[action](aws.client("ecs", region), cluster, service)
