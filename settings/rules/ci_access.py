"""Rules across `ciAccess` keys."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.rules.problem import Problem

if TYPE_CHECKING:
    from settings.platform import PlatformSettings


def immutable_ids_together(settings: PlatformSettings) -> Iterable[Problem]:
    ci = settings.ci_access
    if ci is None or (ci.owner_id is None) == (ci.repository_id is None):
        return
    missing = "repositoryId" if ci.repository_id is None else "ownerId"
    yield Problem(
        f"ciAccess.{missing}",
        "ownerId and repositoryId go together (the immutable-id subject needs both)",
    )


RULES = (immutable_ids_together,)
