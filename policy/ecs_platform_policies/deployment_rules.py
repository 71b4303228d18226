"""Blue/green, canary and linear services (deploymentConfiguration.strategy other than ROLLING):
they roll back on deployment alarms, not the circuit breaker (which is for rolling deployments),
and ECS can only shift a listener rule whose actions are one forward (ECS developer guide,
"Application Load Balancer resources for blue/green deployments")."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .model import Context, Resource, Rule, as_list, truthy

SERVICE = "aws:ecs/service:Service"
LISTENER_RULE = "aws:lb/listenerRule:ListenerRule"


def strategy(service: Resource) -> str:
    return str(service.get("deploymentConfiguration", "strategy", default="ROLLING")).upper()


def progressive(service: Resource) -> bool:
    return strategy(service) != "ROLLING"


def alarms_roll_back(service: Resource, _: Context) -> Iterator[str]:
    if not progressive(service):
        return
    alarms = service.get("alarms") or {}
    if not (
        truthy(alarms.get("enable"))
        and truthy(alarms.get("rollback"))
        and as_list(alarms.get("alarmNames"))
    ):
        yield (
            f"a {strategy(service)} deployment without deployment alarms that roll back: nothing"
            " turns a bad revision back during traffic shifting and bake time"
        )


def shifted_rules_only_forward(
    resources: Sequence[Resource], _: Context
) -> Iterator[tuple[Resource, str]]:
    """The listener rules a service's advancedConfiguration names (found through the property
    dependencies of its loadBalancers) hold forward actions only."""
    by_urn = {r.urn: r for r in resources}
    for service in resources:
        if service.type != SERVICE or not progressive(service):
            continue
        for urn in service.property_dependencies.get("loadBalancers", ()):
            rule = by_urn.get(urn)
            if rule is None or rule.type != LISTENER_RULE:
                continue
            kinds = {str(a.get("type")) for a in as_list(rule.get("actions")) if a}
            others = sorted(kinds - {"forward"})
            if others:
                yield (
                    rule,
                    f"service {service.name} shifts this rule, which mixes forward with"
                    f" {', '.join(others)}: ECS fails such a deployment",
                )


DEPLOYMENT_RULES: tuple[Rule, ...] = (
    Rule(
        "ecs-progressive-deployment-alarms",
        "platform (reliability)",
        "Production blue/green, canary and linear services roll back on deployment alarms.",
        "Keep the default deployment alarms of a routed service (5xx rate, unhealthy targets) or"
        " name some under services.<name>.deploymentAlarms.",
        (SERVICE,),
        alarms_roll_back,
        tiers=("production",),
    ),
    Rule(
        "ecs-progressive-rule-forward-only",
        "platform (reliability)",
        "Listener rules that ECS shifts hold one forward action and nothing else.",
        "Leave redirects, fixed responses and authentication to other rules or the listener.",
        stack_check=shifted_rules_only_forward,
    ),
)
