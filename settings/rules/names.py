"""The stack's name prefix must be valid in every kind of physical name (settings.names)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from settings.names import prefix_problem
from settings.rules.problem import Problem

if TYPE_CHECKING:
    from settings.platform import PlatformSettings


def stack_prefix(settings: PlatformSettings) -> Iterable[Problem]:
    problem = prefix_problem(f"{settings.project}-{settings.stack}")
    if problem is not None:
        yield Problem("(stack name)", f"stack {settings.stack!r}: {problem}")


RULES = (stack_prefix,)
