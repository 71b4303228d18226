"""EC2 and VPC: the network resources (the awsx VPC's children, security groups, endpoints,
flow logs, launch templates, the NAT instance's interface). Provider files under
internal/service/ec2/ in hashicorp/terraform-provider-aws."""

from __future__ import annotations

from components.common.ci_catalogue.base import GENERATED_IDS, ROLES, Entry, Grant, svc


def _ec2(source: str, read: tuple[str, ...], write: tuple[str, ...]) -> Entry:
    # EC2 resources are named by generated ids (vpc-…, subnet-…, sg-…, lt-…): GENERATED_IDS.
    tags = ("CreateTags", "DeleteTags")
    return Entry(
        f"internal/service/ec2/{source}",
        (Grant(svc("ec2", *read)),),
        (Grant(svc("ec2", *write, *tags), (GENERATED_IDS,)),),
    )


_SG_RULES = (
    "AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress", "RevokeSecurityGroupEgress",
    "RevokeSecurityGroupIngress", "UpdateSecurityGroupRuleDescriptionsEgress",
    "UpdateSecurityGroupRuleDescriptionsIngress",
)  # fmt: skip
_ROUTES = ("CreateRoute", "DeleteRoute", "ReplaceRoute")

EC2: dict[str, Entry] = {
    "aws:ec2/vpc:Vpc": _ec2(
        "vpc_.go",
        ("DescribeVpcs", "DescribeVpcAttribute", "DescribeRouteTables", "DescribeNetworkAcls",
         "DescribeSecurityGroups"),
        ("CreateVpc", "DeleteVpc", "ModifyVpcAttribute"),
    ),
    "aws:ec2/subnet:Subnet": _ec2(
        "vpc_subnet.go",
        ("DescribeSubnets", "DescribeNetworkInterfaces"),
        ("CreateSubnet", "DeleteSubnet", "ModifySubnetAttribute"),
    ),
    "aws:ec2/routeTable:RouteTable": _ec2(
        "vpc_route_table.go",
        ("DescribeRouteTables",),
        ("CreateRouteTable", "DeleteRouteTable", *_ROUTES),
    ),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": _ec2(
        "vpc_route_table_association.go",
        ("DescribeRouteTables",),
        ("AssociateRouteTable", "DisassociateRouteTable", "ReplaceRouteTableAssociation"),
    ),
    "aws:ec2/route:Route": _ec2("vpc_route.go", ("DescribeRouteTables",), _ROUTES),
    "aws:ec2/internetGateway:InternetGateway": _ec2(
        "vpc_internet_gateway.go",
        ("DescribeInternetGateways", "DescribeAddresses"),
        ("CreateInternetGateway", "AttachInternetGateway", "DetachInternetGateway",
         "DeleteInternetGateway"),
    ),
    "aws:ec2/natGateway:NatGateway": _ec2(
        "vpc_nat_gateway.go", ("DescribeNatGateways",), ("CreateNatGateway", "DeleteNatGateway")
    ),
    "aws:ec2/eip:Eip": _ec2(
        "ec2_eip.go",
        ("DescribeAddresses",),
        ("AllocateAddress", "ReleaseAddress", "AssociateAddress", "DisassociateAddress"),
    ),
    "aws:ec2/securityGroup:SecurityGroup": _ec2(
        "vpc_security_group.go",
        ("DescribeSecurityGroups", "DescribeNetworkInterfaces"),
        ("CreateSecurityGroup", "DeleteSecurityGroup", *_SG_RULES),
    ),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _ec2(
        "vpc_default_security_group.go", ("DescribeSecurityGroups",), _SG_RULES
    ),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": Entry(
        "internal/service/ec2/vpc_security_group_ingress_rule.go",
        (Grant(svc("ec2", "DescribeSecurityGroupRules")),),
        (Grant(svc("ec2", "AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress",
                    "ModifySecurityGroupRules", "CreateTags", "DeleteTags"), (GENERATED_IDS,)),),
    ),
    "aws:ec2/vpcEndpoint:VpcEndpoint": _ec2(
        "vpc_endpoint.go",
        ("DescribeVpcEndpoints", "DescribePrefixLists"),
        ("CreateVpcEndpoint", "ModifyVpcEndpoint", "DeleteVpcEndpoints"),
    ),
    "aws:ec2/networkInterface:NetworkInterface": _ec2(
        "vpc_network_interface.go",
        ("DescribeNetworkInterfaces",),
        ("CreateNetworkInterface", "DeleteNetworkInterface", "ModifyNetworkInterfaceAttribute",
         "AttachNetworkInterface", "DetachNetworkInterface"),
    ),
    "aws:ec2/launchTemplate:LaunchTemplate": _ec2(
        "ec2_launch_template.go",
        ("DescribeLaunchTemplates", "DescribeLaunchTemplateVersions"),
        ("CreateLaunchTemplate", "CreateLaunchTemplateVersion", "ModifyLaunchTemplate",
         "DeleteLaunchTemplate"),
    ),
    "aws:ec2/flowLog:FlowLog": Entry(
        "internal/service/ec2/vpc_flow_log.go",
        (Grant(svc("ec2", "DescribeFlowLogs")),),
        (
            Grant(svc("ec2", "CreateFlowLogs", "DeleteFlowLogs", "CreateTags", "DeleteTags"),
                  (GENERATED_IDS,)),
            # deliver_logs_permission_arn: EC2 checks the caller may pass the flow-log role.
            Grant(("iam:PassRole",), (ROLES,)),
        ),
    ),
}  # fmt: skip
