"""Rules for moving in beside what a team has: `network.existing` and `loadBalancer.existing`.

What the ids alone can tell is checked here; what needs AWS's answer (the subnets' AZs and VPC,
the listener's protocol, its load balancer's VPC and security groups) is checked once the
program has looked them up (settings/looked_up.py), still before any resource is registered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.rules.problem import PRODUCTION_MIN_AZS, Problem, join_path

if TYPE_CHECKING:
    from settings.platform import PlatformSettings

NETWORK, BALANCER = "network.existing", "loadBalancer.existing"
# Keys of a load balancer the stack creates: meaningless for one the team has.
CREATED_BALANCER_KEYS = (
    "internal", "certificate_arn", "ingress_cidrs", "idle_timeout_seconds",
    "desync_mitigation_mode", "ssl_policy", "deletion_protection", "access_logs", "waf", "domain",
)  # fmt: skip


def network_shape(settings: PlatformSettings) -> Iterable[Problem]:
    """Either a VPC to create (cidr, availabilityZones) or an existing one, not both."""
    network = settings.network
    if network.existing is None:
        if network.cidr is None:
            yield Problem("network.cidr", "required key is missing (or set network.existing)")
        if not network.availability_zones:
            yield Problem(
                "network.availabilityZones",
                "required: one or more AZ names (or set network.existing)",
            )
        return
    for key in network.created_keys_set:
        yield Problem(
            f"network.{key}",
            "describes a VPC the stack creates; with network.existing the VPC, its subnets and"
            " routes are the team's: remove it",
        )
    existing = network.existing
    for index, subnet in enumerate(existing.private_subnet_ids):
        if subnet in existing.public_subnet_ids:
            yield Problem(
                join_path([NETWORK, "privateSubnetIds", index]),
                f"{subnet} is also listed as a public subnet; tasks run only in private subnets",
            )
    if settings.is_production and len(existing.private_subnet_ids) < PRODUCTION_MIN_AZS:
        yield Problem(
            f"{NETWORK}.privateSubnetIds",
            f"tier production needs private subnets in at least {PRODUCTION_MIN_AZS}"
            " availability zones",
        )


def created_balancer_in_existing_network(settings: PlatformSettings) -> Iterable[Problem]:
    """An internet-facing ALB the stack creates needs public subnets in two AZs (ELB.13)."""
    existing, balancer = settings.network.existing, settings.load_balancer
    if existing is None or balancer.existing is not None or balancer.internal:
        return
    if len(existing.public_subnet_ids) < 2:
        yield Problem(
            f"{NETWORK}.publicSubnetIds",
            "the internet-facing load balancer the stack creates needs public subnets in at"
            " least 2 availability zones (or use loadBalancer.existing, or internal: true)",
        )


def balancer_shape(settings: PlatformSettings) -> Iterable[Problem]:
    balancer = settings.load_balancer
    existing = balancer.existing
    if existing is None:
        return
    # ELB refuses a rule that forwards to a target group of another VPC (rules/looked_up.py)
    if settings.network.existing is None:
        yield Problem(
            BALANCER,
            "an existing load balancer lives in an existing VPC: set network.existing to its"
            " VPC (its target groups must be in the load balancer's VPC)",
        )
    region = existing.listener_arn.split(":")[3]
    if region != settings.region:
        yield Problem(
            f"{BALANCER}.listenerArn",
            f"the listener is in {region}, not in the stack's region {settings.region}"
            " (aws:region): listener rules and target groups are regional",
        )
    for key in CREATED_BALANCER_KEYS:
        if key in balancer.model_fields_set:
            camel = "".join(
                part if i == 0 else part.title() for i, part in enumerate(key.split("_"))
            )
            yield Problem(
                f"loadBalancer.{camel}",
                "describes a load balancer the stack creates; with loadBalancer.existing the"
                " ALB, its listeners, certificate and WAF are the team's: remove it",
            )
    priorities = existing.priorities
    if priorities.first > priorities.last:
        yield Problem(
            f"{BALANCER}.priorities.first",
            f"{priorities.first} is above last {priorities.last}",
        )


def priorities_reserved(settings: PlatformSettings) -> Iterable[Problem]:
    """On a shared listener the stack's rules keep to the range the team reserved for it, so
    they never take a priority one of the team's own rules holds (a listener allows one rule
    per priority: ALB API CreateRule, PriorityInUse)."""
    existing = settings.load_balancer.existing
    if existing is None:
        return
    first, last = existing.priorities.first, existing.priorities.last
    for name, service in settings.services.items():
        used = []
        if service.routing is not None:
            used.append((["routing", "priority"], service.routing.priority))
        test = service.deployment.test_traffic
        if test is not None:
            used.append((["deployment", "testTraffic", "priority"], test.priority))
        for path, priority in used:
            if not first <= priority <= last:
                yield Problem(
                    join_path(["services", name, *path]),
                    f"{priority} is outside the priorities reserved on the shared listener"
                    f" ({BALANCER}.priorities: {first}-{last})",
                )


RULES = (network_shape, created_balancer_in_existing_network, balancer_shape, priorities_reserved)
