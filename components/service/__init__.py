"""One ECS service as a team declares it under `services.<name>`: task definition, roles, logs,
security group, optional ALB route, the ECS service itself and its autoscaling."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.common import policies
from components.common.alarms import AlarmTarget
from components.common.capacity import strategy_entries
from components.common.naming import Naming
from components.common.renames import renamed
from components.load_balancer import RouteTarget
from components.service import iam as task_iam
from components.service.alarms import ServiceAlarmArgs, ServiceAlarms, service_alarms
from components.service.containers import DATA_VOLUME, PORT_NAME, definitions_json
from components.service.egress import task_egress
from components.service.progressive import (
    attach_progressive_route,
    circuit_breaker,
    deployment_configuration,
    hook_role,
)
from components.service.queue import ServiceQueues, wire_queues
from components.service.routing import RouteArgs, attach_route
from components.service.scaling import ScalingArgs, attach_scaling
from components.service.volumes import CreatedVolume, efs_statements, task_volumes
from settings.platform import Placement
from settings.service import ServiceSettings

RUNTIME_OS = {"linux": "LINUX", "windows": "WINDOWS_SERVER_2022_CORE"}
RUNTIME_CPU = {"x86_64": "X86_64", "arm64": "ARM64"}


@dataclass(frozen=True)
class ServiceArgs:
    settings: ServiceSettings
    naming: Naming
    region: str
    account_id: pulumi.Input[str]
    cluster_name: pulumi.Input[str]
    exec_log_group_arn: pulumi.Input[str]
    namespace_arn: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    subnet_ids: pulumi.Input[Sequence[str]]
    image: pulumi.Input[str]
    repository_arn: pulumi.Input[str] | None
    placement: Placement
    architecture: str
    capacity_provider_names: Mapping[str, str]
    route: RouteTarget | None
    alarm_target: AlarmTarget
    container_insights: bool
    kms_key_id: pulumi.Input[str] | None = None  # the log and exec key (None: AWS's)
    protect: bool = False
    # alarms.custom by name: a service depends on those that roll its deployments back
    custom_alarms: Mapping[str, aws.cloudwatch.MetricAlarm] = field(default_factory=dict)
    # its SQS queue (created or existing) and the queues it may send to
    queues: ServiceQueues = field(default_factory=ServiceQueues)
    # `efs: create` volumes: the stack file system's access point per volume name, and the
    # security group of its mount targets (components/file_system.py)
    created_volumes: Mapping[str, CreatedVolume] = field(default_factory=dict)
    efs_security_group_id: pulumi.Input[str] | None = None


class Service(pulumi.ComponentResource):
    TYPE = "ecs-platform:service:Service"  # part of every child's URN: never change it
    service_name: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    log_group_name: pulumi.Output[str]
    target_group_arn_suffix: pulumi.Output[str] | None

    def __init__(
        self, name: str, args: ServiceArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        # Renamed (renamedFrom): the old URN by alias, every child and AWS name as before.
        built_as, opts = renamed(name, args.settings.renamed_from, opts)
        super().__init__(self.TYPE, name, None, opts)
        self._name = name = built_as
        self._args = args
        service = args.settings
        naming = args.naming

        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=naming.log_group("services", name),
            retention_in_days=service.log_retention_days,
            kms_key_id=args.kms_key_id,
            tags=naming.tags(name),
            # a production tier keeps its history through renames and refactors
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        queues = args.queues
        self.queues = wire_queues(
            self, name, queues.create, existing=queues.existing, sends_to=queues.sends_to
        )
        self.queue_name = queues.ref.name if queues.ref else service.queue_name
        execution_role, task_role = self._roles()
        self.security_group = self._security_group()
        self.task_definition = self._task_definition(execution_role, task_role)
        load_balancers, route_dependencies = self._route()
        self.alarms = self._alarms()
        self.ecs_service = self._ecs_service(load_balancers, route_dependencies)
        self.service_name = self.ecs_service.name
        self.target_group_arn_suffix = (
            self.target_group.arn_suffix if self.target_group is not None else None
        )
        self.security_group_id = self.security_group.id
        self.log_group_name = self.log_group.name

        self._scaling()
        self.register_outputs(
            {
                "serviceName": self.service_name,
                "securityGroupId": self.security_group_id,
                "logGroupName": self.log_group_name,
            }
        )

    def _security_group(self) -> aws.ec2.SecurityGroup:
        name, args, naming = self._name, self._args, self._args.naming
        child = pulumi.ResourceOptions(parent=self)
        return aws.ec2.SecurityGroup(
            f"{name}-sg",
            name=naming.physical("security-group", name, "tasks"),
            description=f"Tasks of service {name}",
            vpc_id=args.vpc_id,
            # Ingress comes as separate rules (from the ALB here, from peers in ServicePeering).
            egress=task_egress(args.settings, args.vpc_cidr, args.efs_security_group_id),
            tags=naming.tags(name, "tasks"),
            opts=child,
        )

    def _task_definition(
        self, execution_role: aws.iam.Role, task_role: aws.iam.Role
    ) -> aws.ecs.TaskDefinition:
        name, args, naming = self._name, self._args, self._args.naming
        service = args.settings
        child = pulumi.ResourceOptions(parent=self)
        return aws.ecs.TaskDefinition(
            f"{name}-task",
            family=naming.physical("task-family", name),
            network_mode="awsvpc",
            requires_compatibilities=[args.placement.compatibility],
            cpu=str(service.cpu),
            memory=str(service.memory),
            runtime_platform={
                "operating_system_family": RUNTIME_OS[service.operating_system],
                "cpu_architecture": RUNTIME_CPU[args.architecture],
            },
            execution_role_arn=execution_role.arn,
            task_role_arn=task_role.arn,
            container_definitions=definitions_json(
                name,
                service,
                args.region,
                args.image,
                self.log_group.name,
                self.queues.environment,
                args.account_id,
            ),
            volumes=task_volumes(service, args.created_volumes),
            tags=naming.tags(name),
            opts=child,
        )

    def _alarms(self) -> ServiceAlarms:
        name, args = self._name, self._args
        service = args.settings
        return service_alarms(
            self,
            ServiceAlarmArgs(
                name=name,
                cluster_name=args.cluster_name,
                minimum_tasks=service.minimum_tasks,
                running_task_metric=args.container_insights,
                load_balancer_suffix=args.route.arn_suffix if self.target_group else None,
                target_group_suffix=self.target_group.arn_suffix if self.target_group else None,
                alternate_target_group_suffix=(
                    self.alternate_target_group.arn_suffix if self.alternate_target_group else None
                ),
                queue_name=self.queue_name,
                dead_letter_queue_name=self.queues.dead_letter_name,
            ),
            args.alarm_target,
        )

    def _ecs_service(
        self, load_balancers: list[dict[str, Any]] | None, route_dependencies: list[pulumi.Resource]
    ) -> aws.ecs.Service:
        name, args, naming = self._name, self._args, self._args.naming
        service = args.settings
        deployment_alarms = self.alarms.deployment_alarm_names(
            service.deployment_alarms, naming.name
        )
        # Every deployment alarm exists before the service: the first deployment is watched.
        watched = [
            alarm
            for kind, alarm in {**args.custom_alarms, **self.alarms.by_kind}.items()
            if kind in (service.deployment_alarms or ())
        ]
        # The effective strategy, also for capacity "default": what was planned is what runs.
        strategy = args.placement.effective_strategy
        hooks = hook_role(self, name, service.deployment, naming)
        ecs_service_opts = pulumi.ResourceOptions(
            parent=self,
            depends_on=[*route_dependencies, *watched],
            # With autoscaling on, the scaler owns the task count; `pulumi up` must not reset it.
            ignore_changes=["desiredCount"] if service.scaling else None,
        )
        return aws.ecs.Service(
            name,
            name=name,
            cluster=args.cluster_name,
            task_definition=self.task_definition.arn,
            desired_count=service.desired_count,
            capacity_provider_strategies=strategy_entries(strategy, args.capacity_provider_names),
            force_new_deployment=True,  # ECS needs it to move a service to another capacity
            platform_version="LATEST" if args.placement.compatibility == "FARGATE" else None,
            network_configuration={
                "subnets": args.subnet_ids,
                # its own group first, then the groups the stack file adds (a database's, ...)
                "security_groups": [self.security_group.id, *service.security_groups],
                "assign_public_ip": False,
            },
            load_balancers=load_balancers,
            health_check_grace_period_seconds=(
                service.health_check_grace_period_seconds if load_balancers else None
            ),
            # Rolling only; blue/green, canary and linear roll back on the alarms below instead.
            deployment_circuit_breaker=circuit_breaker(service.deployment),
            deployment_configuration=deployment_configuration(
                service.deployment, hooks.arn if hooks else None
            ),
            # A deploy that sets off a deployment alarm (default for routed services: 5xx rate
            # or target health) is rolled back by ECS too.
            alarms=(
                {"alarm_names": deployment_alarms, "enable": True, "rollback": True}
                if deployment_alarms
                else None
            ),
            deployment_minimum_healthy_percent=service.min_healthy_percent,
            deployment_maximum_percent=service.max_percent,
            ordered_placement_strategies=(
                [
                    {"type": "spread", "field": "attribute:ecs.availability-zone"},
                    {"type": "spread", "field": "instanceId"},
                ]
                if args.placement.compatibility == "EC2"
                else None
            ),
            propagate_tags="SERVICE",
            enable_ecs_managed_tags=True,
            enable_execute_command=service.exec_enabled,
            service_connect_configuration=self._service_connect(),
            volume_configuration=self._ebs_volume(),
            wait_for_steady_state=False,
            tags=naming.tags(name),
            opts=ecs_service_opts,
        )

    def _scaling(self) -> None:
        name, args, naming = self._name, self._args, self._args.naming
        service = args.settings
        if service.scaling is not None:
            attach_scaling(
                self,
                name,
                ScalingArgs(
                    settings=service.scaling,
                    naming=naming,
                    cluster_name=args.cluster_name,
                    service_name=self.ecs_service.name,
                    alarm_target=args.alarm_target,
                    queue_name=self.queue_name,
                    request_groups=[
                        (args.route.arn_suffix, group.arn_suffix)
                        for group in (self.target_group, self.alternate_target_group)
                        if args.route is not None and group is not None
                    ],
                ),
            )

    def _roles(self) -> tuple[aws.iam.Role, aws.iam.Role]:
        name, args = self._name, self._args
        child = pulumi.ResourceOptions(parent=self)
        roles = []
        for kind, statements in (
            (
                "execution",
                task_iam.execution_statements(
                    args.settings,
                    log_group_arn=self.log_group.arn,
                    repository_arn=args.repository_arn,
                    sidecar_images=tuple(s.image for s in args.settings.sidecars),
                    region=args.region,
                    account_id=args.account_id,
                ),
            ),
            (
                "task",
                task_iam.task_statements(
                    args.settings,
                    exec_log_group_arn=args.exec_log_group_arn,
                    exec_kms_key_arn=args.kms_key_id,
                    exec_enabled=args.settings.exec_enabled,
                )
                + efs_statements(
                    args.settings,
                    region=args.region,
                    account_id=args.account_id,
                    created=args.created_volumes,
                )
                + list(self.queues.statements),
            ),
        ):
            role = aws.iam.Role(
                f"{name}-{kind}",
                name=args.naming.physical("iam-role", name, kind),
                assume_role_policy=task_iam.ecs_tasks_trust(args.account_id),
                tags=args.naming.tags(name, kind),
                opts=child,
            )
            if statements:
                aws.iam.RolePolicy(
                    f"{name}-{kind}",
                    role=role.id,
                    policy=policies.document(statements),
                    opts=child,
                )
            roles.append(role)
        return roles[0], roles[1]

    def _route(self) -> tuple[list[dict[str, Any]] | None, list[pulumi.Resource]]:
        args = self._args
        self.target_group: aws.lb.TargetGroup | None = None
        self.alternate_target_group: aws.lb.TargetGroup | None = None
        if args.route is None or args.settings.routing is None or args.settings.port is None:
            return None, []
        attach = attach_progressive_route if args.settings.deployment.progressive else attach_route
        routed = attach(
            self,
            self._name,
            args.settings,
            args.route,
            RouteArgs(
                naming=args.naming, vpc_id=args.vpc_id, security_group_id=self.security_group.id
            ),
        )
        self.target_group = routed.target_group
        self.alternate_target_group = routed.alternate_target_group
        return routed.load_balancers, [routed.rule, *routed.dependencies]

    def _service_connect(self) -> dict[str, Any] | None:
        service = self._args.settings
        if service.operating_system != "linux":
            return None
        config: dict[str, Any] = {"enabled": True, "namespace": self._args.namespace_arn}
        if service.port is not None:
            config["services"] = [
                {
                    "port_name": PORT_NAME,
                    "discovery_name": self._name,
                    "client_alias": [{"port": service.port, "dns_name": self._name}],
                }
            ]
        return config

    def _ebs_volume(self) -> dict[str, Any] | None:
        volume = self._args.settings.ebs_volume
        if volume is None:
            return None
        name, args = self._name, self._args
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-volumes",
            name=args.naming.physical("iam-role", name, "volumes"),
            assume_role_policy=policies.assume_role("ecs.amazonaws.com"),
            tags=args.naming.tags(name, "volumes"),
            opts=child,
        )
        aws.iam.RolePolicyAttachment(
            f"{name}-volumes", role=role.name, policy_arn=task_iam.VOLUMES_POLICY, opts=child
        )
        return {
            "name": DATA_VOLUME,
            "managed_ebs_volume": {
                "role_arn": role.arn,
                "size_in_gb": volume.size_gib,
                "volume_type": volume.volume_type,
                "encrypted": True,
                "file_system_type": "ext4",
            },
        }
