"""`svc logs`: a service's log events from its log group, one FilterLogEvents call per page
(not one GetLogEvents per stream, which throttles on big groups: DescribeLogStreams allows 5
requests per second, CloudWatch Logs quotas), and `--follow` through Live Tail.

Streams are `<container>/<container>/<task id>` (ops.stack.ServiceNames.stream_prefix), so
`--task` names one stream (`logStreamNames`) and `--container` alone a `logStreamNamePrefix`
(AWS refuses both in one request). FilterLogEvents returns events
sorted by time within each page and across pages (CloudWatch Logs API reference).

Live Tail (StartLiveTail) streams only events that arrive after it starts, for at most 3 hours
per session, and is billed per minute (API reference; "CloudWatch Logs Live Tail"). When it is
refused (AccessDenied, an SDK or endpoint without it) or its session ends, `follow` polls
FilterLogEvents instead, from the last event seen.
"""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

POLL_SECONDS = 2.0
SINCE = re.compile(r"^(\d+)([smhdw])$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
Event = dict[str, Any]


@dataclass(frozen=True)
class Query:
    log_group: str
    start_ms: int | None = None
    end_ms: int | None = None
    pattern: str | None = None
    stream_prefix: str | None = None
    stream_name: str | None = None  # one whole stream (a task's container), not a prefix


def since_ms(text: str, now: datetime.datetime) -> int:
    """`90s`, `15m`, `1h`, `2d`, `1w` before `now`, in epoch milliseconds (ValueError otherwise)."""
    found = SINCE.match(text.strip())
    if not found:
        raise ValueError(f"--since {text!r}: give a number and s, m, h, d or w (like 1h)")
    seconds = int(found.group(1)) * UNIT_SECONDS[found.group(2)]
    return int((now - datetime.timedelta(seconds=seconds)).timestamp() * 1000)


def time_ms(text: str) -> int:
    """An ISO 8601 time (`2026-12-01T10:00:00Z`; no zone means UTC) in epoch milliseconds."""
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return int(moment.timestamp() * 1000)


def _request(query: Query) -> dict[str, Any]:
    # `interleaved` is ignored by AWS since 2019-06-17, which always interleaves the streams
    # (FilterLogEvents API reference); the emulator still wants it to merge them by time.
    request: dict[str, Any] = {"logGroupName": query.log_group, "interleaved": True}
    if query.start_ms is not None:
        request["startTime"] = query.start_ms
    if query.end_ms is not None:
        request["endTime"] = query.end_ms
    if query.pattern:
        request["filterPattern"] = query.pattern  # passed through untouched
    if query.stream_name:
        request["logStreamNames"] = [query.stream_name]
    elif query.stream_prefix:
        request["logStreamNamePrefix"] = query.stream_prefix
    return request


def events(logs: Any, query: Query, limit: int | None = None) -> Iterator[Event]:
    """The matching events in time order, one FilterLogEvents call per page."""
    request = _request(query)
    sent = 0
    while True:
        page = logs.filter_log_events(**request)
        for event in page.get("events") or []:
            yield {
                "timestamp": event["timestamp"],
                "stream": event.get("logStreamName"),
                "message": event.get("message", "").rstrip("\n"),
                "id": event.get("eventId"),
            }
            sent += 1
            if limit is not None and sent >= limit:
                return
        token = page.get("nextToken")
        if not token or token == request.get("nextToken"):
            return
        request["nextToken"] = token


def group_arn(logs: Any, log_group: str) -> str:
    """The log group's ARN without the `:*` suffix DescribeLogGroups adds (Live Tail wants it
    bare), or LookupError when the group does not exist."""
    found = logs.describe_log_groups(logGroupNamePrefix=log_group).get("logGroups") or []
    for group in found:
        if group.get("logGroupName") == log_group:
            return str(group["arn"]).removesuffix(":*")
    raise LookupError(f"log group {log_group} does not exist (not deployed yet?)")


def live_tail(logs: Any, query: Query, arn: str) -> Iterator[Event]:
    """Events from one Live Tail session, as they arrive."""
    request: dict[str, Any] = {"logGroupIdentifiers": [arn]}
    if query.stream_name:
        request["logStreamNames"] = [query.stream_name]
    elif query.stream_prefix:
        request["logStreamNamePrefixes"] = [query.stream_prefix]
    if query.pattern:
        request["logEventFilterPattern"] = query.pattern
    response = logs.start_live_tail(**request)
    for item in response["responseStream"]:
        for event in (item.get("sessionUpdate") or {}).get("sessionResults") or []:
            yield {
                "timestamp": event["timestamp"],
                "stream": event.get("logStreamName"),
                "message": str(event.get("message", "")).rstrip("\n"),
                "id": None,
            }


def follow(
    logs: Any,
    query: Query,
    emit: Callable[[Event], None],
    note: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Print the query's events, then new ones as they arrive, until interrupted (Ctrl-C)."""
    last = query.start_ms or 0
    seen: set[str] = set()

    def show(event: Event) -> None:
        nonlocal last
        # Live Tail gives no event ids: the same event is known by its time, stream and text
        key = f"{event['timestamp']}/{event['stream']}/{event['message']}"
        if key in seen:
            return
        seen.add(key)
        last = max(last, event["timestamp"])
        emit(event)

    for event in events(logs, query):
        show(event)
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        for event in live_tail(logs, query, group_arn(logs, query.log_group)):
            show(event)
        note("Live Tail session ended; polling FilterLogEvents")
    except (ClientError, BotoCoreError, AttributeError) as error:
        note(f"Live Tail unavailable ({error}); polling FilterLogEvents")
    while True:
        sleep(POLL_SECONDS)
        newer = Query(
            query.log_group, last, None, query.pattern, query.stream_prefix, query.stream_name
        )
        for event in events(logs, newer):
            show(event)


def json_line(event: Event) -> str:
    """One event as a JSON line (`--json`): timestamp (ms), time (ISO 8601), stream, message."""
    import json

    moment = datetime.datetime.fromtimestamp(event["timestamp"] / 1000, datetime.UTC)
    return json.dumps(
        {
            "timestamp": event["timestamp"],
            "time": moment.isoformat().replace("+00:00", "Z"),
            "stream": event["stream"],
            "message": event["message"],
        }
    )
