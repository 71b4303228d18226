"""Rules that span several settings (the per-field checks live on the models).

Each rule returns `Problem`s with the camelCase key path they are about, so the error can name
the exact key in the stack file. Production rules depend on the declared `tier`, never on the
stack's name.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from components.settings import PlatformSettings

PRODUCTION_MIN_AZS = 2
PRODUCTION_MIN_LOG_RETENTION_DAYS = 365


@dataclass(frozen=True)
class Problem:
    path: str
    message: str


def join_path(parts: Sequence[Any]) -> str:
    """("network", "availabilityZones", 1) -> "network.availabilityZones[1]"."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def check(settings: PlatformSettings) -> list[Problem]:
    problems: list[Problem] = []
    for rule in RULES:
        problems.extend(rule(settings))
    return problems


def availability_zones_in_region(settings: PlatformSettings) -> Iterable[Problem]:
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


def production_network(settings: PlatformSettings) -> Iterable[Problem]:
    if not settings.is_production:
        return
    network = settings.network
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
    if network.flow_logs.retention_days < PRODUCTION_MIN_LOG_RETENTION_DAYS:
        yield Problem(
            "network.flowLogs.retentionDays",
            f"tier production keeps logs at least {PRODUCTION_MIN_LOG_RETENTION_DAYS} days "
            f"(got {network.flow_logs.retention_days})",
        )


RULES: tuple[Callable[[PlatformSettings], Iterable[Problem]], ...] = (
    availability_zones_in_region,
    subnets_fit_in_vpc,
    image_pulls_need_s3,
    production_network,
)
