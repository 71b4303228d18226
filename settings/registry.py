"""`ecs-platform:registry`: the ECR repositories and their image rules."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from settings.types import (
    ACCOUNT_ID_PATTERN,
    GITHUB_BRANCH_PATTERN,
    GITHUB_REPOSITORY_PATTERN,
    REPOSITORY_NAME_PATTERN,
    KmsKeyArn,
    Settings,
    unique,
)


class LifecycleSettings(Settings):
    keep_tagged_images: int = Field(
        30, ge=1, le=1000, description="Tagged images kept per repository."
    )
    untagged_expiry_days: int = Field(
        7, ge=1, le=3650, description="Days after which untagged images are expired."
    )


class RegistrySettings(Settings):
    repositories: Annotated[
        list[Annotated[str, Field(pattern=REPOSITORY_NAME_PATTERN, max_length=200)]],
        AfterValidator(unique),
    ] = Field(default_factory=list, description="ECR repositories to create (names, lowercase).")
    image_tag_mutability: Literal["MUTABLE", "IMMUTABLE"] = Field(
        "IMMUTABLE", description="IMMUTABLE: a pushed tag can never point at another image."
    )
    kms_key_arn: KmsKeyArn | None = Field(
        None, description="Customer-managed KMS key; default: the AWS-managed ECR key."
    )
    lifecycle: LifecycleSettings = Field(
        default_factory=LifecycleSettings, description="Image expiry rules."
    )
    force_delete: bool = Field(
        False, description="Let `pulumi destroy` delete repositories that still hold images."
    )
    pull_account_ids: Annotated[
        list[Annotated[str, Field(pattern=ACCOUNT_ID_PATTERN)]], AfterValidator(unique)
    ] = Field(default_factory=list, description="Other AWS accounts allowed to pull images.")
    push_from: Annotated[
        list[Annotated[str, Field(pattern=GITHUB_REPOSITORY_PATTERN)]], AfterValidator(unique)
    ] = Field(
        default_factory=list,
        description="GitHub repositories (OWNER/REPO) whose build workflow may push images to"
        " this stack's repositories, through the `<prefix>-ci-push` role (needs ciAccess).",
    )
    push_branch: Annotated[str, Field(pattern=GITHUB_BRANCH_PATTERN)] = Field(
        "main",
        description="The branch of those repositories that may push: the role trusts"
        " `repo:OWNER/REPO:ref:refs/heads/<pushBranch>` only.",
    )
