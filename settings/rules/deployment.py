"""Rules for `services.*.deployment`: what ECS refuses about blue/green, canary and linear, said
before anything is registered (settings/deployment.py has the sources of each limit)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.deployment import TRAFFIC_SHIFT_STAGES
from settings.rules.problem import Problem, join_path
from settings.rules.service import ALB_VALUES_PER_RULE

if TYPE_CHECKING:
    from settings.platform import PlatformSettings
    from settings.service import ServiceSettings

# PLACEHOLDER (not found in the AWS documentation searched for issue #20, which names it): at most
# 10 lifecycle hooks of one target type per service. Refusing more is the conservative side.
MAX_HOOKS_PER_KIND = 10
# Strategies that need an ALB listener rule to shift: this platform shifts through the ALB only
# (ECS can also shift Service Connect traffic; not supported here).
NEEDS_ROUTING = ("blueGreen", "canary", "linear")


def _path(name: str, *parts: str | int) -> str:
    return join_path(["services", name, "deployment", *parts])


def strategy_shape(settings: PlatformSettings) -> Iterable[Problem]:
    """Each strategy's own block, and nothing of the others'."""
    for name, service in settings.services.items():
        deployment = service.deployment
        strategy = deployment.strategy
        if strategy == "canary" and deployment.canary is None:
            yield Problem(
                _path(name, "canary"), "strategy canary needs canary: {percent, bakeTimeMinutes}"
            )
        if strategy == "linear" and deployment.linear is None:
            yield Problem(
                _path(name, "linear"),
                "strategy linear needs linear: {stepPercent, stepBakeTimeMinutes}",
            )
        if deployment.canary is not None and strategy != "canary":
            yield Problem(_path(name, "canary"), f"applies only to strategy canary, not {strategy}")
        if deployment.linear is not None and strategy != "linear":
            yield Problem(_path(name, "linear"), f"applies only to strategy linear, not {strategy}")
        if deployment.progressive:
            continue
        for key, value in (
            ("bakeTimeMinutes", deployment.bake_time_minutes),
            ("testTraffic", deployment.test_traffic),
            ("approval", deployment.approval),
        ):
            if value is not None:
                yield Problem(
                    _path(name, key),
                    "applies to blueGreen, canary and linear deployments; strategy is rolling",
                )
        if deployment.hooks:
            yield Problem(
                _path(name, "hooks"),
                "lifecycle hooks run in blueGreen, canary and linear deployments; strategy is"
                " rolling",
            )


def routing(settings: PlatformSettings) -> Iterable[Problem]:
    """Blue/green, canary and linear shift an ALB listener rule: the service must have one."""
    for name, service in settings.services.items():
        strategy = service.deployment.strategy
        if strategy in NEEDS_ROUTING and (service.routing is None or service.port is None):
            yield Problem(
                _path(name, "strategy"),
                f"{strategy} shifts traffic on an ALB listener rule: give the service a port and"
                " routing, or keep strategy rolling (Service Connect traffic shifting is not"
                " supported here)",
            )


def hooks(settings: PlatformSettings) -> Iterable[Problem]:
    for name, service in settings.services.items():
        deployment = service.deployment
        if len(deployment.hooks) > MAX_HOOKS_PER_KIND:
            yield Problem(
                _path(name, "hooks"),
                f"{len(deployment.hooks)} Lambda hooks; at most {MAX_HOOKS_PER_KIND} per service",
            )
        for (stage, arn), count in Counter(
            (hook.stage, hook.lambda_arn) for hook in deployment.hooks
        ).items():
            if count > 1:
                yield Problem(_path(name, "hooks"), f"{arn} is hooked at {stage} {count} times")
        approval = deployment.approval
        if approval is not None and approval.stage in TRAFFIC_SHIFT_STAGES:
            yield Problem(
                _path(name, "approval", "stage"),
                f"a PAUSE hook cannot wait at {approval.stage} (ECS does not stop while traffic"
                " shifts); use POST_TEST_TRAFFIC_SHIFT or POST_PRODUCTION_TRAFFIC_SHIFT",
            )


def test_traffic(settings: PlatformSettings) -> Iterable[Problem]:
    """The test rule sits on the production listener: its own priority, ahead of the service's
    production rule, within ALB's condition limits."""
    taken = {
        service.routing.priority: name
        for name, service in settings.services.items()
        if service.routing is not None
    }
    for name, service in settings.services.items():
        test = service.deployment.test_traffic
        if test is None or service.routing is None:
            continue
        if test.priority in taken:
            yield Problem(
                _path(name, "testTraffic", "priority"),
                f"{test.priority} is already used by service {taken[test.priority]}",
            )
        elif test.priority >= service.routing.priority:
            yield Problem(
                _path(name, "testTraffic", "priority"),
                f"{test.priority} must be below routing.priority {service.routing.priority}"
                " (the listener evaluates lower numbers first)",
            )
        taken.setdefault(test.priority, name)
        route = service.routing
        if len(route.path_patterns) + len(route.host_headers) + 1 > ALB_VALUES_PER_RULE:
            yield Problem(
                _path(name, "testTraffic"),
                f"the test rule adds a header to the routing conditions: an ALB rule matches at"
                f" most {ALB_VALUES_PER_RULE} values in all",
            )


def production_alarms(settings: PlatformSettings) -> Iterable[Problem]:
    """In production a non-rolling deployment rolls back on alarms (the circuit breaker is for
    rolling deployments only), so it must have some."""
    if not settings.is_production:
        return
    for name, service in settings.services.items():
        if service.deployment.progressive and _no_alarms(service):
            yield Problem(
                join_path(["services", name, "deploymentAlarms"]),
                f"tier production: a {service.deployment.strategy} deployment rolls back on its"
                " deployment alarms; name at least one",
            )


def _no_alarms(service: ServiceSettings) -> bool:
    # None means the default (5xx rate and unhealthy targets of a routed service).
    if service.deployment_alarms is None:
        return service.routing is None
    return not service.deployment_alarms


RULES = (strategy_shape, routing, hooks, test_traffic, production_alarms)
