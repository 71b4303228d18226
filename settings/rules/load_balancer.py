"""Rules across `loadBalancer` keys."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.rules.problem import Problem, production_retention

if TYPE_CHECKING:
    from settings.platform import PlatformSettings

ALB_MIN_AZS = 2


def load_balancer_listeners(settings: PlatformSettings) -> Iterable[Problem]:
    balancer = settings.load_balancer
    if balancer.existing is not None:
        # the team's listener: its protocol is checked once looked up (settings/looked_up.py)
        if settings.is_production and balancer.allow_plain_http:
            yield Problem("loadBalancer.allowPlainHttp", "tier production serves HTTPS only")
        return
    if not balancer.serves_https and not balancer.allow_plain_http:
        yield Problem(
            "loadBalancer.certificateArn",
            "required: HTTPS needs a certificate (or a domain; or set allowPlainHttp: true in"
            " development)",
        )
    if balancer.certificate_arn and balancer.certificate_arn.split(":")[3] != settings.region:
        yield Problem(
            "loadBalancer.certificateArn",
            f"the certificate must be in the stack's region {settings.region} (aws:region)",
        )
    if not settings.is_production:
        return
    if balancer.allow_plain_http:
        yield Problem("loadBalancer.allowPlainHttp", "tier production serves HTTPS only")
    if not balancer.deletion_protection:
        yield Problem(
            "loadBalancer.deletionProtection", "tier production turns deletion protection on"
        )
    if not balancer.access_logs.enabled:
        yield Problem("loadBalancer.accessLogs.enabled", "tier production keeps access logs")
    if not balancer.internal and not balancer.waf.enabled:
        yield Problem(
            "loadBalancer.waf.enabled", "tier production puts a web ACL on a public load balancer"
        )
    if balancer.waf.enabled:
        yield from production_retention(
            "loadBalancer.waf.logRetentionDays", balancer.waf.log_retention_days
        )


def load_balancer_zones(settings: PlatformSettings) -> Iterable[Problem]:
    """AWS refuses an ALB with subnets in fewer than two AZs (an existing VPC's AZs are checked
    once looked up, settings/looked_up.py)."""
    if not settings.network.creates_vpc or not settings.load_balancer.creates_load_balancer:
        return
    zones = len(settings.network.availability_zones)
    if zones == 0:
        return  # missing: rules/existing.py reports the key
    if zones < ALB_MIN_AZS and not settings.is_production:  # production has its own AZ rule
        yield Problem(
            "network.availabilityZones",
            f"the load balancer needs subnets in at least {ALB_MIN_AZS} availability zones"
            f" (got {zones})",
        )


RULES = (load_balancer_listeners, load_balancer_zones)
