"""A workload's `image.location` as an image URI and `image.build` as a registry repository
built by the application's CI (aws/copilot-cli site/content/docs/include/image.en.md,
image-config.en.md)."""

from __future__ import annotations

import re
from typing import Any

from migrate.copilot.context import Context
from migrate.copilot.values import has_placeholder, image_uri, placeholder
from settings.types import IMAGE_URI_PATTERN

BUILD_NOTE = (
    "Copilot built and pushed the image at `copilot deploy`; this project deploys images built"
    " elsewhere: the stack creates the registry repository {name}, the application's CI builds"
    " and pushes to it with the reusable workflow .github/workflows/build-image.yml (with:"
    " service: {name}, context: {context}, dockerfile: {dockerfile}; the stack's push role"
    " needs registry.pushFrom with the application's OWNER/REPO and ciAccess, docs/ci-roles.md)"
    " and dispatches the release that pins the digest (ecs-platform release {name} --stack"
    " STACK --digest ..., docs/delivery.md). Written: image.repository {name} and a placeholder"
    " tag"
)
# build-image.yml runs `docker build` with a context and a Dockerfile only.
BUILD_NOT_TAKEN = (
    "build-image.yml builds with a context and a Dockerfile only: add this to the docker build"
    " step of your copy of the workflow"
)


def location(context: Context, value: Any, path: str) -> None:
    uri, added = image_uri(str(value))
    if not re.match(IMAGE_URI_PATTERN, uri) and not has_placeholder(uri):
        context.put("image", {"uri": placeholder(f"a full image URI for {value}")})
        context.not_mapped(
            path,
            f"{value!r} is not an image reference this project takes"
            " (registry/name:tag): write it out (a placeholder is written)",
        )
        return
    context.put("image", {"uri": uri})
    # A private ECR repository of another account answers only principals its repository
    # policy names (ECR user guide, repository-policy-examples: "Allow another account").
    ecr = (
        "; an ECR repository: if it is in another account, its repository policy must let this"
        " stack's task execution role pull (ecr:BatchGetImage, ecr:GetDownloadUrlForLayer)"
        if re.match(r"^\d{12}\.dkr\.ecr\.", uri)
        else ""
    )
    repository = uri.split("/", 1)[-1].split("@")[0].rsplit(":", 1)[0]
    if ecr and repository.startswith(f"{context.app}/"):
        # Copilot's application stack made <app>/<workload> repositories (internal/pkg/
        # template/templates/app/cf.yml RepositoryName), emptied and deleted when Copilot
        # removes the workload (internal/pkg/cli/svc_delete.go emptyECRRepos).
        context.changed(path, f"image.uri {uri}: Copilot's own repository {repository}, which"
                        " copilot svc delete and app delete empty and delete: before removing"
                        " Copilot, push the image to this stack's registry (image.repository,"
                        " pinned with ecs-platform release) and point the file at it")  # fmt: skip
    elif added:
        context.changed(path, f"image.uri {uri}: written out with {' and '.join(added)}{ecr}")
    else:
        context.mapped(path, f"image.uri {uri}{ecr}")


def build(context: Context, value: Any, path: str) -> None:
    """Copilot's `image.build`: a Dockerfile path (its folder is the context), or a mapping with
    dockerfile, context, args, target, cache_from. Without a context, the Dockerfile's folder;
    without a Dockerfile, `Dockerfile` in the context (copilot-cli
    site/content/docs/include/image-config.en.md)."""
    tag = placeholder(f"the tag CI pushes to repository {context.name}")
    context.put("image", {"repository": context.name, "tag": tag})
    form = value if isinstance(value, dict) else {"dockerfile": value}
    given = form.get("context")
    dockerfile = str(form.get("dockerfile") or (f"{given}/Dockerfile" if given else "Dockerfile"))
    folder = dockerfile.rsplit("/", 1)[0] if "/" in dockerfile else "."
    inputs = {"context": str(given or folder), "dockerfile": dockerfile}
    context.changed(path, BUILD_NOTE.format(name=context.name, **inputs))
    for key in sorted(set(form) - {"dockerfile", "context"}) if isinstance(value, dict) else []:
        known = key in ("args", "target", "cache_from")
        context.not_mapped(f"{path}.{key}", BUILD_NOT_TAKEN if known else "unknown field")
