"""Approve or roll back a service's deployment by hand.

    python -m delivery.deployments approve --stack prod --service api
    python -m delivery.deployments rollback --stack prod --service api [--cluster C --region R]

approve answers the deployment's PAUSE hook with ContinueServiceDeployment(action=CONTINUE);
rollback answers it with action=ROLLBACK, or, when nothing is paused, calls
StopServiceDeployment(stopType=ROLLBACK) (ECS API reference). The cluster and region default to
the stack's `clusterName` and `region` outputs (`pulumi stack output`); the caller needs
ecs:ListServiceDeployments, ecs:DescribeServiceDeployments and ecs:ContinueServiceDeployment or
ecs:StopServiceDeployment on the service.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from typing import Any

from delivery.service_deployments import approve, rollback

ACTIONS = {"approve": approve, "rollback": rollback}


def stack_output(name: str, stack: str) -> str:
    command = ["pulumi", "stack", "output", name, "--stack", stack]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def ecs_client(region: str) -> Any:
    import boto3  # delivery-time dependency (requirements-dev.txt); not needed by the program

    return boto3.client("ecs", region_name=region)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m delivery.deployments", description=__doc__)
    parser.add_argument("action", choices=sorted(ACTIONS))
    parser.add_argument("--service", required=True, help="ECS service name (the services key)")
    parser.add_argument("--stack", help="stack whose clusterName and region outputs to use")
    parser.add_argument("--cluster", help="ECS cluster name (default: the stack's output)")
    parser.add_argument("--region", help="AWS region (default: the stack's output)")
    args = parser.parse_args(argv)
    if not args.stack and not (args.cluster and args.region):
        parser.error("give --stack, or --cluster and --region")
    return args


def main(argv: list[str] | None = None, client: Any = None) -> int:
    args = _arguments(argv)
    cluster = args.cluster or stack_output("clusterName", args.stack)
    region = args.region or stack_output("region", args.stack)
    ecs = client if client is not None else ecs_client(region)
    try:
        arn = ACTIONS[args.action](ecs, cluster, args.service)
    except LookupError as error:
        print(f"{args.action}: {error}", file=sys.stderr)
        return 1
    print(f"{args.action}: {args.service}: {arn}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
