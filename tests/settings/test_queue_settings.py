"""Refusals of `services.<name>.queue` and the scaling that reads it, each naming the stack file
and the key, raised before any resource is registered (the `queues` fixture, changed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from harness.engine import SynthesisError, run_program
from settings.loader import SettingsError
from settings.queue import QueueCreateSettings, visibility_timeout
from settings.stack_files import read_stack_config

from conftest import FIXTURES

Config = dict[str, Any]
FILE = "Pulumi.queues.yaml"


def problems(change: Callable[[Config], Any]) -> list[str]:
    config = read_stack_config("queues", FIXTURES)
    change(config)
    with pytest.raises(SynthesisError) as failure:
        run_program("queues", stack_config=config)
    assert failure.value.resources == []
    assert isinstance(failure.value.cause, SettingsError)
    return failure.value.cause.lines


def service(name: str, change: Callable[[dict], Any]) -> Callable[[Config], Any]:
    return lambda config: change(config["ecs-platform:services"][name])


def create(change: Callable[[dict], Any]) -> Callable[[Config], Any]:
    return service("worker", lambda s: change(s["queue"]["create"]))


BAD = [
    (
        "scaling queue other than the declared one",
        service("worker", lambda s: s["scaling"]["customMetric"].update(queueName="other-q")),
        [
            "services.worker.scaling.customMetric.queueName: 'other-q' is not the declared queue"
            " 'ecs-platform-queues-worker': remove queueName (scaling follows queue) or make"
            " them agree"
        ],
    ),
    (
        "visibility timeout shorter than stop timeout",
        create(lambda c: c.update(visibilityTimeoutSeconds=40, processingSeconds=30)),
        [
            "services.worker.queue.create.visibilityTimeoutSeconds: 40 is shorter than"
            " stopTimeoutSeconds 60: a message still being processed would be received again"
            " by another task"
        ],
    ),
    (
        "visibility timeout shorter than processing time",
        create(lambda c: c.update(visibilityTimeoutSeconds=90)),
        [
            "services.worker.queue.create.visibilityTimeoutSeconds: 90 is shorter than"
            " queue.create.processingSeconds 120: a message still being processed would be"
            " received again by another task"
        ],
    ),
    (
        "FIFO option on a standard queue",
        create(lambda c: c.update(contentBasedDeduplication=True)),
        [
            "services.worker.queue.create.contentBasedDeduplication: is a FIFO option but the"
            " queue is standard: set fifo: true or remove it"
        ],
    ),
    (
        "standard topic into a FIFO queue",
        create(lambda c: c.update(fifo=True)),
        [
            "services.worker.queue.create.subscribe[0].topicArn: a FIFO queue subscribes only"
            " to FIFO topics (SNS FIFO topics deliver to FIFO queues, standard topics to"
            " standard queues)"
        ],
    ),
    (
        "both create and existing",
        service("worker", lambda s: s["queue"].update(existing="orders")),
        ["services.worker.queue: give create or existing (exactly one)"],
    ),
    (
        "dead-letter retention below retention",
        create(lambda c: c.update(deadLetterRetentionSeconds=86400)),
        [
            "services.worker.queue.create.deadLetterRetentionSeconds: 86400 is below"
            " retentionSeconds 345600: failed messages would expire early"
        ],
    ),
    (
        "unknown sender",
        service("worker", lambda s: s["queue"].update(senders=["billing"])),
        ["services.worker.queue.senders[0]: 'billing' is not a service of this stack"],
    ),
    (
        "kms without the stack key",
        lambda config: (
            config.update({"ecs-platform:logEncryption": False}),
            config["ecs-platform:services"]["worker"]["queue"]["create"].update(encryption="kms"),
        ),
        [
            "logEncryption: tier production encrypts log groups and exec sessions with its key",
            "services.worker.queue.create.encryption: kms uses the stack's key, which"
            " logEncryption: false turns off; use sqs-managed",
        ],
    ),
    (
        "platform variable set by hand",
        service("worker", lambda s: s["environment"].update(SQS_QUEUE_URL="https://x")),
        [
            "services.worker.environment.SQS_QUEUE_URL: is set by the platform from queue (its"
            " URL, ARN and name): remove it"
        ],
    ),
    (
        "existing queue in another region",
        service(
            "reports",
            lambda s: s["queue"].update(existing="arn:aws:sqs:us-east-1:123456789012:reports"),
        ),
        [
            "services.reports.queue.existing: the queue is in us-east-1, the stack in eu-west-1:"
            " its metrics (scaling, alarms) are not visible here"
        ],
    ),
    (
        "backlog scaling without a queue",
        service("reports", lambda s: s.pop("queue")),
        ["services.reports.scaling.backlogPerTask: needs a queue (services.<name>.queue)"],
    ),
    (
        "backlog scaling without Container Insights",
        lambda config: config["ecs-platform:cluster"].update(containerInsights="disabled"),
        [
            "cluster.containerInsights: tier production keeps Container Insights on (ECS.12)",
            "services.worker.scaling.backlogPerTask: divides by RunningTaskCount, which needs"
            " cluster.containerInsights",
            "services.reports.scaling.backlogPerTask: divides by RunningTaskCount, which needs"
            " cluster.containerInsights",
        ],
    ),
    (
        "visibility timeout over 12 hours",
        create(lambda c: c.update(visibilityTimeoutSeconds=43201)),
        [
            "services.worker.queue.create.visibilityTimeoutSeconds: Input should be less than or"
            " equal to 43200 (got 43201)"
        ],
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [pytest.param(ch, ex, id=case) for case, ch, ex in BAD]
)
def test_contradictions_are_refused_naming_file_and_key(change, expected) -> None:
    assert problems(change) == [f"{FILE}: {line}" for line in expected]


def test_the_old_queue_name_keeps_working_when_it_agrees() -> None:
    config = read_stack_config("queues", FIXTURES)
    worker = config["ecs-platform:services"]["worker"]
    worker["scaling"]["customMetric"]["queueName"] = "ecs-platform-queues-worker"
    synthesis = run_program("queues", stack_config=config)
    alarm = synthesis.one("aws:cloudwatch/metricAlarm:MetricAlarm", "worker-step-out")
    assert alarm.inputs["dimensions"] == {"QueueName": "ecs-platform-queues-worker"}


@pytest.mark.parametrize(
    ("processing", "stop", "declared", "expected"),
    [(60, 30, None, 90), (43_190, 30, None, 43_200), (60, 30, 600, 600)],
)
def test_visibility_timeout_is_derived_from_processing_and_stop_timeout(
    processing: int, stop: int, declared: int | None, expected: int
) -> None:
    create = QueueCreateSettings.model_validate(
        {"processingSeconds": processing, "visibilityTimeoutSeconds": declared}
    )
    assert visibility_timeout(create, stop) == expected
