"""ECR facts both the registry and the services' roles need: the pull actions and image ARNs."""

from __future__ import annotations

PULL_ACTIONS = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
)


def ecr_repository_arn(image_uri: str) -> str | None:
    """The ECR repository ARN of a full private-ECR image URI, None for other registries."""
    registry, _, rest = image_uri.partition("/")
    parts = registry.split(".")
    if len(parts) < 6 or parts[1:3] != ["dkr", "ecr"]:
        return None
    repository = rest.split("@")[0].rsplit(":", 1)[0]
    return f"arn:aws:ecr:{parts[3]}:{parts[0]}:repository/{repository}"
