"""The ledger: one entry per Copilot manifest field, with what became of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["mapped", "changed", "not mapped"]
STATUSES: tuple[Status, ...] = ("mapped", "changed", "not mapped")
REPORT = "MIGRATION.md"


@dataclass(frozen=True)
class Entry:
    """`file` (relative to the workspace, like copilot/api/manifest.yml), the field's `path`
    as written there (like http.healthcheck.path), its `status`, and `note`: where it went,
    or why it changed, or why it is not mapped and what to do instead."""

    file: str
    path: str
    status: Status
    note: str


@dataclass
class Ledger:
    """Every entry of one import, in the order found, and the placeholders written."""

    entries: list[Entry] = field(default_factory=list)
    placeholders: list[tuple[str, str, str]] = field(default_factory=list)  # file, key, what

    def add(self, file: str, path: str, status: Status, note: str) -> None:
        self.entries.append(Entry(file, path, status, note))

    def placeholder(self, file: str, key: str, what: str) -> None:
        """Record a marked placeholder written at `key` of output file `file`."""
        if (file, key, what) not in self.placeholders:
            self.placeholders.append((file, key, what))

    def counts(self) -> dict[Status, int]:
        return {status: sum(e.status == status for e in self.entries) for status in STATUSES}

    def summary(self) -> str:
        """The one line the command prints, e.g. `mapped 41, changed 6, not mapped 3: see
        MIGRATION.md`."""
        counts = self.counts()
        figures = ", ".join(f"{status} {counts[status]}" for status in STATUSES)
        return f"{figures}: see {REPORT}"
