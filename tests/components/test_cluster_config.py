"""Bad cluster and pool settings are refused, naming the stack file and key, before any resource."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conftest import problems

Config = dict[str, Any]


def cluster(change: Callable[[dict], Any]) -> Callable[[Config], Any]:
    return lambda config: change(config["ecs-platform:cluster"])


def pool(change: Callable[[dict], Any]) -> Callable[[Config], Any]:
    return cluster(lambda c: change(c["ec2Pools"][0]))


BAD_CLUSTER_CONFIG: list[tuple[str, str, Callable[[Config], Any], list[str]]] = [
    (
        "mixed strategy",
        "dev",
        cluster(
            lambda c: c.update(defaultStrategy=[{"provider": "FARGATE"}, {"provider": "general"}])
        ),
        [
            "cluster.defaultStrategy: mixes Fargate (FARGATE) and EC2 pool (general) providers; a"
            " strategy uses one kind only"
        ],
    ),
    (
        "two bases",
        "dev",
        cluster(
            lambda c: c.update(
                defaultStrategy=[
                    {"provider": "FARGATE", "base": 1},
                    {"provider": "FARGATE_SPOT", "base": 1},
                ]
            )
        ),
        [
            "cluster.defaultStrategy: only one provider may have a base, found 2: FARGATE,"
            " FARGATE_SPOT"
        ],
    ),
    (
        "all weights zero",
        "dev",
        cluster(lambda c: c.update(defaultStrategy=[{"provider": "FARGATE", "weight": 0}])),
        ["cluster.defaultStrategy: every weight is 0; at least one must be above 0"],
    ),
    (
        "negative weight",
        "dev",
        cluster(lambda c: c.update(defaultStrategy=[{"provider": "FARGATE", "weight": -1}])),
        ["cluster.defaultStrategy[0].weight: Input should be greater than or equal to 0 (got -1)"],
    ),
    (
        "fargate spot with arm64",
        "dev",
        cluster(lambda c: c.update(defaultTaskArchitecture="arm64")),
        [
            "cluster.defaultStrategy[0].provider: FARGATE_SPOT runs only x86_64 Linux tasks,"
            " but the tasks are arm64",
            # the api service inherits the architecture and asked for Fargate Spot
            "services.api.capacity: fargate-spot runs only x86_64 Linux tasks, but the tasks"
            " are arm64",
        ],
    ),
    (
        "unknown provider",
        "dev",
        cluster(lambda c: c.update(defaultStrategy=[{"provider": "gpu"}])),
        [
            "cluster.defaultStrategy[0].provider: unknown capacity provider 'gpu' (known: FARGATE,"
            " FARGATE_SPOT, general)"
        ],
    ),
    (
        "duplicate pool names",
        "dev",
        cluster(lambda c: c["ec2Pools"].append(dict(c["ec2Pools"][0]))),
        [
            "cluster.ec2Pools[0].name: duplicate pool name 'general'",
            "cluster.ec2Pools[1].name: duplicate pool name 'general'",
        ],
    ),
    (
        "min above max",
        "dev",
        pool(lambda p: p.update(minSize=5, maxSize=2)),
        ["cluster.ec2Pools[0].minSize: 5 is above maxSize 2"],
    ),
    (
        "instance type of the other architecture",
        "dev",
        pool(lambda p: p.update(instanceTypes=["t4g.small", "t3.small"])),
        [
            "cluster.ec2Pools[0].instanceTypes[1]: t3.small is x86_64 but the pool's"
            " architecture is arm64"
        ],
    ),
    (
        "malformed instance type",
        "dev",
        pool(lambda p: p.update(instanceTypes=["large"])),
        [
            "cluster.ec2Pools[0].instanceTypes[0]: 'large' is not an EC2 instance type (like"
            " m7g.large)"
        ],
    ),
    (
        "reserved pool name",
        "dev",
        cluster(
            lambda c: (
                c["ec2Pools"][0].update(name="ecsgeneral"),
                c.update(defaultStrategy=[{"provider": "FARGATE"}]),
            )
        ),
        [
            "cluster.ec2Pools[0].name: 'ecsgeneral': capacity provider names cannot start with aws,"
            " ecs or fargate",
            # the worker still names the pool by its old name
            "services.worker.capacity: unknown capacity 'general' (known: default, fargate,"
            " fargate-spot, ecsgeneral)",
        ],
    ),
    (
        "spot percentage out of range",
        "dev",
        pool(lambda p: p.update(spotPercentage=120)),
        ["cluster.ec2Pools[0].spotPercentage: Input should be less than or equal to 100 (got 120)"],
    ),
    (
        "step sizes reversed",
        "dev",
        pool(lambda p: p.update(minimumScalingStepSize=5, maximumScalingStepSize=2)),
        ["cluster.ec2Pools[0].minimumScalingStepSize: 5 is above maximumScalingStepSize 2"],
    ),
    (
        "unknown pool key",
        "dev",
        pool(lambda p: p.update(spotPercent=50)),
        [
            "cluster.ec2Pools[0].spotPercent: unknown key (did you mean 'spotPercentage'?"
            " allowed: amiRelease, architecture,"
            " containerStopTimeoutSeconds, detailedMonitoring, forceDelete, instanceRefresh,"
            " instanceTypes, instanceWarmupSeconds, maxSize, maximumScalingStepSize, minSize,"
            " minimumScalingStepSize, name, onDemandBaseCapacity, renamedFrom, rootVolumeGib,"
            " spotPercentage, ssmAccess, targetCapacity)"
        ],
    ),
    (
        "production pool rules",
        "prod",
        cluster(
            lambda c: (
                c["ec2Pools"][0].update(instanceTypes=["m7g.large"], forceDelete=True),
                c.update(containerInsights="disabled", execLogRetentionDays=30),
            )
        ),
        [
            "cluster.containerInsights: tier production keeps Container Insights on (ECS.12)",
            "cluster.execLogRetentionDays: tier production keeps logs at least 365 days (got 30)",
            "cluster.ec2Pools[0].instanceTypes: tier production needs at least 2 instance types"
            " per pool (capacity shortages)",
            "cluster.ec2Pools[0].forceDelete: tier production never terminates instances before"
            " ECS drains them",
        ],
    ),
    (
        "production registry rules",
        "prod",
        lambda c: c["ecs-platform:registry"].update(imageTagMutability="MUTABLE", forceDelete=True),
        [
            "registry.imageTagMutability: tier production needs IMMUTABLE tags (a deployed tag"
            " must not change under you)",
            "registry.forceDelete: tier production never force-deletes repositories",
        ],
    ),
]


@pytest.mark.parametrize(
    ("stack", "change", "expected"),
    [
        pytest.param(stack, change, expected, id=case)
        for case, stack, change, expected in BAD_CLUSTER_CONFIG
    ],
)
def test_bad_cluster_config_is_refused_before_anything_is_registered(stack, change, expected):
    assert problems(stack, change) == [f"Pulumi.{stack}.yaml: {line}" for line in expected]
