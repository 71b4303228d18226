"""Values the program would drop silently: refused, so the stack file says what runs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.rules.problem import Problem

if TYPE_CHECKING:
    from settings.platform import PlatformSettings


def grace_period_needs_routing(settings: PlatformSettings) -> Iterable[Problem]:
    """ECS applies healthCheckGracePeriodSeconds to load balancer health checks only (the
    program sends it only with a target group, components/service/__init__.py)."""
    for name, service in settings.services.items():
        if "health_check_grace_period_seconds" in service.model_fields_set and (
            service.routing is None
        ):
            yield Problem(
                f"services.{name}.healthCheckGracePeriodSeconds",
                "applies only to a routed service (it delays ALB health checks); this service"
                " has no routing, so it would be ignored: remove it or add routing",
            )


RULES = (grace_period_needs_routing,)
