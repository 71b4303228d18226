"""`ecs-platform:cluster`: the ECS cluster, its default strategy and its EC2 pools."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from settings.managed_instances import ManagedInstancePoolSettings
from settings.types import (
    AMI_RELEASE_PATTERN,
    INSTANCE_TYPE_PATTERN,
    POOL_NAME_PATTERN,
    Architecture,
    RetentionDays,
    Settings,
    unique,
)


class StrategyItem(Settings):
    provider: str = Field(
        description="FARGATE, FARGATE_SPOT, or the name of an EC2 pool or a managed instance pool."
    )
    weight: int = Field(1, ge=0, le=1000, description="Relative share of tasks.")
    base: int = Field(0, ge=0, le=100000, description="Tasks placed here first.")


class InstanceRefreshSettings(Settings):
    min_healthy_percent: int = Field(
        90, ge=0, le=100, description="Share of capacity kept in service during a refresh."
    )
    max_healthy_percent: int = Field(
        100, ge=100, le=200, description="Capacity a refresh may launch above the desired."
    )


class Ec2PoolSettings(Settings):
    name: str = Field(pattern=POOL_NAME_PATTERN, description="Pool name (lowercase).")
    renamed_from: str | None = Field(
        None,
        pattern=POOL_NAME_PATTERN,
        description="The pool's name before a rename: its resources keep their AWS names and"
        " URNs (docs/data-safety.md). Keep it while the pool lives.",
    )
    architecture: Architecture = Field("x86_64", description="CPU architecture.")
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
    ami_release: str = Field(
        "latest",
        pattern=AMI_RELEASE_PATTERN,
        description="ECS-optimized AMI: latest recommended, or a pinned AMI name (SSM path).",
    )
    instance_refresh: InstanceRefreshSettings = Field(
        default_factory=InstanceRefreshSettings,
        description="Rolling replacement when the launch template changes (new AMI).",
    )

    @property
    def spot(self) -> bool:
        return self.spot_percentage > 0

    def deployed(self) -> Ec2PoolSettings:
        """The pool as its resources are built: under its name before a rename, if any."""
        return self.model_copy(update={"name": self.renamed_from}) if self.renamed_from else self


class ClusterSettings(Settings):
    container_insights: Literal["enhanced", "enabled", "disabled"] = Field(
        "enabled", description="CloudWatch Container Insights level."
    )
    exec_log_retention_days: RetentionDays = Field(
        30, description="Retention of the ECS Exec session log group (days)."
    )
    default_task_architecture: Architecture = Field(
        "x86_64", description="Architecture tasks get unless they say otherwise."
    )
    default_strategy: Annotated[list[StrategyItem], Field(min_length=1, max_length=6)] = Field(
        default_factory=lambda: [StrategyItem(provider="FARGATE", weight=1)],
        description="Cluster default capacity provider strategy.",
    )
    ec2_pools: list[Ec2PoolSettings] = Field(
        default_factory=list, description="EC2 Auto Scaling group capacity providers."
    )
    managed_instance_pools: list[ManagedInstancePoolSettings] = Field(
        default_factory=list,
        description="ECS Managed Instances capacity providers: EC2 capacity AWS picks from"
        " attribute requirements, patches and replaces (docs/capacity.md).",
    )

    @property
    def pool_settings(self) -> list[Ec2PoolSettings | ManagedInstancePoolSettings]:
        """Every EC2 and managed instance pool, in declaration order."""
        return [*self.ec2_pools, *self.managed_instance_pools]

    @property
    def pool_names(self) -> list[str]:
        """Every EC2 and managed instance pool, in declaration order."""
        return [p.name for p in self.ec2_pools] + [p.name for p in self.managed_instance_pools]
