"""`ecs-platform:network`: the VPC, its subnets, NAT, flow logs and endpoints."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field
from pydantic.alias_generators import to_camel

from settings.types import (
    INSTANCE_TYPE_PATTERN,
    SUBNET_ID_PATTERN,
    VPC_ID_PATTERN,
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


SubnetId = Annotated[str, Field(pattern=SUBNET_ID_PATTERN)]
# ECS takes at most 16 subnets in a task's awsvpcConfiguration (task-networking-awsvpc.md).
SubnetIds = Annotated[list[SubnetId], Field(max_length=16), AfterValidator(unique)]


class ExistingNetworkSettings(Settings):
    """A VPC the stack does not own: it only adds security groups (and the endpoints and flow
    log asked for); AZs and the VPC's CIDR are looked up when the program runs."""

    vpc_id: Annotated[str, Field(pattern=VPC_ID_PATTERN)] = Field(description="The VPC (vpc-...).")
    public_subnet_ids: SubnetIds = Field(
        default_factory=list,
        description="Its public subnets (for an internet-facing ALB the stack creates).",
    )
    private_subnet_ids: Annotated[SubnetIds, Field(min_length=1)] = Field(
        description="Its private subnets, where tasks, instances and EFS mount targets go."
    )


# The keys that describe a VPC the stack creates: refused beside `existing`.
CREATED_NETWORK_KEYS = (
    "cidr", "availability_zones", "nat_gateways", "nat_instance", "public_subnet_mask",
    "private_subnet_mask",
)  # fmt: skip


class NetworkSettings(Settings):
    existing: ExistingNetworkSettings | None = Field(
        None,
        description="Move into a VPC the team has (instead of cidr, availabilityZones, NAT and"
        " masks): the stack creates no VPC, subnet, NAT or flow log (unless flowLogs is set).",
    )
    cidr: VpcCidr | None = Field(
        None, description="VPC IPv4 range, private, /16 to /24 (required without existing)."
    )
    availability_zones: Annotated[
        list[AvailabilityZone], Field(max_length=6), AfterValidator(unique)
    ] = Field(
        default_factory=list,
        description="AZ names in the stack's region; one public and one private subnet each"
        " (required without existing).",
    )
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
        default_factory=FlowLogSettings,
        description="VPC flow logs to CloudWatch Logs (with existing: only when this key is set).",
    )
    endpoints: Annotated[
        list[Literal[GATEWAY_ENDPOINTS + INTERFACE_ENDPOINTS]],  # type: ignore[valid-type]
        AfterValidator(unique),
    ] = Field(
        default_factory=list,
        description="VPC endpoints: s3/dynamodb (gateway, free) and interface endpoints.",
    )

    @property
    def creates_vpc(self) -> bool:
        return self.existing is None

    @property
    def wants_flow_log(self) -> bool:
        """Always for the stack's own VPC; for an existing one only when asked (`flowLogs`)."""
        return self.existing is None or "flow_logs" in self.model_fields_set

    @property
    def created_keys_set(self) -> list[str]:
        """Keys of a created VPC that the stack file sets (camelCase)."""
        return [to_camel(key) for key in CREATED_NETWORK_KEYS if key in self.model_fields_set]
