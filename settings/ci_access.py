"""`ecs-platform:ciAccess`: the GitHub repository whose workflows may preview and deploy this
stack, and how its OIDC tokens are matched."""

from __future__ import annotations

from pydantic import Field

from settings.types import (
    GITHUB_BRANCH_PATTERN,
    GITHUB_ENVIRONMENT_PATTERN,
    GITHUB_ID_PATTERN,
    GITHUB_OIDC_PROVIDER_ARN_PATTERN,
    GITHUB_REPOSITORY_PATTERN,
    S3_BUCKET_ARN_PATTERN,
    Settings,
    matching,
)

GitHubRepository = matching(GITHUB_REPOSITORY_PATTERN)
GitHubId = matching(GITHUB_ID_PATTERN)
GitHubEnvironment = matching(GITHUB_ENVIRONMENT_PATTERN)
OidcProviderArn = matching(GITHUB_OIDC_PROVIDER_ARN_PATTERN)
GitHubBranch = matching(GITHUB_BRANCH_PATTERN)
S3BucketArn = matching(S3_BUCKET_ARN_PATTERN)


class CiAccessSettings(Settings):
    repository: GitHubRepository = Field(
        description="The GitHub repository (OWNER/REPO) whose workflows get the CI roles."
    )
    owner_id: GitHubId | None = Field(
        None,
        description=(
            "Numeric owner id, with `repositoryId`: match the immutable-id subject"
            " `repo:OWNER@OWNER_ID/REPO@REPO_ID:...` (repositories created after 2026-07-15)."
        ),
    )
    repository_id: GitHubId | None = Field(
        None, description="Numeric repository id (set together with `ownerId`)."
    )
    deploy_environment: GitHubEnvironment = Field(
        description="The GitHub environment the deploy job names; only it may use the deploy role."
    )
    create_oidc_provider: bool | None = Field(
        None,
        description=(
            "`true`: this stack creates the account's GitHub OIDC provider (an account holds"
            " one). Set this or `oidcProviderArn`, not both."
        ),
    )
    oidc_provider_arn: OidcProviderArn | None = Field(
        None,
        description=(
            "The account's GitHub OIDC provider that another stack (the one with"
            " `createOidcProvider: true`) or tool created. Set this or `createOidcProvider`."
        ),
    )
    drift_branch: GitHubBranch = Field(
        "main",
        description=(
            "The branch the scheduled drift job runs on (the repository's default branch):"
            " the drift role trusts `repo:OWNER/REPO:ref:refs/heads/<driftBranch>` only."
        ),
    )
    state_bucket_arn: S3BucketArn | None = Field(
        None,
        description=(
            "Self-managed S3 state backend: preview reads its `.pulumi/` objects, deploy"
            " writes them. Not needed with Pulumi Cloud."
        ),
    )

    @property
    def subject_repository(self) -> str:
        """The repository part of the OIDC `sub` claim, with ids when they are set."""
        if self.owner_id is None or self.repository_id is None:
            return self.repository
        owner, name = self.repository.split("/")
        return f"{owner}@{self.owner_id}/{name}@{self.repository_id}"

    @property
    def preview_subject(self) -> str:
        return f"repo:{self.subject_repository}:pull_request"

    @property
    def deploy_subject(self) -> str:
        return f"repo:{self.subject_repository}:environment:{self.deploy_environment}"

    @property
    def drift_subject(self) -> str:
        return f"repo:{self.subject_repository}:ref:refs/heads/{self.drift_branch}"
