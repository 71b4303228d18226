"""Look up what a team already has (`network.existing`, `loadBalancer.existing`) before any
resource is registered: plain answers the settings' rules check (settings/looked_up.py) and the
components build on (AZs, the VPC's CIDR, the listener's load balancer).

These are the provider's data sources, called directly (not as outputs) so the program can
refuse a bad answer with one line naming the key before it registers anything: getVpc
(DescribeVpcs), getSubnet (DescribeSubnets), getListener (DescribeListeners, DescribeTags:
terraform-provider-aws internal/service/elbv2/listener_data_source.go), getLoadBalancer
(DescribeLoadBalancers and its attributes) and getCallerIdentity. The CI roles' catalogue lists
what each one calls (components/common/ci_catalogue/__init__.py, INVOKES).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pulumi_aws as aws

from settings.looked_up import ListenerFacts, LookedUp, SubnetFacts
from settings.platform import PlatformSettings

T = TypeVar("T")


class Lookups:
    """Runs lookups and keeps, per key path, why one found nothing."""

    def __init__(self) -> None:
        self.missing: dict[str, str] = {}

    def get(self, path: str, what: str, call: Callable[[], T]) -> T | None:
        try:
            return call()
        # A failed invoke raises a plain Exception ("invoke of <token> failed: ...",
        # pulumi/runtime/invoke.py): not found, no permission, ...
        except Exception as error:  # noqa: BLE001
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error)
            self.missing[path] = f"{what} could not be looked up: {reason}"
            return None


def _subnet(found: Any) -> SubnetFacts:
    return SubnetFacts(
        id=found.id,
        vpc_id=found.vpc_id,
        availability_zone=found.availability_zone,
        cidr_block=found.cidr_block,
        map_public_ip_on_launch=bool(found.map_public_ip_on_launch),
    )


def _network(settings: PlatformSettings, lookups: Lookups) -> tuple[str, dict[str, SubnetFacts]]:
    existing = settings.network.existing
    if existing is None:
        return "", {}
    vpc = lookups.get(
        "network.existing.vpcId", existing.vpc_id, lambda: aws.ec2.get_vpc(id=existing.vpc_id)
    )
    subnets: dict[str, SubnetFacts] = {}
    for key, ids in (
        ("publicSubnetIds", existing.public_subnet_ids),
        ("privateSubnetIds", existing.private_subnet_ids),
    ):
        for index, subnet_id in enumerate(ids):
            found = lookups.get(
                f"network.existing.{key}[{index}]",
                subnet_id,
                lambda subnet_id=subnet_id: aws.ec2.get_subnet(id=subnet_id),
            )
            if found is not None:
                subnets[subnet_id] = _subnet(found)
    return (vpc.cidr_block if vpc is not None else ""), subnets


def _listener(settings: PlatformSettings, lookups: Lookups) -> ListenerFacts | None:
    existing = settings.load_balancer.existing
    if existing is None:
        return None
    path = "loadBalancer.existing.listenerArn"
    listener = lookups.get(
        path, "the listener", lambda: aws.lb.get_listener(arn=existing.listener_arn)
    )
    if listener is None:
        return None
    balancer = lookups.get(
        path,
        "its load balancer",
        lambda: aws.lb.get_load_balancer(arn=listener.load_balancer_arn),
    )
    if balancer is None:
        return None
    return ListenerFacts(
        arn=listener.arn,
        protocol=str(listener.protocol),
        port=int(listener.port),
        load_balancer_arn=balancer.arn,
        load_balancer_type=str(balancer.load_balancer_type),
        vpc_id=balancer.vpc_id,
        security_group_ids=tuple(balancer.security_groups or ()),
        dns_name=balancer.dns_name,
    )


def look_up(settings: PlatformSettings) -> LookedUp:
    """What AWS says about the existing network and listener (empty facts without either)."""
    if settings.network.existing is None and settings.load_balancer.existing is None:
        return LookedUp()
    lookups = Lookups()
    vpc_cidr, subnets = _network(settings, lookups)
    listener = _listener(settings, lookups)
    account = ""
    if settings.load_balancer.existing is not None:
        identity = lookups.get(
            "loadBalancer.existing.listenerArn", "the stack's account", aws.get_caller_identity
        )
        account = identity.account_id if identity is not None else ""
    return LookedUp(
        account_id=account,
        vpc_cidr=vpc_cidr,
        subnets=subnets,
        listener=listener,
        missing=dict(lookups.missing),
    )
