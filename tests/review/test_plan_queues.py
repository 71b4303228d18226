"""The plan's queue section and the SQS request cost hook, on the `queues` fixture."""

from __future__ import annotations

import pytest

from cost import estimate, load_prices
from cost.usage import usage_pricer
from cost.usage_file import Usage
from harness.engine import run_program
from harness.records import Synthesis
from review.plan import build_plan, render_text
from settings.stack_files import read_stack_config

from conftest import FIXTURES


@pytest.fixture(scope="module")
def queues() -> Synthesis:
    return run_program("queues", stack_config=read_stack_config("queues", FIXTURES))


def test_plan_shows_each_queue_with_its_dead_letter_queue_and_access(queues: Synthesis) -> None:
    plan = build_plan(queues)
    by_name = {entry["queue"]: entry for entry in plan["queues"]}
    assert set(by_name) == {"ecs-platform-queues-worker", "reports-requests"}  # no DLQ entry
    worker = by_name["ecs-platform-queues-worker"]
    assert worker["created"] is True
    assert worker["deadLetterQueue"] == "ecs-platform-queues-worker-dlq"
    assert worker["maxReceiveCount"] == 5
    assert worker["receivers"] == ["role ecs-platform-queues-worker-task"]
    assert worker["senders"] == [
        "role ecs-platform-queues-api-task",
        "sns arn:aws:sns:eu-west-1:123456789012:orders-events",
    ]
    reports = by_name["reports-requests"]
    assert (reports["created"], reports["senders"]) == (False, [])
    assert reports["receivers"] == ["role ecs-platform-queues-reports-task"]
    text = render_text(plan)
    assert "ecs-platform-queues-worker (created, dead-letter ecs-platform-queues-worker-dlq" in text


def test_sqs_requests_are_counted_only_from_a_usage_file(queues: Synthesis) -> None:
    table = load_prices("eu-west-1")
    without = estimate(queues.resources, table)
    assert not any(item.price_key == "sqsRequestsMillion" for item in without.items)
    usage = Usage.model_validate({"sqsRequestsPerMonth": 30_000_000})
    with_usage = estimate(queues.resources, table, usage_pricer(usage))
    (item,) = [i for i in with_usage.items if i.price_key == "sqsRequestsMillion"]
    assert item.quantity == 30
    assert item.price_key == "sqsRequestsMillion"
    price = table.price("sqsRequestsMillion")
    assert item.monthly == (None if price is None else 30 * price)
