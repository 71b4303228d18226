"""The plan's view of queues: each SQS queue the stack creates or its roles reach, with its
dead-letter queue and who may receive from it and send to it (roles by their inline policies,
SNS topics by the queue policy)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from harness.records import Synthesis

QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
RECEIVE, SEND = "sqs:ReceiveMessage", "sqs:SendMessage"


def _statements(document: Any) -> list[Mapping[str, Any]]:
    parsed = json.loads(document) if isinstance(document, str) else document
    if not isinstance(parsed, Mapping):
        return []
    return [s for s in parsed.get("Statement") or [] if isinstance(s, Mapping)]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _entry(queues: dict[str, dict[str, Any]], arn: str) -> dict[str, Any]:
    name = arn.rsplit(":", 1)[-1]
    return queues.setdefault(arn, {"queue": name, "created": False, "receivers": [], "senders": []})


def queue_access(synthesis: Synthesis) -> list[dict[str, Any]]:
    queues: dict[str, dict[str, Any]] = {}
    dead_letters: set[str] = set()
    for queue in synthesis.of_type(QUEUE):
        entry = _entry(queues, str(queue.outputs.get("arn")))
        entry["created"] = True
        redrive = queue.inputs.get("redrivePolicy")
        if redrive:
            policy = json.loads(redrive)
            target = str(policy.get("deadLetterTargetArn"))
            dead_letters.add(target)
            entry["deadLetterQueue"] = target.rsplit(":", 1)[-1]
            entry["maxReceiveCount"] = policy.get("maxReceiveCount")
    urls = {str(q.outputs.get("url")): str(q.outputs.get("arn")) for q in synthesis.of_type(QUEUE)}
    for policy in synthesis.of_type(QUEUE_POLICY):
        arn = urls.get(str(policy.inputs.get("queueUrl")))
        for statement in _statements(policy.inputs.get("policy")):
            if arn is None or statement.get("Effect") != "Allow":
                continue
            if SEND in _as_list(statement.get("Action")):
                sources = (statement.get("Condition") or {}).get("ArnEquals") or {}
                for topic in _as_list(sources.get("aws:SourceArn") or []):
                    _entry(queues, arn)["senders"].append(f"sns {topic}")
    for role_policy in synthesis.of_type(ROLE_POLICY):
        role = str(role_policy.inputs.get("role"))
        for statement in _statements(role_policy.inputs.get("policy")):
            actions = _as_list(statement.get("Action"))
            for arn in _as_list(statement.get("Resource") or []):
                if statement.get("Effect") != "Allow" or ":sqs:" not in str(arn):
                    continue
                if RECEIVE in actions:
                    _entry(queues, str(arn))["receivers"].append(f"role {role}")
                if SEND in actions:
                    _entry(queues, str(arn))["senders"].append(f"role {role}")
    return [
        {**entry, "receivers": sorted(entry["receivers"]), "senders": sorted(entry["senders"])}
        for arn, entry in sorted(queues.items(), key=lambda item: item[1]["queue"])
        if arn not in dead_letters
    ]


def render_queues(queues: list[dict[str, Any]]) -> list[str]:
    """Text lines of the plan's queue section (none without queues)."""
    if not queues:
        return []
    lines = ["Queues (who may receive and send):"]
    for entry in queues:
        origin = "created" if entry["created"] else "existing"
        dead_letter = (
            f", dead-letter {entry['deadLetterQueue']} after {entry['maxReceiveCount']} receives"
            if entry.get("deadLetterQueue")
            else ""
        )
        lines.append(f"  {entry['queue']} ({origin}{dead_letter})")
        lines.append(f"      receive: {', '.join(entry['receivers']) or 'nobody in this stack'}")
        lines.append(f"      send: {', '.join(entry['senders']) or 'nobody in this stack'}")
    lines.append("")
    return lines
