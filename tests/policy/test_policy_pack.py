"""The pulumi_policy objects: built without a server, and running the checks like the engine."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from ecs_platform_policies.catalog import RULES
from ecs_platform_policies.model import Resource
from ecs_platform_policies.pack import WAIVED_FINDINGS, build_policies
from policy_offline import policy_resources
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)


def options(protect: bool = False) -> PolicyResourceOptions:
    return PolicyResourceOptions(protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def run_resource_policy(
    policy: ResourceValidationPolicy, resource: Resource, config: dict[str, Any]
) -> list[tuple[str, str | None]]:
    reports: list[tuple[str, str | None]] = []
    args = ResourceValidationArgs(
        resource.type,
        resource.props,
        resource.urn,
        resource.name,
        options(resource.protect),
        None,
        config,
    )
    policy.validate(args, lambda message, urn=None: reports.append((message, urn)))
    return reports


def run_stack_policy(
    policy: StackValidationPolicy, resources: list[Resource], config: dict[str, Any]
) -> list[tuple[str, str | None]]:
    by_urn = {
        r.urn: PolicyResource(
            r.type, r.props, r.urn, r.name, options(r.protect), None, None, [], {}
        )
        for r in resources
    }
    for r in resources:
        by_urn[r.urn].property_dependencies = {
            prop: [by_urn[u] for u in urns if u in by_urn]
            for prop, urns in r.property_dependencies.items()
        }
    reports: list[tuple[str, str | None]] = []
    policy.validate(
        StackValidationArgs(list(by_urn.values()), config),
        lambda message, urn=None: reports.append((message, urn)),
    )
    return reports


@pytest.fixture(scope="module")
def policies() -> dict[str, Any]:
    return {p.name: p for p in build_policies()}


@pytest.fixture(scope="module")
def dev(synthesized: Any) -> list[Resource]:
    return policy_resources(synthesized("dev"))


def test_pack_module_imports_without_starting_a_server(policies: dict[str, Any]) -> None:
    assert "__main__" not in {m.split(".")[-1] for m in sys.modules if "ecs_platform" in m}
    assert len(policies) == len(RULES) + 1
    for policy in policies.values():
        assert policy.description and policy.config_schema is not None
    assert all(policies[rule.name].remediation_steps == rule.remediation for rule in RULES)
    assert policies[WAIVED_FINDINGS].enforcement_level == EnforcementLevel.ADVISORY


def test_resource_policy_reports_with_the_resource_urn(
    policies: dict[str, Any], dev: list[Resource]
) -> None:
    listener = next(r for r in dev if r.name == "alb-http")
    reports = run_resource_policy(policies["elb-1-http-redirects-to-https"], listener, {})
    assert [urn for _, urn in reports] == [listener.urn]
    assert "redirect" in reports[0][0]


def test_resource_policy_skips_waived_findings(
    policies: dict[str, Any], dev: list[Resource]
) -> None:
    alb_sg = next(r for r in dev if r.name == "alb-sg")
    assert run_resource_policy(policies["ec2-18-19-restricted-ingress"], alb_sg, {}) == []


def test_tier_comes_from_policy_config(policies: dict[str, Any], dev: list[Resource]) -> None:
    lb = next(r for r in dev if r.type == "aws:lb/loadBalancer:LoadBalancer")
    policy = policies["elb-6-deletion-protection"]
    assert run_resource_policy(policy, lb, {"tier": "development"}) == []
    assert len(run_resource_policy(policy, lb, {"tier": "production"})) == 1


def test_stack_policies_follow_property_dependencies(
    policies: dict[str, Any], dev: list[Resource]
) -> None:
    assert run_stack_policy(policies["ecr-3-lifecycle-policy"], dev, {}) == []
    without = [r for r in dev if r.type != "aws:ecr/lifecyclePolicy:LifecyclePolicy"]
    assert len(run_stack_policy(policies["ecr-3-lifecycle-policy"], without, {})) == 2


def test_waived_findings_are_listed_with_their_reason(
    policies: dict[str, Any], dev: list[Resource]
) -> None:
    reports = run_stack_policy(policies[WAIVED_FINDINGS], dev, {"tier": "development"})
    assert {message.split(":")[0] for message, _ in reports} == {
        "ec2-18-19-restricted-ingress",
        "elb-18-secure-protocols",
    }
    assert all("Waived: " in message for message, _ in reports)
