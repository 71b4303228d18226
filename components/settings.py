"""Typed, validated stack settings: the only module that reads Pulumi config.

`load_settings()` turns the current stack's config into one frozen `PlatformSettings` object or
raises `SettingsError` (a `pulumi.RunError`, printed by the engine without a traceback) listing
every problem at once, each naming the stack file and the key path. Defaults live here, in the
models, and nowhere else; `offline/config_reference.py` renders them into the README.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import AfterValidator, BaseModel, Field, ValidationError

from components import rules
from components.alarm_settings import AlarmSettings
from components.config_types import (
    PATTERN_MEANINGS,
    Cidr,
    RetentionDays,
    Settings,
    ipv4_cidr,
    unique,
)
from components.service_settings import ServiceSettings

AWS_REGION_KEY = "aws:region"

REGION_PATTERN = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
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


class NetworkSettings(Settings):
    cidr: VpcCidr = Field(description="VPC IPv4 range, private, /16 to /24.")
    availability_zones: Annotated[
        list[AvailabilityZone], Field(min_length=1, max_length=6), AfterValidator(unique)
    ] = Field(description="AZ names in the stack's region; one public and one private subnet each.")
    nat_gateways: Literal["none", "single", "one-per-az"] = Field(
        "single", description="NAT gateways for private subnets' egress."
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

    @property
    def nat_gateway_count(self) -> int:
        return {"none": 0, "single": 1, "one-per-az": len(self.availability_zones)}[
            self.nat_gateways
        ]


ACCOUNT_ID_PATTERN = r"^\d{12}$"
# A key ARN, not an alias: ECR stores the key ARN, so an alias would force a replacement each run.
KMS_KEY_ARN_PATTERN = r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$"
REPOSITORY_NAME_PATTERN = r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$"
POOL_NAME_PATTERN = r"^[a-z][a-z0-9-]{0,30}$"
INSTANCE_TYPE_PATTERN = r"^[a-z][a-z0-9-]*\.[a-z0-9]+$"
CERTIFICATE_ARN_PATTERN = r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+$"
TLS_POLICIES = (
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
)

PATTERN_MEANINGS[CERTIFICATE_ARN_PATTERN] = (
    "an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/)"
)
PATTERN_MEANINGS[ACCOUNT_ID_PATTERN] = "a 12-digit AWS account id"
PATTERN_MEANINGS[KMS_KEY_ARN_PATTERN] = (
    "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; not an alias)"
)
PATTERN_MEANINGS[REPOSITORY_NAME_PATTERN] = (
    "a repository name (lowercase letters and digits, . _ - between)"
)
PATTERN_MEANINGS[POOL_NAME_PATTERN] = (
    "a pool name (lowercase letter, then up to 30 letters, digits or -)"
)
PATTERN_MEANINGS[INSTANCE_TYPE_PATTERN] = "an EC2 instance type (like m7g.large)"


class LifecycleSettings(Settings):
    keep_tagged_images: int = Field(
        30, ge=1, le=1000, description="Tagged images kept per repository."
    )
    untagged_expiry_days: int = Field(
        7, ge=1, le=3650, description="Days after which untagged images are expired."
    )


class RegistrySettings(Settings):
    repositories: Annotated[
        list[Annotated[str, Field(pattern=REPOSITORY_NAME_PATTERN, max_length=200)]],
        AfterValidator(unique),
    ] = Field(default_factory=list, description="ECR repositories to create (names, lowercase).")
    image_tag_mutability: Literal["MUTABLE", "IMMUTABLE"] = Field(
        "IMMUTABLE", description="IMMUTABLE: a pushed tag can never point at another image."
    )
    kms_key_arn: Annotated[str, Field(pattern=KMS_KEY_ARN_PATTERN)] | None = Field(
        None, description="Customer-managed KMS key; default: the AWS-managed ECR key."
    )
    lifecycle: LifecycleSettings = Field(
        default_factory=LifecycleSettings, description="Image expiry rules."
    )
    force_delete: bool = Field(
        False, description="Let `pulumi destroy` delete repositories that still hold images."
    )
    pull_account_ids: Annotated[
        list[Annotated[str, Field(pattern=ACCOUNT_ID_PATTERN)]], AfterValidator(unique)
    ] = Field(default_factory=list, description="Other AWS accounts allowed to pull images.")


class StrategyItem(Settings):
    provider: str = Field(description="FARGATE, FARGATE_SPOT or the name of an EC2 pool.")
    weight: int = Field(1, ge=0, le=1000, description="Relative share of tasks.")
    base: int = Field(0, ge=0, le=100000, description="Tasks placed here first.")


class Ec2PoolSettings(Settings):
    name: str = Field(pattern=POOL_NAME_PATTERN, description="Pool name (lowercase).")
    architecture: Literal["x86_64", "arm64"] = Field("x86_64", description="CPU architecture.")
    instance_types: Annotated[
        list[Annotated[str, Field(pattern=INSTANCE_TYPE_PATTERN)]],
        Field(min_length=1, max_length=20),
        AfterValidator(unique),
    ] = Field(description="Instance types the pool may launch.")
    min_size: int = Field(0, ge=0, le=1000, description="Fewest instances.")
    max_size: int = Field(ge=1, le=1000, description="Most instances.")
    on_demand_base_capacity: int = Field(
        0, ge=0, le=1000, description="Instances always on demand before Spot applies."
    )
    spot_percentage: int = Field(
        0, ge=0, le=100, description="Share of instances above the base that are Spot."
    )
    target_capacity: int = Field(
        100, ge=1, le=100, description="Managed scaling target utilisation (%)."
    )
    minimum_scaling_step_size: int = Field(
        1, ge=1, le=10000, description="Fewest instances added at once."
    )
    maximum_scaling_step_size: int = Field(
        10, ge=1, le=10000, description="Most instances added at once."
    )
    instance_warmup_seconds: int = Field(
        180, ge=0, le=10000, description="Seconds before a new instance counts."
    )
    root_volume_gib: int = Field(30, ge=30, le=16384, description="Encrypted gp3 root volume size.")
    detailed_monitoring: bool = Field(False, description="1-minute EC2 metrics.")
    ssm_access: bool = Field(
        False, description="Attach AmazonSSMManagedInstanceCore (Session Manager)."
    )
    container_stop_timeout_seconds: int = Field(
        30, ge=1, le=120, description="ECS_CONTAINER_STOP_TIMEOUT: SIGTERM to SIGKILL."
    )
    force_delete: bool = Field(
        False,
        description="`pulumi destroy` terminates instances without waiting for ECS to drain them.",
    )

    @property
    def spot(self) -> bool:
        return self.spot_percentage > 0


class ClusterSettings(Settings):
    container_insights: Literal["enhanced", "enabled", "disabled"] = Field(
        "enabled", description="CloudWatch Container Insights level."
    )
    exec_log_retention_days: RetentionDays = Field(
        30, description="Retention of the ECS Exec session log group (days)."
    )
    default_task_architecture: Literal["x86_64", "arm64"] = Field(
        "x86_64", description="Architecture tasks get unless they say otherwise."
    )
    default_strategy: Annotated[list[StrategyItem], Field(min_length=1, max_length=6)] = Field(
        default_factory=lambda: [StrategyItem(provider="FARGATE", weight=1)],
        description="Cluster default capacity provider strategy.",
    )
    ec2_pools: list[Ec2PoolSettings] = Field(
        default_factory=list, description="EC2 Auto Scaling group capacity providers."
    )


class AccessLogSettings(Settings):
    enabled: bool = Field(False, description="Write ALB access logs to an S3 bucket (ELB.5).")
    expiry_days: int = Field(90, ge=1, le=3650, description="Days access log objects are kept.")


class LoadBalancerSettings(Settings):
    internal: bool = Field(False, description="Internal ALB in the private subnets.")
    certificate_arn: Annotated[str, Field(pattern=CERTIFICATE_ARN_PATTERN)] | None = Field(
        None, description="ACM certificate: HTTPS on 443 and HTTP only redirects."
    )
    allow_plain_http: bool = Field(
        False, description="Serve plain HTTP when there is no certificate (development only)."
    )
    ingress_cidrs: Annotated[list[Cidr], Field(min_length=1), AfterValidator(unique)] = Field(
        default_factory=lambda: ["0.0.0.0/0"], description="Who may reach the listeners."
    )
    idle_timeout_seconds: int = Field(60, ge=1, le=4000, description="Connection idle timeout.")
    desync_mitigation_mode: Literal["defensive", "strictest"] = Field(
        "defensive", description="HTTP desync protection (ELB.12)."
    )
    ssl_policy: Literal[TLS_POLICIES] = Field(  # type: ignore[valid-type]
        TLS_POLICIES[0], description="TLS policy of the HTTPS listener."
    )
    deletion_protection: bool = Field(False, description="Refuse to delete the ALB (ELB.6).")
    access_logs: AccessLogSettings = Field(
        default_factory=AccessLogSettings, description="Access logs to S3."
    )


class PlatformConfig(Settings):
    """The `ecs-platform:*` keys of a stack file."""

    tier: Literal["production", "development"] = Field(
        description="production turns on the strict rules (several AZs, long retention, ...)."
    )
    tags: dict[str, str] = Field(
        default_factory=dict,
        description="Extra tags on every resource (Project, Environment, ManagedBy are set).",
    )
    network: NetworkSettings = Field(description="The VPC.")
    registry: RegistrySettings = Field(
        default_factory=RegistrySettings, description="ECR repositories."
    )
    cluster: ClusterSettings = Field(
        default_factory=ClusterSettings, description="The ECS cluster and its capacity."
    )
    load_balancer: LoadBalancerSettings = Field(
        default_factory=LoadBalancerSettings, description="The environment's ALB."
    )
    services: dict[str, ServiceSettings] = Field(
        default_factory=dict, description="The services, by name (see below)."
    )
    alarms: AlarmSettings = Field(
        default_factory=AlarmSettings, description="Notifications, alarms and the dashboard."
    )


CAPACITY_PROVIDERS = {"fargate": "FARGATE", "fargate-spot": "FARGATE_SPOT"}


@dataclass(frozen=True)
class Placement:
    """Where a service's tasks run: the launch compatibility and the strategy (None: the
    cluster default), with the EC2 pools the strategy can place on."""

    compatibility: Literal["FARGATE", "EC2"]
    strategy: tuple[StrategyItem, ...] | None
    effective_strategy: tuple[StrategyItem, ...]
    pools: tuple[Ec2PoolSettings, ...]

    @property
    def providers(self) -> tuple[str, ...]:
        return tuple(item.provider for item in self.effective_strategy)


@dataclass(frozen=True)
class PeerAccess:
    """Service `source` may reach service `target` on `port`."""

    target: str
    source: str
    port: int


@dataclass(frozen=True)
class PlatformSettings:
    """Everything the program needs, validated: config plus the stack identity."""

    project: str
    stack: str
    region: str
    config: PlatformConfig

    @property
    def environment(self) -> str:
        return self.stack

    @property
    def stack_file(self) -> str:
        return stack_file_name(self.stack)

    @property
    def tier(self) -> str:
        return self.config.tier

    @property
    def is_production(self) -> bool:
        return self.config.tier == "production"

    @property
    def network(self) -> NetworkSettings:
        return self.config.network

    @property
    def registry(self) -> RegistrySettings:
        return self.config.registry

    @property
    def cluster(self) -> ClusterSettings:
        return self.config.cluster

    @property
    def load_balancer(self) -> LoadBalancerSettings:
        return self.config.load_balancer

    @property
    def alarms(self) -> AlarmSettings:
        return self.config.alarms

    @property
    def services(self) -> dict[str, ServiceSettings]:
        return self.config.services

    @property
    def repository_names(self) -> list[str]:
        """Declared repositories plus every one a service's image names, in order."""
        names = list(self.registry.repositories)
        for service in self.services.values():
            if service.image.repository and service.image.repository not in names:
                names.append(service.image.repository)
        return names

    @property
    def peer_accesses(self) -> list[PeerAccess]:
        """(target, source, port) for every `allowFrom` entry."""
        return [
            PeerAccess(target=name, source=peer, port=service.port)
            for name, service in self.services.items()
            if service.port is not None
            for peer in service.allow_from
        ]

    def require_placement(self, service: ServiceSettings) -> Placement:
        found = self.placement(service)
        if found is None:  # the rules refuse such settings before any resource exists
            raise ValueError(f"unknown capacity {service.capacity!r}")
        return found

    def architecture(self, service: ServiceSettings) -> str:
        return service.architecture or self.cluster.default_task_architecture

    def placement(self, service: ServiceSettings) -> Placement | None:
        """None when `capacity` names nothing known (the rules report that)."""
        if service.capacity == "default":
            strategy = tuple(self.cluster.default_strategy)
            explicit = None
        elif service.capacity in CAPACITY_PROVIDERS:
            strategy = explicit = (StrategyItem(provider=CAPACITY_PROVIDERS[service.capacity]),)
        elif any(pool.name == service.capacity for pool in self.cluster.ec2_pools):
            strategy = explicit = (StrategyItem(provider=service.capacity),)
        else:
            return None
        pools = tuple(p for p in self.cluster.ec2_pools if p.name in {i.provider for i in strategy})
        return Placement("EC2" if pools else "FARGATE", explicit, strategy, pools)

    @property
    def tags(self) -> dict[str, str]:
        return {
            **self.config.tags,
            "Project": self.project,
            "Environment": self.stack,
            "ManagedBy": "pulumi",
        }


class SettingsError(pulumi.RunError):
    """Bad stack configuration. The message lists every problem, one per line."""

    def __init__(self, stack_file: str, problems: list[rules.Problem]) -> None:
        self.stack_file = stack_file
        self.problems = problems
        lines = [f"{stack_file}: {p.path}: {p.message}" for p in problems]
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(
            f"invalid stack configuration ({len(problems)} {noun}):\n" + "\n".join(lines)
        )


def stack_file_name(stack: str) -> str:
    return f"Pulumi.{stack}.yaml"


def load_settings() -> PlatformSettings:
    """Read the running stack's config (from the engine or the mock harness), validated."""
    return parse_settings(_current_config(), project=pulumi.get_project(), stack=pulumi.get_stack())


def _current_config() -> dict[str, Any]:
    # The engine hands config to the program as PULUMI_CONFIG; tests and the harness call
    # set_all_config. Pulumi has no public "list every key", and rejecting unknown keys needs one.
    merged = dict(runtime_config.get_config_env())
    merged.update(runtime_config.CONFIG.get())
    return merged


def parse_settings(config: Mapping[str, Any], *, project: str, stack: str) -> PlatformSettings:
    """Validate a flat Pulumi config map (`namespace:key` -> string or JSON string)."""
    prefix = f"{project}:"
    raw = {
        key[len(prefix) :]: _decode(value)
        for key, value in config.items()
        if key.startswith(prefix)
    }
    problems: list[rules.Problem] = []

    region = config.get(AWS_REGION_KEY)
    if not region:
        problems.append(rules.Problem(AWS_REGION_KEY, "required key is missing (e.g. eu-west-1)"))
    elif not REGION_PATTERN.match(str(region)):
        problems.append(rules.Problem(AWS_REGION_KEY, f"{region!r} is not an AWS region name"))

    try:
        platform = PlatformConfig.model_validate(raw)
    except ValidationError as error:
        problems.extend(_problems_from(error))
        raise SettingsError(stack_file_name(stack), problems) from None

    settings = PlatformSettings(project=project, stack=stack, region=str(region), config=platform)
    if not problems:
        problems.extend(rules.check(settings))
    if problems:
        raise SettingsError(stack_file_name(stack), problems)
    return settings


def _decode(value: Any) -> Any:
    """Objects and lists arrive as JSON strings; scalars stay strings for pydantic to coerce."""
    if isinstance(value, str) and value.lstrip().startswith(("{", "[")):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _problems_from(error: ValidationError) -> list[rules.Problem]:
    problems = []
    for item in error.errors():
        location = [part for part in item["loc"] if not _is_validator_tag(part)]
        path = rules.join_path(location)
        kind = item["type"]
        if kind == "extra_forbidden":
            allowed = _allowed_keys(location[:-1])
            message = f"unknown key (allowed: {', '.join(allowed)})"
        elif kind == "missing":
            message = "required key is missing"
        elif kind == "string_pattern_mismatch" and item["ctx"]["pattern"] in PATTERN_MEANINGS:
            message = f"{item['input']!r} is not {PATTERN_MEANINGS[item['ctx']['pattern']]}"
        elif kind in {"model_type", "dict_type", "model_attributes_type"}:
            message = f"expected a mapping of keys to values (got {item['input']!r})"
        else:
            message = item["msg"].removeprefix("Value error, ").replace(" after validation", "")
            if kind not in {"value_error", "assertion_error"}:
                message += f" (got {item['input']!r})"
        problems.append(rules.Problem(path, message))
    return problems


def _is_validator_tag(part: Any) -> bool:
    # pydantic inserts the failing type's tag (e.g. "function-after[...]") into union locations.
    return isinstance(part, str) and ("[" in part or part.startswith("literal"))


def _allowed_keys(location: list[Any]) -> list[str]:
    """The camelCase keys the settings model accepts at `location` (used for typo messages)."""
    model: type[BaseModel] | None = PlatformConfig
    skip_mapping_key = False
    for part in location:
        if isinstance(part, int):
            continue
        if skip_mapping_key:
            skip_mapping_key = False
            continue
        field = next(
            (
                f
                for name, f in (model.model_fields.items() if model else ())
                if (f.alias or name) == part
            ),
            None,
        )
        if field is None:
            return []
        model = _model_in(field.annotation)
        skip_mapping_key = getattr(field.annotation, "__origin__", None) is dict
    return sorted(f.alias or name for name, f in model.model_fields.items()) if model else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()) or ():
        found = _model_in(argument)
        if found is not None:
            return found
    return None
