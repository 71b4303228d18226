"""One ECS Managed Instances pool of the cluster: the infrastructure role ECS uses to launch and
replace the instances, the instance role and profile, the instances' security group and the
capacity provider that describes which instances AWS may pick.

Unlike an EC2 pool there is no launch template, AMI or Auto Scaling group to own: ECS picks
instance types from the requirements, patches the instances and drains and replaces each one
14 days after launch (at the latest by day 21; docs.aws.amazon.com/AmazonECS/latest/
developerguide/managed-instances-patching.html).

Facts this module builds on:
- `cluster` is required for a managed instances provider and must not be set for an ASG one;
  the whole `managed_instances_provider` block is ForceNew in terraform-provider-aws
  internal/service/ecs/capacity_provider.go (pulumi-aws 7.51.1 documents only
  `capacity_option_type` as replacing). A replaced provider keeps its name, so the bridge
  deletes the old one first, which ECS refuses while tasks still run on it: drain the pool's
  services first (docs/capacity.md).
- The managed policy AmazonECSInfrastructureRolePolicyForManagedInstances lets ECS pass only
  roles named `ecsInstanceRole*` (`iam:PassRole` on arn:aws:iam::*:role/ecsInstanceRole*,
  docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-instance-profile.html),
  so the instance role's name starts with that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from components.common import policies
from components.common.instances import https_out_egress
from components.common.naming import Naming
from components.common.renames import renamed
from settings.managed_instances import ManagedInstancePoolSettings
from settings.names import fit

# AWS managed policies (paths as attached in AWS accounts: no service-role/ prefix). Sources:
# docs.aws.amazon.com/AmazonECS/latest/developerguide/infrastructure_IAM_role.html and
# .../managed-instances-instance-profile.html; ARNs as attached by public Terraform and Pulumi
# programs (arn:aws:iam::aws:policy/<name>).
INFRASTRUCTURE_POLICY = (
    "arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForManagedInstances"
)
INSTANCE_POLICY = "arn:aws:iam::aws:policy/AmazonECSInstanceRolePolicyForManagedInstances"
INSTANCE_ROLE_PREFIX = "ecsInstanceRole"


def instance_role_name(naming: Naming, pool: str) -> str:
    """`ecsInstanceRole-<project>-<stack>-<pool>`, fitted to 64 characters with the
    `ecsInstanceRole` start kept (pool names are at most 31 characters)."""
    return fit("iam-role", f"{INSTANCE_ROLE_PREFIX}-{naming.prefix}", pool)


def instance_requirements(pool: ManagedInstancePoolSettings) -> dict[str, Any]:
    """What ECS may launch: vCPUs, memory, CPU makers (those of the pool's architecture unless
    declared), the allow-list and GPUs when the pool asks for them."""
    requirements: dict[str, Any] = {
        "vcpu_count": _range(pool.vcpu.min, pool.vcpu.max),
        "memory_mib": _range(pool.memory_mib.min, pool.memory_mib.max),
        "cpu_manufacturers": pool.manufacturers,
    }
    if pool.instance_types:
        requirements["allowed_instance_types"] = list(pool.instance_types)
    if pool.gpus is not None:
        requirements["accelerator_types"] = ["gpu"]
        requirements["accelerator_count"] = _range(pool.gpus.min, pool.gpus.max)
    return requirements


def _range(low: int, high: int | None) -> dict[str, int]:
    return {"min": low} if high is None else {"min": low, "max": high}


def managed_instances_provider(
    pool: ManagedInstancePoolSettings,
    *,
    infrastructure_role_arn: pulumi.Input[str],
    instance_profile_arn: pulumi.Input[str],
    subnet_ids: pulumi.Input[Sequence[str]],
    security_group_id: pulumi.Input[str],
) -> dict[str, Any]:
    """The capacity provider's `managed_instances_provider` block."""
    template: dict[str, Any] = {
        "ec2_instance_profile_arn": instance_profile_arn,
        "capacity_option_type": pool.capacity_option_type,
        "network_configuration": {"subnets": subnet_ids, "security_groups": [security_group_id]},
        "instance_requirements": instance_requirements(pool),
        "monitoring": "DETAILED" if pool.detailed_monitoring else "BASIC",
    }
    if pool.storage_gib is not None:
        template["storage_configuration"] = {"storage_size_gib": pool.storage_gib}
    provider: dict[str, Any] = {
        "infrastructure_role_arn": infrastructure_role_arn,
        "instance_launch_template": template,
        "propagate_tags": "CAPACITY_PROVIDER",  # instances carry the stack's tags
    }
    if pool.scale_in_after_seconds is not None:
        provider["infrastructure_optimization"] = {"scale_in_after": pool.scale_in_after_seconds}
    return provider


@dataclass(frozen=True)
class ManagedInstancePoolArgs:
    pool: ManagedInstancePoolSettings
    naming: Naming
    provider_name: str
    cluster_name: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[str]]
    renamed_from: str | None = None  # the component's name before the pool's rename


class ManagedInstancePool(pulumi.ComponentResource):
    TYPE = "ecs-platform:cluster:ManagedInstancePool"  # part of every child's URN: never change it
    capacity_provider: aws.ecs.CapacityProvider

    def __init__(
        self, name: str, args: ManagedInstancePoolArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        # Renamed (renamedFrom): the old URN by alias, every child and AWS name as before.
        built_as, opts = renamed(name, args.renamed_from, opts)
        super().__init__(self.TYPE, name, None, opts)
        self._name = built_as
        self._args = args
        infrastructure_role, infrastructure_policy = self._infrastructure_role()
        profile, instance_policy = self._instance_profile()
        security_group = self._security_group()
        self.capacity_provider = self._capacity_provider(
            infrastructure_role, profile, security_group, [infrastructure_policy, instance_policy]
        )
        self.register_outputs(
            {
                "capacityProviderName": self.capacity_provider.name,
                "infrastructureRoleArn": infrastructure_role.arn,
                "instanceProfileArn": profile.arn,
                "securityGroupId": security_group.id,
            }
        )

    def _infrastructure_role(self) -> tuple[aws.iam.Role, aws.iam.RolePolicyAttachment]:
        name, pool, naming = self._name, self._args.pool, self._args.naming
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-infrastructure",
            name=naming.physical("iam-role", pool.name, "infrastructure"),
            description=f"ECS launches, patches and replaces the instances of pool {pool.name}",
            assume_role_policy=policies.assume_role("ecs.amazonaws.com"),
            tags=naming.tags(pool.name, "infrastructure"),
            opts=child,
        )
        attachment = aws.iam.RolePolicyAttachment(
            f"{name}-infrastructure",
            role=role.name,
            policy_arn=INFRASTRUCTURE_POLICY,
            opts=child,
        )
        return role, attachment

    def _instance_profile(self) -> tuple[aws.iam.InstanceProfile, aws.iam.RolePolicyAttachment]:
        name, pool, naming = self._name, self._args.pool, self._args.naming
        child = pulumi.ResourceOptions(parent=self)
        role_name = instance_role_name(naming, pool.name)
        role = aws.iam.Role(
            f"{name}-instance",
            name=role_name,
            assume_role_policy=policies.assume_role("ec2.amazonaws.com"),
            tags=naming.tags(pool.name, "instance"),
            opts=child,
        )
        attachment = aws.iam.RolePolicyAttachment(
            f"{name}-instance", role=role.name, policy_arn=INSTANCE_POLICY, opts=child
        )
        profile = aws.iam.InstanceProfile(
            f"{name}-instance",
            name=role_name,  # the same `ecsInstanceRole` start as the role it holds
            role=role.name,
            tags=naming.tags(pool.name, "instance"),
            opts=child,
        )
        return profile, attachment

    def _security_group(self) -> aws.ec2.SecurityGroup:
        name, pool, naming = self._name, self._args.pool, self._args.naming
        # Tasks use awsvpc and their own security groups; the instance itself only needs HTTPS
        # out (ECS, ECR, S3, CloudWatch). DNS and time sync are not filtered by groups.
        return aws.ec2.SecurityGroup(
            f"{name}-instances",
            name=naming.physical("security-group", pool.name, "instances"),
            description=f"ECS managed instances of pool {pool.name}: no ingress, HTTPS out",
            vpc_id=self._args.vpc_id,
            ingress=[],
            egress=https_out_egress(),
            tags=naming.tags(pool.name, "instances"),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _capacity_provider(
        self,
        infrastructure_role: aws.iam.Role,
        profile: aws.iam.InstanceProfile,
        security_group: aws.ec2.SecurityGroup,
        attachments: list[aws.iam.RolePolicyAttachment],
    ) -> aws.ecs.CapacityProvider:
        name, args = self._name, self._args
        return aws.ecs.CapacityProvider(
            name,
            name=args.provider_name,
            cluster=args.cluster_name,
            managed_instances_provider=managed_instances_provider(
                args.pool,
                infrastructure_role_arn=infrastructure_role.arn,
                instance_profile_arn=profile.arn,
                subnet_ids=args.subnet_ids,
                security_group_id=security_group.id,
            ),
            tags=args.naming.tags(args.pool.name),
            # ECS checks the roles' permissions when it creates the provider and launches
            # instances: the policies are attached first (and detached only after the provider
            # is gone), as terraform-aws-modules/ecs modules/cluster does with depends_on.
            opts=pulumi.ResourceOptions(parent=self, depends_on=attachments),
        )
