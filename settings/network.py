"""`ecs-platform:network`: the VPC, its subnets, NAT, flow logs and endpoints."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from settings.types import (
    INSTANCE_TYPE_PATTERN,
    Architecture,
    RetentionDays,
    Settings,
    ipv4_cidr,
    unique,
)

AZ_PATTERN = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d[a-z]$")
INTERFACE_ENDPOINTS = (
    "ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "ssmmessages", "ec2messages",
    "sts", "kms", "sqs", "monitoring", "ecs", "ecs-agent", "ecs-telemetry",
)  # fmt: skip
GATEWAY_ENDPOINTS = ("s3", "dynamodb")


def _vpc_cidr(value: str) -> str:
    network = ipaddress.IPv4Network(ipv4_cidr(value))
    if not 16 <= network.prefixlen <= 24:
        raise ValueError(f"{value} has prefix /{network.prefixlen}; a VPC needs /16 to /24")
    if not network.is_private:
        raise ValueError(f"{value} is not a private (RFC 1918) range")
    return str(network)


def _availability_zone(value: str) -> str:
    if not AZ_PATTERN.match(value):
        raise ValueError(f"{value!r} is not an availability zone name (like eu-west-1a)")
    return value


VpcCidr = Annotated[str, AfterValidator(_vpc_cidr)]
AvailabilityZone = Annotated[str, AfterValidator(_availability_zone)]
SubnetMask = Annotated[int, Field(ge=16, le=28)]


class FlowLogSettings(Settings):
    retention_days: RetentionDays = Field(14, description="Flow log group retention (days).")
    traffic_type: Literal["ALL", "ACCEPT", "REJECT"] = Field(
        "ALL", description="Which traffic the VPC flow log records."
    )


class NatInstanceSettings(Settings):
    instance_type: str = Field(
        "t4g.nano", pattern=INSTANCE_TYPE_PATTERN, description="EC2 type of the NAT instance."
    )
    architecture: Architecture = Field("arm64", description="CPU architecture of its AMI.")
    ssm_access: bool = Field(
        False, description="Attach AmazonSSMManagedInstanceCore (Session Manager)."
    )


class NetworkSettings(Settings):
    cidr: VpcCidr = Field(description="VPC IPv4 range, private, /16 to /24.")
    availability_zones: Annotated[
        list[AvailabilityZone], Field(min_length=1, max_length=6), AfterValidator(unique)
    ] = Field(description="AZ names in the stack's region; one public and one private subnet each.")
    nat_gateways: Literal["none", "single", "one-per-az", "instance"] = Field(
        "single",
        description="Private subnets' egress: NAT gateways, none, or one NAT instance"
        " (not in production).",
    )
    nat_instance: NatInstanceSettings = Field(
        default_factory=NatInstanceSettings,
        description="The NAT instance, when natGateways is instance.",
    )
    public_subnet_mask: SubnetMask = Field(24, description="Prefix length of each public subnet.")
    private_subnet_mask: SubnetMask = Field(20, description="Prefix length of each private subnet.")
    flow_logs: FlowLogSettings = Field(
        default_factory=FlowLogSettings, description="VPC flow logs to CloudWatch Logs."
    )
    endpoints: Annotated[
        list[Literal[GATEWAY_ENDPOINTS + INTERFACE_ENDPOINTS]],  # type: ignore[valid-type]
        AfterValidator(unique),
    ] = Field(
        default_factory=list,
        description="VPC endpoints: s3/dynamodb (gateway, free) and interface endpoints.",
    )
