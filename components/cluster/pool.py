"""One EC2 capacity pool of the cluster: instance role, security group, launch template, Auto
Scaling group and the capacity provider that lets ECS scale and drain it.

EC2 instances are only ever removed after ECS has drained them: the capacity provider has managed
scaling, managed termination protection and managed draining on, the ASG protects new instances
from scale-in (ECS lifts the protection once an instance is empty) and leaves the desired capacity
to ECS.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.common import policies
from components.common.instances import (
    IMDS_V2_ONLY,
    SSM_CORE_POLICY,
    encrypted_root_volume,
    https_out_egress,
)
from components.common.naming import Naming
from settings.cluster import Ec2PoolSettings

ECS_INSTANCE_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
# /aws/service/ecs/optimized-ami/amazon-linux-2023[/arm64]/<recommended | AMI name>/image_id
AMI_PARAMETER_ROOTS = {
    "x86_64": "/aws/service/ecs/optimized-ami/amazon-linux-2023",
    "arm64": "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64",
}
ASG_METRICS = [
    "GroupDesiredCapacity",
    "GroupInServiceInstances",
    "GroupMaxSize",
    "GroupMinSize",
    "GroupPendingInstances",
    "GroupTerminatingInstances",
    "GroupTotalInstances",
]


def ami_parameter(pool: Ec2PoolSettings) -> str:
    """The SSM parameter holding the pool's AMI id: the latest recommended ECS-optimized image,
    or one pinned release (changed only by a reviewed change to the stack file)."""
    release = "recommended" if pool.ami_release == "latest" else pool.ami_release
    return f"{AMI_PARAMETER_ROOTS[pool.architecture]}/{release}/image_id"


def instance_refresh(pool: Ec2PoolSettings) -> dict[str, object]:
    """A rolling refresh whenever the launch template version changes. Instances are protected
    from scale-in (ECS managed termination protection), so they must be refreshed anyway;
    ECS managed draining moves their tasks off before each one terminates."""
    return {
        "strategy": "Rolling",
        "preferences": {
            "min_healthy_percentage": pool.instance_refresh.min_healthy_percent,
            "max_healthy_percentage": pool.instance_refresh.max_healthy_percent,
            "instance_warmup": str(pool.instance_warmup_seconds),
            "skip_matching": True,
            "scale_in_protected_instances": "Refresh",
        },
    }


def capacity_provider_name(naming: Naming, pool: str) -> str:
    # Capacity provider names may not start with "ecs", "aws" or "fargate", so the pool leads.
    return f"{pool}-{naming.prefix}"


def ecs_agent_user_data(cluster_name: str, pool: Ec2PoolSettings) -> str:
    """Base64 user data that writes /etc/ecs/ecs.config before the agent starts."""
    settings = [
        f"ECS_CLUSTER={cluster_name}",
        "ECS_AWSVPC_BLOCK_IMDS=true",  # tasks must not borrow the instance role
        f"ECS_CONTAINER_STOP_TIMEOUT={pool.container_stop_timeout_seconds}s",
        "ECS_ENABLE_CONTAINER_METADATA=true",
    ]
    if pool.spot:
        settings.append("ECS_ENABLE_SPOT_INSTANCE_DRAINING=true")
    script = "\n".join(["#!/bin/bash", "cat <<'EOF' >> /etc/ecs/ecs.config", *settings, "EOF", ""])
    return base64.b64encode(script.encode()).decode()


@dataclass(frozen=True)
class PoolBuilder:
    """Creates one pool's resources as children of the cluster component."""

    parent: pulumi.ComponentResource
    cluster_logical_name: str
    pool: Ec2PoolSettings
    naming: Naming
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[str]]
    cluster_name: pulumi.Output[str]

    @property
    def logical(self) -> str:
        return f"{self.cluster_logical_name}-{self.pool.name}"

    @property
    def child(self) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self.parent)

    def build(self) -> tuple[aws.autoscaling.Group, aws.ecs.CapacityProvider]:
        profile = self.instance_profile()
        security_group = self.security_group()
        template = self.launch_template(profile, security_group)
        group = self.auto_scaling_group(template)
        return group, self.capacity_provider(group)

    def instance_profile(self) -> aws.iam.InstanceProfile:
        pool, naming, logical, child = self.pool, self.naming, self.logical, self.child
        role = aws.iam.Role(
            f"{logical}-instance",
            name=naming.physical("iam-role", pool.name, "instance"),
            assume_role_policy=policies.assume_role("ec2.amazonaws.com"),
            tags=naming.tags(pool.name, "instance"),
            opts=child,
        )
        managed_policies = {"ecs": ECS_INSTANCE_POLICY}
        if pool.ssm_access:
            managed_policies["ssm"] = SSM_CORE_POLICY
        for key, policy_arn in managed_policies.items():
            aws.iam.RolePolicyAttachment(
                f"{logical}-instance-{key}", role=role.name, policy_arn=policy_arn, opts=child
            )
        profile = aws.iam.InstanceProfile(
            f"{logical}-instance",
            name=naming.physical("instance-profile", pool.name, "instance"),
            role=role.name,
            tags=naming.tags(pool.name, "instance"),
            opts=child,
        )
        return profile

    def security_group(self) -> aws.ec2.SecurityGroup:
        pool, naming, logical, child = self.pool, self.naming, self.logical, self.child
        # Tasks use awsvpc and their own security groups; the instance itself only needs HTTPS
        # out (ECS, ECR, S3, CloudWatch, SSM). DNS and time sync are not filtered by groups.
        security_group = aws.ec2.SecurityGroup(
            f"{logical}-instances",
            name=naming.physical("security-group", pool.name, "instances"),
            description=f"ECS container instances of pool {pool.name}: no ingress, HTTPS out",
            vpc_id=self.vpc_id,
            ingress=[],
            egress=https_out_egress(),
            tags=naming.tags(pool.name, "instances"),
            opts=child,
        )
        return security_group

    def launch_template(
        self, profile: aws.iam.InstanceProfile, security_group: aws.ec2.SecurityGroup
    ) -> aws.ec2.LaunchTemplate:
        pool, naming, logical, child = self.pool, self.naming, self.logical, self.child
        image_id = aws.ssm.get_parameter_output(
            name=ami_parameter(pool),
            opts=pulumi.InvokeOutputOptions(parent=self.parent),
        ).insecure_value  # `.value` is always secret: AMI changes would show as [secret]
        template = aws.ec2.LaunchTemplate(
            logical,
            name=naming.physical("launch-template", pool.name),
            description=f"ECS pool {pool.name}: AMI from {ami_parameter(pool)}",
            image_id=image_id,
            iam_instance_profile={"arn": profile.arn},
            metadata_options=IMDS_V2_ONLY,
            block_device_mappings=encrypted_root_volume(pool.root_volume_gib),
            network_interfaces=[
                {
                    "device_index": 0,
                    "associate_public_ip_address": "false",
                    "delete_on_termination": "true",
                    "security_groups": [security_group.id],
                }
            ],
            monitoring={"enabled": pool.detailed_monitoring},
            user_data=self.cluster_name.apply(lambda name: ecs_agent_user_data(name, pool)),
            update_default_version=True,
            tag_specifications=[
                {"resource_type": kind, "tags": naming.tags(pool.name)}
                for kind in ("instance", "volume")
            ],
            tags=naming.tags(pool.name),
            opts=child,
        )
        return template

    def auto_scaling_group(self, template: aws.ec2.LaunchTemplate) -> aws.autoscaling.Group:
        pool, naming, logical = self.pool, self.naming, self.logical
        group = aws.autoscaling.Group(
            logical,
            name=naming.physical("autoscaling-group", pool.name),
            vpc_zone_identifiers=self.subnet_ids,
            min_size=pool.min_size,
            max_size=pool.max_size,
            protect_from_scale_in=True,
            capacity_rebalance=pool.spot,
            force_delete=pool.force_delete,
            health_check_type="EC2",
            default_instance_warmup=pool.instance_warmup_seconds,
            enabled_metrics=ASG_METRICS,
            instance_refresh=instance_refresh(pool),
            mixed_instances_policy={
                "instances_distribution": {
                    "on_demand_base_capacity": pool.on_demand_base_capacity,
                    "on_demand_percentage_above_base_capacity": 100 - pool.spot_percentage,
                    "spot_allocation_strategy": "price-capacity-optimized",
                },
                "launch_template": {
                    "launch_template_specification": {
                        "launch_template_id": template.id,
                        # a number, not "$Latest": a new version changes the group and so
                        # starts an instance refresh
                        "version": template.latest_version.apply(str),
                    },
                    "overrides": [{"instance_type": t} for t in pool.instance_types],
                },
            },
            tags=[
                {"key": "AmazonECSManaged", "value": "true", "propagate_at_launch": True},
                *[
                    {"key": key, "value": value, "propagate_at_launch": True}
                    for key, value in naming.tags(pool.name).items()
                ],
            ],
            # ECS managed scaling owns the desired capacity; Pulumi must not reset it.
            opts=pulumi.ResourceOptions(parent=self.parent, ignore_changes=["desiredCapacity"]),
        )
        return group

    def capacity_provider(self, group: aws.autoscaling.Group) -> aws.ecs.CapacityProvider:
        pool, naming, logical, child = self.pool, self.naming, self.logical, self.child
        provider = aws.ecs.CapacityProvider(
            logical,
            name=capacity_provider_name(naming, pool.name),
            auto_scaling_group_provider={
                "auto_scaling_group_arn": group.arn,
                "managed_termination_protection": "ENABLED",
                "managed_draining": "ENABLED",
                "managed_scaling": {
                    "status": "ENABLED",
                    "target_capacity": pool.target_capacity,
                    "minimum_scaling_step_size": pool.minimum_scaling_step_size,
                    "maximum_scaling_step_size": pool.maximum_scaling_step_size,
                    "instance_warmup_period": pool.instance_warmup_seconds,
                },
            },
            tags=naming.tags(pool.name),
            opts=child,
        )
        return provider
