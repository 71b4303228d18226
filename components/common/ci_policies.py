"""The policy documents of the CI roles, built from the permission catalogue
(components/common/ci_catalogue): what a preview may read, what a deploy may change.

Reads go to every role, writes to the deploy role only. Writes are bound to this stack where the
resources carry its prefix `<project>-<stack>` (the catalogue's ARN templates); IAM writes reach
only roles, policies and instance profiles with that prefix, and never the CI roles themselves.
Documents are split by service family so each stays under the managed-policy size limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pulumi

from components.cluster.managed_pool import (
    INFRASTRUCTURE_POLICY,
    INSTANCE_POLICY,
)
from components.cluster.pool import ECS_INSTANCE_POLICY, SSM_CORE_POLICY
from components.common.ci_catalogue import CATALOGUE, INVOKES, Entry, Grant
from components.common.naming import Naming
from components.common.policies import Statement, statement
from components.service.iam import VOLUMES_POLICY
from components.service.progressive import LOAD_BALANCERS_POLICY

GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com"
CI_NAME = "ci"  # the CI roles and policies are `<prefix>-ci-*`: the deploy role may not touch them
# IAM quotas (IAM user guide, "IAM and AWS STS quotas"): managed policy documents hold at most
# 6,144 characters (whitespace not counted); a role has at most 10 managed policies attached
# by default (raisable: `quotas.managedPoliciesPerRole`).
MANAGED_POLICY_MAX_CHARS = 6144

# Policy documents by service family: (policy name part, services). Names are URN parts of the
# attached policies: `read`, `services`, `iam` and `state` predate the split; keep them.
READ_FAMILIES: dict[str, tuple[str, ...]] = {
    "read": ("sts", "ssm", "ec2", "ecs", "elasticloadbalancing", "autoscaling",
             "application-autoscaling", "servicediscovery", "wafv2", "acm", "route53",
             "states", "scheduler"),
    "read-data": ("iam", "kms", "logs", "cloudwatch", "ecr", "s3", "sns", "sqs",
                  "elasticfilesystem"),
}  # fmt: skip
WRITE_FAMILIES: dict[str, tuple[str, ...]] = {
    "services": ("ec2", "ecs", "elasticloadbalancing", "autoscaling", "application-autoscaling",
                 "servicediscovery", "wafv2", "acm", "route53", "states", "scheduler"),
    "data": ("kms", "logs", "cloudwatch", "ecr", "s3", "sns", "sqs", "elasticfilesystem"),
    "iam": ("iam",),
}  # fmt: skip
# The AWS-managed policies the platform attaches to its own roles.
AWS_MANAGED_POLICIES = (
    ECS_INSTANCE_POLICY,
    SSM_CORE_POLICY,
    VOLUMES_POLICY,
    INFRASTRUCTURE_POLICY,  # managed instance pools: the infrastructure role
    INSTANCE_POLICY,  # managed instance pools: the instance role
    LOAD_BALANCERS_POLICY,  # blue/green, canary, linear: the ECS load balancer role
)
# The services the platform's roles are handed to (task, instance, flow-log, volume roles; a
# job's state machine and schedule roles).
PASSED_TO_SERVICES = (
    "ec2.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "ecs.amazonaws.com",
    "scheduler.amazonaws.com",
    "states.amazonaws.com",
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

    def render(self, template: str) -> pulumi.Input[str]:
        if "{account}" not in template:
            return render(template, "", self.region, self.naming)
        return pulumi.Output.from_input(self.account_id).apply(
            lambda account: render(template, account, self.region, self.naming)
        )


def render(template: str, account: str, region: str, naming: Naming) -> str:
    """A catalogue ARN template for one stack."""
    return template.format(
        account=account, region=region, prefix=naming.prefix, log_groups=naming.log_group("*")
    )


def github_trust(provider_arn: pulumi.Input[str], subject: str | list[str]) -> Statement:
    """Only tokens GitHub issued for AWS (`aud`) to exactly this workflow context (`sub`; a list
    matches any of its values under StringEquals)."""
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


def entries() -> list[Entry]:
    return [*CATALOGUE.values(), *INVOKES.values()]


def grants(kind: str, catalogue: Iterable[Entry]) -> list[Grant]:
    """`read` (every entry's reads) or `write` (every entry's writes)."""
    return [g for entry in catalogue for g in (entry.read if kind == "read" else entry.write)]


def conditions(scope: CiScope, action: str) -> dict[str, dict[str, object]] | None:
    """The guard rails of the IAM actions that hand out rights."""
    if action == "iam:PassRole":
        return {"StringEquals": {"iam:PassedToService": list(PASSED_TO_SERVICES)}}
    if action in ("iam:AttachRolePolicy", "iam:DetachRolePolicy"):
        return {"ArnLike": {"iam:PolicyARN": [*AWS_MANAGED_POLICIES, scope.iam("policy")]}}
    if action == "iam:CreateServiceLinkedRole":
        return {"StringEquals": {"iam:AWSServiceName": list(SERVICE_LINKED_ROLES)}}
    return None


def family_statements(
    scope: CiScope, all_grants: Iterable[Grant], services: tuple[str, ...], kind: str
) -> list[Statement]:
    """One statement per (service, resources, guard rail) for the family's services."""
    grouped: dict[tuple[str, tuple[str, ...], str], set[str]] = {}
    for grant in all_grants:
        for action in grant.actions:
            service = action.split(":", 1)[0]
            if service in services:
                guarded = action if conditions(scope, action) else ""
                key = (service, tuple(sorted(grant.resources)), guarded)
                grouped.setdefault(key, set()).add(action)
    result = []
    for number, ((service, resources, guarded), actions) in enumerate(sorted(grouped.items())):
        name = re.sub(r"[^A-Za-z0-9]", "", service.title())
        result.append(
            statement(
                sorted(actions),
                [scope.render(template) for template in resources],
                conditions=conditions(scope, guarded) if guarded else None,
                sid=f"{kind.title()}{name}{number}",
            )
        )
    return result


def read_policies(scope: CiScope) -> dict[str, list[Statement]]:
    reads = grants("read", entries())
    return {
        key: family_statements(scope, reads, services, "read")
        for key, services in READ_FAMILIES.items()
    }


def write_policies(scope: CiScope) -> dict[str, list[Statement]]:
    writes = grants("write", entries())
    policies = {
        key: family_statements(scope, writes, services, "write")
        for key, services in WRITE_FAMILIES.items()
    }
    policies["iam"].append(keep_ci_roles_out_of_reach(scope, writes))
    return policies


def keep_ci_roles_out_of_reach(scope: CiScope, writes: Iterable[Grant]) -> Statement:
    """The CI roles and their policies stay out of the deploy role's reach, so a deploy cannot
    widen its own rights."""
    iam_writes = {
        action
        for grant in writes
        for action in grant.actions
        # Instance-profile actions authorize on the profile; adding a CI role to one needs
        # iam:PassRole on it, denied here.
        if action.startswith("iam:") and "InstanceProfile" not in action
    }
    iam_writes -= {"iam:CreateServiceLinkedRole"}
    ci = [scope.iam(kind, f"{CI_NAME}-*") for kind in ("role", "policy")]
    return statement(sorted(iam_writes), ci, effect="Deny", sid="KeepCiRolesOutOfReach")


def push_statements(repository_arns: list[pulumi.Input[str]]) -> list[Statement]:
    """What `docker buildx build --push` needs on ECR (ECR user guide, "Pushing an image":
    the layer upload actions and PutImage; GetAuthorizationToken has no resource, so "*")."""
    return [
        statement(["ecr:GetAuthorizationToken"], ["*"], sid="EcrLogin"),
        statement(
            [
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:CompleteLayerUpload",
                "ecr:DescribeImages",
                "ecr:InitiateLayerUpload",
                "ecr:PutImage",
                "ecr:UploadLayerPart",
            ],
            repository_arns,
            sid="PushStackImages",
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
