"""Rules across `network` keys, and what the rest of the stack needs from the network."""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.rules.cluster import instance_architecture
from settings.rules.problem import PRODUCTION_MIN_AZS, Problem, join_path, production_retention

if TYPE_CHECKING:
    from settings.network import NetworkSettings
    from settings.platform import PlatformSettings

NO_NAT_ENDPOINTS = ("s3", "ecr.api", "ecr.dkr", "logs")
EC2_POOL_ENDPOINTS = ("ecs", "ecs-agent", "ecs-telemetry")


def availability_zones_in_region(settings: PlatformSettings) -> Iterable[Problem]:
    # (with network.existing the AZs are looked up: settings/looked_up.py checks them)
    for index, zone in enumerate(settings.network.availability_zones):
        if zone[:-1] != settings.region:
            yield Problem(
                join_path(["network", "availabilityZones", index]),
                f"{zone} is not in the stack's region {settings.region} (aws:region)",
            )


def subnets_fit_in_vpc(settings: PlatformSettings) -> Iterable[Problem]:
    """awsx's "Auto" strategy gives each AZ an equal power-of-two block of the VPC and places
    the subnets in it in order, each aligned to its own size."""
    network = settings.network
    if network.cidr is None or not network.availability_zones:
        return  # network.existing, or a missing key (rules/existing.py reports it)
    vpc = ipaddress.IPv4Network(network.cidr)
    zones = len(network.availability_zones)
    zone_prefix = vpc.prefixlen + math.ceil(math.log2(zones)) if zones > 1 else vpc.prefixlen
    zone_size = 2 ** (32 - zone_prefix)
    offset = 0
    for key, mask in (
        ("publicSubnetMask", network.public_subnet_mask),
        ("privateSubnetMask", network.private_subnet_mask),
    ):
        size = 2 ** (32 - mask)
        offset = math.ceil(offset / size) * size + size
        if offset > zone_size:
            yield Problem(
                join_path(["network", key]),
                f"a /{network.public_subnet_mask} public and a /{network.private_subnet_mask} "
                f"private subnet per AZ do not fit in the /{zone_prefix} that each of {zones} "
                f"AZs gets from {network.cidr}; use larger masks or a larger VPC",
            )
            return


def image_pulls_need_s3(settings: PlatformSettings) -> Iterable[Problem]:
    endpoints = settings.network.endpoints
    if "ecr.dkr" in endpoints and "s3" not in endpoints:
        yield Problem(
            "network.endpoints",
            "ecr.dkr needs the s3 gateway endpoint too (ECR serves image layers from S3)",
        )


def private_subnets_reach_aws_without_nat(settings: PlatformSettings) -> Iterable[Problem]:
    """With no NAT gateway, tasks and instances reach AWS only through endpoints (in an
    existing VPC the routes are the team's: nothing to tell from the settings)."""
    if settings.network.nat_gateways != "none" or not settings.network.creates_vpc:
        return
    needed = list(NO_NAT_ENDPOINTS)
    if settings.cluster.ec2_pools:
        needed += EC2_POOL_ENDPOINTS
    missing = [service for service in needed if service not in settings.network.endpoints]
    if missing:
        yield Problem(
            "network.endpoints",
            f"natGateways is none, so private subnets need endpoints for {', '.join(missing)}"
            " (image pulls, logs" + (", ECS agent" if settings.cluster.ec2_pools else "") + ")",
        )


def nat_instance_architecture(settings: PlatformSettings) -> Iterable[Problem]:
    nat = settings.network.nat_instance
    architecture = instance_architecture(nat.instance_type)
    if architecture is not None and architecture != nat.architecture:
        yield Problem(
            "network.natInstance.instanceType",
            f"{nat.instance_type} is {architecture} but natInstance.architecture is"
            f" {nat.architecture}",
        )


def production_network(settings: PlatformSettings) -> Iterable[Problem]:
    if not settings.is_production:
        return
    network = settings.network
    if network.creates_vpc:  # an existing VPC: rules/existing.py, rules/looked_up.py
        yield from _production_vpc(network)
    if network.wants_flow_log:
        yield from production_retention(
            "network.flowLogs.retentionDays", network.flow_logs.retention_days
        )


def _production_vpc(network: NetworkSettings) -> Iterable[Problem]:
    if len(network.availability_zones) < PRODUCTION_MIN_AZS:
        yield Problem(
            "network.availabilityZones",
            f"tier production needs at least {PRODUCTION_MIN_AZS} availability zones",
        )
    if network.nat_gateways == "single":
        yield Problem(
            "network.natGateways",
            "tier production cannot use a single NAT gateway (one AZ failure cuts all egress); "
            "use one-per-az, or none with VPC endpoints",
        )
    if network.nat_gateways == "instance":
        yield Problem(
            "network.natGateways",
            "tier production cannot use a NAT instance: one instance is a single point of"
            " failure for all egress (a replacement takes minutes) and its bandwidth is the"
            " instance type's; use one-per-az, or none with VPC endpoints",
        )


RULES = (
    availability_zones_in_region,
    subnets_fit_in_vpc,
    image_pulls_need_s3,
    private_subnets_reach_aws_without_nat,
    nat_instance_architecture,
    production_network,
)
