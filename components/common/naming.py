"""One rule for names and tags, so every resource of a stack is found by the same prefix."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Naming:
    """Physical names (`<project>-<stack>-<parts>`), log group paths and tags for one stack."""

    project: str
    stack: str
    base_tags: Mapping[str, str] = field(default_factory=dict)

    @property
    def prefix(self) -> str:
        return f"{self.project}-{self.stack}"

    def name(self, *parts: str) -> str:
        return "-".join([self.prefix, *parts])

    def short(self, *parts: str, limit: int) -> str:
        """`name(*parts)` within `limit` characters: cut, plus a hash so it stays unique."""
        full = self.name(*parts)
        if len(full) <= limit:
            return full
        digest = hashlib.sha256(full.encode()).hexdigest()[:7]
        return f"{full[: limit - 8].rstrip('-')}-{digest}"

    def log_group(self, *parts: str) -> str:
        return "/" + "/".join([self.project, self.stack, *parts])

    def tags(self, *parts: str) -> dict[str, str]:
        """The stack's tags plus a Name tag for the resource called `parts`."""
        return {**self.base_tags, "Name": self.name(*parts)}
