"""Settings of one service (`ecs-platform:services.<name>`): task, routing, IAM, scaling."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from settings.containers import (
    ContainerHealthCheckSettings,
    DependsOnSettings,
    EnvironmentFiles,
    Secrets,
    SidecarSettings,
)
from settings.deployment import DeploymentSettings
from settings.queue import QueueSettings
from settings.storage import VolumeSettings
from settings.types import (
    ALB_HOST_PATTERN,
    ALB_PATH_PATTERN,
    CONTAINER_USER_PATTERN,
    DIGEST_PATTERN,
    IAM_ACTION_PATTERN,
    IMAGE_TAG_PATTERN,
    IMAGE_URI_PATTERN,
    PREFIX_LIST_ID_PATTERN,
    QUEUE_NAME_PATTERN,
    REPOSITORY_NAME_PATTERN,
    RESOURCE_ARN_PATTERN,
    SECURITY_GROUP_ID_PATTERN,
    SERVICE_NAME_PATTERN,
    AbsolutePath,
    Architecture,
    Cidr,
    Dimensions,
    EnvName,
    KmsKeyArn,
    MetricName,
    Period,
    RetentionDays,
    Settings,
    Statistic,
    unique,
)

# The same limit as registry.repositories: a service's repository is created like those.
RepositoryName = Annotated[str, Field(pattern=REPOSITORY_NAME_PATTERN, max_length=200)]


class ImageSettings(Settings):
    """Either an ECR repository of this stack (`repository` plus `tag` or `digest`) or `uri`."""

    repository: RepositoryName | None = Field(
        None, description="Repository name in this stack's registry."
    )
    tag: Annotated[str, Field(pattern=IMAGE_TAG_PATTERN)] | None = Field(None, description="Tag.")
    digest: Annotated[str, Field(pattern=DIGEST_PATTERN)] | None = Field(
        None, description="Digest (preferred in prod: the exact image that was tested)."
    )
    uri: Annotated[str, Field(pattern=IMAGE_URI_PATTERN)] | None = Field(
        None, description="A full image reference from another registry."
    )


class RouteSettings(Settings):
    # A listener rule's priority is 1-50000 (ELB CreateRule "Priority"); each condition takes at
    # most 3 values and a rule 5 (listener-rules.html, "Rule basics").
    path_patterns: Annotated[
        list[Annotated[str, Field(pattern=ALB_PATH_PATTERN)]],
        Field(max_length=3),
        AfterValidator(unique),
    ] = Field(default_factory=list, description="ALB path patterns (like /api/*).")
    host_headers: Annotated[
        list[Annotated[str, Field(pattern=ALB_HOST_PATTERN)]],
        Field(max_length=3),
        AfterValidator(unique),
    ] = Field(default_factory=list, description="ALB host headers (like api.example.com).")
    priority: int = Field(ge=1, le=50000, description="Listener rule priority, unique per ALB.")
    target_container: str | None = Field(
        None,
        description="The container the ALB sends to: a sidecar with a port (like an nginx in"
        " front); default the service's own container on its port.",
    )


class TargetHealthSettings(Settings):
    # Ranges of ELB's CreateTargetGroup (API reference): HealthCheckIntervalSeconds 5-300,
    # HealthCheckTimeoutSeconds 2-120, HealthyThresholdCount and UnhealthyThresholdCount 2-10.
    path: AbsolutePath = Field("/health", description="Target group health check path.")
    matcher: Annotated[str, Field(pattern=r"^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$")] = Field(
        "200-399", description="HTTP codes that count as healthy."
    )
    interval_seconds: int = Field(10, ge=5, le=300, description="Seconds between checks.")
    timeout_seconds: int = Field(5, ge=2, le=120, description="Seconds before a check fails.")
    healthy_threshold: int = Field(2, ge=2, le=10, description="Passes to become healthy.")
    unhealthy_threshold: int = Field(3, ge=2, le=10, description="Failures to become unhealthy.")


class PermissionSettings(Settings):
    actions: Annotated[
        list[Annotated[str, Field(pattern=IAM_ACTION_PATTERN)]], Field(min_length=1)
    ] = Field(description="IAM actions (no wildcards of whole services).")
    resources: Annotated[
        list[Annotated[str, Field(pattern=RESOURCE_ARN_PATTERN)]], Field(min_length=1)
    ] = Field(description="Resource ARNs.")


class EbsVolumeSettings(Settings):
    size_gib: int = Field(ge=1, le=16384, description="Volume size.")
    volume_type: Literal["gp3", "gp2", "st1", "sc1"] = Field("gp3", description="EBS volume type.")
    mount_path: AbsolutePath = Field(description="Where the container sees it.")


class StepSettings(Settings):
    lower_bound: float | None = Field(None, description="Metric minus threshold, from.")
    upper_bound: float | None = Field(None, description="Metric minus threshold, below.")
    adjustment: int = Field(
        ge=-1000, le=1000, description="Tasks to add (scale out) or remove (negative), up to 1000."
    )


class ThresholdSteps(Settings):
    threshold: float = Field(description="Alarm threshold on the metric.")
    steps: Annotated[list[StepSettings], Field(min_length=1, max_length=20)] = Field(
        description="Step adjustments, bounds relative to the threshold."
    )


class CustomMetricSettings(Settings):
    """A CloudWatch metric that drives step scaling, or the SQS queue shortcut."""

    queue_name: Annotated[str, Field(pattern=QUEUE_NAME_PATTERN)] | None = Field(
        None, description="SQS queue: ApproximateNumberOfMessagesVisible of this queue."
    )
    namespace: MetricName | None = Field(None, description="Metric namespace (not with queueName).")
    metric_name: MetricName | None = Field(None, description="Metric name (not with queueName).")
    dimensions: Dimensions = Field(default_factory=dict, description="Metric dimensions.")
    statistic: Statistic = Field("Average", description="Statistic over each period.")
    period_seconds: Period = Field(60, description="Period of the metric.")
    evaluation_periods: int = Field(2, ge=1, le=100, description="Periods in the alarm window.")
    scale_out: ThresholdSteps = Field(description="Add tasks when the metric reaches threshold.")
    scale_in: ThresholdSteps | None = Field(
        None, description="Remove tasks when the metric is at or below threshold."
    )
    cooldown_seconds: int = Field(60, ge=0, le=3600, description="Cooldown after a step.")


class ScheduleSettings(Settings):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")] = Field(description="Name.")
    schedule: str = Field(description="cron(m h dom mon dow y), rate(...) or at(...).")
    timezone: str = Field("UTC", description="IANA time zone of the schedule.")
    min_count: int = Field(ge=0, le=1000, description="New minimum tasks.")
    max_count: int = Field(ge=0, le=1000, description="New maximum tasks.")


class ScalingSettings(Settings):
    min_count: int = Field(1, ge=0, le=1000, description="Fewest tasks.")
    max_count: int = Field(ge=1, le=1000, description="Most tasks.")
    cpu_target: float | None = Field(None, gt=0, le=100, description="Target average CPU %.")
    memory_target: float | None = Field(None, gt=0, le=100, description="Target average memory %.")
    requests_per_target: int | None = Field(
        None, ge=1, le=1000000, description="Target ALB requests per task per minute."
    )
    scale_in_cooldown_seconds: int = Field(300, ge=0, le=3600, description="Target tracking.")
    scale_out_cooldown_seconds: int = Field(60, ge=0, le=3600, description="Target tracking.")
    custom_metric: CustomMetricSettings | None = Field(None, description="Step scaling.")
    backlog_per_task: float | None = Field(
        None,
        gt=0,
        le=1000000,
        description="Target tracking on the queue's visible messages per running task (metric"
        " math): the backlog one task clears within the latency you accept.",
    )
    schedules: list[ScheduleSettings] = Field(default_factory=list, description="Schedules.")


class EgressSettings(Settings):
    """Where tasks may connect besides the default (HTTPS anywhere, anything inside the VPC)."""

    description: str = Field(description="Why the tasks need it (shown in the plan).")
    protocol: Literal["tcp", "udp"] = Field("tcp", description="IP protocol.")
    from_port: int = Field(ge=0, le=65535, description="First port.")
    to_port: int | None = Field(None, ge=0, le=65535, description="Last port (default: fromPort).")
    cidrs: Annotated[list[Cidr], AfterValidator(unique)] = Field(
        default_factory=list, description="Destination IPv4 CIDR blocks."
    )
    prefix_list_ids: Annotated[
        list[Annotated[str, Field(pattern=PREFIX_LIST_ID_PATTERN)]], AfterValidator(unique)
    ] = Field(default_factory=list, description="Destination managed prefix lists (pl-...).")

    @model_validator(mode="after")
    def _destination(self) -> EgressSettings:
        if not self.cidrs and not self.prefix_list_ids:
            raise ValueError("give cidrs or prefixListIds (where the tasks connect)")
        if self.last_port < self.from_port:
            raise ValueError(f"toPort {self.to_port} is below fromPort {self.from_port}")
        return self

    @property
    def last_port(self) -> int:
        return self.from_port if self.to_port is None else self.to_port


class TaskSettings(Settings):
    """What a service and a job both declare about their task: image, size, placement,
    environment, secrets, IAM, egress and hardening (settings/job.py, ServiceSettings below)."""

    renamed_from: Annotated[str, Field(pattern=SERVICE_NAME_PATTERN)] | None = Field(
        None,
        description="The workload's name before a rename: its resources keep their AWS names"
        " and Pulumi URNs, so nothing is replaced (docs/data-safety.md). Keep it while the"
        " workload lives.",
    )
    image: ImageSettings = Field(description="What to run.")
    cpu: int = Field(256, ge=128, le=16384, description="Task CPU units (1024 = 1 vCPU).")
    memory: int = Field(512, ge=128, le=122880, description="Task memory (MiB).")
    architecture: Architecture | None = Field(
        None, description="Default: cluster.defaultTaskArchitecture."
    )
    operating_system: Literal["linux", "windows"] = Field(
        "linux", description="windows: Windows Server Core 2022 on Fargate."
    )
    command: list[str] | None = Field(None, description="Container command.")
    entry_point: list[str] | None = Field(None, description="Container entry point.")
    capacity: str = Field(
        "default", description="default (the cluster's), fargate, fargate-spot or a pool name."
    )
    environment: dict[EnvName, str] = Field(default_factory=dict, description="Plain variables.")
    secrets: Secrets = Field(
        default_factory=dict,
        description="Variables from SSM or Secrets Manager: ssm:<parameter name>,"
        " secretsmanager:<secret name>[:<json key>[:<version stage>[:<version id>]]] or a full"
        " ARN (another region or account).",
    )
    environment_files: EnvironmentFiles = Field(
        default_factory=list,
        description="Environment files in S3 (arn:aws:s3:::bucket/key.env; at most 10 per task).",
    )
    secret_kms_key_arns: list[KmsKeyArn] = Field(
        default_factory=list, description="Customer keys that encrypt those secrets."
    )
    read_only_root_filesystem: bool = Field(True, description="Read-only root file system.")
    writable_paths: Annotated[list[AbsolutePath], AfterValidator(unique)] = Field(
        default_factory=list, description="Scratch volumes mounted writable (like /tmp)."
    )
    user: Annotated[str, Field(pattern=CONTAINER_USER_PATTERN)] = Field(
        "1000:1000", description="User the container runs as (Linux)."
    )
    # ECS container definition stopTimeout: at most 120 s on Fargate (task definition parameters).
    stop_timeout_seconds: int = Field(30, ge=2, le=120, description="SIGTERM to SIGKILL.")
    log_retention_days: RetentionDays = Field(30, description="Log group retention.")
    permissions: list[PermissionSettings] = Field(
        default_factory=list, description="What the task role may do."
    )
    egress: list[EgressSettings] = Field(
        default_factory=list,
        description="Destinations beyond HTTPS anywhere and the VPC (ports and CIDRs or lists).",
    )
    security_groups: Annotated[
        list[Annotated[str, Field(pattern=SECURITY_GROUP_ID_PATTERN)]], AfterValidator(unique)
    ] = Field(
        default_factory=list,
        description="More security groups for the tasks (like a database's client group; at"
        " most 4 besides the task's own).",
    )

    @property
    def secret_references(self) -> list[str]:
        """Every `secrets:` value of the task."""
        return list(self.secrets.values())

    @property
    def task_environment_files(self) -> list[str]:
        """Every environment file of the task, once each."""
        return list(dict.fromkeys(self.environment_files))


class ServiceSettings(TaskSettings):
    """A long-running ECS service: the task (TaskSettings) plus port, routing, scaling and
    deployments."""

    port: int | None = Field(None, ge=1, le=65535, description="Container port, if it serves.")
    desired_count: int = Field(1, ge=0, le=1000, description="Tasks (initial, with scaling).")
    routing: RouteSettings | None = Field(None, description="Route from the ALB, if public.")
    health_check: TargetHealthSettings = Field(
        default_factory=TargetHealthSettings, description="Target group health check."
    )
    container_health_check: ContainerHealthCheckSettings | None = Field(
        None, description="Container health check."
    )
    health_check_grace_period_seconds: int = Field(
        60, ge=0, le=2147483647, description="Ignore ALB health checks this long after start."
    )
    # ELB target group attribute deregistration_delay.timeout_seconds: 0-3600.
    deregistration_delay_seconds: int = Field(
        30, ge=0, le=3600, description="Connection draining on deploys (below Spot's 120 s)."
    )
    sidecars: list[SidecarSettings] = Field(default_factory=list, description="More containers.")
    depends_on: list[DependsOnSettings] = Field(
        default_factory=list, description="Sidecars that must start (or pass) before this one."
    )
    volumes: list[VolumeSettings] = Field(
        default_factory=list, description="Task volumes: EFS (existing or created) or shared."
    )
    ebs_volume: EbsVolumeSettings | None = Field(None, description="ECS-managed EBS volume.")
    exec_enabled: bool = Field(False, description="ECS Exec (aws ecs execute-command).")
    allow_from: Annotated[list[str], AfterValidator(unique)] = Field(
        default_factory=list, description="Services whose tasks may reach this one's port."
    )
    min_healthy_percent: int = Field(100, ge=0, le=100, description="During deployments.")
    max_percent: int = Field(200, ge=100, le=400, description="During deployments.")
    scaling: ScalingSettings | None = Field(None, description="Application Auto Scaling.")
    deployment: DeploymentSettings = Field(
        default_factory=DeploymentSettings,
        description="Deployment strategy (rolling, blueGreen, canary, linear), bake time, hooks.",
    )
    queue: QueueSettings | None = Field(
        None, description="The SQS queue this worker consumes (docs/queue-workers.md)."
    )
    deployment_alarms: Annotated[list[str], AfterValidator(unique)] | None = Field(
        None,
        description="Alarms that roll a deployment back: its own alarm kinds (cpu-high,"
        " 5xx-rate, queue-age, ...) or alarms.custom names. Default: 5xx-rate and unhealthy"
        " when routed, none otherwise.",
    )

    @property
    def minimum_tasks(self) -> int:
        """The fewest tasks the service should ever run (schedules included)."""
        if self.scaling is None:
            return self.desired_count
        return min([self.scaling.min_count, *(s.min_count for s in self.scaling.schedules)])

    def alarm_kinds(self, running_task_metric: bool) -> list[str]:
        """The built-in alarms this service gets (components/service/alarms.py builds them)."""
        kinds = ["cpu-high", "memory-high"]
        if self.minimum_tasks > 0 and running_task_metric:
            kinds.append("tasks-below-minimum")
        if self.routing is not None:
            kinds += ["5xx-rate", "latency-p99", "unhealthy"]
        if self.queue_name is not None or self.queue is not None:
            kinds.append("queue-age")
        if self.queue is not None and self.queue.create is not None:
            kinds.append("dead-letter-messages")
        return kinds

    @property
    def queue_name(self) -> str | None:
        """The queue named by scaling.customMetric.queueName (the older way to name it)."""
        metric = self.scaling.custom_metric if self.scaling else None
        return metric.queue_name if metric else None

    @property
    def secret_references(self) -> list[str]:
        """Every `secrets:` value of the task: the service's and its sidecars'."""
        return [
            *self.secrets.values(),
            *(ref for sidecar in self.sidecars for ref in sidecar.secrets.values()),
        ]

    @property
    def task_environment_files(self) -> list[str]:
        """Every environment file of the task (the service's and its sidecars'), once each."""
        files = [*self.environment_files, *(f for s in self.sidecars for f in s.environment_files)]
        return list(dict.fromkeys(files))
