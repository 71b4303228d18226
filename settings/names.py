"""Every physical name's AWS rule in one table, and how a name is fitted to it. Pure: the
settings check a stack's prefix with it, components/common/naming.py builds names with it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class NameRule:
    """The longest name AWS accepts for a kind of resource, and the characters it may hold."""

    limit: int
    allowed: str  # a regex the whole name must match
    meaning: str


_ALNUM_DASH = NameRule(32, r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?", "A-Z a-z 0-9 -")
_ECS = r"[A-Za-z0-9_-]+"

NAME_RULES: Final[dict[str, NameRule]] = {
    "alb": _ALNUM_DASH,
    "target-group": _ALNUM_DASH,
    "iam-role": NameRule(64, r"[A-Za-z0-9+=,.@_-]+", "A-Z a-z 0-9 + = , . @ _ -"),
    "iam-policy": NameRule(128, r"[A-Za-z0-9+=,.@_-]+", "A-Z a-z 0-9 + = , . @ _ -"),
    "instance-profile": NameRule(128, r"[A-Za-z0-9+=,.@_-]+", "A-Z a-z 0-9 + = , . @ _ -"),
    "s3-bucket": NameRule(63, r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", "3-63 of a-z 0-9 . -"),
    "ecr-repository": NameRule(
        256,
        r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*",
        "a-z 0-9 with single . _ - / between",
    ),
    "cluster": NameRule(255, _ECS, "A-Z a-z 0-9 _ -"),
    "ecs-service": NameRule(255, _ECS, "A-Z a-z 0-9 _ -"),
    "task-family": NameRule(255, _ECS, "A-Z a-z 0-9 _ -"),
    "capacity-provider": NameRule(255, _ECS, "A-Z a-z 0-9 _ -"),
    # SQS: 1-80 of A-Za-z0-9_-; a FIFO queue's name ends in .fifo within the 80
    # (terraform-provider-aws internal/service/sqs/queue.go, resourceQueueCustomizeDiff).
    "sqs-queue": NameRule(80, r"[A-Za-z0-9_-]+", "A-Z a-z 0-9 _ -"),
    "sqs-fifo-queue": NameRule(75, r"[A-Za-z0-9_-]+", "A-Z a-z 0-9 _ - (then .fifo)"),
    "sns-topic": NameRule(256, r"[A-Za-z0-9_-]+", "A-Z a-z 0-9 _ -"),
    "dashboard": NameRule(255, r"[A-Za-z0-9_-]+", "A-Z a-z 0-9 _ -"),
    "log-group": NameRule(512, r"[A-Za-z0-9_./#-]+", "A-Z a-z 0-9 _ . / # -"),
    "security-group": NameRule(255, r"[A-Za-z0-9 ._:/()#,@\[\]+=&;{}!$*-]+", "ASCII"),
    "launch-template": NameRule(125, r"[A-Za-z0-9()./_-]{3,}", "A-Z a-z 0-9 ( ) . / _ -"),
    "autoscaling-group": NameRule(255, r"[ -~]+", "printable ASCII"),
    "alarm": NameRule(255, r"[ -~]+", "printable ASCII"),
    "scaling-policy": NameRule(256, r"[ -~]+", "printable ASCII"),
    "scheduled-action": NameRule(256, r"[ -~]+", "printable ASCII"),
    "web-acl": NameRule(128, r"[A-Za-z0-9_-]+", "A-Z a-z 0-9 _ -"),
    # `alias/` plus the name: 256 in all, so 250 for what follows it
    "kms-alias": NameRule(250, r"[A-Za-z0-9/_-]+", "A-Z a-z 0-9 / _ -"),
    # terraform-provider-aws internal/service/sfn/validate.go validStateMachineName (80,
    # ^[a-zA-Z0-9-_]+$) and internal/service/scheduler/schedule.go name (1-64, ^[0-9A-Za-z_.-]+$)
    "state-machine": NameRule(80, r"[A-Za-z0-9_-]+", "A-Z a-z 0-9 _ -"),
    "schedule": NameRule(64, r"[A-Za-z0-9_.-]+", "A-Z a-z 0-9 _ . -"),
}

# A stack's prefix goes into every kind above; S3, ECR and ALB together allow only this.
PREFIX_PATTERN: Final = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
HASH_LENGTH: Final = 7


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:HASH_LENGTH]


def fit(kind: str, prefix: str, *parts: str, separator: str = "-") -> str:
    """`prefix-parts` when it fits `kind`'s limit (byte-for-byte). Otherwise the prefix is cut and
    followed by a hash of the full name, so the readable parts (service, pool) survive whole; only
    when the parts alone are too long is the end cut instead."""
    limit = NAME_RULES[kind].limit
    tail = "-".join(parts)
    full = separator.join([prefix, tail]) if parts else prefix
    if len(full) <= limit:
        return full
    digest = short_hash(full)
    room = limit - len(tail) - len(digest) - 1 - len(separator)
    if parts and room >= 1:
        return f"{prefix[:room].rstrip('-')}-{digest}{separator}{tail}"
    return f"{full[: limit - len(digest) - 1].rstrip('-/')}-{digest}"


def state_machine_name(prefix: str, job: str) -> str:
    """A job's state machine: the program names it so (components/job) and the day-2 commands
    find it so (settings.platform.PlatformSettings.job_state_machine_name)."""
    return fit("state-machine", prefix, job)


def schedule_name(prefix: str, job: str) -> str:
    """A job's EventBridge Scheduler schedule (in the `default` group)."""
    return fit("schedule", prefix, job)


def prefix_problem(prefix: str) -> str | None:
    """Why `project-stack` cannot start physical names, or None."""
    if PREFIX_PATTERN.fullmatch(prefix):
        return None
    return (
        f"{prefix!r} cannot start physical names: S3 buckets, ECR repositories and load balancers"
        " accept only lowercase letters and digits with single - between (no uppercase, _ or .)"
    )


def name_problem(kind: str, name: str) -> str | None:
    """Why `name` is not a valid `kind` name, or None."""
    rule = NAME_RULES[kind]
    if len(name) > rule.limit:
        return f"{kind} name {name!r} has {len(name)} characters (at most {rule.limit})"
    if not re.fullmatch(rule.allowed, name):
        return f"{kind} name {name!r} may hold only {rule.meaning}"
    return None
