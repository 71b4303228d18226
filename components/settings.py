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
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from components import rules

AWS_REGION_KEY = "aws:region"

# CloudWatch Logs accepts only these retention periods (days).
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
REGION_PATTERN = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
AZ_PATTERN = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d[a-z]$")
INTERFACE_ENDPOINTS = (
    "ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "ssmmessages", "ec2messages",
    "sts", "kms", "sqs", "monitoring",
)  # fmt: skip
GATEWAY_ENDPOINTS = ("s3", "dynamodb")


def _retention(days: int) -> int:
    if days not in LOG_RETENTION_DAYS:
        allowed = ", ".join(str(d) for d in LOG_RETENTION_DAYS)
        raise ValueError(f"{days} is not a CloudWatch Logs retention period (allowed: {allowed})")
    return days


def _ipv4_cidr(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as error:
        raise ValueError(f"{value!r} is not a valid IPv4 CIDR block ({error})") from None
    return str(network)


def _vpc_cidr(value: str) -> str:
    network = ipaddress.IPv4Network(_ipv4_cidr(value))
    if not 16 <= network.prefixlen <= 24:
        raise ValueError(f"{value} has prefix /{network.prefixlen}; a VPC needs /16 to /24")
    if not network.is_private:
        raise ValueError(f"{value} is not a private (RFC 1918) range")
    return str(network)


def _availability_zone(value: str) -> str:
    if not AZ_PATTERN.match(value):
        raise ValueError(f"{value!r} is not an availability zone name (like eu-west-1a)")
    return value


def _unique(values: list[Any]) -> list[Any]:
    duplicates = sorted({str(v) for v in values if values.count(v) > 1})
    if duplicates:
        raise ValueError(f"duplicate entries: {', '.join(duplicates)}")
    return values


RetentionDays = Annotated[int, AfterValidator(_retention)]
Cidr = Annotated[str, AfterValidator(_ipv4_cidr)]
VpcCidr = Annotated[str, AfterValidator(_vpc_cidr)]
AvailabilityZone = Annotated[str, AfterValidator(_availability_zone)]
SubnetMask = Annotated[int, Field(ge=16, le=28)]


class Settings(BaseModel):
    """Base for every settings block: camelCase keys, unknown keys rejected, immutable."""

    model_config = ConfigDict(
        alias_generator=to_camel, extra="forbid", frozen=True, validate_default=True
    )


class FlowLogSettings(Settings):
    retention_days: RetentionDays = Field(14, description="Flow log group retention (days).")
    traffic_type: Literal["ALL", "ACCEPT", "REJECT"] = Field(
        "ALL", description="Which traffic the VPC flow log records."
    )


class NetworkSettings(Settings):
    cidr: VpcCidr = Field(description="VPC IPv4 range, private, /16 to /24.")
    availability_zones: Annotated[
        list[AvailabilityZone], Field(min_length=1, max_length=6), AfterValidator(_unique)
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
        AfterValidator(_unique),
    ] = Field(
        default_factory=list,
        description="VPC endpoints: s3/dynamodb (gateway, free) and interface endpoints.",
    )

    @property
    def nat_gateway_count(self) -> int:
        return {"none": 0, "single": 1, "one-per-az": len(self.availability_zones)}[
            self.nat_gateways
        ]


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
