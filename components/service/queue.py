"""A queue worker's SQS queue: created here with its dead-letter queue, TLS-only policy and SNS
subscriptions, or an existing one by name or ARN; and the exact grants and variables derived
from it, so the queue is named once.

Sources: terraform-provider-aws internal/service/sqs/queue.go (attribute limits, FIFO names,
kms_master_key_id conflicts with sqs_managed_sse_enabled), queue_policy.go (the policy is set
with SetQueueAttributes and read back with GetQueueAttributes), and the SQS developer guide
pages cited beside each statement.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.common import policies
from components.common.naming import Naming
from components.common.policies import Statement
from settings.queue import (
    DEAD_LETTER_URL_VARIABLE,
    QUEUE_ARN_VARIABLE,
    QUEUE_NAME_VARIABLE,
    QUEUE_URL_VARIABLE,
    QueueRef,
    QueueSettings,
    encryption,
    queue_ref,
    sender_variable,
    visibility_timeout,
)
from settings.service import ServiceSettings

# What a consumer needs and nothing more (ReceiveMessage, then DeleteMessage on success,
# ChangeMessageVisibility to extend a long job, GetQueueAttributes for its backlog).
CONSUME_ACTIONS = (
    "sqs:ChangeMessageVisibility",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
)
SEND_ACTIONS = ("sqs:GetQueueAttributes", "sqs:SendMessage")
# SQS developer guide, "Key management": a consumer of a KMS-encrypted queue needs kms:Decrypt,
# a producer kms:GenerateDataKey and kms:Decrypt
# (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
CONSUME_KEY_ACTIONS = ("kms:Decrypt",)
SEND_KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")


@dataclass(frozen=True)
class QueueAddress:
    """Where a queue is: name, ARN and URL, and the customer key that encrypts it (if any)."""

    name: str
    arn: pulumi.Input[str]
    url: pulumi.Input[str]
    key_arn: pulumi.Input[str] | None = None
    dead_letter_name: str | None = None
    dead_letter_url: pulumi.Input[str] | None = None


def address(
    ref: QueueRef,
    *,
    region: str,
    account_id: pulumi.Input[str],
    key_arn: pulumi.Input[str] | None,
) -> QueueAddress:
    """A queue's ARN and URL from its name, region and account, known before it exists.

    URL form: https://sqs.<region>.amazonaws.com/<account>/<name>, as the provider parses it
    (terraform-provider-aws internal/service/sqs/queue.go, queueNameFromURL)."""
    region = ref.region or region
    account: pulumi.Input[str] = ref.account_id or account_id

    def url(name: str) -> pulumi.Output[str]:
        return pulumi.Output.concat("https://sqs.", region, ".amazonaws.com/", account, "/", name)

    return QueueAddress(
        name=ref.name,
        arn=pulumi.Output.concat("arn:aws:sqs:", region, ":", account, ":", ref.name),
        url=url(ref.name),
        key_arn=key_arn,
        dead_letter_name=ref.dead_letter_name,
        dead_letter_url=url(ref.dead_letter_name) if ref.dead_letter_name else None,
    )


def consume_statements(queue: QueueAddress) -> list[Statement]:
    statements = [policies.statement(CONSUME_ACTIONS, [queue.arn], sid="ConsumeOwnQueue")]
    if queue.key_arn is not None:
        statements.append(
            policies.statement(CONSUME_KEY_ACTIONS, [queue.key_arn], sid="DecryptOwnQueue")
        )
    return statements


def send_statements(queue: QueueAddress, worker: str) -> list[Statement]:
    sid = "".join(part.capitalize() for part in worker.split("-"))
    statements = [policies.statement(SEND_ACTIONS, [queue.arn], sid=f"SendTo{sid}Queue")]
    if queue.key_arn is not None:
        statements.append(
            policies.statement(SEND_KEY_ACTIONS, [queue.key_arn], sid=f"EncryptFor{sid}Queue")
        )
    return statements


def worker_environment(queue: QueueAddress) -> dict[str, pulumi.Input[str]]:
    variables: dict[str, pulumi.Input[str]] = {
        QUEUE_URL_VARIABLE: queue.url,
        QUEUE_ARN_VARIABLE: queue.arn,
        QUEUE_NAME_VARIABLE: queue.name,
    }
    if queue.dead_letter_url is not None:
        variables[DEAD_LETTER_URL_VARIABLE] = queue.dead_letter_url
    return variables


def tls_only_statement(queue_arn: pulumi.Input[str]) -> Statement:
    """Deny every request not sent over TLS (SQS developer guide, security best practices:
    "Enforce encryption of data in transit", the aws:SecureTransport condition;
    https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html)."""
    return policies.statement(
        ["sqs:*"],
        [queue_arn],
        effect="Deny",
        principals={"AWS": "*"},
        conditions={"Bool": {"aws:SecureTransport": "false"}},
        sid="DenyWithoutTls",
    )


def topics_statement(queue_arn: pulumi.Input[str], topic_arns: Sequence[str]) -> Statement:
    """SNS may send to the queue only for these topics (aws:SourceArn: the confused-deputy
    guard of the SQS guide's "least privilege policies" page,
    https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-least-privilege-policy.html)."""
    return policies.statement(
        ["sqs:SendMessage"],
        [queue_arn],
        principals={"Service": "sns.amazonaws.com"},
        conditions={"ArnEquals": {"aws:SourceArn": sorted(topic_arns)}},
        sid="SnsTopicsSend",
    )


@dataclass(frozen=True)
class QueueArgs:
    settings: QueueSettings
    ref: QueueRef
    naming: Naming
    stop_timeout_seconds: int
    stack_key_arn: pulumi.Input[str] | None
    protect: bool


@dataclass(frozen=True)
class CreatedQueue:
    queue: aws.sqs.Queue
    dead_letter: aws.sqs.Queue
    address: QueueAddress


def _sse(kind: str, key_arn: pulumi.Input[str] | None) -> dict[str, pulumi.Input[str] | bool]:
    # kms_master_key_id and sqs_managed_sse_enabled conflict (queue.go ConflictsWith).
    if kind == "kms" and key_arn is not None:
        return {"kms_master_key_id": key_arn}
    return {"sqs_managed_sse_enabled": True}


def create_queue(parent: pulumi.Resource, name: str, args: QueueArgs) -> CreatedQueue:
    """The queue and its dead-letter queue (same type, as SQS requires), each with a TLS-only
    policy, and the SNS subscriptions."""
    create = args.settings.create
    assert create is not None and args.ref.dead_letter_name is not None  # validated
    kind = encryption(create, args.stack_key_arn is not None)
    key_arn = args.stack_key_arn if kind == "kms" else None
    # Losing a queue loses its messages: a production tier protects both queues.
    child = pulumi.ResourceOptions(parent=parent, protect=args.protect)
    dead_letter = aws.sqs.Queue(
        f"{name}-dlq",
        name=args.ref.dead_letter_name,
        fifo_queue=create.fifo or None,
        message_retention_seconds=create.dead_letter_retention_seconds,
        tags=args.naming.tags(name, "dlq"),
        opts=child,
        **_sse(kind, key_arn),
    )
    queue = aws.sqs.Queue(
        f"{name}-queue",
        name=args.ref.name,
        fifo_queue=create.fifo or None,
        content_based_deduplication=create.content_based_deduplication,
        visibility_timeout_seconds=visibility_timeout(create, args.stop_timeout_seconds),
        message_retention_seconds=create.retention_seconds,
        receive_wait_time_seconds=create.receive_wait_seconds,
        # After maxReceiveCount receives without a delete, SQS moves the message to the DLQ
        # (SQS developer guide, "Using dead-letter queues").
        redrive_policy=dead_letter.arn.apply(
            lambda arn: json.dumps(
                {"deadLetterTargetArn": arn, "maxReceiveCount": create.max_receive_count}
            )
        ),
        tags=args.naming.tags(name, "queue"),
        opts=child,
        **_sse(kind, key_arn),
    )
    topics = [s.topic_arn for s in create.subscribe]
    plain = pulumi.ResourceOptions(parent=parent)
    for target, logical, extra in (
        (queue, f"{name}-queue", [topics_statement(queue.arn, topics)] if topics else []),
        (dead_letter, f"{name}-dlq", []),
    ):
        aws.sqs.QueuePolicy(
            logical,
            queue_url=target.url,
            policy=policies.document([tls_only_statement(target.arn), *extra]),
            opts=plain,
        )
    for subscription in create.subscribe:
        topic_name = subscription.topic_arn.rsplit(":", 1)[-1]
        aws.sns.TopicSubscription(
            f"{name}-from-{topic_name}",
            topic=subscription.topic_arn,
            protocol="sqs",
            endpoint=queue.arn,
            raw_message_delivery=subscription.raw_message_delivery,
            opts=plain,
        )
    return CreatedQueue(
        queue,
        dead_letter,
        QueueAddress(
            name=args.ref.name,
            arn=queue.arn,
            url=queue.url,
            key_arn=key_arn,
            dead_letter_name=args.ref.dead_letter_name,
            dead_letter_url=dead_letter.url,
        ),
    )


def sns_key_statement(topic_arns: Sequence[str]) -> Statement:
    """The key-policy statement that lets SNS encrypt into queues under the stack's key: SNS is
    a service principal, so IAM policies cannot grant it (SQS developer guide, "Key management",
    Configure KMS permissions for AWS services: kms:GenerateDataKey and kms:Decrypt)."""
    return policies.statement(
        SEND_KEY_ACTIONS,
        ["*"],  # in a key policy "*" means this key
        principals={"Service": "sns.amazonaws.com"},
        conditions={"ArnEquals": {"aws:SourceArn": sorted(set(topic_arns))}},
        sid="SnsTopicsEncryptIntoQueues",
    )


def queue_key(
    settings: QueueSettings, stack_key_arn: pulumi.Input[str] | None
) -> pulumi.Input[str] | None:
    """The customer key a consumer or producer must use: the stack's for a created kms queue,
    the declared one for an existing queue, none for SSE-SQS."""
    if settings.create is None:
        return settings.kms_key_arn
    return (
        stack_key_arn if encryption(settings.create, stack_key_arn is not None) == "kms" else None
    )


@dataclass(frozen=True)
class QueueWiring:
    """What a service gets from queues: its own queue, grants and container variables."""

    own: QueueAddress | None = None
    created: CreatedQueue | None = None
    statements: tuple[Statement, ...] = ()
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)

    @property
    def dead_letter_name(self) -> str | None:
        return self.own.dead_letter_name if self.own is not None else None


@dataclass(frozen=True)
class SendTarget:
    """A worker's queue another service may send to."""

    worker: str
    address: QueueAddress


def wire_queues(
    parent: pulumi.Resource,
    name: str,
    args: QueueArgs | None,
    *,
    existing: QueueAddress | None = None,
    sends_to: Sequence[SendTarget] = (),
) -> QueueWiring:
    """Create the service's queue if it declares `create`, and derive the exact grants and
    variables: consume rights on its own queue, send rights on the queues it may send to."""
    created = create_queue(parent, name, args) if args is not None else None
    own = created.address if created is not None else existing
    statements: list[Statement] = consume_statements(own) if own is not None else []
    environment = worker_environment(own) if own is not None else {}
    for target in sends_to:
        statements += send_statements(target.address, target.worker)
        environment[sender_variable(target.worker)] = target.address.url
    return QueueWiring(own, created, tuple(statements), environment)


@dataclass(frozen=True)
class ServiceQueues:
    """A service's part in the stack's queues, planned from the settings before any exists."""

    ref: QueueRef | None = None
    create: QueueArgs | None = None
    existing: QueueAddress | None = None
    sends_to: tuple[SendTarget, ...] = ()


def plan_queues(
    services: Mapping[str, ServiceSettings],
    *,
    deployed_names: Mapping[str, str] | None = None,
    naming: Naming,
    region: str,
    account_id: pulumi.Input[str],
    stack_key_arn: pulumi.Input[str] | None,
    protect: bool,
) -> dict[str, ServiceQueues]:
    """Every service's queue (created or existing) and the queues it may send to; a renamed
    service's (`deployed_names`: key -> the name its resources carry) under its old name."""
    built_as = deployed_names or {}
    refs = {
        name: ref
        for name, service in services.items()
        if service.queue is not None
        and (ref := queue_ref(naming.prefix, built_as.get(name, name), service.queue)) is not None
    }
    addresses = {
        name: address(
            ref,
            region=region,
            account_id=account_id,
            key_arn=queue_key(services[name].queue, stack_key_arn),  # type: ignore[arg-type]
        )
        for name, ref in refs.items()
    }
    planned = {}
    for name, service in services.items():
        ref = refs.get(name)
        queue = service.queue
        sends_to = tuple(
            SendTarget(built_as.get(worker, worker), addresses[worker])
            for worker, other in services.items()
            if worker in addresses and other.queue is not None and name in other.queue.senders
        )
        create = (
            QueueArgs(queue, ref, naming, service.stop_timeout_seconds, stack_key_arn, protect)
            if queue is not None and ref is not None and ref.created
            else None
        )
        existing = addresses[name] if ref is not None and not ref.created else None
        planned[name] = ServiceQueues(ref, create, existing, sends_to)
    return planned


def stack_key_statements(services: Mapping[str, ServiceSettings]) -> tuple[Statement, ...]:
    """What the stack key's policy adds for queues under it: SNS for the topics that deliver
    into them (none without subscriptions)."""
    topics = {
        subscription.topic_arn
        for service in services.values()
        if service.queue is not None and service.queue.create is not None
        if encryption(service.queue.create, stack_has_key=True) == "kms"
        for subscription in service.queue.create.subscribe
    }
    return (sns_key_statement(sorted(topics)),) if topics else ()
