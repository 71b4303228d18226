"""The policy statements of the CI roles: what a preview may read, what a deploy may change.

Every write is bound to this stack where AWS supports resource-level permissions (names start
with the stack prefix `<project>-<stack>`); IAM writes reach only roles, policies and instance
profiles with that prefix, and never the CI roles themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.cluster.managed_pool import (
    INFRASTRUCTURE_POLICY,
    INSTANCE_POLICY,
    INSTANCE_ROLE_PREFIX,
)
from components.cluster.pool import ECS_INSTANCE_POLICY, SSM_CORE_POLICY
from components.common.naming import Naming
from components.common.policies import Statement, statement
from components.service.iam import VOLUMES_POLICY

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com"
CI_NAME = "ci"  # the CI roles and policies are `<prefix>-ci-*`: the deploy role may not touch them

# Describe/List calls have no resource-level permissions: these are granted on "*".
READ_ACTIONS = (
    "application-autoscaling:DescribeScalableTargets",
    "application-autoscaling:DescribeScalingPolicies",
    "application-autoscaling:DescribeScheduledActions",
    "application-autoscaling:ListTagsForResource",
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribeScalingActivities",
    "autoscaling:DescribeTags",
    "cloudwatch:DescribeAlarms",
    "cloudwatch:GetDashboard",
    "cloudwatch:ListDashboards",
    "cloudwatch:ListTagsForResource",
    "ec2:Describe*",
    "ecr:DescribeRepositories",
    "ecr:GetLifecyclePolicy",
    "ecr:GetRepositoryPolicy",
    "ecr:ListTagsForResource",
    "ecs:Describe*",
    "ecs:List*",
    "elasticloadbalancing:Describe*",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListResourceTags",
    "logs:DescribeLogGroups",
    "logs:ListTagsForResource",
    "logs:ListTagsLogGroup",
    "servicediscovery:GetNamespace",
    "servicediscovery:GetOperation",
    "servicediscovery:ListNamespaces",
    "servicediscovery:ListTagsForResource",
    "sns:GetSubscriptionAttributes",
    "sns:GetTopicAttributes",
    "sns:ListSubscriptionsByTopic",
    "sns:ListTagsForResource",
    "sts:GetCallerIdentity",
)
IAM_READ_ACTIONS = (
    "iam:GetInstanceProfile",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListInstanceProfilesForRole",
    "iam:ListPolicyVersions",
    "iam:ListRolePolicies",
)
BUCKET_READ_ACTIONS = (
    "s3:GetAccelerateConfiguration",
    "s3:GetBucket*",
    "s3:GetEncryptionConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
)
# The public parameters the cluster reads (ECS-optimised AMIs, Amazon Linux 2023).
PUBLIC_PARAMETER_PATHS = ("/aws/service/ecs/*", "/aws/service/ami-amazon-linux-latest/*")

ANY_RESOURCE_WRITES = (
    # EC2: the VPC (awsx), security groups, endpoints, flow logs, launch templates.
    *(f"ec2:{verb}" for verb in (
        "AllocateAddress", "AssociateAddress", "AssociateRouteTable", "AttachInternetGateway",
        "AuthorizeSecurityGroupEgress", "AuthorizeSecurityGroupIngress", "CreateFlowLogs",
        "CreateInternetGateway", "CreateLaunchTemplate", "CreateLaunchTemplateVersion",
        "CreateNatGateway", "CreateRoute", "CreateRouteTable", "CreateSecurityGroup",
        "CreateSubnet", "CreateTags", "CreateVpc", "CreateVpcEndpoint", "DeleteFlowLogs",
        "DeleteInternetGateway", "DeleteLaunchTemplate", "DeleteLaunchTemplateVersions",
        "DeleteNatGateway", "DeleteRoute", "DeleteRouteTable", "DeleteSecurityGroup",
        "DeleteSubnet", "DeleteTags", "DeleteVpc", "DeleteVpcEndpoints", "DetachInternetGateway",
        "DisassociateAddress", "DisassociateRouteTable", "ModifyLaunchTemplate",
        "ModifySecurityGroupRules", "ModifySubnetAttribute", "ModifyVpcAttribute",
        "ModifyVpcEndpoint", "ReleaseAddress", "ReplaceRoute", "RevokeSecurityGroupEgress",
        "RevokeSecurityGroupIngress", "RunInstances",
        "UpdateSecurityGroupRuleDescriptionsEgress", "UpdateSecurityGroupRuleDescriptionsIngress",
    )),
    *(f"ecs:{verb}" for verb in (
        "CreateCapacityProvider", "CreateCluster", "CreateService", "DeleteCapacityProvider",
        "DeleteCluster", "DeleteService", "DeleteTaskDefinitions", "DeregisterTaskDefinition",
        "PutClusterCapacityProviders", "RegisterTaskDefinition", "TagResource", "UntagResource",
        "UpdateCapacityProvider", "UpdateCluster", "UpdateClusterSettings", "UpdateService",
    )),
    *(f"elasticloadbalancing:{verb}" for verb in (
        "AddListenerCertificates", "AddTags", "CreateListener", "CreateLoadBalancer",
        "CreateRule", "CreateTargetGroup", "DeleteListener", "DeleteLoadBalancer", "DeleteRule",
        "DeleteTargetGroup", "ModifyListener", "ModifyListenerAttributes",
        "ModifyLoadBalancerAttributes", "ModifyRule", "ModifyTargetGroup",
        "ModifyTargetGroupAttributes", "RemoveListenerCertificates", "RemoveTags",
        "SetRulePriorities", "SetSecurityGroups", "SetSubnets",
    )),
    *(f"servicediscovery:{verb}" for verb in (
        "CreateHttpNamespace", "DeleteNamespace", "TagResource", "UntagResource",
        "UpdateHttpNamespace",
    )),
    *(f"application-autoscaling:{verb}" for verb in (
        "DeleteScalingPolicy", "DeleteScheduledAction", "DeregisterScalableTarget",
        "PutScalingPolicy", "PutScheduledAction", "RegisterScalableTarget", "TagResource",
        "UntagResource",
    )),
    *(f"autoscaling:{verb}" for verb in (
        "CreateAutoScalingGroup", "CreateOrUpdateTags", "DeleteAutoScalingGroup", "DeleteTags",
        "SetInstanceProtection", "UpdateAutoScalingGroup",
    )),
    *(f"kms:{verb}" for verb in (
        "CreateKey", "EnableKeyRotation", "PutKeyPolicy", "ScheduleKeyDeletion", "TagResource",
        "UntagResource", "UpdateKeyDescription",
    )),
)  # fmt: skip
ECR_WRITES = tuple(f"ecr:{verb}" for verb in (
    "CreateRepository", "DeleteLifecyclePolicy", "DeleteRepository", "DeleteRepositoryPolicy",
    "PutImageScanningConfiguration", "PutImageTagMutability", "PutLifecyclePolicy",
    "SetRepositoryPolicy", "TagResource", "UntagResource",
))  # fmt: skip
LOGS_WRITES = tuple(f"logs:{verb}" for verb in (
    "AssociateKmsKey", "CreateLogGroup", "DeleteLogGroup", "DeleteRetentionPolicy",
    "DisassociateKmsKey", "PutRetentionPolicy", "TagLogGroup", "TagResource", "UntagLogGroup",
    "UntagResource",
))  # fmt: skip
CLOUDWATCH_WRITES = (
    "cloudwatch:DeleteAlarms", "cloudwatch:DeleteDashboards", "cloudwatch:PutDashboard",
    "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:UntagResource",
)  # fmt: skip
SNS_WRITES = tuple(f"sns:{verb}" for verb in (
    "CreateTopic", "DeleteTopic", "SetSubscriptionAttributes", "SetTopicAttributes",
    "Subscribe", "TagResource", "Unsubscribe", "UntagResource",
))  # fmt: skip
BUCKET_WRITES = tuple(f"s3:{verb}" for verb in (
    "CreateBucket", "DeleteBucket", "DeleteBucketPolicy", "PutBucketOwnershipControls",
    "PutBucketPolicy", "PutBucketPublicAccessBlock", "PutBucketTagging", "PutBucketVersioning",
    "PutEncryptionConfiguration", "PutLifecycleConfiguration",
))  # fmt: skip
IAM_WRITES = tuple(f"iam:{verb}" for verb in (
    "AddRoleToInstanceProfile", "CreateInstanceProfile", "CreatePolicy", "CreatePolicyVersion",
    "CreateRole", "DeleteInstanceProfile", "DeletePolicy", "DeletePolicyVersion", "DeleteRole",
    "DeleteRolePolicy", "PutRolePolicy", "RemoveRoleFromInstanceProfile", "TagInstanceProfile",
    "TagPolicy", "TagRole", "UntagInstanceProfile", "UntagPolicy", "UntagRole",
    "UpdateAssumeRolePolicy", "UpdateRole", "UpdateRoleDescription",
))  # fmt: skip
ATTACH_ACTIONS = ("iam:AttachRolePolicy", "iam:DetachRolePolicy")
# The AWS-managed policies the platform attaches to its own roles.
AWS_MANAGED_POLICIES = (
    ECS_INSTANCE_POLICY,
    SSM_CORE_POLICY,
    VOLUMES_POLICY,
    INFRASTRUCTURE_POLICY,  # managed instance pools: the infrastructure role
    INSTANCE_POLICY,  # managed instance pools: the instance role
)
# The services the platform's roles are handed to (task, instance, flow-log, volume roles).
PASSED_TO_SERVICES = (
    "ec2.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "ecs.amazonaws.com",
    "vpc-flow-logs.amazonaws.com",
)
SERVICE_LINKED_ROLES = (
    "autoscaling.amazonaws.com",
    "ecs.amazonaws.com",
    "ecs.application-autoscaling.amazonaws.com",
    "elasticloadbalancing.amazonaws.com",
)


@dataclass(frozen=True)
class CiScope:
    """Where the CI roles act: one account and region, the stack's name prefix."""

    account_id: pulumi.Input[str]
    region: str
    naming: Naming

    @property
    def prefix(self) -> str:
        return self.naming.prefix

    def arn(self, service: str, resource: str, *, regional: bool = True) -> pulumi.Output[str]:
        region = self.region if regional else ""
        return pulumi.Output.concat(f"arn:aws:{service}:{region}:", self.account_id, f":{resource}")

    def iam(self, kind: str, name: str = "*") -> pulumi.Output[str]:
        """`role`, `policy` or `instance-profile` named `<prefix>-<name>`."""
        return self.arn("iam", f"{kind}/{self.prefix}-{name}", regional=False)

    def managed_instance_iam(self, kind: str) -> pulumi.Output[str]:
        """The instance roles and profiles of managed instance pools: their names must start with
        `ecsInstanceRole` (components/cluster/managed_pool.py), then the stack prefix."""
        return self.arn("iam", f"{kind}/{INSTANCE_ROLE_PREFIX}-{self.prefix}-*", regional=False)

    @property
    def bucket(self) -> str:
        return f"arn:aws:s3:::{self.prefix}-*"


def github_trust(provider_arn: pulumi.Input[str], subject: str) -> Statement:
    """Only tokens GitHub issued for AWS (`aud`) to exactly this workflow context (`sub`)."""
    return statement(
        ["sts:AssumeRoleWithWebIdentity"],
        principals={"Federated": provider_arn},
        conditions={
            "StringEquals": {
                f"{GITHUB_OIDC_HOST}:aud": GITHUB_OIDC_AUDIENCE,
                f"{GITHUB_OIDC_HOST}:sub": subject,
            }
        },
    )


def read_statements(scope: CiScope) -> list[Statement]:
    kinds = ("role", "policy", "instance-profile")
    return [
        statement(READ_ACTIONS, ["*"], sid="DescribePlatform"),
        statement(
            IAM_READ_ACTIONS,
            [scope.iam(kind) for kind in kinds]
            + [scope.managed_instance_iam(kind) for kind in ("role", "instance-profile")],
            sid="ReadStackIam",
        ),
        statement(
            ["iam:GetOpenIDConnectProvider"],
            [scope.arn("iam", f"oidc-provider/{GITHUB_OIDC_HOST}", regional=False)],
            sid="ReadGitHubProvider",
        ),
        statement(BUCKET_READ_ACTIONS, [scope.bucket], sid="ReadStackBuckets"),
        statement(
            ["ssm:GetParameter", "ssm:GetParameters"],
            [f"arn:aws:ssm:{scope.region}::parameter{path}" for path in PUBLIC_PARAMETER_PATHS],
            sid="ReadPublicParameters",
        ),
    ]


def deploy_statements(scope: CiScope) -> list[Statement]:
    """The writes a `pulumi up` of this platform makes, each bound to the stack where AWS can."""
    prefix = scope.prefix
    log_groups = scope.naming.log_group("*")
    return [
        statement(ANY_RESOURCE_WRITES, ["*"], sid="ManagePlatformServices"),
        statement(ECR_WRITES, [scope.arn("ecr", f"repository/{prefix}/*")], sid="ManageStackEcr"),
        statement(
            LOGS_WRITES, [scope.arn("logs", f"log-group:{log_groups}")], sid="ManageStackLogs"
        ),
        statement(
            CLOUDWATCH_WRITES,
            [
                scope.arn("cloudwatch", f"alarm:{prefix}-*"),
                scope.arn("cloudwatch", f"dashboard/{prefix}", regional=False),
                scope.arn("cloudwatch", f"dashboard/{prefix}-*", regional=False),
            ],
            sid="ManageStackAlarms",
        ),
        statement(SNS_WRITES, [scope.arn("sns", f"{prefix}-*")], sid="ManageStackTopics"),
        statement(BUCKET_WRITES, [scope.bucket], sid="ManageStackBuckets"),
    ]


def iam_statements(scope: CiScope) -> list[Statement]:
    """IAM only for the stack's own roles, policies and instance profiles; the CI roles and
    their policies stay out of reach, so a deploy cannot widen its own rights."""
    instance_roles = [scope.managed_instance_iam(kind) for kind in ("role", "instance-profile")]
    own = [scope.iam("role"), scope.iam("policy"), scope.iam("instance-profile"), *instance_roles]
    managed = [*AWS_MANAGED_POLICIES, scope.iam("policy")]
    ci = [scope.iam(kind, f"{CI_NAME}-*") for kind in ("role", "policy")]
    return [
        statement(IAM_WRITES, own, sid="ManageStackIam"),
        statement(
            ATTACH_ACTIONS,
            [scope.iam("role"), instance_roles[0]],
            conditions={"ArnLike": {"iam:PolicyARN": managed}},
            sid="AttachKnownPolicies",
        ),
        statement(
            ["iam:PassRole"],
            [scope.iam("role")],
            conditions={"StringEquals": {"iam:PassedToService": list(PASSED_TO_SERVICES)}},
            sid="PassStackRoles",
        ),
        statement(
            ["iam:CreateServiceLinkedRole"],
            [scope.arn("iam", "role/aws-service-role/*", regional=False)],
            conditions={"StringEquals": {"iam:AWSServiceName": list(SERVICE_LINKED_ROLES)}},
            sid="CreateServiceLinkedRoles",
        ),
        statement(
            [*IAM_WRITES, *ATTACH_ACTIONS, "iam:PassRole"],
            ci,
            effect="Deny",
            sid="KeepCiRolesOutOfReach",
        ),
    ]


def state_statements(bucket_arn: str, *, write: bool) -> list[Statement]:
    """A self-managed S3 backend: list the bucket and read `.pulumi/`; only a deploy writes
    (`pulumi preview` takes no lock on a DIY backend; `up`, `refresh`, `destroy` do)."""
    objects = f"{bucket_arn}/.pulumi/*"
    statements = [
        statement(["s3:ListBucket"], [bucket_arn], sid="ListState"),
        statement(["s3:GetObject"], [objects], sid="ReadState"),
    ]
    if write:
        statements.append(
            statement(["s3:DeleteObject", "s3:PutObject"], [objects], sid="WriteState")
        )
    return statements
