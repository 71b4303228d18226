"""IAM roles for GitHub Actions, trusted through GitHub's OIDC provider: a preview role for pull
requests and a drift role for the scheduled drift check on the default branch (both read only,
sharing the same read policies), a deploy role for one GitHub environment, and (with
`registry.pushFrom`) a push role for application repositories' image builds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.common import ci_policies, policies
from components.common.ci_policies import CI_NAME, CiScope
from components.common.naming import Naming
from settings.ci_access import CiAccessSettings

DEFAULT_MANAGED_POLICIES_PER_ROLE = 10  # IAM quota "Managed policies per role" (raisable)


@dataclass(frozen=True)
class CiAccessArgs:
    settings: CiAccessSettings
    naming: Naming
    region: str
    account_id: pulumi.Input[str]
    managed_policies_per_role: int = DEFAULT_MANAGED_POLICIES_PER_ROLE
    # registry.pushFrom: application repositories whose default-branch builds push images
    push_subjects: list[str] = field(default_factory=list)
    repository_arns: list[pulumi.Input[str]] = field(default_factory=list)


@dataclass(frozen=True)
class RolePlan:
    """One CI role: its name part, the OIDC subject it trusts, its own policies by name part,
    and the role whose policies it attaches too (`shares`)."""

    part: str
    subject: str | list[str]
    policies: dict[str, list[policies.Statement]]
    shares: str | None = None
    attached: list[str] = field(default_factory=list)


def push_plan(args: CiAccessArgs) -> list[RolePlan]:
    """The push role, trusted by the pushFrom repositories' branch builds only, allowed to push
    to this stack's repositories and nothing else (no read of the stack, no deploy)."""
    if not args.push_subjects:
        return []
    statements = ci_policies.push_statements(args.repository_arns)
    return [RolePlan("push", sorted(args.push_subjects), {"push": statements})]


def role_plans(settings: CiAccessSettings, scope: CiScope) -> list[RolePlan]:
    reads = ci_policies.read_policies(scope)
    preview: dict[str, list[policies.Statement]] = dict(reads)
    deploy: dict[str, list[policies.Statement]] = {**reads, **ci_policies.write_policies(scope)}
    if settings.state_bucket_arn is not None:
        bucket = settings.state_bucket_arn
        preview["state"] = ci_policies.state_statements(bucket, write=False)
        deploy["state"] = ci_policies.state_statements(bucket, write=True)
    return [
        RolePlan("preview", settings.preview_subject, preview),
        RolePlan("deploy", settings.deploy_subject, deploy),
        # The drift job reads like a preview: the same policies, attached to its own role.
        RolePlan("drift", settings.drift_subject, {}, shares="preview", attached=list(preview)),
    ]


def check_policy_count(plans: Sequence[RolePlan], quota: int) -> None:
    for plan in plans:
        count = len(plan.policies) + len(plan.attached)
        if count > quota:
            raise ValueError(
                f"ciAccess: the {plan.part} role would have {count} managed policies, above the"
                f" account's quota of {quota}: raise it in IAM and set"
                " quotas.managedPoliciesPerRole"
            )


class CiAccess(pulumi.ComponentResource):
    TYPE = "ecs-platform:ci:CiAccess"  # part of every child's URN: never change it
    provider_arn: pulumi.Output[str]
    preview_role_arn: pulumi.Output[str]
    deploy_role_arn: pulumi.Output[str]
    drift_role_arn: pulumi.Output[str]
    push_role_arn: pulumi.Output[str] | None

    def __init__(
        self, name: str, args: CiAccessArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        self._name = name
        self._ci_args = args
        self._policies: dict[str, dict[str, aws.iam.Policy]] = {}
        self.provider_arn = self._oidc_provider()
        scope = CiScope(account_id=args.account_id, region=args.region, naming=args.naming)
        plans = role_plans(args.settings, scope) + push_plan(args)
        check_policy_count(plans, args.managed_policies_per_role)
        roles = {plan.part: self._role(plan) for plan in plans}
        self.preview_role_arn = roles["preview"].arn
        self.deploy_role_arn = roles["deploy"].arn
        self.drift_role_arn = roles["drift"].arn
        self.push_role_arn = roles["push"].arn if "push" in roles else None
        self.register_outputs(
            {
                "providerArn": self.provider_arn,
                "previewRoleArn": self.preview_role_arn,
                "deployRoleArn": self.deploy_role_arn,
                "driftRoleArn": self.drift_role_arn,
                "pushRoleArn": self.push_role_arn,
            }
        )

    def _oidc_provider(self) -> pulumi.Output[str]:
        """The account's one GitHub OIDC provider: created by this stack
        (`createOidcProvider: true`) or the one another stack created (`oidcProviderArn`).
        IAM no longer checks thumbprints for GitHub, and pulumi-aws 7 makes the list optional."""
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
            description="GitHub Actions: "
            + (plan.subject if isinstance(plan.subject, str) else ", ".join(plan.subject)),
            assume_role_policy=policies.document(
                [ci_policies.github_trust(self.provider_arn, plan.subject)]
            ),
            tags=naming.tags(CI_NAME, plan.part),
            opts=child,
        )
        own = self._policies.setdefault(plan.part, {})
        for key, statements in plan.policies.items():
            own[key] = self._policy(plan.part, key, statements)
        shared = self._policies.get(plan.shares or "", {})
        for key in [*plan.policies, *plan.attached]:
            policy = own.get(key) or shared[key]
            aws.iam.RolePolicyAttachment(
                f"{self._name}-{plan.part}-{key}",
                role=role.name,
                policy_arn=policy.arn,
                opts=child,
            )
        return role

    def _policy(
        self, role_part: str, key: str, statements: Sequence[policies.Statement]
    ) -> aws.iam.Policy:
        naming = self._ci_args.naming
        return aws.iam.Policy(
            f"{self._name}-{role_part}-{key}",
            name=naming.physical("iam-policy", CI_NAME, role_part, key),
            policy=policies.document(statements),
            tags=naming.tags(CI_NAME, role_part, key),
            opts=pulumi.ResourceOptions(parent=self),
        )
