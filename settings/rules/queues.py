"""Rules for `services.*.queue` and the scaling that reads it: one queue named once, and the
contradictions between the queue, the worker's timeouts and its scaling refused."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.queue import (
    DEAD_LETTER_URL_VARIABLE,
    FIFO_SUFFIX,
    QUEUE_ARN_VARIABLE,
    QUEUE_NAME_VARIABLE,
    QUEUE_URL_VARIABLE,
    QueueCreateSettings,
    queue_ref,
    sender_variable,
    visibility_timeout,
)
from settings.rules.problem import Problem, join_path

if TYPE_CHECKING:
    from settings.platform import PlatformSettings
    from settings.service import ServiceSettings

WORKER_VARIABLES = (
    QUEUE_URL_VARIABLE,
    QUEUE_ARN_VARIABLE,
    QUEUE_NAME_VARIABLE,
    DEAD_LETTER_URL_VARIABLE,
)


def _path(name: str, *parts: str | int) -> str:
    return join_path(["services", name, *parts])


def prefix(settings: PlatformSettings) -> str:
    return f"{settings.project}-{settings.stack}"


def queue_shape(settings: PlatformSettings) -> Iterable[Problem]:
    for name, service in settings.services.items():
        queue = service.queue
        if queue is None:
            continue
        if (queue.create is None) == (queue.existing is None):
            yield Problem(_path(name, "queue"), "give create or existing (exactly one)")
        if queue.kms_key_arn is not None and queue.existing is None:
            yield Problem(
                _path(name, "queue", "kmsKeyArn"),
                "only for an existing queue: a created queue uses create.encryption",
            )
        for index, sender in enumerate(queue.senders):
            if sender not in settings.services:
                yield Problem(
                    _path(name, "queue", "senders", index),
                    f"{sender!r} is not a service of this stack",
                )
        ref = queue_ref(prefix(settings), settings.deployed_name(name), queue)
        if ref is not None and ref.region is not None and ref.region != settings.region:
            yield Problem(
                _path(name, "queue", "existing"),
                f"the queue is in {ref.region}, the stack in {settings.region}: its metrics"
                " (scaling, alarms) are not visible here",
            )
        if queue.create is not None:
            yield from _created(settings, name, service, queue.create)
        yield from _variables(settings, name, service)


def _created(
    settings: PlatformSettings, name: str, service: ServiceSettings, create: QueueCreateSettings
) -> Iterable[Problem]:
    base = ["queue", "create"]
    if create.content_based_deduplication is not None and not create.fifo:
        # CreateQueue refuses it too (the provider's CustomizeDiff: "content-based
        # deduplication can only be set for FIFO queue").
        yield Problem(
            _path(name, *base, "contentBasedDeduplication"),
            "is a FIFO option but the queue is standard: set fifo: true or remove it",
        )
    visibility = visibility_timeout(create, service.stop_timeout_seconds)
    if create.visibility_timeout_seconds is not None:
        for limit, key in (
            (service.stop_timeout_seconds, "stopTimeoutSeconds"),
            (create.processing_seconds, "queue.create.processingSeconds"),
        ):
            if visibility < limit:
                yield Problem(
                    _path(name, *base, "visibilityTimeoutSeconds"),
                    f"{visibility} is shorter than {key} {limit}: a message still being"
                    " processed would be received again by another task",
                )
    if create.dead_letter_retention_seconds < create.retention_seconds:
        # Standard queues keep the original enqueue timestamp in the DLQ (SQS developer
        # guide, "Setting-up dead-letter queue retention"): a shorter DLQ retention drops
        # messages before anyone looks at them.
        yield Problem(
            _path(name, *base, "deadLetterRetentionSeconds"),
            f"{create.dead_letter_retention_seconds} is below retentionSeconds"
            f" {create.retention_seconds}: failed messages would expire early",
        )
    if create.encryption == "kms" and not settings.log_encryption:
        yield Problem(
            _path(name, *base, "encryption"),
            "kms uses the stack's key, which logEncryption: false turns off; use sqs-managed",
        )
    for index, subscription in enumerate(create.subscribe):
        if subscription.topic_arn.endswith(FIFO_SUFFIX) != create.fifo:
            kind = "FIFO" if create.fifo else "standard"
            yield Problem(
                _path(name, *base, "subscribe", index, "topicArn"),
                f"a {kind} queue subscribes only to {kind} topics (SNS FIFO topics deliver to"
                " FIFO queues, standard topics to standard queues)",
            )


def _variables(
    settings: PlatformSettings, name: str, service: ServiceSettings
) -> Iterable[Problem]:
    assert service.queue is not None
    for variable in WORKER_VARIABLES:
        if variable in service.environment:
            yield Problem(
                _path(name, "environment", variable),
                "is set by the platform from queue (its URL, ARN and name): remove it",
            )
    for sender in service.queue.senders:
        other = settings.services.get(sender)
        variable = sender_variable(settings.deployed_name(name))  # a rename keeps it
        if other is not None and variable in other.environment:
            yield Problem(
                _path(sender, "environment", variable),
                f"is set by the platform (this service sends to {name}'s queue): remove it",
            )


def queue_scaling(settings: PlatformSettings) -> Iterable[Problem]:
    insights = settings.cluster.container_insights != "disabled"
    for name, service in settings.services.items():
        rule = service.scaling
        if rule is None:
            continue
        metric = rule.custom_metric
        deployed = settings.deployed_name(name)
        declared = queue_ref(prefix(settings), deployed, service.queue) if service.queue else None
        named = metric.queue_name if metric is not None else None
        if named is not None and declared is not None and named != declared.name:
            yield Problem(
                _path(name, "scaling", "customMetric", "queueName"),
                f"{named!r} is not the declared queue {declared.name!r}: remove queueName"
                " (scaling follows queue) or make them agree",
            )
        if rule.backlog_per_task is None:
            continue
        if declared is None and (metric is None or metric.queue_name is None):
            yield Problem(
                _path(name, "scaling", "backlogPerTask"), "needs a queue (services.<name>.queue)"
            )
        if not insights:
            yield Problem(
                _path(name, "scaling", "backlogPerTask"),
                "divides by RunningTaskCount, which needs cluster.containerInsights",
            )


RULES = (queue_shape, queue_scaling)
