"""ECS Managed Instances pools: the EC2 pool controls (IMDS, public IPs) where AWS leaves a say.

A managed instances capacity provider has no launch template of ours: AWS sets the instances'
metadata options and volumes itself, and the provider takes only subnets, security groups,
an instance profile and requirements (API_InstanceLaunchTemplate; its storage configuration has
a size and no encryption flag, API_ManagedInstancesStorageConfiguration). So:

- public IPs: an instance gets one when its subnet maps public IPs on launch (AWS Batch's
  ManagedInstancesNetworkConfiguration: "If your subnets don't provide public IP addresses,
  they must have a NAT gateway"). The check: the provider's subnets are none of an
  internet-facing load balancer's (those are the public subnets), and it names its own
  security groups (not the VPC default).
- IMDS: containers reach the instance's metadata service, and so its role, when they share the
  instance's network (`networkMode: host`); task definitions for managed instances use awsvpc
  (or none), where each task has its own interface.
- encryption: not configurable through the provider (above); nothing to check here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .model import Context, Resource, Rule, as_list, truthy

CAPACITY_PROVIDER = "aws:ecs/capacityProvider:CapacityProvider"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
LOAD_BALANCERS = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
MANAGED_NETWORK_MODES = ("awsvpc", "none")


def _network(provider: Resource) -> dict:
    return (
        provider.get("managedInstancesProvider", "instanceLaunchTemplate", "networkConfiguration")
        or {}
    )


def private_managed_instances(
    resources: Sequence[Resource], _: Context
) -> Iterator[tuple[Resource, str]]:
    public = {
        str(subnet): lb.name
        for lb in resources
        if lb.type in LOAD_BALANCERS and not truthy(lb.get("internal"))
        for subnet in as_list(lb.get("subnets"))
    }
    for provider in resources:
        if provider.type != CAPACITY_PROVIDER or not provider.get("managedInstancesProvider"):
            continue
        network = _network(provider)
        shared = sorted({public[s] for s in as_list(network.get("subnets")) if s in public})
        if shared:
            yield (
                provider,
                (
                    "managed instances launch into public subnets (those of internet-facing load"
                    f" balancer {', '.join(shared)}): they would get public IPs"
                ),
            )
        if not as_list(network.get("securityGroups")):
            yield provider, "managed instances name no security group (the VPC default applies)"


def managed_instances_awsvpc(task: Resource, _: Context) -> Iterator[str]:
    if "MANAGED_INSTANCES" not in [str(c) for c in as_list(task.get("requiresCompatibilities"))]:
        return
    mode = str(task.get("networkMode", default="")).lower()
    if mode not in MANAGED_NETWORK_MODES:
        yield (
            f"networkMode {mode or 'unset'} on managed instances: use awsvpc, so containers do not"
            " share the instance's network and reach its metadata service and role"
        )


MANAGED_INSTANCE_RULES: tuple[Rule, ...] = (
    Rule(
        "managed-instances-private-subnets",
        "EC2.9 / EC2.15 (managed instances)",
        "ECS Managed Instances launch into private subnets behind their own security group.",
        "Give the pool the private subnets (the platform does) and a security group of its own.",
        stack_check=private_managed_instances,
    ),
    Rule(
        "managed-instances-awsvpc",
        "EC2.8 / EC2.170 (managed instances)",
        "Tasks on ECS Managed Instances use awsvpc networking, never the instance's network.",
        "Use networkMode awsvpc for task definitions that require MANAGED_INSTANCES.",
        (TASK_DEFINITION,),
        managed_instances_awsvpc,
    ),
)
