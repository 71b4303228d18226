"""A blue/green, canary or linear service's way in, and the deployment configuration ECS runs.

ECS deploys these itself (no CodeDeploy): green tasks start in the alternate target group, ECS
shifts the production listener rule's weights from one group to the other, keeps blue for the
bake time, and rolls back on a deployment alarm or a hook. What it needs (ECS developer guide,
"Application Load Balancer resources for blue/green deployments" and "Required resources for
Amazon ECS blue/green deployments"): two ip target groups with the same health check, a listener
rule whose one forward action names both groups with weights, optionally a test rule, and a role
ECS assumes to change them (trust ecs.amazonaws.com, AWS managed policy
AmazonECSInfrastructureRolePolicyForLoadBalancers). Lambda hooks need a role ECS assumes to
invoke them (lambda:InvokeFunction on exactly the declared functions).
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from components.common import policies
from components.common.naming import Naming
from components.common.policies import Statement
from components.load_balancer import RouteTarget
from components.service.routing import (
    RouteArgs,
    RoutedService,
    allow_from_load_balancer,
    load_balancer_entry,
    route_conditions,
    route_priority,
    target_group,
)
from settings.deployment import DeploymentSettings
from settings.service import ServiceSettings

# AWS managed policy reference (created 2025-07-17):
# https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInfrastructureRolePolicyForLoadBalancers.html
# (ARN without a service-role/ path, unlike AmazonECSInfrastructureRolePolicyForVolumes).
LOAD_BALANCERS_POLICY = "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
ECS_SERVICE_PRINCIPAL = "ecs.amazonaws.com"
# Before the first deployment all production traffic goes to the primary group.
PRIMARY_WEIGHT, ALTERNATE_WEIGHT = 100, 0
# ECS rewrites the rules' forward weights at every deployment (terraform-provider-aws#43905:
# "the ALB listener rule weights will be changed by ECS when deployments occur, so these weights
# can no longer be managed"). Pulumi must not put its stored weights back on the next `up` or
# after a refresh, which would move production traffic. The whole target-group list is ignored,
# not `targetGroups[*].weight`: the provider holds it as a set (no addressable elements, as the
# issue shows), so index-wise weights could land on the wrong group after a refresh reorders it.
SHIFTED_BY_ECS = ["actions[*].forward.targetGroups"]


def weighted_forward(
    primary_arn: pulumi.Input[str], alternate_arn: pulumi.Input[str]
) -> list[dict[str, Any]]:
    """The one action ECS can shift: forward to both groups by weight. A rule that mixes forward
    with redirect, fixed-response or authenticate actions fails the deployment (ECS developer
    guide, blue/green ALB resources), so nothing else is ever added."""
    return [
        {
            "type": "forward",
            "forward": {
                "target_groups": [
                    {"arn": primary_arn, "weight": PRIMARY_WEIGHT},
                    {"arn": alternate_arn, "weight": ALTERNATE_WEIGHT},
                ]
            },
        }
    ]


def test_conditions(service: ServiceSettings) -> list[dict[str, Any]]:
    """The production rule's conditions plus the test header."""
    test = service.deployment.test_traffic
    assert test is not None
    header = {"http_header": {"http_header_name": test.header_name, "values": [test.header_value]}}
    return [*route_conditions(service), header]


def lifecycle_hooks(
    deployment: DeploymentSettings, hook_role_arn: pulumi.Input[str] | None
) -> list[dict[str, Any]]:
    """Lambda hooks (with the invoke role) and the PAUSE approval, in ECS's terms."""
    hooks: list[dict[str, Any]] = [
        {
            "lifecycle_stages": [hook.stage],
            "target_type": "AWS_LAMBDA",
            "hook_target_arn": hook.lambda_arn,
            "role_arn": hook_role_arn,
        }
        for hook in deployment.hooks
    ]
    approval = deployment.approval
    if approval is not None:
        hooks.append(
            {
                "lifecycle_stages": [approval.stage],
                "target_type": "PAUSE",
                # typed as strings in the SDK (ServiceDeploymentConfigurationLifecycleHook...)
                "timeout_configuration": {
                    "timeout_in_minutes": str(approval.timeout_minutes),
                    "action": approval.on_timeout.upper(),
                },
            }
        )
    return hooks


def deployment_configuration(
    deployment: DeploymentSettings, hook_role_arn: pulumi.Input[str] | None = None
) -> dict[str, Any] | None:
    """The ECS service's deploymentConfiguration; None for rolling (the service keeps exactly
    the inputs it had before strategies existed). Bake times are strings in pulumi-aws 7.51.1;
    the provider parses them to integers (terraform-provider-aws internal/service/ecs/service.go,
    expandBakeTimeInMinutes, expandCanaryConfiguration, expandLinearConfiguration)."""
    if not deployment.progressive:
        return None
    config: dict[str, Any] = {
        "strategy": deployment.ecs_strategy,
        "bake_time_in_minutes": str(deployment.bake_time_minutes or 0),
    }
    if deployment.canary is not None:
        config["canary_configuration"] = {
            "canary_percent": deployment.canary.percent,
            "canary_bake_time_in_minutes": str(deployment.canary.bake_time_minutes),
        }
    if deployment.linear is not None:
        config["linear_configuration"] = {
            "step_percent": deployment.linear.step_percent,
            "step_bake_time_in_minutes": str(deployment.linear.step_bake_time_minutes),
        }
    hooks = lifecycle_hooks(deployment, hook_role_arn)
    if hooks:
        config["lifecycle_hooks"] = hooks
    return config


def circuit_breaker(deployment: DeploymentSettings) -> dict[str, bool]:
    """Rolling deployments stop and roll back on repeated task failures (the circuit breaker);
    the deployment circuit breaker is for rolling deployments, so blue/green, canary and linear
    roll back on their deployment alarms (and hooks) instead: it is off for them."""
    on = not deployment.progressive
    return {"enable": on, "rollback": on}


def hook_invoke_statements(deployment: DeploymentSettings) -> list[Statement]:
    functions = sorted({hook.lambda_arn for hook in deployment.hooks})
    if not functions:
        return []
    return [policies.statement(["lambda:InvokeFunction"], functions, sid="InvokeDeclaredHooks")]


def hook_role(
    parent: pulumi.Resource, name: str, deployment: DeploymentSettings, naming: Naming
) -> aws.iam.Role | None:
    """The role ECS assumes to invoke the Lambda hooks; None without any."""
    statements = hook_invoke_statements(deployment)
    if not statements:
        return None
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(
        f"{name}-hooks",
        name=naming.physical("iam-role", name, "hooks"),
        assume_role_policy=policies.assume_role(ECS_SERVICE_PRINCIPAL),
        tags=naming.tags(name, "hooks"),
        opts=child,
    )
    aws.iam.RolePolicy(
        f"{name}-hooks", role=role.id, policy=policies.document(statements), opts=child
    )
    return role


def attach_progressive_route(
    parent: pulumi.Resource,
    name: str,
    service: ServiceSettings,
    route: RouteTarget,
    args: RouteArgs,
) -> RoutedService:
    """Both target groups, the weighted production rule, the optional test rule and the role ECS
    changes them with; the ECS service's loadBalancers entry with its advancedConfiguration."""
    allow_from_load_balancer(parent, name, service, route, args)
    primary = target_group(parent, f"{name}-tg", [name], service, args)
    alternate = target_group(parent, f"{name}-tg-alt", [name, "alt"], service, args)
    shifted = pulumi.ResourceOptions(parent=parent, ignore_changes=SHIFTED_BY_ECS)
    rule = aws.lb.ListenerRule(
        f"{name}-route",
        listener_arn=route.listener_arn,
        priority=route_priority(service),
        conditions=route_conditions(service),
        actions=weighted_forward(primary.arn, alternate.arn),
        tags=args.naming.tags(name),
        opts=shifted,
    )
    role, attachment = _load_balancer_role(parent, name, args)
    advanced: dict[str, Any] = {
        "alternate_target_group_arn": alternate.arn,
        "production_listener_rule": rule.arn,
        "role_arn": role.arn,
    }
    dependencies: list[pulumi.Resource] = [attachment]
    test = service.deployment.test_traffic
    if test is not None:
        test_rule = aws.lb.ListenerRule(
            f"{name}-test-route",
            listener_arn=route.listener_arn,
            priority=test.priority,
            conditions=test_conditions(service),
            actions=weighted_forward(primary.arn, alternate.arn),
            tags=args.naming.tags(name, "test"),
            opts=shifted,
        )
        advanced["test_listener_rule"] = test_rule.arn
        dependencies.append(test_rule)
    entry = {**load_balancer_entry(name, service, primary), "advanced_configuration": advanced}
    # ECS checks the role's permissions when the service is created or updated.
    return RoutedService(
        primary, rule, [entry], dependencies=dependencies, alternate_target_group=alternate
    )


def _load_balancer_role(
    parent: pulumi.Resource, name: str, args: RouteArgs
) -> tuple[aws.iam.Role, aws.iam.RolePolicyAttachment]:
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(
        f"{name}-lb-infra",
        name=args.naming.physical("iam-role", name, "lb-infra"),
        assume_role_policy=policies.assume_role(ECS_SERVICE_PRINCIPAL),
        tags=args.naming.tags(name, "lb-infra"),
        opts=child,
    )
    attachment = aws.iam.RolePolicyAttachment(
        f"{name}-lb-infra", role=role.name, policy_arn=LOAD_BALANCERS_POLICY, opts=child
    )
    return role, attachment
