"""The SQS policies: a queue of the `queues` fixture broken is reported, as synthesized it is not;
the dead-letter queue itself needs no dead-letter queue."""

from __future__ import annotations

from typing import Any

import pytest
from ecs_platform_policies.model import Resource
from policy_offline import policy_resources
from queue_cases import QUEUE, QUEUE_CASES, SQS_MANAGED, WORKER
from test_policy_rules import flagged

from harness.engine import run_program
from settings.stack_files import read_stack_config

from conftest import FIXTURES


@pytest.fixture(scope="module")
def queue_resources() -> list[Resource]:
    return policy_resources(
        run_program("queues", stack_config=read_stack_config("queues", FIXTURES))
    )


@pytest.mark.parametrize("policy", sorted(QUEUE_CASES))
def test_compliant_queue_passes(policy: str, queue_resources: list[Resource]) -> None:
    assert QUEUE_CASES[policy].flagged in {(r.type, r.name) for r in queue_resources}
    assert flagged(policy, queue_resources) == set()


@pytest.mark.parametrize("policy", sorted(QUEUE_CASES))
def test_broken_queue_is_reported(policy: str, queue_resources: list[Resource]) -> None:
    case = QUEUE_CASES[policy]
    assert case.flagged in flagged(policy, case.breaks(queue_resources))


def test_sse_sqs_counts_as_encrypted(queue_resources: list[Any]) -> None:
    without_key = QUEUE_CASES["sqs-1-encryption-at-rest"].breaks(queue_resources)
    assert WORKER not in flagged("sqs-1-encryption-at-rest", SQS_MANAGED(without_key))


def test_the_dead_letter_queue_is_recognised_by_the_redrive_target(
    queue_resources: list[Resource],
) -> None:
    assert (QUEUE, "worker-dlq") not in flagged("sqs-dead-letter-queue", queue_resources)
    broken = QUEUE_CASES["sqs-dead-letter-queue"].breaks(queue_resources)
    # without the worker's redrive policy nothing points at the DLQ any more
    assert (QUEUE, "worker-dlq") in flagged("sqs-dead-letter-queue", broken)
