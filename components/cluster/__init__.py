"""The ECS cluster: Fargate, Fargate Spot, EC2 Auto Scaling group and ECS Managed Instances
capacity providers, the ECS Exec log group and the Service Connect namespace. EC2 pools are
built in `pool.py`, managed instance pools in `managed_pool.py`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.cluster.managed_pool import ManagedInstancePool, ManagedInstancePoolArgs
from components.cluster.pool import PoolBuilder, capacity_provider_name
from components.common.capacity import strategy_entries
from components.common.naming import Naming
from settings.cluster import ClusterSettings


@dataclass(frozen=True)
class ClusterArgs:
    settings: ClusterSettings
    naming: Naming
    vpc_id: pulumi.Input[str]
    private_subnet_ids: pulumi.Input[Sequence[str]]
    kms_key_id: pulumi.Input[str] | None = None  # log group and exec sessions (None: AWS's)
    protect: bool = False


def exec_configuration(
    log_group_name: pulumi.Input[str], kms_key_id: pulumi.Input[str] | None
) -> dict[str, Any]:
    """ECS Exec: sessions logged to the exec log group; with a key, sessions and logs encrypted."""
    configuration: dict[str, Any] = {
        "logging": "OVERRIDE",
        "log_configuration": {
            "cloud_watch_log_group_name": log_group_name,
            "cloud_watch_encryption_enabled": kms_key_id is not None,
        },
    }
    if kms_key_id is not None:
        configuration["kms_key_id"] = kms_key_id
    return configuration


class Cluster(pulumi.ComponentResource):
    TYPE = "ecs-platform:cluster:Cluster"  # part of every child's URN: never change it
    cluster_name: pulumi.Output[str]
    cluster_arn: pulumi.Output[str]
    capacity_provider_names: dict[str, str]
    pool_asg_names: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        self._name = name
        self._args = args
        self._physical_name = args.naming.physical("cluster")
        exec_logs = self._exec_logs()
        self.exec_log_group_arn = exec_logs.arn
        self.namespace = self._namespace()
        self.namespace_arn = self.namespace.arn
        self.cluster = self._cluster(exec_logs)
        self.cluster_name = self.cluster.name
        self.cluster_arn = self.cluster.arn
        pool_providers = self._pools()
        managed_providers = self._managed_pools()
        self.capacity_providers = self._capacity_providers(pool_providers, managed_providers)
        self.pool_asg_names = {pool: group.name for pool, group in self.pool_groups.items()}
        # Services take the cluster name from the provider association, so they are created
        # after their capacity providers are attached (and deleted before they are detached).
        self.service_cluster_name = self.capacity_providers.cluster_name
        self.register_outputs(
            {
                "clusterName": self.cluster_name,
                "clusterArn": self.cluster_arn,
                "capacityProviderNames": self.capacity_provider_names,
                "poolAsgNames": self.pool_asg_names,
            }
        )

    def _exec_logs(self) -> aws.cloudwatch.LogGroup:
        name, args, settings = self._name, self._args, self._args.settings
        return aws.cloudwatch.LogGroup(
            f"{name}-exec-logs",
            name=args.naming.log_group("ecs-exec"),
            retention_in_days=settings.exec_log_retention_days,
            kms_key_id=args.kms_key_id,
            tags=args.naming.tags("ecs-exec"),
            # a production tier keeps its history through renames and refactors
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )

    def _namespace(self) -> aws.servicediscovery.HttpNamespace:
        name, args = self._name, self._args
        child = pulumi.ResourceOptions(parent=self)
        # Service Connect: every service is reachable by its name from the others.
        return aws.servicediscovery.HttpNamespace(
            f"{name}-namespace",
            name=f"{args.naming.stack}.{args.naming.project}.internal",
            description=f"Service Connect namespace of {self._physical_name}",
            tags=args.naming.tags("namespace"),
            opts=child,
        )

    def _cluster(self, exec_logs: aws.cloudwatch.LogGroup) -> aws.ecs.Cluster:
        name, args, settings = self._name, self._args, self._args.settings
        child = pulumi.ResourceOptions(parent=self)
        return aws.ecs.Cluster(
            name,
            name=self._physical_name,
            service_connect_defaults={"namespace": self.namespace.arn},
            settings=[{"name": "containerInsights", "value": settings.container_insights}],
            configuration={
                "execute_command_configuration": exec_configuration(exec_logs.name, args.kms_key_id)
            },
            tags=args.naming.tags(),
            opts=child,
        )

    def _pools(self) -> dict[str, aws.ecs.CapacityProvider]:
        name, args, settings = self._name, self._args, self._args.settings
        pool_providers: dict[str, aws.ecs.CapacityProvider] = {}
        self.pool_groups: dict[str, aws.autoscaling.Group] = {}
        for pool in settings.ec2_pools:
            group, provider = PoolBuilder(
                parent=self,
                cluster_logical_name=name,
                pool=pool.deployed(),  # renamed: built as before (components/common/renames.py)
                naming=args.naming,
                vpc_id=args.vpc_id,
                subnet_ids=args.private_subnet_ids,
                cluster_name=self.cluster.name,
            ).build()
            self.pool_groups[pool.name] = group
            pool_providers[pool.name] = provider

        return pool_providers

    def _managed_pools(self) -> dict[str, aws.ecs.CapacityProvider]:
        """One ManagedInstancePool component per `managedInstancePools` entry."""
        name, args, settings = self._name, self._args, self._args.settings
        return {
            pool.name: ManagedInstancePool(
                f"{name}-{pool.name}",
                ManagedInstancePoolArgs(
                    pool=pool.deployed(),
                    naming=args.naming,
                    provider_name=capacity_provider_name(args.naming, pool.deployed().name),
                    cluster_name=self.cluster.name,
                    vpc_id=args.vpc_id,
                    subnet_ids=args.private_subnet_ids,
                    renamed_from=f"{name}-{pool.renamed_from}" if pool.renamed_from else None,
                ),
                opts=pulumi.ResourceOptions(parent=self),
            ).capacity_provider
            for pool in settings.managed_instance_pools
        }

    def _capacity_providers(
        self,
        pool_providers: dict[str, aws.ecs.CapacityProvider],
        managed_providers: dict[str, aws.ecs.CapacityProvider] | None = None,
    ) -> aws.ecs.ClusterCapacityProviders:
        name, args, settings = self._name, self._args, self._args.settings
        child = pulumi.ResourceOptions(parent=self)
        managed = managed_providers or {}
        built_as = {pool.name: pool.deployed().name for pool in settings.pool_settings}
        self.capacity_provider_names = {
            "FARGATE": "FARGATE",
            "FARGATE_SPOT": "FARGATE_SPOT",
            **{p: capacity_provider_name(args.naming, built_as[p]) for p in pool_providers},
            **{p: capacity_provider_name(args.naming, built_as[p]) for p in managed},
        }
        return aws.ecs.ClusterCapacityProviders(
            name,
            cluster_name=self.cluster.name,
            # Managed instance providers are listed too (terraform-aws-modules/ecs associates
            # them the same way); with none declared the list is what it always was.
            capacity_providers=[p.name for p in pool_providers.values()]
            + ["FARGATE", "FARGATE_SPOT"]
            + [p.name for p in managed.values()],
            default_capacity_provider_strategies=strategy_entries(
                settings.default_strategy, self.capacity_provider_names
            ),
            opts=child,
        )
