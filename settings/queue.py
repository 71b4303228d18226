"""A queue worker's SQS queue (`services.<name>.queue`): created with its dead-letter queue, or
an existing one referenced by name or ARN. Also the one place that resolves which queue a
service works on (its name, ARN parts and environment variables), for rules and components."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from settings.names import fit
from settings.types import (
    QUEUE_REFERENCE_PATTERN,
    TOPIC_ARN_PATTERN,
    KmsKeyArn,
    Settings,
    unique,
)

# SQS limits, as the provider validates them (terraform-provider-aws
# internal/service/sqs/queue.go: visibility_timeout_seconds 0-43200 (12 h),
# message_retention_seconds 60-1209600 (14 days), receive wait 0-20 s).
MAX_VISIBILITY_TIMEOUT = 43_200
MIN_RETENTION, MAX_RETENTION = 60, 1_209_600
FIFO_SUFFIX = ".fifo"
# The variables a worker's container gets (docs/queue-workers.md names them).
QUEUE_URL_VARIABLE = "SQS_QUEUE_URL"
QUEUE_ARN_VARIABLE = "SQS_QUEUE_ARN"
QUEUE_NAME_VARIABLE = "SQS_QUEUE_NAME"
DEAD_LETTER_URL_VARIABLE = "SQS_DEAD_LETTER_QUEUE_URL"


def sender_variable(worker: str) -> str:
    """What a sending service calls the URL of worker `worker`'s queue."""
    return f"SQS_{worker.upper().replace('-', '_')}_QUEUE_URL"


class SubscriptionSettings(Settings):
    """An SNS topic whose messages land in the queue."""

    topic_arn: Annotated[str, Field(pattern=TOPIC_ARN_PATTERN)] = Field(
        description="The topic (its owner must allow the subscription if in another account)."
    )
    raw_message_delivery: bool = Field(
        True, description="Deliver the message body as published, not wrapped in SNS's JSON."
    )


class QueueCreateSettings(Settings):
    """A queue this stack creates, with its dead-letter queue."""

    fifo: bool = Field(False, description="A FIFO queue (its name ends in .fifo).")
    content_based_deduplication: bool | None = Field(
        None, description="FIFO only: deduplicate by a SHA-256 of the body (default false)."
    )
    encryption: Literal["kms", "sqs-managed"] | None = Field(
        None,
        description="kms: the stack's KMS key (logEncryption); sqs-managed: SSE-SQS."
        " Default: kms when the stack has its key, sqs-managed otherwise.",
    )
    processing_seconds: int = Field(
        60, ge=1, le=MAX_VISIBILITY_TIMEOUT, description="The longest one message takes."
    )
    visibility_timeout_seconds: int | None = Field(
        None,
        ge=0,
        le=MAX_VISIBILITY_TIMEOUT,
        description="Default: processingSeconds + the service's stopTimeoutSeconds (a message"
        " received just before SIGTERM still finishes); at least both, at most 12 hours.",
    )
    retention_seconds: int = Field(
        345_600, ge=MIN_RETENTION, le=MAX_RETENTION, description="Message retention (4 days)."
    )
    receive_wait_seconds: int = Field(
        20, ge=0, le=20, description="Long polling: ReceiveMessage waits this long for messages."
    )
    max_receive_count: int = Field(
        5, ge=1, le=1000, description="Receives before a message moves to the dead-letter queue."
    )
    dead_letter_retention_seconds: int = Field(
        MAX_RETENTION,
        ge=MIN_RETENTION,
        le=MAX_RETENTION,
        description="Dead-letter retention (14 days; keep it above retentionSeconds).",
    )
    subscribe: Annotated[list[SubscriptionSettings], Field(max_length=20)] = Field(
        default_factory=list, description="SNS topics delivering into the queue."
    )


class QueueSettings(Settings):
    """Either `create` (the platform makes the queue) or `existing` (a name or ARN)."""

    create: QueueCreateSettings | None = Field(None, description="Create the queue here.")
    existing: Annotated[str, Field(pattern=QUEUE_REFERENCE_PATTERN)] | None = Field(
        None, description="An outside queue: its name (this account and region) or ARN."
    )
    kms_key_arn: KmsKeyArn | None = Field(
        None, description="existing only: the customer key that encrypts it (for kms:Decrypt)."
    )
    senders: Annotated[list[str], AfterValidator(unique)] = Field(
        default_factory=list,
        description="Services of this stack that may send to it (the worker itself included"
        " only if listed).",
    )


@dataclass(frozen=True)
class QueueRef:
    """Which queue a service works on, as far as settings alone tell."""

    name: str
    created: bool
    fifo: bool
    region: str | None = None  # None: the stack's
    account_id: str | None = None  # None: the stack's
    dead_letter_name: str | None = None


def _fifo_name(prefix: str, fifo: bool, *parts: str) -> str:
    if not fifo:
        return fit("sqs-queue", prefix, *parts)
    return fit("sqs-fifo-queue", prefix, *parts) + FIFO_SUFFIX


def queue_ref(prefix: str, service_name: str, queue: QueueSettings) -> QueueRef | None:
    """The declared queue: a created one's physical names, or an existing one's parts."""
    if queue.create is not None:
        fifo = queue.create.fifo
        return QueueRef(
            name=_fifo_name(prefix, fifo, service_name),
            created=True,
            fifo=fifo,
            dead_letter_name=_fifo_name(prefix, fifo, service_name, "dlq"),
        )
    if queue.existing is None:
        return None
    if queue.existing.startswith("arn:"):
        # arn:<partition>:sqs:<region>:<account>:<name>
        _, _, _, region, account, name = queue.existing.split(":", 5)
        return QueueRef(name, False, name.endswith(FIFO_SUFFIX), region, account)
    return QueueRef(queue.existing, False, queue.existing.endswith(FIFO_SUFFIX))


def visibility_timeout(create: QueueCreateSettings, stop_timeout_seconds: int) -> int:
    """The declared visibility timeout, or processing time plus the stop timeout (capped)."""
    if create.visibility_timeout_seconds is not None:
        return create.visibility_timeout_seconds
    return min(create.processing_seconds + stop_timeout_seconds, MAX_VISIBILITY_TIMEOUT)


def encryption(create: QueueCreateSettings, stack_has_key: bool) -> str:
    if create.encryption is not None:
        return create.encryption
    return "kms" if stack_has_key else "sqs-managed"
