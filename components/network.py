"""The VPC: public subnets for load balancers, private subnets for tasks and instances."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

from components.common import policies
from components.common.naming import Naming
from components.nat_instance import NatInstanceBuilder
from settings.looked_up import LookedUp
from settings.network import NetworkSettings

NAT_STRATEGIES = {
    "none": awsx.ec2.NatGatewayStrategy.NONE,
    "single": awsx.ec2.NatGatewayStrategy.SINGLE,
    "one-per-az": awsx.ec2.NatGatewayStrategy.ONE_PER_AZ,
    "instance": awsx.ec2.NatGatewayStrategy.NONE,  # the NAT instance adds its own routes
}
GATEWAY_ENDPOINT_SERVICES = frozenset({"s3", "dynamodb"})
HTTPS = 443


def no_public_ip_on_launch(
    args: pulumi.ResourceTransformArgs,
) -> pulumi.ResourceTransformResult | None:
    """awsx turns on mapPublicIpOnLaunch for public subnets; nothing here needs it (load
    balancers and NAT gateways get their addresses anyway), and Security Hub EC2.15 flags it."""
    if args.type_ != "aws:ec2/subnet:Subnet":
        return None
    return pulumi.ResourceTransformResult(
        props={**args.props, "mapPublicIpOnLaunch": False}, opts=args.opts
    )


@dataclass(frozen=True)
class NetworkArgs:
    settings: NetworkSettings
    naming: Naming
    region: str
    account_id: pulumi.Input[str]
    kms_key_id: pulumi.Input[str] | None = None  # the log key (None: AWS-owned encryption)
    protect: bool = False
    # network.existing: what the program looked up about it (components/existing.py)
    looked_up: LookedUp = field(default_factory=LookedUp)


class Network(pulumi.ComponentResource):
    TYPE = "ecs-platform:network:Network"  # part of every child's URN: never change it
    vpc_id: pulumi.Output[str]
    cidr_block: str
    availability_zones: list[str]
    public_subnet_ids: pulumi.Output[list[str]]
    private_subnet_ids: pulumi.Output[list[str]]
    # AZ -> one private subnet in it: EFS allows one mount target per AZ (API_CreateMountTarget),
    # an interface endpoint one subnet per AZ
    subnet_per_zone: dict[str, pulumi.Input[str]]

    def __init__(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        self._name = name
        self._args = args
        settings = args.settings

        self.vpc: awsx.ec2.Vpc | None = None
        if settings.existing is None:
            self._create_vpc()
        else:
            self._adopt_vpc()
        self.nat_instance = self._nat_instance() if settings.nat_gateways == "instance" else None
        # An existing VPC's flow logs are the team's unless the stack file asks (network.flowLogs).
        self.flow_log = self._flow_logs() if settings.wants_flow_log else None
        self.endpoint_security_group, self.endpoints = self._endpoints()

        self.register_outputs(
            {
                "vpcId": self.vpc_id,
                "cidrBlock": self.cidr_block,
                "availabilityZones": self.availability_zones,
                "publicSubnetIds": self.public_subnet_ids,
                "privateSubnetIds": self.private_subnet_ids,
            }
        )

    def _create_vpc(self) -> None:
        """The stack's own VPC (awsx), and its default security group locked."""
        name, args, settings = self._name, self._args, self._args.settings
        assert settings.cidr is not None
        self.vpc = awsx.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=settings.cidr,
            availability_zone_names=list(settings.availability_zones),
            enable_dns_hostnames=True,  # interface endpoints' private DNS needs it
            enable_dns_support=True,
            nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(
                strategy=NAT_STRATEGIES[settings.nat_gateways]
            ),
            subnet_strategy=awsx.ec2.SubnetAllocationStrategy.AUTO,
            subnet_specs=[
                awsx.ec2.SubnetSpecArgs(
                    type=awsx.ec2.SubnetType.PUBLIC, cidr_mask=settings.public_subnet_mask
                ),
                awsx.ec2.SubnetSpecArgs(
                    type=awsx.ec2.SubnetType.PRIVATE, cidr_mask=settings.private_subnet_mask
                ),
            ],
            tags=args.naming.tags("vpc"),
            opts=pulumi.ResourceOptions(parent=self, transforms=[no_public_ip_on_launch]),
        )
        self.vpc_id = self.vpc.vpc_id
        self.cidr_block = settings.cidr
        self.availability_zones = list(settings.availability_zones)
        self.public_subnet_ids = self.vpc.public_subnet_ids
        self.private_subnet_ids = self.vpc.private_subnet_ids
        # awsx makes one private subnet per AZ, in the order of the AZs
        self.subnet_per_zone = {
            zone: self.private_subnet_ids.apply(lambda ids, i=index: ids[i])
            for index, zone in enumerate(self.availability_zones)
        }

        # Managing the default SG with no rules means nothing can use it by accident (EC2.2).
        self.default_security_group = aws.ec2.DefaultSecurityGroup(
            f"{name}-default-sg",
            vpc_id=self.vpc_id,
            ingress=[],
            egress=[],
            tags=args.naming.tags("default"),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _adopt_vpc(self) -> None:
        """A VPC the team has: its ids as given, its CIDR and AZs as looked up. Nothing in it is
        managed here but what the stack adds (security groups, endpoints, a flow log if asked);
        its default security group stays the team's."""
        existing, facts = self._args.settings.existing, self._args.looked_up
        assert existing is not None
        self.vpc_id = pulumi.Output.from_input(existing.vpc_id)
        self.cidr_block = facts.vpc_cidr
        self.availability_zones = facts.zones(existing.private_subnet_ids)
        self.public_subnet_ids = pulumi.Output.from_input(list(existing.public_subnet_ids))
        self.private_subnet_ids = pulumi.Output.from_input(list(existing.private_subnet_ids))
        self.subnet_per_zone = facts.one_per_zone(existing.private_subnet_ids)
        self.default_security_group = None

    def _private_route_table_ids(self) -> list[pulumi.Output[str]]:
        """awsx gives each private subnet its own route table; one lookup per subnet."""
        return [
            aws.ec2.get_route_table_output(
                vpc_id=self.vpc_id,
                subnet_id=self.private_subnet_ids.apply(lambda ids, i=index: ids[i]),
                opts=pulumi.InvokeOutputOptions(parent=self, depends_on=[self.vpc]),
            ).route_table_id
            for index in range(len(self.availability_zones))
        ]

    def _nat_instance(self) -> tuple[aws.ec2.NetworkInterface, aws.autoscaling.Group]:
        args = self._args
        return NatInstanceBuilder(
            parent=self,
            logical_prefix=self._name,
            settings=args.settings.nat_instance,
            naming=args.naming,
            region=args.region,
            account_id=args.account_id,
            vpc_id=self.vpc_id,
            vpc_cidr=self.cidr_block,
            public_subnet_id=self.public_subnet_ids.apply(lambda ids: ids[0]),
            private_route_table_ids=self._private_route_table_ids(),
        ).build()

    def _flow_logs(self) -> aws.ec2.FlowLog:
        name, args = self._name, self._args
        child = pulumi.ResourceOptions(parent=self)
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs",
            name=args.naming.log_group("vpc-flow-logs"),
            retention_in_days=args.settings.flow_logs.retention_days,
            kms_key_id=args.kms_key_id,
            tags=args.naming.tags("vpc-flow-logs"),
            # a production tier keeps its history through renames and refactors
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        role = aws.iam.Role(
            f"{name}-flow-logs",
            name=args.naming.physical("iam-role", "vpc-flow-logs"),
            assume_role_policy=policies.assume_role(
                "vpc-flow-logs.amazonaws.com",
                conditions=policies.same_account(args.account_id),
            ),
            tags=args.naming.tags("vpc-flow-logs"),
            opts=child,
        )
        role_policy = aws.iam.RolePolicy(
            f"{name}-flow-logs",
            role=role.id,
            policy=policies.document(
                [
                    policies.statement(
                        [
                            "logs:CreateLogStream",
                            "logs:PutLogEvents",
                            "logs:DescribeLogStreams",
                        ],
                        [log_group.arn, pulumi.Output.concat(log_group.arn, ":*")],
                    )
                ]
            ),
            opts=child,
        )
        return aws.ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=self.vpc_id,
            traffic_type=args.settings.flow_logs.traffic_type,
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags=args.naming.tags("vpc-flow-log"),
            # delivery starts at once: the role must already be allowed to write
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy]),
        )

    def _endpoints(
        self,
    ) -> tuple[aws.ec2.SecurityGroup | None, dict[str, aws.ec2.VpcEndpoint]]:
        name, args = self._name, self._args
        child = pulumi.ResourceOptions(parent=self)
        wanted = args.settings.endpoints
        endpoints: dict[str, aws.ec2.VpcEndpoint] = {}

        gateways = [s for s in wanted if s in GATEWAY_ENDPOINT_SERVICES]
        if gateways:
            private_route_tables = aws.ec2.get_route_tables_output(
                vpc_id=self.vpc_id,
                filters=[{"name": "association.subnet-id", "values": self.private_subnet_ids}],
                opts=pulumi.InvokeOutputOptions(
                    parent=self, depends_on=[self.vpc] if self.vpc is not None else []
                ),
            )
            for service in gateways:
                endpoints[service] = aws.ec2.VpcEndpoint(
                    f"{name}-endpoint-{service}",
                    vpc_id=self.vpc_id,
                    service_name=f"com.amazonaws.{args.region}.{service}",
                    vpc_endpoint_type="Gateway",
                    route_table_ids=private_route_tables.ids,
                    tags=args.naming.tags("endpoint", service),
                    opts=child,
                )

        interfaces = [s for s in wanted if s not in GATEWAY_ENDPOINT_SERVICES]
        if not interfaces:
            return None, endpoints
        security_group = aws.ec2.SecurityGroup(
            f"{name}-endpoints",
            name=args.naming.physical("security-group", "vpc-endpoints"),
            description="HTTPS from inside the VPC to interface endpoints",
            vpc_id=self.vpc_id,
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(
                    description="HTTPS from the VPC",
                    protocol="tcp",
                    from_port=HTTPS,
                    to_port=HTTPS,
                    cidr_blocks=[self.cidr_block],
                )
            ],
            egress=[],
            tags=args.naming.tags("vpc-endpoints"),
            opts=child,
        )
        for service in interfaces:
            endpoints[service] = aws.ec2.VpcEndpoint(
                f"{name}-endpoint-{service.replace('.', '-')}",
                vpc_id=self.vpc_id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                # (an existing VPC may have several private subnets in one AZ)
                subnet_ids=(
                    self.private_subnet_ids
                    if self.vpc is not None
                    else list(self.subnet_per_zone.values())
                ),
                security_group_ids=[security_group.id],
                tags=args.naming.tags("endpoint", service.replace(".", "-")),
                opts=child,
            )
        return security_group, endpoints
