"""The policy pack on the managed fixture: the pool passes the controls an EC2 pool passes
(no public subnets, its own security group, awsvpc tasks), and breaking each is reported."""

from __future__ import annotations

import dataclasses

from ecs_platform_policies.catalog import RULES_BY_NAME, context_for, evaluate
from ecs_platform_policies.model import Resource
from managed_cases import PROVIDER, TASK, managed_resources
from policy_cases import edit, setter
from policy_offline import policy_config

LB = "aws:lb/loadBalancer:LoadBalancer"
NETWORK = ("managedInstancesProvider", "instanceLaunchTemplate", "networkConfiguration")


def findings(policy: str, resources: list[Resource]) -> list[tuple[tuple[str, str], str]]:
    rule = RULES_BY_NAME[policy]
    return [((r.type, r.name), m) for r, m in rule.findings(resources, context_for(rule, None))]


def test_the_managed_fixture_passes_every_policy_prod_passes() -> None:
    resources = list(managed_resources())
    found = evaluate(resources, policy_config("prod"))
    about_the_pool = [
        f
        for f in found
        if f.resource.name.startswith(("cluster-batch", "reports")) and not f.waiver
    ]
    assert about_the_pool == []


def test_public_subnets_are_reported() -> None:
    resources = list(managed_resources())
    public = next(r for r in resources if r.type == LB).props["subnets"]
    broken = edit(*PROVIDER, setter(*NETWORK, "subnets", value=public[:1]))(resources)
    assert findings("managed-instances-private-subnets", resources) == []
    [(flagged, message)] = findings("managed-instances-private-subnets", broken)
    assert flagged == PROVIDER and "public subnets" in message


def test_a_pool_without_its_own_security_group_is_reported() -> None:
    resources = list(managed_resources())
    broken = edit(*PROVIDER, setter(*NETWORK, "securityGroups", value=[]))(resources)
    [(flagged, message)] = findings("managed-instances-private-subnets", broken)
    assert flagged == PROVIDER and "security group" in message


def test_host_networking_on_managed_instances_is_reported() -> None:
    resources = list(managed_resources())
    assert findings("managed-instances-awsvpc", resources) == []
    broken = edit(*TASK, setter("networkMode", value="host"))(resources)
    assert [f for f, _ in findings("managed-instances-awsvpc", broken)] == [TASK]
    fargate = [
        dataclasses.replace(r, props={**r.props, "networkMode": "bridge"})
        if (r.type, r.name) == (TASK[0], "api-task")
        else r
        for r in resources
    ]
    assert findings("managed-instances-awsvpc", fargate) == []  # not a managed-instance task


def test_termination_protection_is_not_asked_of_managed_instances() -> None:
    flagged = [
        f for f, _ in findings("ecs-19-managed-termination-protection", list(managed_resources()))
    ]
    assert PROVIDER not in flagged
