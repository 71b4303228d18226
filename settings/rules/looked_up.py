"""The rules that need AWS's answers about what a team already has (settings/looked_up.py).

The ids in `network.existing` and `loadBalancer.existing` are checked for shape by the settings;
which AZ a subnet is in, which VPC it belongs to, whether the listener is HTTPS and whose VPC its
load balancer sits in only AWS can say. These checks run right after the lookups, before any
resource is registered, and report every problem at once, naming the key (loader.py
`check_looked_up`). Production rules that need the AZs (two or more, private subnets) are
checked here: the ids alone cannot tell two subnets in one AZ from two in two.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from settings.looked_up import LookedUp
from settings.rules.problem import PRODUCTION_MIN_AZS, Problem, join_path

if TYPE_CHECKING:
    from settings.platform import PlatformSettings

NETWORK, BALANCER = "network.existing", "loadBalancer.existing"
ALB_MIN_AZS = 2  # ELB refuses an ALB with subnets in fewer than two AZs


def _network_problems(settings: PlatformSettings, facts: LookedUp) -> list[Problem]:
    existing = settings.network.existing
    assert existing is not None
    problems = []
    for key, ids in (
        ("publicSubnetIds", existing.public_subnet_ids),
        ("privateSubnetIds", existing.private_subnet_ids),
    ):
        for index, subnet in enumerate(ids):
            found = facts.subnets[subnet]
            if found.vpc_id != existing.vpc_id:
                problems.append(
                    Problem(
                        join_path([NETWORK, key, index]),
                        f"{subnet} is in {found.vpc_id}, not in {existing.vpc_id} (vpcId)",
                    )
                )
            elif (
                key == "privateSubnetIds"
                and settings.is_production
                and (found.map_public_ip_on_launch)
            ):
                problems.append(
                    Problem(
                        join_path([NETWORK, key, index]),
                        f"{subnet} gives instances public IPs on launch, as a public subnet"
                        " does; tier production runs tasks in private subnets",
                    )
                )
    private_zones = facts.zones(existing.private_subnet_ids)
    if settings.is_production and len(private_zones) < PRODUCTION_MIN_AZS:
        problems.append(
            Problem(
                f"{NETWORK}.privateSubnetIds",
                f"tier production needs private subnets in at least {PRODUCTION_MIN_AZS}"
                f" availability zones (these are all in {', '.join(private_zones)})",
            )
        )
    balancer = settings.load_balancer
    if balancer.existing is None and not balancer.internal:
        public_zones = facts.zones(existing.public_subnet_ids)
        if len(public_zones) < ALB_MIN_AZS:
            problems.append(
                Problem(
                    f"{NETWORK}.publicSubnetIds",
                    f"the load balancer needs public subnets in at least {ALB_MIN_AZS}"
                    f" availability zones (got {', '.join(public_zones) or 'none'})",
                )
            )
    return problems


def _listener_problems(settings: PlatformSettings, facts: LookedUp) -> list[Problem]:
    existing, listener = settings.load_balancer.existing, facts.listener
    assert existing is not None and listener is not None
    problems = []
    arn_key, group_key = f"{BALANCER}.listenerArn", f"{BALANCER}.securityGroupId"
    account = existing.listener_arn.split(":")[4]
    if facts.account_id and account != facts.account_id:
        problems.append(
            Problem(
                arn_key,
                f"the listener is in account {account}, not in the stack's account"
                f" {facts.account_id}: a stack adds rules only to its own account's listeners",
            )
        )
    plain_ok = settings.load_balancer.allow_plain_http and listener.protocol == "HTTP"
    if listener.protocol != "HTTPS" and not plain_ok:
        problems.append(
            Problem(
                arn_key,
                f"the listener is {listener.protocol}:{listener.port}; routes go on an HTTPS"
                " listener (HTTP only with allowPlainHttp in development)",
            )
        )
    if listener.load_balancer_type != "application":
        problems.append(
            Problem(arn_key, f"the listener's load balancer is {listener.load_balancer_type}")
        )
    network = settings.network.existing
    # CreateRule refuses a target group of another VPC: "InvalidConfigurationRequest: Target
    # group '...' is in a different VPC than load balancer '...'" (quoted in
    # kubernetes-sigs/aws-load-balancer-controller#1045); the stack's target groups are in
    # network.existing's VPC.
    if network is not None and listener.vpc_id != network.vpc_id:
        problems.append(
            Problem(
                arn_key,
                f"its load balancer is in {listener.vpc_id}, not in network.existing.vpcId"
                f" {network.vpc_id} (target groups must be in the load balancer's VPC)",
            )
        )
    if existing.security_group_id not in listener.security_group_ids:
        groups = ", ".join(listener.security_group_ids) or "none"
        problems.append(
            Problem(
                group_key,
                f"{existing.security_group_id} is not a security group of the listener's load"
                f" balancer ({groups})",
            )
        )
    return problems


def looked_up_problems(settings: PlatformSettings, facts: LookedUp) -> list[Problem]:
    """Every problem the lookups reveal (none when the stack moves in beside nothing). A lookup
    that found nothing is the problem at its key; the checks that need its answer wait."""
    if facts.missing:
        return [Problem(path, why) for path, why in facts.missing.items()]
    problems = []
    if settings.network.existing is not None:
        problems += _network_problems(settings, facts)
    if settings.load_balancer.existing is not None and facts.listener is not None:
        problems += _listener_problems(settings, facts)
    return problems
