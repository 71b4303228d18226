"""What a rule reports: a problem at a key path. Shared limits of the production tier."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

PRODUCTION_MIN_AZS = 2
PRODUCTION_MIN_LOG_RETENTION_DAYS = 365


@dataclass(frozen=True)
class Problem:
    path: str
    message: str


def join_path(parts: Sequence[Any]) -> str:
    """("network", "availabilityZones", 1) -> "network.availabilityZones[1]"."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def production_retention(path: str, days: int) -> Iterable[Problem]:
    """A production tier keeps every log group at least a year (CloudWatch.16)."""
    if days < PRODUCTION_MIN_LOG_RETENTION_DAYS:
        yield Problem(
            path,
            f"tier production keeps logs at least {PRODUCTION_MIN_LOG_RETENTION_DAYS} days"
            f" (got {days})",
        )
