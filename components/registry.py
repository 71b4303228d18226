"""ECR repositories: scanned on push, encrypted, expiring old images, optionally shared to pull."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components.common import policies
from components.common.ecr import PULL_ACTIONS, ecr_repository_arn
from components.common.naming import Naming
from settings.registry import LifecycleSettings, RegistrySettings
from settings.service import ImageSettings


@dataclass(frozen=True)
class RegistryArgs:
    settings: RegistrySettings
    repositories: list[str]
    naming: Naming
    protect: bool


def lifecycle_policy(settings: LifecycleSettings) -> str:
    """Untagged images expire after N days; only the newest N tagged images are kept."""
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": (
                        f"expire untagged images after {settings.untagged_expiry_days} days"
                    ),
                    "selection": {
                        "tagStatus": "untagged",
                        "countType": "sinceImagePushed",
                        "countUnit": "days",
                        "countNumber": settings.untagged_expiry_days,
                    },
                    "action": {"type": "expire"},
                },
                {
                    "rulePriority": 2,
                    "description": f"keep the newest {settings.keep_tagged_images} tagged images",
                    "selection": {
                        "tagStatus": "tagged",
                        "tagPatternList": ["*"],
                        "countType": "imageCountMoreThan",
                        "countNumber": settings.keep_tagged_images,
                    },
                    "action": {"type": "expire"},
                },
            ]
        }
    )


class Registry(pulumi.ComponentResource):
    TYPE = "ecs-platform:registry:Registry"  # part of every child's URN: never change it
    repository_urls: dict[str, pulumi.Output[str]]
    repository_arns: dict[str, pulumi.Output[str]]

    def __init__(
        self, name: str, args: RegistryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        self.repositories: dict[str, aws.ecr.Repository] = {}
        for repository_name in args.repositories:
            self.repositories[repository_name] = self._repository(name, repository_name, args)
        self.repository_urls = {n: r.repository_url for n, r in self.repositories.items()}
        self.repository_arns = {n: r.arn for n, r in self.repositories.items()}
        self.register_outputs(
            {"repositoryUrls": self.repository_urls, "repositoryArns": self.repository_arns}
        )

    def image_uri(self, image: ImageSettings) -> pulumi.Input[str]:
        """The image to run: a repository of this registry by tag or digest, or a full URI."""
        if image.uri is not None:
            return image.uri
        url = self.repository_urls[str(image.repository)]
        if image.digest is not None:
            return pulumi.Output.concat(url, "@", image.digest)
        return pulumi.Output.concat(url, ":", str(image.tag))

    def repository_arn(self, image: ImageSettings) -> pulumi.Input[str] | None:
        """The ECR repository the execution role must pull from (None: not private ECR)."""
        if image.uri is not None:
            return ecr_repository_arn(image.uri)
        return self.repository_arns[str(image.repository)]

    def _repository(
        self, name: str, repository_name: str, args: RegistryArgs
    ) -> aws.ecr.Repository:
        settings = args.settings
        logical = f"{name}-{repository_name}"
        child = pulumi.ResourceOptions(parent=self)
        repository = aws.ecr.Repository(
            logical,
            name=args.naming.repository(repository_name),
            image_tag_mutability=settings.image_tag_mutability,
            image_scanning_configuration={"scan_on_push": True},
            encryption_configurations=[
                {"encryption_type": "KMS", "kms_key": settings.kms_key_arn}
                if settings.kms_key_arn
                else {"encryption_type": "KMS"}
            ],
            force_delete=settings.force_delete,
            tags=args.naming.tags("ecr", repository_name),
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        aws.ecr.LifecyclePolicy(
            logical,
            repository=repository.name,
            policy=lifecycle_policy(settings.lifecycle),
            opts=child,
        )
        if settings.pull_account_ids:
            aws.ecr.RepositoryPolicy(
                logical,
                repository=repository.name,
                policy=policies.document(
                    [
                        policies.statement(
                            PULL_ACTIONS,
                            sid="CrossAccountPull",
                            principals={
                                "AWS": [
                                    f"arn:aws:iam::{account}:root"
                                    for account in settings.pull_account_ids
                                ]
                            },
                        )
                    ]
                ),
                opts=child,
            )
        return repository
