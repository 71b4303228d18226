"""A Worker Service's `subscribe` (aws/copilot-cli internal/pkg/manifest/worker_svc.go) as the
queue this project creates for a worker (`queue.create`, settings/queue.py)."""

from __future__ import annotations

from typing import Any

from migrate.copilot.context import Context, fixed, seconds_to, to_key
from migrate.copilot.values import not_a_duration, placeholder, whole_seconds
from migrate.copilot.values import seconds as exact_seconds
from settings.queue import QueueCreateSettings
from settings.service import ServiceSettings

DEFAULT_PROCESSING_SECONDS = QueueCreateSettings.model_fields["processing_seconds"].default
DEFAULT_STOP_TIMEOUT_SECONDS = ServiceSettings.model_fields["stop_timeout_seconds"].default

QUEUE_NOTE = (
    "a queue.create queue with its dead-letter queue; the worker reads its URL from SQS_QUEUE_URL"
    " (Copilot: COPILOT_QUEUE_URI): change the variable the code reads"
)


def subscribe(context: Context, value: Any, path: str) -> None:
    """`subscribe` (queue, topics) as `queue.create`."""
    context.put("queue.create", context.get("queue.create") or {})
    queue = value.get("queue") if isinstance(value, dict) else None
    fifo = isinstance(queue, dict) and bool(queue.get("fifo"))
    context.each(value, path, {"queue": _queue, "topics": lambda c, v, p: _topics(c, v, p, fifo)})
    topics = value.get("topics") if isinstance(value, dict) else None
    topics = topics if isinstance(topics, list) else []
    if any(isinstance(t, dict) and str(t.get("name")).endswith(".fifo") for t in topics):
        # internal/pkg/manifest/worker_svc.go setSubscriptionQueueDefaults: a topic named
        # *.fifo makes the worker's queue FIFO
        context.put("queue.create.fifo", True)


def default_queue(context: Context) -> None:
    """Copilot gives every Worker Service a queue, declared or not (worker-service.en.md)."""
    context.put("queue.create", context.get("queue.create") or {})


def _queue(context: Context, value: Any, path: str) -> None:
    context.each(value, path, {
        "retention": seconds_to("queue.create.retentionSeconds"),
        "timeout": _visibility,
        "dead_letter": lambda c, v, p: c.each(v, p, {
            "tries": to_key("queue.create.maxReceiveCount"),
        }),
        "fifo": _fifo,
        "delay": fixed("not mapped", "SQS delivery delay is not set here (0 s)"),
    })  # fmt: skip


def _visibility(context: Context, value: Any, path: str) -> None:
    """Copilot's `timeout` is the visibility timeout. Here it must cover a message's processing
    (queue.create.processingSeconds, default 60) and the stop timeout (stopTimeoutSeconds,
    default 30; settings/rules/queues.py): a shorter one lowers both, said."""
    seconds = whole_seconds(value)
    if seconds is None:
        context.not_mapped(path, not_a_duration(value, "queue.create.visibilityTimeoutSeconds"))
        return
    context.put("queue.create.visibilityTimeoutSeconds", seconds)
    lowered = [] if seconds == exact_seconds(value) else [f"{value} rounded up to whole seconds"]
    if seconds < DEFAULT_PROCESSING_SECONDS:
        context.put("queue.create.processingSeconds", seconds)
        lowered.append(f"queue.create.processingSeconds {seconds}")
    if seconds < DEFAULT_STOP_TIMEOUT_SECONDS:
        context.put("stopTimeoutSeconds", max(seconds, 2))
        lowered.append(f"stopTimeoutSeconds {max(seconds, 2)}")
    if lowered:
        context.changed(
            path,
            f"queue.create.visibilityTimeoutSeconds {seconds}, and {' and '.join(lowered)}"
            ": a message must be done (and a stopping task too) within it",
        )
    else:
        context.mapped(path, "queue.create.visibilityTimeoutSeconds")


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


def _fifo_topic(topic: dict[str, Any], fifo_queue: bool, named_fifo: bool) -> bool:
    """Whether Copilot subscribes `topic` as a FIFO topic (internal/pkg/manifest/worker_svc.go):
    when some topic is named *.fifo (`setSubscriptionQueueDefaults`), exactly those, the others
    getting a standard queue of their own; else (`Subscriptions`) every topic without a queue
    of its own when the worker's queue is FIFO, and a topic whose own queue is FIFO."""
    own = topic.get("queue")
    if named_fifo:
        return str(topic.get("name", "")).endswith(".fifo")
    if not own:
        return fifo_queue
    return isinstance(own, dict) and bool(own.get("fifo"))


def _topics(context: Context, value: Any, path: str, fifo_queue: bool = False) -> None:
    subscriptions = []
    if not isinstance(value, list):
        context.not_mapped(path, f"expected a list of topics, got {value!r}: not written")
        return
    named_fifo = any(isinstance(t, dict) and str(t.get("name")).endswith(".fifo") for t in value)
    for index, topic in enumerate(value):
        at = f"{path}[{index}]"
        if not isinstance(topic, dict):
            context.not_mapped(at, f"expected a topic (name, service), got {topic!r}: not written")
            continue
        name, service = str(topic.get("name")).removesuffix(".fifo"), topic.get("service")
        # copilot-cli templates/workloads/partials/cf/publish.yml: the topic is named
        # ${AWS::StackName}-<name>, the publisher's stack being <app>-<env>-<service>; a FIFO
        # topic's name ends in .fifo (internal/pkg/manifest/workload.go, publish topics).
        suffix = ".fifo" if _fifo_topic(topic, fifo_queue, named_fifo) else ""
        copilot_name = f"{context.app}-<env>-{service}-{name}{suffix}"
        if bool(suffix) != (named_fifo or fifo_queue):
            # settings/rules/queues.py: SNS FIFO topics deliver to FIFO queues, standard
            # topics to standard queues; this worker has one queue.
            kind, other = ("FIFO", "standard") if suffix else ("standard", "FIFO")
            context.not_mapped(at, f"Copilot delivered the {kind} topic {copilot_name} into a"
                               f" {kind} queue of its own; this worker's one queue is {other},"
                               " which that topic cannot deliver to: declare another worker"
                               f" (services/<name>.yaml) with a {kind} queue subscribed to it"
                               " (not written)")  # fmt: skip
            _topic_extras(context, topic, at)
            continue
        subscriptions.append(
            {"topicArn": placeholder(f"the ARN of the topic replacing {copilot_name}")}
        )
        fifo_note = ""
        if named_fifo and suffix and not fifo_queue:
            fifo_note = "; a FIFO topic delivers to a FIFO queue: queue.create.fifo true"
        context.changed(
            at,
            f"queue.create.subscribe[{len(subscriptions) - 1}].topicArn: Copilot's topic"
            f" {copilot_name} belongs to {service}'s Copilot stack and is deleted"
            " with it; services here publish no topics: create the topic elsewhere"
            " and give its ARN (a placeholder is written; Copilot had one topic per"
            " environment: write the ARN with ${stack} and ${region}, or per stack under"
            f" environments.<stack>){fifo_note}",
        )
        _topic_extras(context, topic, at)
    context.put("queue.create.subscribe", subscriptions)


def _topic_extras(context: Context, topic: dict[str, Any], at: str) -> None:
    """A subscription's fields besides its topic's name and service."""
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
