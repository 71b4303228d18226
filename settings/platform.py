"""The whole typed object a stack file declares, and what the program derives from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from settings.acknowledgements import LossAcknowledgement
from settings.alarms import AlarmSettings
from settings.ci_access import CiAccessSettings
from settings.cluster import ClusterSettings, Ec2PoolSettings, StrategyItem
from settings.job import JobSettings
from settings.load_balancer import LoadBalancerSettings
from settings.managed_instances import ManagedInstancePoolSettings
from settings.names import schedule_name, state_machine_name
from settings.network import NetworkSettings
from settings.quotas import QuotaSettings
from settings.registry import RegistrySettings
from settings.service import ServiceSettings, TaskSettings
from settings.types import Settings, TagKey, TagValue


class PlatformConfig(Settings):
    """The `ecs-platform:*` keys of a stack file."""

    tier: Literal["production", "development"] = Field(
        description="production turns on the strict rules (several AZs, long retention, ...)."
    )
    tags: dict[TagKey, TagValue] = Field(
        default_factory=dict,
        description="Extra tags on every resource (Project, Environment, ManagedBy are set)."
        " Keys 1-128 letters, digits, spaces and _ . : / = + - @ (not aws:...), values up to 256.",
    )
    log_encryption: bool = Field(
        True,
        description="A customer KMS key (rotated) encrypts every log group and ECS Exec session.",
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
        default_factory=dict, description="The services, by name."
    )
    jobs: dict[str, JobSettings] = Field(
        default_factory=dict,
        description="Jobs by name: tasks that run to completion, on a schedule or on demand"
        " (docs/jobs.md).",
    )
    alarms: AlarmSettings = Field(
        default_factory=AlarmSettings, description="Notifications, alarms and the dashboard."
    )
    ci_access: CiAccessSettings | None = Field(
        None, description="IAM roles for GitHub Actions (preview and deploy); default: none."
    )
    quotas: QuotaSettings = Field(
        default_factory=QuotaSettings, description="AWS quotas raised for this account."
    )
    acknowledged_losses: list[LossAcknowledgement] = Field(
        default_factory=list,
        description="Losses of data the team intends: each turns the plan's blocking data-loss"
        " hazard for that resource into a flag (docs/data-safety.md).",
        examples=[
            [
                {
                    "resource": "worker-logs",
                    "date": "2026-12-01",
                    "reason": "the worker's old log group: its logs are exported to S3",
                }
            ]
        ],
    )


CAPACITY_PROVIDERS = {"fargate": "FARGATE", "fargate-spot": "FARGATE_SPOT"}


@dataclass(frozen=True)
class Placement:
    """Where a service's tasks run: the launch compatibility and the strategy (None: the
    cluster default), with the EC2 pools and managed instance pools the strategy can place on."""

    compatibility: Literal["FARGATE", "EC2", "MANAGED_INSTANCES"]
    strategy: tuple[StrategyItem, ...] | None
    effective_strategy: tuple[StrategyItem, ...]
    pools: tuple[Ec2PoolSettings, ...]
    managed_pools: tuple[ManagedInstancePoolSettings, ...] = ()

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
    def log_encryption(self) -> bool:
        return self.config.log_encryption

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
    def ci_access(self) -> CiAccessSettings | None:
        return self.config.ci_access

    @property
    def services(self) -> dict[str, ServiceSettings]:
        return self.config.services

    def deployed_name(self, service: str) -> str:
        """The name `services.<service>`'s resources carry in AWS and in Pulumi: its name
        before a rename (`renamedFrom`), else its own."""
        return self.services[service].renamed_from or service

    @property
    def jobs(self) -> dict[str, JobSettings]:
        return self.config.jobs

    @property
    def workloads(self) -> list[tuple[str, str, TaskSettings]]:
        """(section, name, task settings) of every service, then every job: what the rules
        that hold for any task check (image, placement, secrets, production hardening)."""
        return [
            *(("services", name, service) for name, service in self.services.items()),
            *(("jobs", name, job) for name, job in self.jobs.items()),
        ]

    @property
    def prefix(self) -> str:
        """`<project>-<stack>`: the start of every physical name."""
        return f"{self.project}-{self.stack}"

    def job_state_machine_name(self, job: str) -> str:
        """The Step Functions state machine of job `job`, as the program names it (what
        `ecs-platform job run` starts)."""
        return state_machine_name(self.prefix, self._built_as(job))

    def job_schedule_name(self, job: str) -> str:
        """The EventBridge Scheduler schedule of job `job` (group `default`)."""
        return schedule_name(self.prefix, self._built_as(job))

    def _built_as(self, job: str) -> str:
        """A renamed job keeps its AWS names (renamedFrom, components/common/renames.py)."""
        declared = self.jobs.get(job)
        return (declared.renamed_from or job) if declared is not None else job

    @property
    def repository_names(self) -> list[str]:
        """Declared repositories plus every one a service's or job's image names, in order."""
        names = list(self.registry.repositories)
        for _, _, task in self.workloads:
            if task.image.repository and task.image.repository not in names:
                names.append(task.image.repository)
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

    def require_placement(self, service: TaskSettings) -> Placement:
        found = self.placement(service)
        if found is None:  # the rules refuse such settings before any resource exists
            raise ValueError(f"unknown capacity {service.capacity!r}")
        return found

    def architecture(self, service: TaskSettings) -> str:
        return service.architecture or self.cluster.default_task_architecture

    def placement(self, service: TaskSettings) -> Placement | None:
        """None when `capacity` names nothing known (the rules report that)."""
        if service.capacity == "default":
            strategy = tuple(self.cluster.default_strategy)
            explicit = None
        elif service.capacity in CAPACITY_PROVIDERS:
            strategy = explicit = (StrategyItem(provider=CAPACITY_PROVIDERS[service.capacity]),)
        elif service.capacity in self.cluster.pool_names:
            strategy = explicit = (StrategyItem(provider=service.capacity),)
        else:
            return None
        providers = {item.provider for item in strategy}
        pools = tuple(p for p in self.cluster.ec2_pools if p.name in providers)
        managed = tuple(p for p in self.cluster.managed_instance_pools if p.name in providers)
        # A strategy holds one kind of provider (the rules refuse mixes): managed instance
        # pools first, so a mixed strategy never reaches a task definition unchecked.
        compatibility = "MANAGED_INSTANCES" if managed else "EC2" if pools else "FARGATE"
        return Placement(compatibility, explicit, strategy, pools, managed)

    @property
    def tags(self) -> dict[str, str]:
        return {
            **self.config.tags,
            "Project": self.project,
            "Environment": self.stack,
            "ManagedBy": "pulumi",
        }


def stack_file_name(stack: str) -> str:
    return f"Pulumi.{stack}.yaml"
