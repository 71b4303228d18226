"""The permission catalogue of the CI roles: per AWS resource type (and per data source the
program invokes), what the provider calls to read it and to change it (see base.py); and beside
it, what each type holds (data, identity or neither: data_classes.py)."""

from __future__ import annotations

from components.common.ci_catalogue.base import (
    HOSTED_ZONES,
    NO_RESOURCE_LEVEL,
    PUBLIC_PARAMETERS,
    Entry,
    Grant,
    svc,
)
from components.common.ci_catalogue.compute import COMPUTE
from components.common.ci_catalogue.data import DATA
from components.common.ci_catalogue.data_classes import DATA_CLASSES, Holds, holds
from components.common.ci_catalogue.network import EC2
from components.common.ci_catalogue.storage import STORAGE
from components.common.ci_catalogue.workflows import WORKFLOWS

CATALOGUE: dict[str, Entry] = {**EC2, **COMPUTE, **DATA, **WORKFLOWS, **STORAGE}

# Data sources (invokes) run on every preview: only reads.
INVOKES: dict[str, Entry] = {
    # The provider's own configure step and aws.get_caller_identity
    # (internal/service/sts/caller_identity_data_source.go).
    "aws:index/getCallerIdentity:getCallerIdentity": Entry(
        "internal/service/sts/caller_identity_data_source.go",
        (Grant(svc("sts", "GetCallerIdentity")),),
    ),
    # The ECS-optimised and AL2023 AMI ids (public parameters, owned by AWS: no account).
    "aws:ssm/getParameter:getParameter": Entry(
        "internal/service/ssm/parameter_data_source.go",
        (Grant(svc("ssm", "GetParameter", "GetParameters"), PUBLIC_PARAMETERS),),
    ),
    "aws:ec2/getRouteTables:getRouteTables": Entry(
        "internal/service/ec2/vpc_route_tables_data_source.go",
        (Grant(svc("ec2", "DescribeRouteTables")),),
    ),
    "aws:ec2/getRouteTable:getRouteTable": Entry(
        "internal/service/ec2/vpc_route_table_data_source.go",
        (Grant(svc("ec2", "DescribeRouteTables")),),
    ),
    "aws:index/getAvailabilityZones:getAvailabilityZones": Entry(
        "internal/service/ec2/ec2_availability_zones_data_source.go",
        (Grant(svc("ec2", "DescribeAvailabilityZones")),),
    ),
    # loadBalancer.domain.zoneName: a lookup by name pages ListHostedZones (no resource-level
    # permission), then reads the zone and its tags (GetHostedZone, ListTagsForResource on it).
    "aws:route53/getZone:getZone": Entry(
        "internal/service/route53/zone_data_source.go",
        (
            Grant(svc("route53", "ListHostedZones"), (NO_RESOURCE_LEVEL,)),
            Grant(svc("route53", "GetHostedZone", "ListTagsForResource"), (HOSTED_ZONES,)),
        ),
    ),
    # network.existing (components/existing.py). vpc_data_source.go: findVPC -> DescribeVpcs,
    # findVPCAttribute -> DescribeVpcAttribute (three), findVPCMainRouteTable ->
    # DescribeRouteTables; tags from DescribeVpcs. vpc_subnet_data_source.go: findSubnet ->
    # DescribeSubnets (tags from it).
    "aws:ec2/getVpc:getVpc": Entry(
        "internal/service/ec2/vpc_data_source.go",
        (Grant(svc("ec2", "DescribeVpcs", "DescribeVpcAttribute", "DescribeRouteTables")),),
    ),
    "aws:ec2/getSubnet:getSubnet": Entry(
        "internal/service/ec2/vpc_subnet_data_source.go", (Grant(svc("ec2", "DescribeSubnets")),)
    ),
    # loadBalancer.existing. listener_data_source.go: DescribeListeners, then its tags
    # (DescribeTags); DescribeListenerAttributes is granted too, as the listener resource's read
    # makes it and the v6 data source was not read. load_balancer_data_source.go:
    # findLoadBalancers -> DescribeLoadBalancers, findLoadBalancerAttributesByARN ->
    # DescribeLoadBalancerAttributes, @Tags(identifierAttribute="arn") -> DescribeTags. These
    # describe actions have no resource-level permission.
    "aws:lb/getListener:getListener": Entry(
        "internal/service/elbv2/listener_data_source.go",
        (
            Grant(
                svc(
                    "elasticloadbalancing",
                    "DescribeListeners",
                    "DescribeListenerAttributes",
                    "DescribeTags",
                )
            ),
        ),
    ),
    "aws:lb/getLoadBalancer:getLoadBalancer": Entry(
        "internal/service/elbv2/load_balancer_data_source.go",
        (
            Grant(
                svc(
                    "elasticloadbalancing",
                    "DescribeLoadBalancers",
                    "DescribeLoadBalancerAttributes",
                    "DescribeTags",
                )
            ),
        ),
    ),
    # A static table of ELB account ids per region in the provider: no API call.
    "aws:elb/getServiceAccount:getServiceAccount": Entry(
        "internal/service/elb/service_account_data_source.go", ()
    ),
}

# awsx.ec2.Vpc is a remote component (pulumi-awsx awsx/ec2/vpc.ts): under the mocks its children
# are not registered, so the coverage test expands it to the types it creates.
REMOTE_COMPONENT_CHILDREN: dict[str, tuple[str, ...]] = {
    "awsx:ec2:Vpc": (
        "aws:ec2/vpc:Vpc",
        "aws:ec2/subnet:Subnet",
        "aws:ec2/routeTable:RouteTable",
        "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "aws:ec2/route:Route",
        "aws:ec2/internetGateway:InternetGateway",
        "aws:ec2/natGateway:NatGateway",
        "aws:ec2/eip:Eip",
    ),
}

REMOTE_COMPONENT_INVOKES: dict[str, tuple[str, ...]] = {
    "awsx:ec2:Vpc": ("aws:index/getAvailabilityZones:getAvailabilityZones",),
}

__all__ = [
    "CATALOGUE",
    "DATA_CLASSES",
    "INVOKES",
    "NO_RESOURCE_LEVEL",
    "REMOTE_COMPONENT_CHILDREN",
    "REMOTE_COMPONENT_INVOKES",
    "Entry",
    "Grant",
    "Holds",
    "holds",
]
