"""With `network.natGateways: none`, what each service declares decides which VPC endpoints its
tasks need: a missing one is a task that never starts ("unable to pull secrets or registry auth
... context deadline exceeded", terraform-provider-aws#33044) or an API call that hangs.

Sources, per need:
- environment files: the agent reads them from S3 at task start (taskdef-envfiles.md);
- secrets from Secrets Manager / SSM Parameter Store: the ECS agent reads them at task start
  through `secretsmanager` / `ssm` (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/
  vpc-endpoints.html, "Create the Secrets Manager VPC endpoint" and the Systems Manager one);
- ECS Exec: the SSM agent in the task opens its channels through `ssmmessages` (same page, and
  https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html); with the customer
  log key (`logEncryption`) the task role also calls kms:Decrypt on it (components/service/
  iam.py), so `kms`;
- declared permissions: an action the task role is granted is a call the application makes, so
  its service's endpoint (sqs:..., cloudwatch:PutMetricData -> monitoring, kms:..., ...); a
  worker scaled on a queue reads that queue (`sqs`);
- an image outside ECR cannot be pulled at all: no endpoint reaches a public registry.
Service Connect is not derived: the AWS pages found name no endpoint for its proxy. A customer
key on a secret needs no endpoint: Secrets Manager and Parameter Store decrypt server-side.
The baseline (s3, ecr.api, ecr.dkr, logs; ecs, ecs-agent, ecs-telemetry with EC2 pools) is
settings/rules/network.py's private_subnets_reach_aws_without_nat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from settings.network import GATEWAY_ENDPOINTS, INTERFACE_ENDPOINTS
from settings.rules.problem import Problem, join_path
from settings.secrets import reference_service

if TYPE_CHECKING:
    from settings.platform import PlatformSettings
    from settings.service import ServiceSettings

# IAM service prefix -> the VPC endpoint its API answers on, where they differ.
ENDPOINT_OF_PREFIX = {"cloudwatch": "monitoring"}
ECR_REGISTRY = re.compile(r"^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/")


def _permission_needs(service: ServiceSettings) -> Iterator[tuple[str, str, str]]:
    known = set(INTERFACE_ENDPOINTS) | set(GATEWAY_ENDPOINTS)
    for index, permission in enumerate(service.permissions):
        for action in permission.actions:
            prefix = action.split(":", 1)[0]
            endpoint = ENDPOINT_OF_PREFIX.get(prefix, prefix)
            if endpoint in known:
                yield endpoint, join_path(["permissions", index, "actions"]), f"it calls {action}"


def service_needs(service: ServiceSettings, log_encryption: bool) -> Iterator[tuple[str, str, str]]:
    """(endpoint, key under services.<name>, why) for each endpoint the service's tasks call."""
    for variable, reference in sorted(service.secrets.items()):
        yield (
            reference_service(reference),
            f"secrets.{variable}",
            "it reads this secret at task start",
        )
    for index, sidecar in enumerate(service.sidecars):
        for variable, reference in sorted(sidecar.secrets.items()):
            key = join_path(["sidecars", index, "secrets", variable])
            yield reference_service(reference), key, "it reads this secret at task start"
    if service.task_environment_files:
        # ECS reads them from S3 at task start (taskdef-envfiles.md)
        key = "environmentFiles" if service.environment_files else "sidecars"
        yield "s3", key, "ECS reads its environment files from S3 at task start"
    if service.exec_enabled:
        yield "ssmmessages", "execEnabled", "ECS Exec opens its session channels there"
        if log_encryption:
            yield "kms", "execEnabled", "ECS Exec calls kms:Decrypt on the customer log key"
    if service.queue_name is not None:
        yield "sqs", "scaling.customMetric.queueName", "it reads its queue"
    yield from _permission_needs(service)


def _foreign_images(service: ServiceSettings) -> Iterator[tuple[str, str]]:
    if service.image.uri and not ECR_REGISTRY.match(service.image.uri):
        yield "image.uri", service.image.uri
    for index, sidecar in enumerate(service.sidecars):
        if not ECR_REGISTRY.match(sidecar.image):
            yield join_path(["sidecars", index, "image"]), sidecar.image


def declared_needs_reach_aws_without_nat(settings: PlatformSettings) -> Iterable[Problem]:
    """Each endpoint a service needs and the network lacks, named with the service and the key
    that needs it (one problem per endpoint and service)."""
    if settings.network.nat_gateways != "none" or not settings.network.creates_vpc:
        return
    have = set(settings.network.endpoints)
    for name, service in settings.services.items():
        reported: set[str] = set()
        for endpoint, key, why in service_needs(service, settings.log_encryption):
            if endpoint in have or endpoint in reported:
                continue
            reported.add(endpoint)
            yield Problem(
                f"services.{name}.{key}",
                f"natGateways is none and network.endpoints has no {endpoint}, which service"
                f" {name} needs ({why}); add {endpoint} to network.endpoints",
            )
        for key, image in _foreign_images(service):
            yield Problem(
                f"services.{name}.{key}",
                f"natGateways is none, so {image} cannot be pulled (no endpoint reaches a registry"
                " outside ECR); push it to an ECR repository or use a NAT",
            )


RULES = (declared_needs_reach_aws_without_nat,)
