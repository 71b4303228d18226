"""A Worker Service's `subscribe` (aws/copilot-cli internal/pkg/manifest/worker_svc.go) as the
queue this project creates for a worker (`queue.create`, settings/queue.py)."""

from __future__ import annotations

from typing import Any

from migrate.copilot.context import Context, fixed, to_key
from migrate.copilot.values import placeholder, whole_seconds

QUEUE_NOTE = (
    "a queue.create queue with its dead-letter queue; the worker reads its URL from SQS_QUEUE_URL"
    " (Copilot: COPILOT_QUEUE_URI): change the variable the code reads"
)


def subscribe(context: Context, value: Any, path: str) -> None:
    context.put("queue.create", context.get("queue.create") or {})
    context.each(value, path, {"queue": _queue, "topics": _topics})


def default_queue(context: Context) -> None:
    """Copilot gives every Worker Service a queue, declared or not (worker-service.en.md)."""
    context.put("queue.create", context.get("queue.create") or {})


def _queue(context: Context, value: Any, path: str) -> None:
    context.each(value, path, {
        "retention": to_key("queue.create.retentionSeconds", whole_seconds),
        "timeout": to_key("queue.create.visibilityTimeoutSeconds", whole_seconds),
        "dead_letter": lambda c, v, p: c.each(v, p, {
            "tries": to_key("queue.create.maxReceiveCount"),
        }),
        "fifo": _fifo,
        "delay": fixed("not mapped", "SQS delivery delay is not set here (0 s)"),
    })  # fmt: skip


def _fifo(context: Context, value: Any, path: str) -> None:
    context.put("queue.create.fifo", bool(value))
    context.mapped(path, "queue.create.fifo")
    if isinstance(value, dict):
        context.put("queue.create.fifo", True)
        for key, item in value.items():
            if key == "content_based_deduplication":
                context.put("queue.create.contentBasedDeduplication", bool(item))
                context.mapped(f"{path}.{key}", "queue.create.contentBasedDeduplication")
            else:
                context.not_mapped(
                    f"{path}.{key}", "high-throughput FIFO settings are not set here"
                )


def _topics(context: Context, value: Any, path: str) -> None:
    subscriptions = []
    for index, topic in enumerate(value or []):
        at = f"{path}[{index}]"
        topic = topic or {}
        name, service = topic.get("name"), topic.get("service")
        # copilot-cli templates/workloads/partials/cf/publish.yml: the topic is named
        # ${AWS::StackName}-<name>, the publisher's stack being <app>-<env>-<service>.
        copilot_name = f"{context.app}-<env>-{service}-{name}"
        subscriptions.append({"topicArn": placeholder(f"the ARN of topic {copilot_name}")})
        context.changed(
            at,
            f"queue.create.subscribe[{index}].topicArn: Copilot's topic"
            f" {copilot_name} belongs to {service}'s Copilot stack and is deleted"
            " with it; services here publish no topics: create the topic elsewhere"
            " and give its ARN (a placeholder is written)",
        )
        if "filter_policy" in topic:
            context.not_mapped(
                f"{at}.filter_policy", "SNS filter policies are not set here: filter in the worker"
            )
        if "queue" in topic:
            context.not_mapped(
                f"{at}.queue",
                "one queue per worker here: the topic delivers into the worker's queue",
            )
        for key in set(topic) - {"name", "service", "filter_policy", "queue"}:
            context.not_mapped(f"{at}.{key}", "unknown field: not written")
    context.put("queue.create.subscribe", subscriptions)
