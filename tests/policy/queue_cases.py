"""Broken and compliant cases of the SQS policies, on the `queues` fixture (prod has no queue)."""

from __future__ import annotations

from policy_cases import drop, edit, protect, remover, setter
from test_policy_rules import Case

QUEUE = "aws:sqs/queue:Queue"
WORKER = (QUEUE, "worker-queue")

QUEUE_CASES: dict[str, Case] = {
    "sqs-1-encryption-at-rest": Case(WORKER, edit(*WORKER, remover("kmsMasterKeyId"))),
    "sqs-dead-letter-queue": Case(WORKER, edit(*WORKER, remover("redrivePolicy"))),
    "sqs-tls-only": Case(WORKER, drop("aws:sqs/queuePolicy:QueuePolicy", "worker-queue")),
    "sqs-production-protected": Case(WORKER, protect(*WORKER, value=False)),
}
# The SSE-SQS form passes the encryption rule too.
SQS_MANAGED = edit(*WORKER, setter("sqsManagedSseEnabled", value=True))
