"""One self-healing NAT instance for non-production private subnets (network.natGateways:
instance), built as children of the network component.

An Auto Scaling group of one launches the instance in the first public subnet. The private route
tables point at a fixed network interface (source/destination check off, an Elastic IP for a
stable egress address) that each new instance attaches at boot, so the routes survive a
replacement. The primary interface has an auto-assigned public IPv4 only so that the instance can
reach the EC2 API to attach the fixed interface; egress then leaves through the fixed one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.common import policies
from components.common.instances import IMDS_V2_ONLY, SSM_CORE_POLICY, encrypted_root_volume
from components.common.naming import Naming
from components.nat_boot import nat_user_data
from settings.network import NatInstanceSettings

NAT_AMI_PARAMETERS = {
    "x86_64": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    "arm64": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
}
ROOT_VOLUME_GIB = 8  # the AL2023 AMI's own root size


def attach_policy(
    interface_arn: pulumi.Input[str],
    region: str,
    account_id: pulumi.Input[str],
    name_tag: str,
    group_name: str,
) -> pulumi.Output[str]:
    """The instance may attach that one interface, only to an instance tagged as the NAT, and
    mark itself unhealthy in its own group (the egress check of components/nat_boot.py).
    SetInstanceHealth takes the group ARN as resource (Service Authorization Reference, Amazon EC2
    Auto Scaling: autoScalingGroup:${GroupId}:autoScalingGroupName/${GroupFriendlyName})."""
    instances = pulumi.Output.concat("arn:aws:ec2:", region, ":", account_id, ":instance/*")
    group = pulumi.Output.concat(
        "arn:aws:autoscaling:", region, ":", account_id,
        ":autoScalingGroup:*:autoScalingGroupName/", group_name,
    )  # fmt: skip
    return policies.document(
        [
            policies.statement(["ec2:AttachNetworkInterface"], [interface_arn]),
            policies.statement(
                ["ec2:AttachNetworkInterface"],
                [instances],
                conditions={"StringEquals": {"aws:ResourceTag/Name": name_tag}},
            ),
            policies.statement(["autoscaling:SetInstanceHealth"], [group]),
        ]
    )


@dataclass(frozen=True)
class NatInstanceBuilder:
    parent: pulumi.ComponentResource
    logical_prefix: str
    settings: NatInstanceSettings
    naming: Naming
    region: str
    account_id: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    public_subnet_id: pulumi.Input[str]
    private_route_table_ids: Sequence[pulumi.Input[str]]

    @property
    def logical(self) -> str:
        return f"{self.logical_prefix}-nat"

    @property
    def child(self) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(parent=self.parent)

    def build(self) -> tuple[aws.ec2.NetworkInterface, aws.autoscaling.Group]:
        security_group = self.security_group()
        interface = self.fixed_interface(security_group)
        aws.ec2.Eip(
            self.logical,
            domain="vpc",
            network_interface=interface.id,
            tags=self.naming.tags("nat"),
            opts=self.child,
        )
        for index, route_table_id in enumerate(self.private_route_table_ids):
            aws.ec2.Route(
                f"{self.logical}-default-{index}",
                route_table_id=route_table_id,
                destination_cidr_block="0.0.0.0/0",
                network_interface_id=interface.id,
                opts=self.child,
            )
        template = self.launch_template(security_group, self.instance_profile(interface), interface)
        return interface, self.auto_scaling_group(template)

    def security_group(self) -> aws.ec2.SecurityGroup:
        return aws.ec2.SecurityGroup(
            self.logical,
            name=self.naming.physical("security-group", "nat"),
            description="NAT instance: anything from the VPC in, anything out",
            vpc_id=self.vpc_id,
            ingress=[
                {
                    "description": "Traffic to forward, from the VPC only",
                    "protocol": "-1",
                    "from_port": 0,
                    "to_port": 0,
                    "cidr_blocks": [self.vpc_cidr],
                }
            ],
            egress=[
                {
                    "description": "Forwarded egress to the internet",
                    "protocol": "-1",
                    "from_port": 0,
                    "to_port": 0,
                    "cidr_blocks": ["0.0.0.0/0"],
                }
            ],
            tags=self.naming.tags("nat"),
            opts=self.child,
        )

    def fixed_interface(self, security_group: aws.ec2.SecurityGroup) -> aws.ec2.NetworkInterface:
        return aws.ec2.NetworkInterface(
            self.logical,
            subnet_id=self.public_subnet_id,
            security_groups=[security_group.id],
            source_dest_check=False,  # it forwards packets that are neither from nor to it
            description="NAT instance fixed interface: private default routes point here",
            tags=self.naming.tags("nat"),
            opts=self.child,
        )

    def instance_profile(self, interface: aws.ec2.NetworkInterface) -> aws.iam.InstanceProfile:
        naming, logical, child = self.naming, self.logical, self.child
        role = aws.iam.Role(
            logical,
            name=naming.physical("iam-role", "nat"),
            assume_role_policy=policies.assume_role("ec2.amazonaws.com"),
            tags=naming.tags("nat"),
            opts=child,
        )
        aws.iam.RolePolicy(
            logical,
            role=role.id,
            policy=attach_policy(
                interface.arn,
                self.region,
                self.account_id,
                naming.name("nat"),
                naming.physical("autoscaling-group", "nat"),
            ),
            opts=child,
        )
        if self.settings.ssm_access:
            aws.iam.RolePolicyAttachment(
                f"{logical}-ssm", role=role.name, policy_arn=SSM_CORE_POLICY, opts=child
            )
        return aws.iam.InstanceProfile(
            logical,
            name=naming.physical("instance-profile", "nat"),
            role=role.name,
            tags=naming.tags("nat"),
            opts=child,
        )

    def launch_template(
        self,
        security_group: aws.ec2.SecurityGroup,
        profile: aws.iam.InstanceProfile,
        interface: aws.ec2.NetworkInterface,
    ) -> aws.ec2.LaunchTemplate:
        settings, naming = self.settings, self.naming
        parameter = NAT_AMI_PARAMETERS[settings.architecture]
        image_id = aws.ssm.get_parameter_output(
            name=parameter, opts=pulumi.InvokeOutputOptions(parent=self.parent)
        ).insecure_value
        return aws.ec2.LaunchTemplate(
            self.logical,
            name=naming.physical("launch-template", "nat"),
            description=f"NAT instance: AMI from {parameter}",
            image_id=image_id,
            instance_type=settings.instance_type,
            iam_instance_profile={"arn": profile.arn},
            metadata_options=IMDS_V2_ONLY,
            block_device_mappings=encrypted_root_volume(ROOT_VOLUME_GIB),
            network_interfaces=[
                {
                    "device_index": 0,
                    # only to reach the EC2 API before the fixed interface is attached
                    "associate_public_ip_address": "true",
                    "delete_on_termination": "true",
                    "security_groups": [security_group.id],
                }
            ],
            user_data=interface.id.apply(
                lambda interface_id: nat_user_data(self.region, interface_id, self.vpc_cidr)
            ),
            update_default_version=True,
            tag_specifications=[
                {"resource_type": kind, "tags": naming.tags("nat")}
                for kind in ("instance", "volume")
            ],
            tags=naming.tags("nat"),
            opts=self.child,
        )

    def auto_scaling_group(self, template: aws.ec2.LaunchTemplate) -> aws.autoscaling.Group:
        """A group of exactly one, in the fixed interface's subnet (an interface cannot be
        attached across AZs): a failed or terminated instance is replaced."""
        return aws.autoscaling.Group(
            self.logical,
            name=self.naming.physical("autoscaling-group", "nat"),
            vpc_zone_identifiers=[self.public_subnet_id],
            min_size=1,
            max_size=1,
            desired_capacity=1,
            health_check_type="EC2",
            launch_template={"id": template.id, "version": template.latest_version.apply(str)},
            instance_refresh={
                "strategy": "Rolling",
                # one instance: a refresh must replace it (a short egress gap, not production)
                "preferences": {"min_healthy_percentage": 0, "skip_matching": True},
            },
            tags=[
                {"key": key, "value": value, "propagate_at_launch": True}
                for key, value in self.naming.tags("nat").items()
            ],
            opts=self.child,
        )
