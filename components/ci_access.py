"""IAM roles for GitHub Actions: a preview role for pull requests (read only) and a deploy role
for one GitHub environment, both trusted through GitHub's OIDC provider."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.common import ci_policies, policies
from components.common.ci_policies import CI_NAME, CiScope
from components.common.naming import Naming
from settings.ci_access import CiAccessSettings


@dataclass(frozen=True)
class CiAccessArgs:
    settings: CiAccessSettings
    naming: Naming
    region: str
    account_id: pulumi.Input[str]


@dataclass(frozen=True)
class RolePlan:
    """One CI role: its name part, the OIDC subject it trusts, its policies by name part."""

    part: str
    subject: str
    policies: dict[str, list[policies.Statement]]


def role_plans(settings: CiAccessSettings, scope: CiScope) -> list[RolePlan]:
    reads = ci_policies.read_statements(scope)
    preview: dict[str, list[policies.Statement]] = {"read": reads}
    deploy: dict[str, list[policies.Statement]] = {
        "read": reads,
        "services": ci_policies.deploy_statements(scope),
        "iam": ci_policies.iam_statements(scope),
    }
    if settings.state_bucket_arn is not None:
        bucket = settings.state_bucket_arn
        preview["state"] = ci_policies.state_statements(bucket, write=False)
        deploy["state"] = ci_policies.state_statements(bucket, write=True)
    return [
        RolePlan("preview", settings.preview_subject, preview),
        RolePlan("deploy", settings.deploy_subject, deploy),
    ]


class CiAccess(pulumi.ComponentResource):
    TYPE = "ecs-platform:ci:CiAccess"  # part of every child's URN: never change it
    provider_arn: pulumi.Output[str]
    preview_role_arn: pulumi.Output[str]
    deploy_role_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: CiAccessArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        self._name = name
        self._ci_args = args
        self.provider_arn = self._oidc_provider()
        scope = CiScope(account_id=args.account_id, region=args.region, naming=args.naming)
        roles = {plan.part: self._role(plan) for plan in role_plans(args.settings, scope)}
        self.preview_role_arn = roles["preview"].arn
        self.deploy_role_arn = roles["deploy"].arn
        self.register_outputs(
            {
                "providerArn": self.provider_arn,
                "previewRoleArn": self.preview_role_arn,
                "deployRoleArn": self.deploy_role_arn,
            }
        )

    def _oidc_provider(self) -> pulumi.Output[str]:
        """The account's GitHub OIDC provider: the given one, or a new one. IAM no longer
        checks thumbprints for GitHub, and pulumi-aws 7 makes the list optional."""
        if self._ci_args.settings.oidc_provider_arn is not None:
            return pulumi.Output.from_input(self._ci_args.settings.oidc_provider_arn)
        provider = aws.iam.OpenIdConnectProvider(
            f"{self._name}-github",
            url=f"https://{ci_policies.GITHUB_OIDC_HOST}",
            client_id_lists=[ci_policies.GITHUB_OIDC_AUDIENCE],
            tags=self._ci_args.naming.tags(CI_NAME, "github"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        return provider.arn

    def _role(self, plan: RolePlan) -> aws.iam.Role:
        naming = self._ci_args.naming
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{self._name}-{plan.part}",
            name=naming.physical("iam-role", CI_NAME, plan.part),
            description=f"GitHub Actions: {plan.subject}",
            assume_role_policy=policies.document(
                [ci_policies.github_trust(self.provider_arn, plan.subject)]
            ),
            tags=naming.tags(CI_NAME, plan.part),
            opts=child,
        )
        for key, statements in plan.policies.items():
            self._attach(role, plan.part, key, statements)
        return role

    def _attach(
        self,
        role: aws.iam.Role,
        role_part: str,
        key: str,
        statements: Sequence[policies.Statement],
    ) -> None:
        naming = self._ci_args.naming
        child = pulumi.ResourceOptions(parent=self)
        policy = aws.iam.Policy(
            f"{self._name}-{role_part}-{key}",
            name=naming.physical("iam-policy", CI_NAME, role_part, key),
            policy=policies.document(statements),
            tags=naming.tags(CI_NAME, role_part, key),
            opts=child,
        )
        aws.iam.RolePolicyAttachment(
            f"{self._name}-{role_part}-{key}",
            role=role.name,
            policy_arn=policy.arn,
            opts=child,
        )
