"""One rule for names and tags, so every resource of a stack is found by the same prefix."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from settings.names import fit


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

    def physical(self, kind: str, *parts: str) -> str:
        """`name(*parts)` fitted to the AWS name rule of `kind` (settings.names.NAME_RULES)."""
        return fit(kind, self.prefix, *parts)

    def bucket(self, part: str, account_id: str, region: str) -> str:
        """An S3 bucket name: bucket names are global across all AWS accounts, so the account
        and region go in (`<prefix>-<part>-<account>-<region>`, at most 63 characters)."""
        return fit("s3-bucket", self.prefix, part, account_id, region)

    def repository(self, name: str) -> str:
        """An ECR repository of this stack: `<prefix>/<name>`."""
        return fit("ecr-repository", self.prefix, name, separator="/")

    def log_group(self, *parts: str) -> str:
        return "/" + "/".join([self.project, self.stack, *parts])

    def tags(self, *parts: str) -> dict[str, str]:
        """The stack's tags plus a Name tag for the resource called `parts`."""
        return {**self.base_tags, "Name": self.name(*parts)}
