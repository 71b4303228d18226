"""Bad `ciAccess` settings are refused with one clear line each, before any resource exists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from conftest import problems

GITHUB_REPOSITORY = "a GitHub repository OWNER/REPO (like my-org/ecs-platform)"
PROVIDER_ARN = (
    "the ARN of GitHub's OIDC provider"
    " (arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com)"
)


def ci(**changes: Any) -> Callable[[dict[str, Any]], None]:
    return lambda config: config["ecs-platform:ciAccess"].update(changes)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            ci(repository="ecs-platform"),
            f"ciAccess.repository: 'ecs-platform' is not {GITHUB_REPOSITORY}",
            id="no owner",
        ),
        pytest.param(
            ci(repository="my-org/*"),
            f"ciAccess.repository: 'my-org/*' is not {GITHUB_REPOSITORY}",
            id="wildcard repository",
        ),
        pytest.param(
            ci(repository="-org/repo"),
            f"ciAccess.repository: '-org/repo' is not {GITHUB_REPOSITORY}",
            id="owner starting with a hyphen",
        ),
        pytest.param(
            ci(repository=f"{'o' * 40}/repo"),
            f"ciAccess.repository: '{'o' * 40}/repo' is not {GITHUB_REPOSITORY}",
            id="owner longer than 39",
        ),
        pytest.param(
            ci(
                oidcProviderArn="arn:aws:iam::123:oidc-provider/token.actions.githubusercontent.com"
            ),
            "ciAccess.oidcProviderArn: 'arn:aws:iam::123:oidc-provider/"
            f"token.actions.githubusercontent.com' is not {PROVIDER_ARN}",
            id="short account id",
        ),
        pytest.param(
            ci(oidcProviderArn="arn:aws:iam::123456789012:oidc-provider/accounts.google.com"),
            "ciAccess.oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/"
            f"accounts.google.com' is not {PROVIDER_ARN}",
            id="another provider",
        ),
        pytest.param(
            ci(deployEnvironment="prod*"),
            "ciAccess.deployEnvironment: 'prod*' is not a GitHub environment name"
            " (letters, digits, _ . -)",
            id="wildcard environment",
        ),
        pytest.param(
            ci(ownerId="12ab"),
            "ciAccess.ownerId: '12ab' is not a numeric GitHub id",
            id="non-numeric owner id",
        ),
        pytest.param(
            ci(ownerId="1234"),
            "ciAccess.repositoryId: ownerId and repositoryId go together"
            " (the immutable-id subject needs both)",
            id="owner id alone",
        ),
        pytest.param(
            ci(repositoryId="1234"),
            "ciAccess.ownerId: ownerId and repositoryId go together"
            " (the immutable-id subject needs both)",
            id="repository id alone",
        ),
        pytest.param(
            ci(stateBucketArn="s3://my-state"),
            "ciAccess.stateBucketArn: 's3://my-state' is not an S3 bucket ARN"
            " (arn:aws:s3:::<bucket>)",
            id="bucket URL instead of ARN",
        ),
    ],
)
def test_bad_ci_access_is_refused_with_one_clear_line(stack: str, change, expected) -> None:
    assert problems(stack, change) == [f"Pulumi.{stack}.yaml: {expected}"]


def test_ci_access_needs_a_repository_and_an_environment() -> None:
    def empty(config: dict[str, Any]) -> None:
        config["ecs-platform:ciAccess"] = {}

    lines = problems("prod", empty)
    assert [line.split(": ")[1] for line in lines] == [
        "ciAccess.repository",
        "ciAccess.deployEnvironment",
    ]
