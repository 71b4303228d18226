"""SQS queues: encrypted at rest, a dead-letter queue behind every queue that is not one itself,
no access without TLS, and protect=True in production."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from .model import Context, Resource, Rule, as_json, as_list, truthy

QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"


def queue_encrypted(queue: Resource, _: Context) -> Iterator[str]:
    if not queue.get("kmsMasterKeyId") and not truthy(queue.get("sqsManagedSseEnabled")):
        yield "queue is not encrypted (kmsMasterKeyId or sqsManagedSseEnabled)"


def _dead_letter_names(queues: Sequence[Resource]) -> tuple[set[str], set[str]]:
    """(URNs, names) of the queues some queue's redrivePolicy targets."""
    urns: set[str] = set()
    names: set[str] = set()
    for queue in queues:
        urns |= set(queue.property_dependencies.get("redrivePolicy", ()))
        redrive = as_json(queue.get("redrivePolicy"))
        if isinstance(redrive, Mapping) and redrive.get("deadLetterTargetArn"):
            names.add(str(redrive["deadLetterTargetArn"]).rsplit(":", 1)[-1])
    return urns, names


def queues_have_dead_letter(
    resources: Sequence[Resource], _: Context
) -> Iterator[tuple[Resource, str]]:
    queues = [r for r in resources if r.type == QUEUE]
    urns, names = _dead_letter_names(queues)
    for queue in queues:
        if queue.get("redrivePolicy"):
            continue
        if queue.urn in urns or str(queue.get("name")) in names:
            continue  # it is a dead-letter queue
        yield queue, "queue has no redrivePolicy (dead-letter queue with maxReceiveCount)"


def _denies_plain_http(statement: Mapping[str, object]) -> bool:
    condition = statement.get("Condition")
    if statement.get("Effect") != "Deny" or not isinstance(condition, Mapping):
        return False
    for operator in ("Bool", "BoolIfExists"):
        values = condition.get(operator)
        if isinstance(values, Mapping) and str(values.get("aws:SecureTransport")) == "false":
            return True
    return False


def queues_deny_plain_http(
    resources: Sequence[Resource], _: Context
) -> Iterator[tuple[Resource, str]]:
    guarded: set[str] = set()
    for policy in (r for r in resources if r.type == QUEUE_POLICY):
        document = as_json(policy.get("policy"))
        statements = as_list(document.get("Statement")) if isinstance(document, Mapping) else []
        if any(isinstance(s, Mapping) and _denies_plain_http(s) for s in statements):
            guarded |= set(policy.property_dependencies.get("queueUrl", ()))
            guarded.add(str(policy.get("queueUrl")).rsplit("/", 1)[-1])
    for queue in (r for r in resources if r.type == QUEUE):
        if queue.urn not in guarded and str(queue.get("name")) not in guarded:
            yield queue, "no queue policy denies requests without TLS (aws:SecureTransport)"


def queue_protected(queue: Resource, _: Context) -> Iterator[str]:
    if not queue.protect:
        yield "production queue is not protect=True (deleting it loses its messages)"


QUEUE_RULES: tuple[Rule, ...] = (
    Rule(
        "sqs-1-encryption-at-rest",
        "SQS.1",
        "Queues are encrypted at rest (SSE-KMS or SSE-SQS).",
        "Set services.<name>.queue.create.encryption (kms or sqs-managed).",
        (QUEUE,),
        queue_encrypted,
    ),
    Rule(
        "sqs-dead-letter-queue",
        "platform (queues)",
        "Every queue that is not itself a dead-letter queue has one (redrivePolicy).",
        "Create queues with services.<name>.queue.create (it adds the dead-letter queue).",
        stack_check=queues_have_dead_letter,
    ),
    Rule(
        "sqs-tls-only",
        "platform (queues)",
        "Every queue's policy denies requests made without TLS.",
        "Attach a queue policy with a Deny on aws:SecureTransport false (created queues have it).",
        stack_check=queues_deny_plain_http,
    ),
    Rule(
        "sqs-production-protected",
        "platform (data protection)",
        "Production queues are protect=True.",
        "Register the queue with ResourceOptions(protect=True) in a production tier.",
        (QUEUE,),
        queue_protected,
        tiers=("production",),
    ),
)
