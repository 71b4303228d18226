"""What a rule reports: a problem at a key path. Shared limits of the production tier."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

PRODUCTION_MIN_AZS = 2
PRODUCTION_MIN_LOG_RETENTION_DAYS = 365


@dataclass(frozen=True)
class Problem:
    """A problem at `path` (a key path as the user wrote it) of `file`: None for the running
    stack file, else the file it is in (a workload file like `services/api.yaml`, or another
    stack's file in a check across stacks). An empty path is about the whole file."""

    path: str
    message: str
    file: str | None = None

    def line(self, stack_file: str) -> str:
        """`<file>: <path>: <message>` (the running stack file when `file` is None)."""
        where = self.file or stack_file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


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
