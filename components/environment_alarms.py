"""The environment's own alarms (load balancer, EC2 pools, custom metrics) and its dashboard."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.common.alarms import AlarmSpec, AlarmTarget, Metric, metric_alarm
from components.common.dashboard import (
    CONTAINER_INSIGHTS,
    DashboardJob,
    DashboardService,
    ManagedPoolMetrics,
    PoolMetrics,
    dashboard_bodies,
    dashboard_count,
)
from settings.alarms import CustomAlarmSettings, ThresholdSettings


@dataclass(frozen=True)
class PoolAlarmArgs:
    name: str
    capacity_provider_name: str
    auto_scaling_group_name: pulumi.Input[str]
    min_size: int


@dataclass(frozen=True)
class ManagedPoolAlarmArgs:
    name: str
    capacity_provider_name: str


@dataclass(frozen=True)
class EnvironmentAlarmsArgs:
    target: AlarmTarget
    region: str
    cluster_name: pulumi.Input[str]
    load_balancer_suffix: pulumi.Input[str]
    pools: list[PoolAlarmArgs]
    # None: the services do not exist yet; `add_dashboards` builds the dashboard once they do
    # (the custom alarms come first, so services can depend on their deployment alarms).
    dashboard_services: list[DashboardService] | None = None
    # ECS Managed Instances pools (their metrics come from Container Insights: empty without it)
    managed_pools: list[ManagedPoolAlarmArgs] = field(default_factory=list)
    dashboard_jobs: list[DashboardJob] = field(default_factory=list)
    # False for a team's load balancer (loadBalancer.existing): its 5xx and rejected
    # connections come from other teams' traffic too, so the stack does not page on them
    load_balancer_alarms: bool = True


def load_balancer_specs(
    suffix: pulumi.Input[str], thresholds: ThresholdSettings
) -> dict[str, AlarmSpec]:
    lb = {"LoadBalancer": suffix}
    period = thresholds.period_seconds
    return {
        "alb-5xx": AlarmSpec(
            name="alb-5xx",
            description="The load balancer itself answered 5xx more than"
            f" {thresholds.load_balancer_5xx_count} times a period (no healthy target, or"
            " targets closing connections). Look at target health.",
            comparison="GreaterThanThreshold",
            threshold=thresholds.load_balancer_5xx_count,
            treat_missing_data="notBreaching",
            urgent=True,
            metric=Metric("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", lb, period, "Sum"),
        ),
        "alb-rejected": AlarmSpec(
            name="alb-rejected-connections",
            description="The load balancer rejected connections (it hit its connection limit)."
            " Look at client traffic and the ALB's capacity units.",
            comparison="GreaterThanThreshold",
            threshold=0,
            treat_missing_data="notBreaching",
            metric=Metric("AWS/ApplicationELB", "RejectedConnectionCount", lb, period, "Sum"),
        ),
    }


def pool_specs(
    pool: PoolAlarmArgs, cluster_name: pulumi.Input[str], thresholds: ThresholdSettings
) -> dict[str, AlarmSpec]:
    period = thresholds.period_seconds
    specs = {
        f"{pool.name}-reservation": AlarmSpec(
            name=f"{pool.name}-reservation-stuck",
            description=f"Pool {pool.name}: capacity provider reservation above 100% for"
            f" {thresholds.evaluation_periods} periods: tasks wait for instances that do"
            " not come (maxSize reached, no Spot capacity, launch failures). Look at the"
            " Auto Scaling group's activity.",
            comparison="GreaterThanThreshold",
            threshold=100,
            treat_missing_data="missing",
            urgent=True,
            datapoints_to_alarm=thresholds.evaluation_periods,
            metric=Metric(
                "AWS/ECS/ManagedScaling",
                "CapacityProviderReservation",
                {"CapacityProviderName": pool.capacity_provider_name, "ClusterName": cluster_name},
                period,
                "Maximum",
            ),
        )
    }
    if pool.min_size > 0:
        specs[f"{pool.name}-in-service"] = AlarmSpec(
            name=f"{pool.name}-instances-below-minimum",
            description=f"Pool {pool.name}: fewer than {pool.min_size} instances in"
            " service. Look at the Auto Scaling group's activity and EC2 limits.",
            comparison="LessThanThreshold",
            threshold=pool.min_size,
            treat_missing_data="breaching",
            metric=Metric(
                "AWS/AutoScaling",
                "GroupInServiceInstances",
                {"AutoScalingGroupName": pool.auto_scaling_group_name},
                period,
                "Minimum",
            ),
        )
    return specs


DATA_VOLUME_FULL_PERCENT = 85


def managed_pool_specs(
    pool: ManagedPoolAlarmArgs, cluster_name: pulumi.Input[str], thresholds: ThresholdSettings
) -> dict[str, AlarmSpec]:
    """ECS picks, patches and replaces these instances itself; what the platform can still get
    wrong is the size of their task volume (`storageGib`): images and task storage fill it."""
    return {
        f"{pool.name}-data-volume": AlarmSpec(
            name=f"{pool.name}-data-volume-full",
            description=f"Pool {pool.name}: an instance's task volume is over"
            f" {DATA_VOLUME_FULL_PERCENT}% used; new tasks may fail to pull images. Raise"
            " storageGib or look at what the tasks write.",
            comparison="GreaterThanThreshold",
            threshold=DATA_VOLUME_FULL_PERCENT,
            treat_missing_data="notBreaching",  # no instance running: nothing to fill
            datapoints_to_alarm=thresholds.evaluation_periods,
            metric=Metric(
                CONTAINER_INSIGHTS,
                "InstanceDataFilesystemUtilization",
                {"ClusterName": cluster_name, "CapacityProviderName": pool.capacity_provider_name},
                thresholds.period_seconds,
                "Maximum",
            ),
        )
    }


def custom_spec(custom: CustomAlarmSettings) -> AlarmSpec:
    return AlarmSpec(
        name=custom.name,
        description=custom.description,
        comparison=custom.comparison,
        threshold=custom.threshold,
        treat_missing_data=custom.treat_missing_data,
        urgent=custom.page,
        evaluation_periods=custom.evaluation_periods,
        datapoints_to_alarm=custom.datapoints_to_alarm,
        metric=Metric(
            custom.namespace,
            custom.metric_name,
            custom.dimensions,
            custom.period_seconds,
            custom.statistic,
        ),
    )


class EnvironmentAlarms(pulumi.ComponentResource):
    """The load balancer's and the pools' alarms, the custom alarms and the dashboard."""

    TYPE = "ecs-platform:alarms:EnvironmentAlarms"  # part of every child's URN: never change it

    def __init__(
        self, name: str, args: EnvironmentAlarmsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        target = args.target
        thresholds = target.settings.thresholds
        specs = (
            load_balancer_specs(args.load_balancer_suffix, thresholds)
            if args.load_balancer_alarms
            else {}
        )
        for pool in args.pools:
            specs.update(pool_specs(pool, args.cluster_name, thresholds))
        for managed in args.managed_pools:
            specs.update(managed_pool_specs(managed, args.cluster_name, thresholds))
        specs.update({f"custom-{c.name}": custom_spec(c) for c in target.settings.custom})
        self.alarms = {
            key: metric_alarm(self, f"{name}-{key}", target, spec) for key, spec in specs.items()
        }
        self._name, self._args = name, args
        if args.dashboard_services is not None:
            self.add_dashboards(args.dashboard_services)

    @property
    def custom_alarms(self) -> dict[str, aws.cloudwatch.MetricAlarm]:
        """alarms.custom by name (what a service may name in deploymentAlarms)."""
        return {
            key.removeprefix("custom-"): alarm
            for key, alarm in self.alarms.items()
            if key.startswith("custom-")
        }

    def add_dashboards(
        self, services: list[DashboardService], jobs: list[DashboardJob] | None = None
    ) -> None:
        """The dashboard(s), once the services and jobs exist; completes the component."""
        args = dataclasses.replace(
            self._args, dashboard_services=services, dashboard_jobs=list(jobs or [])
        )
        self.dashboards = self._dashboards(self._name, args)
        self.dashboard = self.dashboards[0]
        self.register_outputs({"dashboardName": self.dashboard.dashboard_name})

    def _dashboards(self, name: str, args: EnvironmentAlarmsArgs) -> list[aws.cloudwatch.Dashboard]:
        """One dashboard, or more when one would pass CloudWatch's widget limit: the first keeps
        its name (`<prefix>`), the next are `<prefix>-2`, `<prefix>-3`..."""
        assert args.dashboard_services is not None
        services = args.dashboard_services
        bodies = pulumi.Output.all(
            args.cluster_name,
            args.load_balancer_suffix,
            [s.target_group_suffix for s in services],
            [p.auto_scaling_group_name for p in args.pools],
            [job.state_machine_arn for job in args.dashboard_jobs],
        ).apply(
            lambda values: dashboard_bodies(
                region=args.region,
                cluster_name=values[0],
                load_balancer_suffix=values[1],
                services=[
                    service.resolved(suffix)
                    for service, suffix in zip(services, values[2], strict=True)
                ],
                pools=[
                    PoolMetrics(pool.name, pool.capacity_provider_name, group)
                    for pool, group in zip(args.pools, values[3], strict=True)
                ],
                managed_pools=[
                    ManagedPoolMetrics(p.name, p.capacity_provider_name) for p in args.managed_pools
                ],
                jobs=[
                    job.resolved(arn)
                    for job, arn in zip(args.dashboard_jobs, values[4], strict=True)
                ],
            )
        )
        count = dashboard_count(
            services,
            len(args.pools),
            managed_pool_count=len(args.managed_pools),
            job_count=len(args.dashboard_jobs),
        )
        return [
            aws.cloudwatch.Dashboard(
                f"{name}-dashboard" + (f"-{page}" if page > 1 else ""),
                dashboard_name=args.target.naming.physical(
                    "dashboard", *([str(page)] if page > 1 else [])
                ),
                dashboard_body=bodies.apply(lambda all_bodies, index=page - 1: all_bodies[index]),
                opts=pulumi.ResourceOptions(parent=self),
            )
            for page in range(1, count + 1)
        ]
