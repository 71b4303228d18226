"""Task definition revisions of a service, and the image a rollback went back to.

`revisions`: the family's revisions, newest first (sorted here by revision number: ListTask
Definitions' `sort` is not honoured everywhere, and the number is what counts), each with its
main container's image, which deployments use it, and whether it runs the stack file's image.

`previous_digest`: after ECS rolled a deployment back, the digest the service runs again (the
source service revision's `containerImages[].imageDigest`, DescribeServiceRevisions), so the
stack file can be pinned to it and the next `pulumi up` does not deploy the bad image again
(the complaint of aws/copilot-cli#4838 and kayac/ecspresso#1047).
"""

from __future__ import annotations

from typing import Any

from ops import service_deployments
from ops.stack import ServiceNames

SHOWN = 10


def _main_image(definition: dict[str, Any], container: str) -> str | None:
    for item in definition.get("containerDefinitions") or []:
        if item.get("name") == container:
            return str(item.get("image"))
    return None


def stack_file_image(names: ServiceNames) -> str:
    """What the stack file pins: `@<digest>`, `:<tag>` or a full uri."""
    image = names.settings.image
    return f"@{image.digest}" if image.digest else f":{image.tag}" if image.tag else str(image.uri)


def revisions(
    ecs: Any, cluster: str, names: ServiceNames, shown: int = SHOWN
) -> list[dict[str, Any]]:
    arns: list[str] = []
    pages = ecs.get_paginator("list_task_definitions").paginate(familyPrefix=names.family)
    for page in pages:
        arns += [
            a
            for a in page.get("taskDefinitionArns") or []
            if a.split("/")[-1].rsplit(":", 1)[0] == names.family
        ]
    newest = sorted(arns, key=lambda arn: int(arn.rsplit(":", 1)[-1]), reverse=True)[:shown]
    service = ecs.describe_services(cluster=cluster, services=[names.service])
    in_use: dict[str, list[str]] = {}
    for found in service.get("services") or []:
        for deployment in found.get("deployments") or []:
            in_use.setdefault(deployment.get("taskDefinition"), []).append(deployment["status"])
    pinned = stack_file_image(names)
    rows = []
    for arn in newest:
        definition = ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"]
        image = _main_image(definition, names.main_container)
        rows.append(
            {
                "revision": int(arn.rsplit(":", 1)[-1]),
                "arn": arn,
                "registeredAt": definition.get("registeredAt"),
                "image": image,
                "inUse": in_use.get(arn, []),
                "stackFileImage": bool(image and image.endswith(pinned)),
            }
        )
    return rows


def previous_digest(ecs: Any, deployment_arn: str, container: str) -> str | None:
    """The image digest `container` had in the revision the deployment started from."""
    (deployment,) = service_deployments.describe(ecs, [deployment_arn])
    sources = [s["arn"] for s in deployment.get("sourceServiceRevisions") or [] if s.get("arn")]
    if not sources:
        return None
    found = ecs.describe_service_revisions(serviceRevisionArns=sources[:1])
    for revision in found.get("serviceRevisions") or []:
        for image in revision.get("containerImages") or []:
            if image.get("containerName") == container and image.get("imageDigest"):
                return str(image["imageDigest"])
    return None
